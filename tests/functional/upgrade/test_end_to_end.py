"""Whole upgrades on the twin's scenarios, by a real ``octane upgrade`` process: state in,
run, state out.

focal-ussuri goes to victoria; jammy-yoga goes to zed, then each release up to caracal
(one ``octane upgrade`` per release, as an operator does). The scenarios' VMs are migrated
away first (the operator's part, COU's advice), so every hypervisor is upgraded.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from octane.engine.journal import Journal
from octane.releases import CharmKind, catalogue
from tests.functional.upgrade.cloud import MODEL, Octane, octane_on, origin, releases_of, scenario

#: Left alone unless --upgrade-vault (DESIGN.md).
VAULT = {"vault", "vault-hacluster", "vault-mysql-router"}


def _ceph(octane: Octane) -> Any:
    return octane.twin.inspect(lambda c: c.runtime.services[MODEL]["ceph"])


def assert_on(octane: Octane, before: dict[str, Any], series: str, target: str) -> None:
    """Every application but vault's on ``target``: channels, origins, workload versions;
    vault untouched; ceph's require-osd-release on the OSDs' release."""
    state = octane.state()
    cat = catalogue()
    rel = cat.release(target)
    wanted_origin = cat.series(series).origin_for(rel)
    for name, app in state["applications"].items():
        if name in VAULT:
            assert app == before["applications"][name], name
            continue
        info = cat.charm(app["charm"])
        assert info is not None, name
        channel = cat.channel_for(app["charm"], series, rel)
        if info.kind in (CharmKind.OPENSTACK, CharmKind.SUBORDINATE):
            assert app["channel"] == f"{rel.track}/stable", name
        else:
            served = cat.releases_for_channel(app["charm"], series, app["channel"])
            assert app["channel"] == channel or (served and rel in served), name
        if origin(app) is not None:
            assert origin(app) == wanted_origin, name
        if not info.kind.release_from_channel and not info.versionless and \
                not app.get("subordinate"):
            found = releases_of(state, name)
            assert None not in found, (name, found)
            assert min(cat.release(r) for r in found if r) >= rel, (name, found)
    ceph = _ceph(octane)
    code, dump, _ = ceph.run(["osd", "dump", "--format", "json"])
    assert code == 0 and json.loads(dump)["require_osd_release"] == ceph.osd_release() != ""


def hypervisors_went_az_by_az(octane: Octane) -> None:
    """In the journal: every AZ group finished before the next one started."""
    journal = Journal(octane.data / "journal" / "octane.sqlite")
    try:
        steps = journal.steps(journal.resolve(None).id)
    finally:
        journal.close()
    groups = sorted(s for s in steps if s.count("/") == 1 and s.startswith("hv/"))
    assert groups == ["hv/az1", "hv/az2", "hv/az3"]
    spans = []
    for group in groups:
        inside = [r for sid, r in steps.items() if sid.startswith(group + "/") and r.started]
        spans.append((min(r.started for r in inside), max(r.finished or 0 for r in inside)))
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), spans


def test_focal_ussuri_to_victoria(tmp_path: Path) -> None:
    with octane_on(scenario("focal-ussuri", vms=False), tmp_path) as octane:
        before = octane.state()
        run = octane.run("upgrade", "--auto-approve", "--no-backup")
        assert run.code == 0, run.out[-3000:] + run.err[-2000:]
        lines = run.out.splitlines()
        assert lines[0].startswith("Full execution log: '") and "/log/octane-" in lines[0]
        assert lines[1] == "Connected to 'openstack' ✓"
        assert "Verify that the workload of 'keystone' has been upgraded on units: " \
               "keystone/0, keystone/1, keystone/2 ✓" in lines
        assert lines[-1] == "Upgrade completed."
        assert "octane: warning: 'vault' (with 'vault-hacluster', 'vault-mysql-router') " \
               "left out" in run.err
        assert_on(octane, before, "focal", "victoria")
        hypervisors_went_az_by_az(octane)
        status = subprocess.run([sys.executable, "-m", "octane.cli", "status", "-f", "json"],
                                env=octane.env, capture_output=True, text=True, timeout=60)
        shown = json.loads(status.stdout)
        assert (shown["status"], shown["scope"]) == ("completed", "upgrade:twin:openstack")


@pytest.mark.slow
def test_jammy_yoga_release_by_release_to_caracal(tmp_path: Path) -> None:
    with octane_on(scenario("jammy-yoga", vms=False), tmp_path) as octane:
        before = octane.state()
        for target in ("zed", "antelope", "bobcat", "caracal"):
            run = octane.run("upgrade", "--auto-approve", "--quiet", "--no-backup")
            assert run.code == 0, (target, run.out[-3000:], run.err[-2000:])
            assert run.out.splitlines()[-1] == "Upgrade completed."
            assert_on(octane, before, "jammy", target)
        last = octane.run("upgrade", "--auto-approve", "--no-backup")
        assert last.code == 1
        assert "caracal is the last release on jammy" in last.errors()[0]
