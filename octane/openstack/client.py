"""The OpenStack operations octane uses, as coroutines over openstacksdk.

openstacksdk is synchronous; every call runs in the client's own small thread pool so the
engine's event loop keeps serving prompts, signals and progress while Nova answers (COU
blocked its loop here). Results are frozen snapshots from :mod:`octane.openstack.model`.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import openstack
from openstack import utils

from octane.errors import NotFound
from octane.openstack import convert
from octane.openstack.connection import call, open_connection
from octane.openstack.migrate import ProgressCallback, wait_for_live_migration
from octane.openstack.model import (
    ComputeService,
    Hypervisor,
    Migration,
    NetworkAgent,
    Server,
    VolumeService,
)

T = TypeVar("T")


class OpenStackClient:
    """An authenticated OpenStack connection with octane's typed operations."""

    def __init__(self, conn: openstack.connection.Connection, auth_url: str,
                 executor: ThreadPoolExecutor) -> None:
        self._conn = conn
        self.auth_url = auth_url
        self._executor = executor

    async def _run(self, what: str, fn: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor,
                                          functools.partial(call, what, self.auth_url, fn))

    async def close(self) -> None:
        """Release the HTTP session and the worker threads."""
        await self._run("closing the OpenStack connection", self._conn.close)
        self._executor.shutdown(wait=False)

    async def __aenter__(self) -> OpenStackClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ----------------------------------------------------------------- compute services
    async def compute_services(self, *, binary: str | None = "nova-compute",
                               host: str | None = None) -> tuple[ComputeService, ...]:
        """Nova services, by default the nova-compute ones (filtered by Nova)."""
        query = {k: v for k, v in (("binary", binary), ("host", host)) if v is not None}
        return await self._run("listing compute services", lambda: tuple(
            convert.compute_service(s) for s in self._conn.compute.services(**query)))

    async def compute_service(self, host: str, binary: str = "nova-compute") -> ComputeService:
        """The one ``binary`` service of ``host``; NotFound if Nova has none."""
        found = await self.compute_services(binary=binary, host=host)
        if not found:
            raise NotFound(f"no {binary} service on host '{host}' in Nova")
        return found[0]

    async def disable_compute_service(self, host: str, reason: str,
                                      binary: str = "nova-compute") -> ComputeService:
        """Stop the scheduler placing VMs on ``host``, recording why (shown to operators)."""
        await self._run(f"disabling {binary} on {host}",
                        lambda: self._conn.compute.disable_service(
                            None, host=host, binary=binary, disabled_reason=reason))
        return await self.compute_service(host, binary)

    async def enable_compute_service(self, host: str,
                                     binary: str = "nova-compute") -> ComputeService:
        """Let the scheduler use ``host`` again."""
        await self._run(f"enabling {binary} on {host}",
                        lambda: self._conn.compute.enable_service(None, host=host,
                                                                  binary=binary))
        return await self.compute_service(host, binary)

    # ----------------------------------------------------------------- hypervisors
    async def hypervisors(self) -> tuple[Hypervisor, ...]:
        """Every hypervisor with the number of VMs on it.

        From 2.88 Nova no longer reports ``running_vms``; from 2.53 it lists a host's
        servers on request, so the count is taken from that list when available.
        """
        def fetch() -> tuple[Hypervisor, ...]:
            listed = utils.supports_microversion(self._conn.compute, "2.53")
            query: dict[str, Any] = {"with_servers": True} if listed else {}
            return tuple(convert.hypervisor(h, servers_listed=listed)
                         for h in self._conn.compute.hypervisors(details=True, **query))
        return await self._run("listing hypervisors", fetch)

    async def hypervisor(self, name: str) -> Hypervisor:
        """The hypervisor called ``name`` (hypervisor hostname, FQDN or service host)."""
        for found in await self.hypervisors():
            if found.answers_to(name):
                return found
        raise NotFound(f"no hypervisor '{name}' in Nova")

    async def servers_on_host(self, host: str) -> tuple[Server, ...]:
        """The VMs of every project on the compute host ``host`` (service hostname)."""
        # ``compute_host`` is the SDK's name for Nova's ``host`` filter; passing ``host``
        # would also make the SDK filter the results on Server.host, which is never set.
        return await self._run(f"listing the servers on {host}", lambda: tuple(
            convert.server(s) for s in self._conn.compute.servers(
                details=True, all_projects=True, compute_host=host)))

    async def hypervisor_servers(self, name: str) -> tuple[Server, ...]:
        """The VMs on the hypervisor called ``name`` (any of its names)."""
        found = await self.hypervisor(name)
        return await self.servers_on_host(found.service_host or found.hostname)

    async def is_hypervisor_empty(self, name: str) -> bool:
        """Whether no VM of any project is on hypervisor ``name``, asked at this moment."""
        return not await self.hypervisor_servers(name)

    async def server(self, server_id: str) -> Server:
        """One server by id."""
        return await self._run(f"reading server {server_id}", lambda: convert.server(
            self._conn.compute.get_server(server_id)))

    # ----------------------------------------------------------------- migrations
    async def migrations(self, *, host: str | None = None, server_id: str | None = None,
                         status: str | None = None) -> tuple[Migration, ...]:
        """``os-migrations``, newest first, optionally for a host, a server or a status."""
        query = {k: v for k, v in (("host", host), ("server_id", server_id),
                                   ("status", status)) if v is not None}
        return await self._run("listing migrations", lambda: tuple(
            convert.migration(m) for m in self._conn.compute.migrations(**query)))

    async def start_live_migration(self, server_id: str, host: str | None = None) -> None:
        """Ask Nova to live-migrate a server (to ``host``, else where the scheduler picks).

        The scheduler still checks an explicit ``host`` (no ``force``): octane never
        bypasses Nova's placement rules.
        """
        await self._run(f"live-migrating server {server_id}",
                        lambda: self._conn.compute.live_migrate_server(
                            server_id, host=host, block_migration="auto"))

    async def migration_memory(self, server_id: str) -> dict[str, tuple[int | None, int | None]]:
        """Memory copied and total per in-progress live migration of a server (by id)."""
        def fetch() -> dict[str, tuple[int | None, int | None]]:
            if not utils.supports_microversion(self._conn.compute, "2.23"):
                return {}
            return {str(m.id): (m.memory_processed_bytes, m.memory_total_bytes)
                    for m in self._conn.compute.server_migrations(server_id)}
        return await self._run(f"reading the progress of server {server_id}", fetch)

    async def live_migrate(self, server_id: str, *, host: str | None = None,
                           timeout: float = 1800.0, poll_interval: float = 2.0,
                           on_progress: ProgressCallback | None = None) -> Server:
        """Live-migrate a server and wait until it runs elsewhere; the server afterwards.

        Raises ``MigrationFailed`` if Nova ends the migration in error (the VM stays on its
        source) and ``MigrationTimeout`` after ``timeout`` wall seconds.
        """
        return await wait_for_live_migration(self, server_id, host=host, timeout=timeout,
                                             poll_interval=poll_interval,
                                             on_progress=on_progress)

    # ----------------------------------------------------------------- health gates
    async def network_agents(self, *, host: str | None = None,
                             binary: str | None = None) -> tuple[NetworkAgent, ...]:
        """Neutron agents (the runbook's ``openstack network agent list`` probe)."""
        query = {k: v for k, v in (("host", host), ("binary", binary)) if v is not None}
        return await self._run("listing network agents", lambda: tuple(
            convert.network_agent(a) for a in self._conn.network.agents(**query)))

    async def volume_services(self, *, host: str | None = None,
                              binary: str | None = None) -> tuple[VolumeService, ...]:
        """Cinder services (the runbook's ``openstack volume service list`` probe)."""
        query = {k: v for k, v in (("host", host), ("binary", binary)) if v is not None}
        return await self._run("listing volume services", lambda: tuple(
            convert.volume_service(s) for s in self._conn.block_storage.services(**query)))


async def connect(os_cloud: str | None = None, *, config_file: Path | None = None,
                  timeout: float = 30.0) -> OpenStackClient:
    """Authenticate from ``--os-cloud`` / ``OS_CLOUD`` or the ``OS_*`` variables.

    Fails with a one-line ``ConnectionFailed`` when there are no credentials, they are
    refused, or the endpoint cannot be reached within ``timeout`` seconds per request.
    """
    executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="octane-openstack")
    loop = asyncio.get_running_loop()
    try:
        conn, auth_url = await loop.run_in_executor(executor, functools.partial(
            open_connection, os_cloud, config_file=config_file, timeout=timeout))
    except BaseException:
        executor.shutdown(wait=False)
        raise
    return OpenStackClient(conn, auth_url, executor)
