"""The twin's simulated Ceph cluster: the fallback has the real cluster's observable rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from octane.twin.services.ceph import CephUnavailable, open_cluster
from octane.twin.services.ceph_simulated import SimulatedCephCluster


def test_quorum_is_a_majority_of_running_members() -> None:
    sim = SimulatedCephCluster(("a", "b", "c"))
    sim.stop_mon("c")
    assert sim.quorum_status()["quorum_names"] == ["a", "b"]
    assert sim.mon_state("c") == "down"
    sim.kill_mon("b")
    assert sim.mon_state("a") == "probing"
    with pytest.raises(CephUnavailable, match="timed out"):
        sim.quorum_status()
    sim.start_mon("b")
    sim.wait_for_quorum(["a", "b"], timeout=1)
    with pytest.raises(CephUnavailable, match="no quorum of a,b,c"):
        sim.wait_for_quorum(timeout=0.05)


def test_add_and_remove_change_the_monmap_epoch_and_client_hosts() -> None:
    sim = SimulatedCephCluster(("a", "b", "c"))
    addr = sim.add_mon("d")
    assert sim.ceph(["mon", "dump", "-f", "json"]).json()["epoch"] == 2
    assert addr in sim.client_hosts and len(sim.client_hosts) == 4
    sim.remove_mon("a")
    assert sorted(sim.quorum_status()["quorum_names"]) == ["b", "c", "d"]
    assert sorted(sim.mons) == ["b", "c", "d"] and sim.epoch == 3
    again = sim.ceph(["mon", "remove", "a"])
    assert again.returncode == 2 and "already been removed" in again.stderr


def test_exec_as_routes_a_units_commands_like_its_host() -> None:
    sim = SimulatedCephCluster(("a", "b", "c"))
    own = sim.exec_as("b", "sudo ceph daemon mon.b mon_status")
    assert own.ok and own.json()["name"] == "b"
    other = sim.exec_as("b", ["ceph", "daemon", "mon.c", "mon_status"])
    assert other.returncode == 22 and "No such file" in other.stderr
    cli = sim.exec_as("a", "ceph quorum_status -f json")
    assert cli.ok and sorted(cli.json()["quorum_names"]) == ["a", "b", "c"]
    assert sim.exec_as("a", "rm -rf /").returncode == 127


def test_getmap_and_keyring_go_to_a_private_file(tmp_path: Path) -> None:
    sim = SimulatedCephCluster(("a", "b"))
    out = tmp_path / "keys" / "mon.keyring"
    result = sim.ceph(["auth", "get", "mon."], output=out)
    assert result.ok and result.stdout == "" and "[mon.]" in out.read_text()
    assert out.stat().st_mode & 0o777 == 0o600


def test_open_cluster_falls_back_to_the_simulation(tmp_path: Path) -> None:
    cluster = open_cluster(tmp_path / "c", ("x", "y", "z"), real=False)
    assert isinstance(cluster, SimulatedCephCluster)
    with cluster:
        assert sorted(cluster.quorum_status()["quorum_names"]) == ["x", "y", "z"]
    assert cluster.mons == {}
