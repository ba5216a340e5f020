"""The port's snapshots: names a hypervisor answers to, progress, reading SDK-shaped resources."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest

from octane.openstack import Hypervisor, Migration, MigrationProgress, convert


def test_a_hypervisor_answers_to_its_fqdn_short_name_and_service_host() -> None:
    hyp = Hypervisor(id="1", hostname="node-1.maas", service_host="node-1", state="up",
                     status="enabled", running_vms=0)
    assert all(hyp.answers_to(n) for n in ("node-1.maas", "node-1"))
    assert not hyp.answers_to("node-11")
    assert hyp.empty and not dataclasses.replace(hyp, running_vms=1).empty
    with pytest.raises(dataclasses.FrozenInstanceError):
        hyp.running_vms = 3  # type: ignore[misc]  # frozen: what is tested


def test_progress_percentages() -> None:
    base = MigrationProgress(server_id="s", server_name="web", status="running",
                             source="node-1", dest="node-2")
    assert base.percent is None
    assert dataclasses.replace(base, memory_processed=512, memory_total=2048).percent == 25
    assert dataclasses.replace(base, memory_processed=0, memory_total=0).percent is None


@pytest.mark.parametrize(("status", "in_progress", "failed"), [
    ("running", True, False), ("queued", True, False), ("completed", False, False),
    ("error", False, True), ("cancelled", False, True),
])
def test_migration_states(status: str, in_progress: bool, failed: bool) -> None:
    row = Migration(id="1", server_id="s", status=status, source_compute="a", dest_compute="b")
    assert (row.in_progress, row.failed) == (in_progress, failed)


def test_hypervisor_counts_come_from_the_server_list_when_nova_gives_one() -> None:
    listed = SimpleNamespace(id="u1", name="node-1.maas", state="up", status="enabled",
                             running_vms=None, servers=[{"uuid": "a"}, {"uuid": "b"}],
                             service_details={"host": "node-1"})
    assert convert.hypervisor(listed, servers_listed=True).running_vms == 2
    empty = SimpleNamespace(id="u2", name="node-2", state="up", status="enabled",
                            running_vms=None, servers=None, service_details={"host": "node-2"})
    assert convert.hypervisor(empty, servers_listed=True).running_vms == 0
    legacy = SimpleNamespace(id=3, name="node-3", state="down", status="disabled",
                             running_vms=4, service_details=None)
    hyp = convert.hypervisor(legacy, servers_listed=False)
    assert (hyp.id, hyp.running_vms, hyp.service_host, hyp.state) == ("3", 4, None, "down")
