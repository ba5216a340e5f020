"""Every OSD on the current OSD map after the hand-over (``check_osd_maps``).

The shapes are those pacific's ``ceph osd dump -f json`` and ``ceph tell osd.N status -f
json`` printed on the twin's real cluster when an OSD had lost its map subscription
(docs/ceph.md, "Clients during the hand-over"): the cluster at e9, osd.0 at e8.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from octane.ceph.osd import check_osd_maps
from octane.twin.services.ceph import CommandResult
from octane.twin.services.ceph_simulated import SimulatedCephCluster


class LaggingPort:
    """osd.0 reaches the cluster's epoch after ``catch_up`` status reads (never if None)."""

    def __init__(self, epoch: int, newest: dict[int, int], catch_up: int | None) -> None:
        self.epoch, self.newest, self.catch_up, self.reads = epoch, newest, catch_up, 0

    def ceph(self, args: Sequence[str], *, timeout: float | None = None,
             output: Path | None = None) -> CommandResult:
        argv = ("ceph", *args)
        if list(args[:2]) == ["osd", "dump"]:
            osds = [{"osd": o, "up": 1, "in": 1} for o in self.newest] + [
                {"osd": 9, "up": 0, "in": 0}]                      # down: not asked
            return CommandResult(argv, 0, json.dumps({"epoch": self.epoch, "osds": osds}), "")
        if args[0] == "tell" and args[2] == "status":
            osd = int(args[1].removeprefix("osd."))
            assert osd != 9, "a down OSD is not asked"
            self.reads += 1
            if self.catch_up is not None and self.reads >= self.catch_up:
                self.newest[osd] = self.epoch
            return CommandResult(argv, 0, json.dumps({"whoami": osd, "state": "active",
                                                      "newest_map": self.newest[osd]}), "")
        return CommandResult(argv, 22, "", "unrecognized command\n")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_a_late_map_is_waited_for() -> None:
    port, clock = LaggingPort(9, {0: 8, 1: 9}, catch_up=3), Clock()
    check = check_osd_maps(port, timeout=5, wait=20, poll=1, clock=clock, sleep=clock.sleep)
    assert check.ok and check.epoch == 9 and check.lagging == {}
    assert clock.now == 1.0                          # one poll later


def test_a_lost_subscription_is_reported_with_the_osd_and_its_epoch() -> None:
    port, clock = LaggingPort(9, {0: 8, 1: 9}, catch_up=None), Clock()
    check = check_osd_maps(port, timeout=5, wait=20, poll=1, clock=clock, sleep=clock.sleep)
    assert not check.ok and check.lagging == {0: 8}
    assert check.message.startswith("osd.0 (e8) still behind OSD map e9 after 20s")
    assert 20.0 <= clock.now <= 21.0                 # bounded by ``wait``


def test_the_simulated_cluster_answers_like_pacific() -> None:
    cluster = SimulatedCephCluster(osds=2)
    assert cluster.ceph(["osd", "set", "noout"]).returncode == 0
    assert cluster.ceph(["osd", "unset", "noout"]).returncode == 0
    check = check_osd_maps(cluster, timeout=5, wait=1, poll=0.1)
    assert check.ok and check.epoch == 3 and check.message == "2 OSD(s) on OSD map e3"
    assert cluster.ceph(["tell", "osd.7", "status"]).returncode != 0
