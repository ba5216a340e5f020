"""``octane plan`` / ``octane analyze`` end to end on snapshot sessions: output formats,
warnings on stderr, and the error contract (one line, exit 1 or 2, never a traceback)."""

from __future__ import annotations

import gc
import json
from typing import Any

import pytest
import yaml

import octane.commands.plan as plan_command
from octane.cli import main
from octane.cloud.model import Cloud
from octane.commands.base import gc_paused
from octane.plan import builder
from tests.golden.scenarios import (
    AWKWARD_VMS,
    CloudBuilder,
    awkward,
    control_plane_done,
    focal_ussuri,
)
from tests.golden.session import SnapshotSession, opener


@pytest.fixture
def sessions(monkeypatch: pytest.MonkeyPatch) -> dict[str | None, SnapshotSession]:
    for name in ("OS_CLOUD", "OS_AUTH_URL"):
        monkeypatch.delenv(name, raising=False)
    bionic = CloudBuilder("old", "bionic", "queens")
    bionic.app("keystone", machines=[bionic.machine()], channel="queens/stable",
               versions=["13.0.0"])
    table: dict[str | None, SnapshotSession] = {
        None: SnapshotSession(focal_ussuri()),
        "awkward": SnapshotSession(awkward(), instance_counts=AWKWARD_VMS),
        "old": SnapshotSession(bionic.build()),
        "half": SnapshotSession(control_plane_done("focal", "ussuri", "victoria")),
    }
    monkeypatch.setattr(plan_command, "open_model", opener(table))
    return table


def test_text_plan_on_stdout(sessions: dict[str | None, SnapshotSession],
                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Upgrade cloud from 'ussuri' to 'victoria'\n")
    assert "  Control Plane principal(s) upgrade plan\n" in out
    assert sessions[None].closed


def test_json_and_yaml_carry_the_same_plan(sessions: dict[str | None, SnapshotSession],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--model", "awkward", "-f", "json"]) == 0
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert doc["format"] == "octane-plan/1" and doc["meta"]["to"] == "xena"
    assert "octane: warning: non-empty hypervisors" in captured.err
    assert main(["plan", "--model", "awkward", "-f", "yaml"]) == 0
    assert yaml.safe_load(capsys.readouterr().out) == doc


def test_quiet_suppresses_warnings(sessions: dict[str | None, SnapshotSession],
                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-q", "plan", "--model", "awkward"]) == 0
    assert "warning" not in capsys.readouterr().err


def test_plan_runs_only_read_only_probes(sessions: dict[str | None, SnapshotSession],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--model", "awkward", "--force"]) == 0
    assert {c[0] for c in sessions["awkward"].calls} <= {
        "instance-count", "ceph versions", "ceph osd dump --format json"}


@pytest.mark.parametrize(("argv", "code", "text"), [
    (["plan", "--model", "nope"], 1, "model 'nope' not found"),
    (["plan", "hypervisors", "--model", "half", "-m", "3", "-m", "4,42"], 1, "42 not found"),
    (["plan", "hypervisors", "--model", "half", "--az", "az9"], 1, "az9 have no hypervisor"),
    (["plan", "hypervisors", "--machine", "3", "--az", "az1"], 2, "cannot be used together"),
    (["plan", "--purge", "--purge-before-date", "yesterday"], 2, "not a date"),
    (["plan", "--archive-batch-size", "0"], 2, "positive"),
    (["plan", "--archive-batch-size", "many"], 2, "positive integer"),
    (["plan", "everything"], 2, "unknown upgrade group"),
    (["plan", "--model", "old"], 1, "'bionic' is not an Ubuntu LTS series"),
    (["plan", "data-plane"], 1, "control plane is still on ussuri"),
    (["analyze", "--model", "nope"], 1, "not found"),
])
def test_bad_input_is_one_line_and_an_exit_status(
        sessions: dict[str | None, SnapshotSession], capsys: pytest.CaptureFixture[str],
        argv: list[str], code: int, text: str) -> None:
    assert main(argv) == code
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("octane: error: ") and text in err[0]
    assert "Traceback" not in err[0]


def test_hypervisors_plan_with_repeated_comma_separated_machines(
        sessions: dict[str | None, SnapshotSession], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "hypervisors", "--model", "half", "-m", "3", "-m", "5, 4"]) == 0
    out = capsys.readouterr().out
    assert "Upgrade plan for 'az1' to 'victoria'" in out and "'az3'" in out
    assert sessions["half"].calls[0] == ("instance-count", (
        "nova-compute/0", "nova-compute/1", "nova-compute/2"))


def test_skip_apps_does_not_swallow_the_group(sessions: dict[str | None, SnapshotSession],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["plan", "--model", "half", "--skip-apps", "vault,keystone", "--skip-apps",
            "glance", "data-plane", "-f", "json"]
    assert main(argv) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["meta"]["group"] == "data-plane"
    assert doc["meta"]["options"]["skip_apps"] == ["glance", "keystone", "vault"]


def test_analyze_lists_known_and_unknown(sessions: dict[str | None, SnapshotSession],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", "--model", "awkward", "-f", "json"]) == 0
    captured = capsys.readouterr()
    rows = {r["Application"]: r for r in json.loads(captured.out)}
    assert rows["memcached"]["Kind"] == "unknown"
    assert rows["cinder"]["Group"] == "data-plane" and rows["cinder"]["Release"] == "wallaby"
    assert "workload 18.0.0 -> wallaby" in rows["cinder"]["Why"]
    assert "cloud on wallaby" in captured.err


def test_the_collector_pauses_while_reading_and_planning_only(
        sessions: dict[str | None, SnapshotSession], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    seen: list[tuple[str, bool]] = []
    session = sessions[None]
    real_build = builder.build

    async def status() -> Cloud:
        seen.append(("status", gc.isenabled()))
        return session.cloud

    def build(*args: Any, **kwargs: Any) -> Any:
        seen.append(("build", gc.isenabled()))
        return real_build(*args, **kwargs)

    monkeypatch.setattr(session, "status", status)
    monkeypatch.setattr(plan_command, "build", build)
    assert gc.isenabled()
    assert main(["plan"]) == 0
    assert seen == [("status", False), ("build", False)]
    assert gc.isenabled()
    capsys.readouterr()


def test_gc_paused_restores_what_it_found() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # paused by someone else: left to them
    finally:
        gc.enable()
