"""``octane upgrade-ceph`` end to end: the real command, Juju (the twin), real ceph-mon daemons.

Between and during the steps the quorum is sampled independently of octane (every
monitor's admin socket, ten times a second) while a librados client keeps writing and
reading pool ``io``; a monitor killed half-way must stop the run with a clear message and a
re-run must finish it; a refusal must leave the monmap epoch where it was.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from octane.twin.services.ceph_daemons import RealCephCluster
from tests.functional.ceph.test_handover_real import rados_client
from tests.functional.ceph_twin.conftest import OCTANE, TIMEOUTS, CephTwin

pytestmark = [pytest.mark.real, pytest.mark.slow]
ORIGINAL = ["cmon-a", "cmon-b", "cmon-c"]
SEED = ["smon-d", "smon-e", "smon-f"]
ARGS = ("upgrade-ceph", "seed", "--model", "openstack", *TIMEOUTS)
IN_QUORUM = ("leader", "peon")


class QuorumSampler(threading.Thread):
    """Every 0.1 s, every monitor's own admin socket: is a majority of the monmap running?

    ``violations`` lists every sample where fewer than a majority (or fewer than two) of
    the newest monmap's members answered; ``full`` holds each monmap epoch seen with all of
    its members in one quorum (what "between steps" looks like); ``leaderless`` is the
    longest window without a leader.
    """

    def __init__(self, cluster: RealCephCluster) -> None:
        super().__init__(daemon=True)
        self.cluster = cluster
        self.samples, self.leaderless = 0, 0.0
        self.violations: list[str] = []
        self.full: set[int] = set()
        self._halt = threading.Event()

    def run(self) -> None:
        since: float | None = None
        while not self._halt.wait(0.1):
            statuses = {n: self.cluster.mon_status(n, timeout=1.0) for n in self.cluster.mons}
            answering = {n: s for n, s in statuses.items() if s is not None}
            if not answering:
                self.violations.append("no monitor answers")
                continue
            newest = max(answering.values(), key=lambda s: int(s["monmap"]["epoch"]))
            epoch = int(newest["monmap"]["epoch"])
            members = {m["name"] for m in newest["monmap"]["mons"]}
            running = members & set(answering)
            self.samples += 1
            if 2 * len(running) <= len(members) or len(running) < 2:
                self.violations.append(f"epoch {epoch}: {sorted(running)} of {sorted(members)}")
            states = {n: answering[n]["state"] for n in running}
            quorums = {tuple(sorted(answering[n]["monmap"]["mons"][r]["name"]
                                    for r in answering[n]["quorum"]))
                       for n in running if states[n] in IN_QUORUM}
            if running == members and quorums == {tuple(sorted(members))}:
                self.full.add(epoch)
            now = time.monotonic()
            if "leader" in states.values():
                since = None
            else:
                since = since or now
                self.leaderless = max(self.leaderless, now - since)

    def stop(self) -> None:
        self._halt.set()
        self.join(10)


def finish(t: CephTwin, done: subprocess.CompletedProcess[str]
           ) -> tuple[subprocess.CompletedProcess[str], bool]:
    """``done``, or -- when octane stopped because osd.0 missed the last OSD map (its
    monitor session lost the subscription as its monitor left: octane/ceph/osd.py) -- what
    the operator does next: restart the OSD as the message says and run the hand-over again.
    Returns the final outcome and whether the OSD was restarted."""
    said = done.stdout + done.stderr
    if done.returncode == 0 or "still behind OSD map" not in said:
        return done, False
    assert "step 'ceph/seed/osd-maps' failed: osd.0 (e" in said, said
    assert "systemctl restart ceph-osd@0" in said, said
    _real(t).restart_osd(0)
    return t.octane(*ARGS, "--auto-approve"), True


def _real(t: CephTwin) -> RealCephCluster:
    assert isinstance(t.cluster, RealCephCluster)
    return t.cluster


def _members(t: CephTwin) -> list[str]:
    return sorted(m["name"] for m in t.monmap()["mons"])


def _flags(t: CephTwin) -> str:
    return str(t.cluster.ceph(["osd", "dump", "-f", "json"]).json()["flags"])


def test_hand_over_through_juju_keeps_quorum_while_a_client_reads_and_writes(
        real_twin: CephTwin, tmp_path: Path) -> None:
    cluster = _real(real_twin)
    start = real_twin.monmap()["epoch"]
    sampler = QuorumSampler(cluster)
    sampler.start()
    try:
        with rados_client(cluster, tmp_path) as client:
            began = time.monotonic()
            done = real_twin.octane(*ARGS, "--auto-approve")
            took = time.monotonic() - began
    finally:
        sampler.stop()
        # the twin deletes the cluster's files when it stops: keep the daemons' logs in the
        # test's tmp dir for whoever reads a failure
        shutil.copytree(cluster.base / "log", tmp_path / "ceph-logs", dirs_exist_ok=True)
    done, restarted = finish(real_twin, done)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _members(real_twin) == SEED
    assert real_twin.monmap()["epoch"] == start + 6
    assert sorted(cluster.quorum_status()["quorum_names"]) == SEED
    assert sampler.samples > 20 and sampler.violations == []
    # every monmap the hand-over passed through had its full quorum before the next step
    assert set(range(start, start + 7)) <= sampler.full
    assert sorted(cluster.pids()) == ["mon.smon-d", "mon.smon-e", "mon.smon-f", "osd.0"]
    assert "noout" not in _flags(real_twin)

    # zero data-path errors: every write and read succeeded, and read back what was written
    assert client["errors"] == 0, (client["samples"], client["slow"])
    # monitor operations are measured, not asserted: librados can lose one in flight when
    # its monitor removes itself, and its session may stay wedged (docs/ceph.md, "Clients
    # during the hand-over"); fresh clients (below) must work
    assert client["ops"] >= 20
    # the clients' mon_host followed the relations to the seed's ceph-mon: a brand-new
    # client bootstraps from it and reads back what the long-lived session wrote last
    seed = real_twin.seed_monitors()
    mon_host = next(line.split("=", 1)[1].strip() for line in
                    cluster.conf.read_text().splitlines() if line.startswith("mon_host"))
    assert mon_host == ",".join(f"[v2:{seed[n]}:3300,v1:{seed[n]}:6789]" for n in SEED)
    assert real_twin.relations("openstack") == ["ceph-osd:mon seed-ceph-mon:osd",
                                                "nova-compute:ceph seed-ceph-mon:client"]
    for name, payload in sorted(client["last"].items())[:5]:
        got = cluster.rados(["-p", "io", "get", name, "-"], timeout=60)
        assert got.ok and got.stdout == payload, (got, cluster.ceph(["-s"]).stdout)
    print(f"\nupgrade-ceph through Juju: 6 steps in {took:.1f}s; client {client['ops']} ops, "
          f"0 I/O errors, {client['mon_errors']} monitor ops lost"
          f"{'' if client['mon_ok_after_error'] else ' (its monitor session stayed wedged)'}, "
          f"longest I/O stall "
          f"{client['longest_stall']:.2f}s; longest window without "
          f"a leader {sampler.leaderless:.2f}s over {sampler.samples} samples"
          + ("; osd.0 missed the last OSD map and was restarted" if restarted else ""))


class Session:
    """An interactive ``octane`` process: read what it printed, answer its prompts."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.output = b""

    def until(self, text: str, count: int = 1, timeout: float = 180) -> None:
        """Read until ``text`` was printed ``count`` times (bounded)."""
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        while self.output.decode(errors="replace").count(text) < count:
            assert time.monotonic() < deadline, self.output.decode(errors="replace")[-2000:]
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.5)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                assert chunk or self.proc.poll() is None, self.output.decode()[-2000:]
                self.output += chunk

    def answer(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def finish(self, timeout: float = 300) -> tuple[int, str]:
        rest, _ = self.proc.communicate(timeout=timeout)     # closes stdin: no more answers
        return self.proc.returncode, (self.output + rest).decode(errors="replace")


def test_a_monitor_killed_mid_hand_over_stops_clearly_and_a_rerun_finishes(
        real_twin: CephTwin) -> None:
    cluster = _real(real_twin)
    start = real_twin.monmap()["epoch"]
    session = Session([OCTANE, *ARGS], real_twin.twin.env())
    try:
        session.until("Would you like to start the hand-over? Continue (y/N): ")
        session.answer("y\n")
        session.until("Continue (y/n): ")              # before step 1: add smon-d
        session.answer("y\n")
        session.until("Continue (y/n): ", count=2)     # before step 2: smon-d is in quorum
        assert _members(real_twin) == ["cmon-a", "cmon-b", "cmon-c", "smon-d"]
        cluster.kill_mon("smon-d")                     # the host of a new monitor crashes
        session.answer("y\n")
        code, output = session.finish()
    finally:
        if session.proc.poll() is None:
            session.proc.kill()
            session.proc.wait(10)
    assert code == 1, output
    assert ("octane: error: step 'ceph/seed/remove/cmon-a' failed: Ceph quorum is degraded "
            "before step 2: mon.smon-d does not answer on its admin socket; nothing was "
            "changed by this step") in output
    assert "Resume with: octane upgrade-ceph seed --model openstack" in output
    assert _members(real_twin) == ["cmon-a", "cmon-b", "cmon-c", "smon-d"]
    assert real_twin.monmap()["epoch"] == start + 1
    assert "noout" in _flags(real_twin)               # still protecting the OSDs

    cluster.start_mon("smon-d")                        # the host is back
    cluster.wait_for_quorum(["cmon-a", "cmon-b", "cmon-c", "smon-d"], timeout=60)
    again = real_twin.octane(*ARGS, "--auto-approve")
    assert "Resuming run" in again.stdout
    again, _ = finish(real_twin, again)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Add monitor 'smon-d'" not in again.stdout  # re-planned from the live monmap
    assert _members(real_twin) == SEED
    assert real_twin.monmap()["epoch"] == start + 6
    assert "noout" not in _flags(real_twin)
    status = real_twin.octane("status", "-f", "value", "-c", "status")
    assert status.stdout.strip() == "completed", status.stdout + status.stderr


def test_a_degraded_quorum_is_refused_and_the_monmap_stays(real_twin: CephTwin) -> None:
    before = real_twin.monmap()
    real_twin.cluster.stop_mon("cmon-b")
    done = real_twin.octane(*ARGS, "--auto-approve")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "octane: error: Ceph quorum is degraded before planning: mon.cmon-b does not answer "
        "on its admin socket; nothing was changed by this step (bring the monitor back and "
        "run the hand-over again: it continues from the live monmap)"]
    after: dict[str, Any] = real_twin.monmap()
    assert (after["epoch"], after["mons"]) == (before["epoch"], before["mons"])
    assert "noout" not in _flags(real_twin)
    assert real_twin.relations("openstack") == ["ceph-osd:mon ceph-mon:osd",
                                                "nova-compute:ceph ceph-mon:client"]
