"""The twin's real loopback cluster: what the twin developer builds ceph-mon units on."""

from __future__ import annotations

import stat
import time

import pytest

from octane.ceph.live import NoQuorum, read_live
from octane.twin.services.ceph_daemons import RealCephCluster

pytestmark = [pytest.mark.real, pytest.mark.slow]


def test_monitors_join_leave_and_survive_a_kill(cluster: RealCephCluster) -> None:
    addrs = set(cluster.mons.values())
    assert len(addrs) == 3 and all(a.startswith("127.") and a != "127.0.0.1" for a in addrs)
    epoch = cluster.quorum_status()["monmap"]["epoch"]

    d = cluster.add_mon("d")
    assert d not in addrs
    status = cluster.quorum_status()
    assert sorted(status["quorum_names"]) == ["a", "b", "c", "d"]
    assert status["monmap"]["epoch"] == epoch + 1

    cluster.remove_mon("a")
    assert sorted(cluster.quorum_status()["quorum_names"]) == ["b", "c", "d"]
    assert "mon.a" not in cluster.pids()

    cluster.kill_mon("c")
    assert cluster.mon_state("c") == "down"
    cluster.start_mon("c")
    cluster.wait_for_quorum(["b", "c", "d"], timeout=60)
    assert sorted(cluster.quorum_status()["quorum_names"]) == ["b", "c", "d"]


def test_juju_exec_on_a_unit_runs_the_real_cli(cluster: RealCephCluster) -> None:
    own = cluster.exec_as("b", "sudo ceph daemon mon.b mon_status")
    assert own.ok and own.json()["name"] == "b"     # its state may be a MON_FAST re-election
    assert sorted(m["name"] for m in own.json()["monmap"]["mons"]) == ["a", "b", "c"]
    other = cluster.exec_as("b", "ceph daemon mon.a mon_status")
    assert other.returncode == 22            # mon.a's socket is on another host
    dump = cluster.exec_as("a", "ceph mon dump -f json")
    assert dump.ok and sorted(m["name"] for m in dump.json()["mons"]) == ["a", "b", "c"]
    assert cluster.exec_as("a", "ceph no-such-command").returncode != 0


def test_stale_cli_quorum_is_caught_and_the_cli_never_hangs(cluster: RealCephCluster) -> None:
    cluster.stop_mon("b")
    cluster.stop_mon("c")
    # Pitfall 4: until the leader misses its lease acks, the CLI may still answer rc 0 with
    # the old quorum. The executor's reading never trusts that alone.
    try:
        live = read_live(cluster, timeout=2)
    except NoQuorum:
        pass
    else:
        assert live.degraded() == ("mon.b does not answer on its admin socket; "
                                   "mon.c does not answer on its admin socket")
    deadline = time.monotonic() + 30
    while cluster.mon_state("a") in ("leader", "peon"):
        assert time.monotonic() < deadline, "mon.a never noticed it lost its peers"
        time.sleep(0.1)
    result = cluster.ceph(["quorum_status", "-f", "json"], timeout=2)
    assert result.returncode != 0            # --connect-timeout + outer bound: no hang
    status = cluster.mon_status("a")         # the admin socket still answers
    assert status is not None and status["quorum"] == []


def test_keys_are_private_and_an_optional_mgr_comes_up(cluster: RealCephCluster) -> None:
    assert stat.S_IMODE(cluster.base.stat().st_mode) == 0o700
    assert stat.S_IMODE(cluster.keys.stat().st_mode) == 0o700
    for keyring in cluster.keys.glob("*.keyring"):
        assert stat.S_IMODE(keyring.stat().st_mode) == 0o600, keyring
    cluster.add_mgr("x")
    assert stat.S_IMODE((cluster.base / "mgr" / "ceph-x" / "keyring").stat().st_mode) == 0o600
    deadline = time.monotonic() + 60
    while not cluster.ceph(["mgr", "dump", "-f", "json"]).json().get("available"):
        assert time.monotonic() < deadline, "ceph-mgr did not become available in 60 s"
        time.sleep(0.5)
    assert cluster.ceph(["mgr", "dump", "-f", "json"]).json()["active_name"] == "x"
    assert "mgr.x" in cluster.pids()
