"""``openstack upgrade ...``: octane's commands inside python-openstackclient.

The real ``openstack`` console script loads the plugin through its entry points
(``openstack.cli.extension`` and ``openstack.upgrade.v1`` in setup.cfg) and runs octane's
own command classes; against the twin they must give exactly what ``octane`` gives, without
OSC demanding Keystone credentials first, with octane's one-line errors and its log file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from octane.twin.testing import RunningTwin, running_twin

BIN = Path(sys.executable).parent
OPENSTACK, OCTANE = BIN / "openstack", BIN / "octane"


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningTwin]:
    with running_twin("focal-ussuri", data_dir=tmp_path_factory.mktemp("twin")) as running:
        yield running


def _run(twin: RunningTwin, data: Path, *argv: str | Path) -> subprocess.CompletedProcess[str]:
    env = twin.env({k: v for k, v in os.environ.items() if not k.startswith("OS_")})
    env["OCTANE_DATA"] = str(data)
    return subprocess.run([str(a) for a in argv], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_the_plan_is_octanes_plan_and_needs_no_keystone_token(cloud: RunningTwin,
                                                              tmp_path: Path) -> None:
    model = cloud.model_name("openstack")
    via_osc = _run(cloud, tmp_path / "osc", OPENSTACK, "upgrade", "plan", "--model", model,
                   "-f", "json")
    assert via_osc.returncode == 0, via_osc.stderr
    direct = _run(cloud, tmp_path / "octane", OCTANE, "plan", "--model", model, "-f", "json")
    assert direct.returncode == 0, direct.stderr
    plan = json.loads(via_osc.stdout)
    assert plan == json.loads(direct.stdout)
    assert (plan["meta"]["from"], plan["meta"]["to"]) == ("ussuri", "victoria")
    # the run has octane's own log file, in octane's data dir, as under `octane`
    logs = list((tmp_path / "osc" / "log").glob("octane-*.log"))
    assert len(logs) == 1 and "connected to model" in logs[0].read_text()


def test_listers_use_osc_formatters(cloud: RunningTwin, tmp_path: Path) -> None:
    model = cloud.model_name("openstack")
    via_osc = _run(cloud, tmp_path, OPENSTACK, "upgrade", "analyze", "--model", model,
                   "-f", "json")
    assert via_osc.returncode == 0, via_osc.stderr
    direct = _run(cloud, tmp_path, OCTANE, "analyze", "--model", model, "-f", "json")
    rows = json.loads(via_osc.stdout)
    assert rows == json.loads(direct.stdout)
    keystone = next(r for r in rows if r["Application"] == "keystone")
    assert keystone["Release"] == "ussuri"


def test_operator_errors_keep_octanes_contract(cloud: RunningTwin, tmp_path: Path) -> None:
    unknown = _run(cloud, tmp_path, OPENSTACK, "upgrade", "plan", "--model",
                   f"{cloud.controller_name}:admin/no-such-model")
    assert unknown.returncode == 1
    assert unknown.stderr.startswith("octane: error: ") and unknown.stderr.count("\n") == 1
    assert "Traceback" not in unknown.stderr and unknown.stdout == ""
    usage = _run(cloud, tmp_path, OPENSTACK, "upgrade", "plan", "--machine", "0", "--az", "az1")
    assert usage.returncode == 2, usage.stderr
    assert "Traceback" not in usage.stderr


def test_every_octane_command_is_reachable(cloud: RunningTwin, tmp_path: Path) -> None:
    listed = _run(cloud, tmp_path, OPENSTACK, "command", "list", "--group", "upgrade",
                  "-f", "json")
    assert listed.returncode == 0, listed.stderr
    commands = {c for group in json.loads(listed.stdout) for c in group["Commands"]}
    assert {"upgrade plan", "upgrade run", "upgrade analyze", "upgrade status", "upgrade db",
            "upgrade ceph", "upgrade db copy", "upgrade twin up", "upgrade version"} <= commands
    helped = _run(cloud, tmp_path, OPENSTACK, "upgrade", "run", "--help")
    assert helped.returncode == 0 and "--auto-approve" in helped.stdout
