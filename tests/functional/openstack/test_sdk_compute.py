"""Unmodified openstacksdk against the twin's Nova, Neutron and Cinder: state in, act, state out."""

from __future__ import annotations

import functools

import aiohttp
import openstack.connection
import openstack.exceptions
import pytest
from openstack.compute.v2.hypervisor import Hypervisor

from octane.twin.openstack import OpenStackServer

from .conftest import blocking, issue_token, sdk_connection, start


async def test_disabling_a_compute_service_shows_it_disabled_with_its_reason(
        twin: OpenStackServer) -> None:
    conn = sdk_connection(twin)
    await blocking(lambda: conn.compute.disable_service(
        None, host="node-2", binary="nova-compute", disabled_reason="octane: upgrading az1"))
    rows = await blocking(lambda: list(conn.compute.services(binary="nova-compute")))
    by_host = {s.host: s for s in rows}
    assert by_host["node-2"].status == "disabled"
    assert by_host["node-2"].disabled_reason == "octane: upgrading az1"
    assert by_host["node-1"].status == "enabled" and by_host["node-1"].disabled_reason is None
    hypervisors = await blocking(lambda: list(conn.compute.hypervisors(details=True)))
    assert {h.name: h.status for h in hypervisors}["node-2"] == "disabled"

    await blocking(lambda: conn.compute.enable_service(None, host="node-2",
                                                       binary="nova-compute"))
    service = twin.state.compute_hosts["node-2"].service
    assert service.disabled is False and service.disabled_reason is None


async def test_live_migration_empties_the_source_and_lands_on_the_destination() -> None:
    server = await start(scale=1.0)  # a 30 s migration lasts until the clock is moved
    try:
        state, conn = server.state, sdk_connection(server)
        web = state.find_vm("web-1")
        await blocking(lambda: conn.compute.live_migrate_server(web.id, host="node-2",
                                                                block_migration="auto"))
        state.clock.advance(10)
        running = await blocking(lambda: list(conn.compute.server_migrations(web.id)))
        assert [m.status for m in running] == ["running"]
        assert 0 < running[0].memory_processed_bytes < running[0].memory_total_bytes
        detail = await blocking(lambda: conn.compute.get_server(web.id))
        assert detail.status == "MIGRATING" and detail.compute_host == "node-1"

        state.clock.advance(30)
        done = await blocking(lambda: list(conn.compute.migrations(server_id=web.id)))
        assert [(m.status, m.source_compute, m.dest_compute) for m in done] == [
            ("completed", "node-1", "node-2")]
        assert await blocking(lambda: list(conn.compute.server_migrations(web.id))) == []
        on_node2 = await blocking(lambda: [s.name for s in conn.compute.servers(
            all_projects=True, compute_host="node-2")])
        assert "web-1" in on_node2
        assert state.summary()["node-1"] == ["db-1"]
    finally:
        await server.close()


async def test_an_injected_failure_leaves_the_vm_on_its_source() -> None:
    server = await start(scale=1.0)
    try:
        state, conn = server.state, sdk_connection(server)
        state.fail_next_migration("web-1")
        web = state.find_vm("web-1")
        await blocking(lambda: conn.compute.live_migrate_server(web.id, block_migration="auto"))
        state.clock.advance(31)
        rows = await blocking(lambda: list(conn.compute.migrations(server_id=web.id)))
        assert [m.status for m in rows] == ["error"]
        after = await blocking(lambda: conn.compute.get_server(web.id))
        assert (after.compute_host, after.status, after.task_state) == ("node-1", "ACTIVE", None)
    finally:
        await server.close()


async def test_a_vm_pinned_to_a_full_zone_finds_no_valid_host(twin: OpenStackServer) -> None:
    conn = sdk_connection(twin)
    twin.state.compute_hosts["node-2"].service.disabled = True  # node-3 is in az2
    db = twin.state.find_vm("db-1")
    # The SDK pins os-migrateLive to 2.30, where Nova still schedules synchronously.
    with pytest.raises(openstack.exceptions.BadRequestException, match="No valid host"):
        await blocking(lambda: conn.compute.live_migrate_server(db.id, block_migration="auto"))
    assert twin.state.find_vm("db-1").host == "node-1"
    assert twin.state.migrations == []


async def test_from_2_34_a_scheduling_failure_is_a_migration_in_error(
        twin: OpenStackServer) -> None:
    token = await issue_token(twin)
    twin.state.compute_hosts["node-2"].service.disabled = True
    db = twin.state.find_vm("db-1")
    headers = {"X-Auth-Token": token, "OpenStack-API-Version": "compute 2.80"}
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{twin.url}/compute/v2.1/servers/{db.id}/action", headers=headers,
                             json={"os-migrateLive": {"host": None,
                                                      "block_migration": "auto"}}) as resp:
            assert resp.status == 202
        async with http.get(f"{twin.url}/compute/v2.1/os-migrations", headers=headers) as resp:
            rows = (await resp.json())["migrations"]
    assert [(m["status"], m["dest_compute"], m["instance_uuid"]) for m in rows] == [
        ("error", None, db.id)]
    assert twin.state.find_vm("db-1").host == "node-1"


def _hypervisors_by_name(conn: openstack.connection.Connection) -> dict[str, Hypervisor]:
    return {h.name: h for h in conn.compute.hypervisors(details=True, with_servers=True)}


async def test_a_hypervisor_with_vms_reports_them_whatever_the_release() -> None:
    for release, counted in (("ussuri", "running_vms"), ("caracal", "servers")):
        server = await start({"release": release, "vms": {"node-1": 2}})
        try:
            conn = sdk_connection(server)
            hypervisors = await blocking(functools.partial(_hypervisors_by_name, conn))
            if counted == "running_vms":
                assert hypervisors["node-1"].running_vms == 2
                assert hypervisors["node-2"].running_vms == 0
            else:  # 2.88 dropped the counters; the server list is what is left
                assert hypervisors["node-1"].running_vms is None
                assert len(hypervisors["node-1"].servers) == 2
                assert not hypervisors["node-2"].servers
        finally:
            await server.close()


async def test_servers_of_other_projects_need_all_tenants(twin: OpenStackServer) -> None:
    conn = sdk_connection(twin)
    own = await blocking(lambda: list(conn.compute.servers()))
    every = await blocking(lambda: list(conn.compute.servers(all_projects=True)))
    assert own == []
    assert sorted(s.name for s in every) == ["db-1", "vm-3", "web-1"]


async def test_a_vm_appears_mid_plan_when_the_scenario_says_so() -> None:
    server = await start({"vms": {}, "faults": {"vm_appears": [
        {"host": "node-3", "after": 600, "name": "late"}]}}, scale=1.0)
    try:
        conn = sdk_connection(server)

        def on_node3() -> list[str]:
            return [s.name for s in conn.compute.servers(all_projects=True,
                                                          compute_host="node-3")]

        assert await blocking(on_node3) == []
        server.state.clock.advance(601)
        assert await blocking(on_node3) == ["late"]
    finally:
        await server.close()


async def test_a_compute_service_marked_down_reads_down(twin: OpenStackServer) -> None:
    conn = sdk_connection(twin)
    twin.state.mark_compute_down("node-3")
    services = await blocking(lambda: {s.host: s.state for s in conn.compute.services()})
    hypervisors = await blocking(lambda: {h.name: h.state for h in conn.compute.hypervisors()})
    assert services["node-3"] == "down" and services["node-1"] == "up"
    assert hypervisors["node-3"] == "down"


async def test_health_gate_lists_neutron_agents_and_cinder_services(
        twin: OpenStackServer) -> None:
    conn = sdk_connection(twin)
    twin.state.set_agent_alive("node-2", False, binary="ovn-controller")
    agents = await blocking(lambda: list(conn.network.agents()))
    dead = {(a.host, a.binary) for a in agents if not a.is_alive}
    assert dead == {("node-2", "ovn-controller")}
    assert len(agents) == 6
    networks = await blocking(lambda: sorted(n.name for n in conn.network.networks()))
    assert networks == ["ext_net", "private"]
    volumes = await blocking(lambda: {s.binary: s.state for s in
                                      conn.block_storage.services()})
    assert volumes == {"cinder-scheduler": "up", "cinder-volume": "up"}


async def test_old_clients_use_the_legacy_service_actions(twin: OpenStackServer) -> None:
    token = await issue_token(twin)
    headers = {"X-Auth-Token": token, "X-OpenStack-Nova-API-Version": "2.1"}
    body = {"host": "node-1", "binary": "nova-compute", "disabled_reason": "old client"}
    async with aiohttp.ClientSession() as http:
        async with http.put(f"{twin.url}/compute/v2.1/os-services/disable-log-reason",
                            json=body, headers=headers) as resp:
            assert resp.status == 200
            assert (await resp.json())["service"]["status"] == "disabled"
        async with http.get(f"{twin.url}/compute/v2.1/os-services", headers=headers) as resp:
            rows = (await resp.json())["services"]
    node1 = next(r for r in rows if r["host"] == "node-1")
    assert isinstance(node1["id"], int)  # integer ids before 2.53
    assert node1["disabled_reason"] == "old client"


async def test_availability_zones_follow_their_compute_services(twin: OpenStackServer) -> None:
    conn = sdk_connection(twin)

    def zones() -> dict[str, bool]:
        return {z.name: z.state["available"] for z in conn.compute.availability_zones()}

    assert await blocking(zones) == {"az1": True, "az2": True}
    twin.state.mark_compute_down("node-3")  # az2's only hypervisor
    assert await blocking(zones) == {"az1": True, "az2": False}
    detail = await blocking(lambda: {z.name: z.hosts for z in
                                     conn.compute.availability_zones(details=True)})
    assert detail["az2"]["node-3"]["nova-compute"]["available"] is False
    assert "nova-conductor" in detail["internal"]["nova-cloud-controller"]
