"""``octane upgrade-ceph`` through the twin's Juju side, over the simulated monmap.

No daemons, so these run everywhere in seconds: they pin down the command's contract —
plan, dry run, refusals that change nothing, what moves in Juju (relations, offers), what
is left on the units and in octane's data dir — while test_upgrade_ceph_real.py proves the
same flow on real ceph-mon daemons.
"""

from __future__ import annotations

import asyncio
import json
import stat
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from octane.twin.behaviours.base import ExecResult
from octane.twin.executors import ExecRequest
from octane.twin.services.ceph import CommandResult
from octane.twin.services.ceph_simulated import SIMULATED_ADMIN_KEYRING, SimulatedCephCluster
from tests.functional.ceph_twin.conftest import TIMEOUTS, CephTwin, start_twin

pytestmark = pytest.mark.slow
ORIGINAL = ["cmon-a", "cmon-b", "cmon-c"]
SEED = ["smon-d", "smon-e", "smon-f"]
ARGS = ("upgrade-ceph", "seed", "--model", "openstack", *TIMEOUTS)


class Unreachable:
    """A machine whose agent never answers: its exec tasks stay pending."""

    async def run(self, request: ExecRequest) -> ExecResult:
        await asyncio.sleep(3600)
        return ExecResult(1)


def _members(t: CephTwin) -> list[str]:
    return sorted(m["name"] for m in t.monmap()["mons"])


def _error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr                    # one line, no traceback
    assert lines[0].startswith("octane: error: ")
    return lines[0]


def test_dry_run_prints_the_planned_steps_and_changes_nothing(sim_twin: CephTwin) -> None:
    before, relations = sim_twin.monmap(), sim_twin.relations("openstack")
    seed = sim_twin.seed_monitors()
    done = sim_twin.octane(*ARGS, "--dry-run")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Hand the Ceph monitors of model 'openstack' over to seed 'seed'"
    moves = [line.strip() for line in lines if "monitor '" in line]
    assert moves == [
        f"Add monitor 'smon-d' at {seed['smon-d']} and wait for a quorum of 4: "
        "'cmon-a,cmon-b,cmon-c,smon-d'",
        "Remove monitor 'cmon-a' and wait for a quorum of 3: 'cmon-b,cmon-c,smon-d'",
        f"Add monitor 'smon-e' at {seed['smon-e']} and wait for a quorum of 4: "
        "'cmon-b,cmon-c,smon-d,smon-e'",
        "Remove monitor 'cmon-b' and wait for a quorum of 3: 'cmon-c,smon-d,smon-e'",
        f"Add monitor 'smon-f' at {seed['smon-f']} and wait for a quorum of 4: "
        "'cmon-c,smon-d,smon-e,smon-f'",
        "Remove monitor 'cmon-c' and wait for a quorum of 3: 'smon-d,smon-e,smon-f'"]
    assert "nothing was changed" in lines[-1]
    assert sim_twin.monmap() == before
    assert sim_twin.relations("openstack") == relations
    assert "noout" not in sim_twin.cluster.ceph(["osd", "dump", "-f", "json"]).json()["flags"]


def test_hand_over_moves_monitors_and_clients_and_leaves_no_keyring_behind(
        sim_twin: CephTwin, _octane_data: Path) -> None:
    done = sim_twin.octane(*ARGS, "--auto-approve")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Hand-over completed." in done.stdout
    assert done.stdout.splitlines()[-1] == ("Monitors now: quorum smon-d,smon-e,smon-f (leader "
                                            "smon-d) of smon-d,smon-e,smon-f, monmap epoch 7")
    assert _members(sim_twin) == SEED
    status = sim_twin.cluster.quorum_status()
    assert sorted(status["quorum_names"]) == SEED
    assert "noout" not in sim_twin.cluster.ceph(["osd", "dump", "-f", "json"]).json()["flags"]

    # clients follow relations: ceph-osd and nova-compute now relate to the seed's ceph-mon
    assert sim_twin.relations("openstack") == ["ceph-osd:mon seed-ceph-mon:osd",
                                               "nova-compute:ceph seed-ceph-mon:client"]
    seed_state = sim_twin.twin.admin.state("seed")
    assert "ceph-mon" in json.dumps(seed_state.get("offers", {}))
    handle = sim_twin.ext.handle_for("openstack")
    assert handle is not None
    assert handle.client_hosts == list(sim_twin.seed_monitors().values())
    cluster = sim_twin.cluster
    assert isinstance(cluster, SimulatedCephCluster)
    assert cluster.client_hosts == handle.client_hosts

    for name in SEED:   # each seed host: admin keyring 0600, no monmap / mon. keyring left
        host = sim_twin.ext.host("seed", f"ceph-mon/{SEED.index(name)}")
        keyring = host.root / "etc/ceph/ceph.client.admin.keyring"
        assert stat.S_IMODE(keyring.stat().st_mode) == 0o600
        assert keyring.read_text() == SIMULATED_ADMIN_KEYRING
        assert sorted(p.name for p in (host.root / "var/lib/ceph/tmp").iterdir()) == []
        assert host.mon == name and host.serving
    for name in ORIGINAL:   # the old daemons are stopped and disabled
        host = sim_twin.ext.host("openstack", f"ceph-mon/{ORIGINAL.index(name)}")
        assert not host.enabled and sim_twin.cluster.mon_state(name) == "down"
    work = _octane_data / "ceph"
    assert [p for p in work.rglob("*") if p.is_file() and "noout" not in p.name] == []
    key = SIMULATED_ADMIN_KEYRING.split("key = ")[1].split()[0]
    logs = list((_octane_data / "log").glob("*.log"))
    assert logs and not any(key in p.read_text() for p in logs)

    again = sim_twin.octane(*ARGS, "--auto-approve")
    assert again.returncode == 0, again.stderr
    assert "Nothing to do: the monitors are the seed's" in again.stdout
    assert sim_twin.monmap()["epoch"] == 7


def test_refusals_are_one_line_and_change_nothing(sim_twin: CephTwin) -> None:
    epoch, relations = sim_twin.monmap()["epoch"], sim_twin.relations("openstack")

    def refused(seed: str, expected: str) -> None:
        done = sim_twin.octane("upgrade-ceph", seed, "--model", "openstack", *TIMEOUTS,
                               "--cli-timeout", "2", "--auto-approve")
        assert done.returncode == 1
        assert expected in _error_line(done.stderr), done.stderr
        assert sim_twin.monmap()["epoch"] == epoch
        assert sim_twin.relations("openstack") == relations

    refused("nosuch", "seed model 'admin/nosuch' on controller 'twin' not found")
    refused("empty", "no ceph-mon application in seed 'empty'")
    sim_twin.cluster.stop_mon("cmon-c")
    refused("seed", "Ceph quorum is degraded before planning: mon.cmon-c does not answer "
                    "on its admin socket")
    sim_twin.cluster.start_mon("cmon-c")
    sim_twin.twin.set_executor("seed", "2", Unreachable())      # last: its queue stays stuck
    refused("seed", "seed unit ceph-mon/2 is unreachable: `hostname` did not answer")
    assert "noout" not in sim_twin.cluster.ceph(["osd", "dump", "-f", "json"]).json()["flags"]


def test_a_seed_of_one_monitor_is_refused_before_anything_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with start_twin(tmp_path, monkeypatch, real=False, seed_units=1) as t:
        before = t.monmap()
        done = t.octane(*ARGS, "--auto-approve")
        assert done.returncode == 1
        line = _error_line(done.stderr)
        assert "would leave one monitor" in line, line
        assert t.monmap() == before
        assert "noout" not in t.cluster.ceph(["osd", "dump", "-f", "json"]).json()["flags"]


def test_ceph_mon_actions_reach_the_twin_cluster(sim_twin: CephTwin) -> None:
    """The charms' seam: ceph-mon's set-noout changes the cluster the units are backed by."""
    if not hasattr(sim_twin.twin.server, "attach_service"):
        pytest.skip("the twin has no per-model service seam yet (docs/twin-charms.md)")
    done = subprocess.run(["juju", "run", "-m", "openstack", "ceph-mon/0", "set-noout"],
                          env=sim_twin.twin.env(), capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "noout" in sim_twin.cluster.ceph(["osd", "dump", "-f", "json"]).json()["flags"]


def test_an_osd_that_missed_the_map_stops_the_run_until_restarted(sim_twin: CephTwin) -> None:
    cluster = sim_twin.cluster
    assert isinstance(cluster, SimulatedCephCluster)
    cluster.lose_map_subscription(0)     # before the hand-over: the noout flips pass it by
    stopped = sim_twin.octane(*ARGS, "--auto-approve")
    assert stopped.returncode == 1
    said = stopped.stdout + stopped.stderr
    assert ("octane: error: step 'ceph/seed/osd-maps' failed: osd.0 (e1) still behind OSD "
            "map e3 after 5s") in said
    assert "systemctl restart ceph-osd@0" in said
    assert _members(sim_twin) == SEED                   # the monitors did move
    # the monitors are the seed's, yet the re-run resumes the unfinished run: the check
    # runs again instead of "Nothing to do"
    cluster.restart_osd(0)
    again = sim_twin.octane(*ARGS, "--auto-approve")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Nothing to do" not in again.stdout
    assert "Verify that every OSD follows the current OSD map" in again.stdout
    finished = sim_twin.octane("status", "-f", "json")
    assert json.loads(finished.stdout)["status"] == "completed", finished.stdout
    # a third run, with nothing unfinished, checks read-only and has nothing to do
    third = sim_twin.octane(*ARGS, "--auto-approve")
    assert third.returncode == 0 and "Nothing to do" in third.stdout


def test_a_failed_removal_leaves_a_stopped_monitor_the_rerun_removes(
        sim_twin: CephTwin) -> None:
    """``mon remove`` fails once after octane stopped cmon-a: the quorum of the others holds,
    the journal says where it stopped, and the rerun removes cmon-a instead of refusing the
    quorum octane itself degraded (its marker says so)."""
    cluster = sim_twin.cluster
    assert isinstance(cluster, SimulatedCephCluster)
    ceph = cluster.ceph

    def remove_fails_once(args: Sequence[str], **kw: Any) -> CommandResult:
        if list(args[:2]) == ["mon", "remove"]:
            cluster.ceph = ceph  # type: ignore[method-assign]
            return CommandResult(("ceph", *args), 110, "", "Error ETIMEDOUT: timed out")
        return ceph(args, **kw)

    cluster.ceph = remove_fails_once  # type: ignore[method-assign]
    stopped = sim_twin.octane(*ARGS, "--auto-approve")
    assert stopped.returncode == 1, stopped.stdout + stopped.stderr
    assert "remove mon.cmon-a" in stopped.stdout + stopped.stderr
    assert cluster.mon_state("cmon-a") == "down"
    assert _members(sim_twin) == ["cmon-a", "cmon-b", "cmon-c", "smon-d"]
    assert sorted(cluster.quorum_status()["quorum_names"]) == ["cmon-b", "cmon-c", "smon-d"]

    again = sim_twin.octane(*ARGS, "--auto-approve")
    assert again.returncode == 0, again.stdout + again.stderr
    assert _members(sim_twin) == SEED
    finished = sim_twin.octane("status", "-f", "json")
    assert json.loads(finished.stdout)["status"] == "completed", finished.stdout
