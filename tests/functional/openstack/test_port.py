"""octane's OpenStack port against the twin: credentials, gates, nova-compute operations.

The twin is served by the test's own event loop, so every port call here also proves the
port keeps openstacksdk off the loop: a blocking call would never get its answer.
"""

from __future__ import annotations

import socket
import stat
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from octane.errors import ConnectionFailed, OctaneError
from octane.openstack import (
    MaintenanceRefused,
    MigrationFailed,
    MigrationProgress,
    MigrationTimeout,
    OpenStackClient,
    connect,
)
from octane.twin.openstack import OpenStackServer

from .conftest import start

OsEnv = Callable[..., Path]


@pytest.fixture
async def cloud(twin: OpenStackServer, os_env: OsEnv) -> AsyncIterator[OpenStackClient]:
    client = await connect(config_file=os_env(twin), timeout=10)
    yield client
    await client.close()


async def test_credentials_from_the_os_environment(twin: OpenStackServer,
                                                   os_env: OsEnv) -> None:
    async with await connect(config_file=os_env(twin), timeout=10) as client:
        services = await client.compute_services()
    assert sorted(s.host for s in services) == ["node-1", "node-2", "node-3"]
    assert all(s.enabled and s.up for s in services)


async def test_credentials_from_clouds_yaml_by_name(twin: OpenStackServer, os_env: OsEnv,
                                                    tmp_path: Path) -> None:
    os_env()  # no OS_* at all
    path = twin.write_clouds_yaml(tmp_path / "openstack" / "clouds.yaml", cloud="rehearsal")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    async with await connect("rehearsal", config_file=path, timeout=10) as client:
        agents = await client.network_agents(host="node-1")
    assert sorted(a.binary for a in agents) == ["neutron-ovn-metadata-agent", "ovn-controller"]


async def test_a_wrong_password_is_one_line_naming_the_user(twin: OpenStackServer,
                                                            os_env: OsEnv) -> None:
    with pytest.raises(ConnectionFailed) as caught:
        await connect(config_file=os_env(twin, OS_PASSWORD="wrong"), timeout=10)
    line = caught.value.one_line()
    assert "refused the credentials of user 'admin'" in line and "401" in line
    assert "\n" not in line and "wrong" not in line


async def test_an_unreachable_endpoint_is_one_line(os_env: OsEnv) -> None:
    with socket.socket() as probe:  # a port nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/identity/v3"
    config = os_env(OS_AUTH_URL=url, OS_USERNAME="admin", OS_PASSWORD="x",
                    OS_PROJECT_NAME="admin", OS_USER_DOMAIN_NAME="admin_domain",
                    OS_PROJECT_DOMAIN_NAME="admin_domain")
    with pytest.raises(ConnectionFailed) as caught:
        await connect(config_file=config, timeout=2)
    assert caught.value.one_line().startswith(f"cannot reach the OpenStack API at {url}")


async def test_missing_credentials_and_unknown_clouds_are_one_line(os_env: OsEnv,
                                                                   tmp_path: Path) -> None:
    with pytest.raises(ConnectionFailed, match="no OpenStack credentials"):
        await connect(config_file=os_env(), timeout=2)
    other = tmp_path / "clouds.yaml"
    other.write_text("clouds:\n  prod:\n    auth:\n      auth_url: http://127.0.0.1:9/v3\n")
    with pytest.raises(ConnectionFailed, match="cloud 'staging' is not defined"):
        await connect("staging", config_file=other, timeout=2)


async def test_disable_then_enable_a_compute_service(twin: OpenStackServer,
                                                     cloud: OpenStackClient) -> None:
    disabled = await cloud.disable_compute_service("node-1", "octane: upgrading az1")
    assert (disabled.status, disabled.disabled_reason) == ("disabled", "octane: upgrading az1")
    service = twin.state.compute_hosts["node-1"].service
    assert service.disabled and service.disabled_reason == "octane: upgrading az1"
    enabled = await cloud.enable_compute_service("node-1")
    assert enabled.enabled and enabled.disabled_reason is None
    assert not twin.state.compute_hosts["node-1"].service.disabled


async def test_a_hypervisor_with_vms_is_reported_non_empty(twin: OpenStackServer,
                                                           cloud: OpenStackClient) -> None:
    counts = {h.hostname: h.running_vms for h in await cloud.hypervisors()}
    assert counts == {"node-1": 2, "node-2": 1, "node-3": 0}
    assert await cloud.is_hypervisor_empty("node-1") is False
    assert await cloud.is_hypervisor_empty("node-3") is True
    twin.state.add_vm("node-3", name="arrived")  # a VM appearing mid-plan
    assert await cloud.is_hypervisor_empty("node-3") is False
    assert [s.name for s in await cloud.servers_on_host("node-3")] == ["arrived"]


@pytest.mark.parametrize("release", ["ussuri", "caracal"])
async def test_fqdn_hypervisors_and_counts_on_every_release(release: str,
                                                            os_env: OsEnv) -> None:
    server = await start({"release": release, "hypervisor_domain": "maas",
                          "vms": {"node-2": 3}})
    try:
        async with await connect(config_file=os_env(server), timeout=10) as client:
            by_short = await client.hypervisor("node-2")
            by_fqdn = await client.hypervisor("node-2.maas")
            empty = await client.is_hypervisor_empty("node-2.maas")
        assert by_short == by_fqdn
        assert (by_fqdn.hostname, by_fqdn.service_host, by_fqdn.running_vms) == (
            "node-2.maas", "node-2", 3)
        assert empty is False
    finally:
        await server.close()


async def test_live_migrations_empty_a_hypervisor(twin: OpenStackServer,
                                                  cloud: OpenStackClient) -> None:
    seen: list[MigrationProgress] = []
    for vm in await cloud.servers_on_host("node-1"):
        after = await cloud.live_migrate(vm.id, timeout=20, poll_interval=0.01,
                                         on_progress=seen.append)
        assert after.host in ("node-2", "node-3") and after.status == "ACTIVE"
    assert await cloud.is_hypervisor_empty("node-1")
    summary = twin.state.summary()
    assert summary["node-1"] == [] and "db-1" in summary["node-2"]  # pinned to az1
    assert seen[-1].status == "completed" and seen[-1].source == "node-1"
    for vm_id in {p.server_id for p in seen}:
        percents = [p.percent for p in seen if p.server_id == vm_id and p.percent is not None]
        assert percents == sorted(percents)
        assert [p.status for p in seen if p.server_id == vm_id][-1] == "completed"
    rows = await cloud.migrations(host="node-1")
    assert len(rows) == 2 and all(m.status == "completed" for m in rows)


async def test_a_failed_live_migration_raises_and_the_vm_stays(twin: OpenStackServer,
                                                               cloud: OpenStackClient) -> None:
    twin.state.fail_next_migration("web-1")
    web = twin.state.find_vm("web-1")
    with pytest.raises(MigrationFailed, match="ended in 'error'; the server stays on node-1"):
        await cloud.live_migrate(web.id, host="node-2", timeout=20, poll_interval=0.01)
    assert twin.state.find_vm("web-1").host == "node-1"
    assert not await cloud.is_hypervisor_empty("node-1")


async def test_a_live_migration_that_outlasts_its_timeout(os_env: OsEnv) -> None:
    server = await start(scale=1.0)  # 30 scenario seconds = 30 wall seconds
    try:
        async with await connect(config_file=os_env(server), timeout=10) as client:
            web = server.state.find_vm("web-1")
            with pytest.raises(MigrationTimeout, match=r"did not finish within 0\.2s"):
                await client.live_migrate(web.id, timeout=0.2, poll_interval=0.05)
    finally:
        await server.close()


async def test_a_nova_refusal_is_one_line(twin: OpenStackServer,
                                          cloud: OpenStackClient) -> None:
    twin.state.compute_hosts["node-2"].service.disabled = True
    twin.state.compute_hosts["node-3"].service.disabled = True
    web = twin.state.find_vm("web-1")
    with pytest.raises(OctaneError, match="No valid host was found") as caught:
        await cloud.live_migrate(web.id, timeout=5, poll_interval=0.01)
    assert "HTTP 400" in caught.value.one_line()


async def test_writes_in_maintenance_are_refused_reads_work(twin: OpenStackServer,
                                                            cloud: OpenStackClient) -> None:
    twin.state.set_maintenance(True)
    with pytest.raises(MaintenanceRefused, match="HTTP 503"):
        await cloud.disable_compute_service("node-2", "octane")
    assert not twin.state.compute_hosts["node-2"].service.disabled
    assert len(await cloud.compute_services()) == 3


async def test_health_gates_see_dead_agents_and_down_volume_services(
        twin: OpenStackServer, cloud: OpenStackClient) -> None:
    twin.state.set_agent_alive("node-3", False)
    twin.state.set_volume_service_down("cinder@cinder-ceph", "cinder-volume")
    twin.state.mark_compute_down("node-2")
    dead = {(a.host, a.binary) for a in await cloud.network_agents() if not a.alive}
    assert dead == {("node-3", "ovn-controller"), ("node-3", "neutron-ovn-metadata-agent")}
    volumes = {s.binary: s.up for s in await cloud.volume_services()}
    assert volumes == {"cinder-scheduler": True, "cinder-volume": False}
    computes = {s.host: s.up for s in await cloud.compute_services()}
    assert computes == {"node-1": True, "node-2": False, "node-3": True}
