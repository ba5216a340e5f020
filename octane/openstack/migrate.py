"""Live-migrate a server and follow it to the end, with progress and a bounded wait.

Nova answers ``os-migrateLive`` with 202 and no body, so the migration is found afterwards
as the server's ``os-migrations`` record that was not there before the request. Progress
(memory copied) comes from ``/servers/{id}/migrations`` while it runs. Success is judged
on the server, not only on the record: a "completed" migration that left the server on
its source is a failure an operator must hear about.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from octane.errors import OctaneError
from octane.openstack.model import SUCCEEDED, MigrationProgress, Server

if TYPE_CHECKING:
    from octane.openstack.client import OpenStackClient

ProgressCallback = Callable[[MigrationProgress], None]


class MigrationFailed(OctaneError):
    """Nova ended a live migration without moving the server."""


class MigrationTimeout(OctaneError):
    """A live migration did not finish within the allowed time; it may still be running."""


def _describe(progress: MigrationProgress) -> str:
    percent = "" if progress.percent is None else f", {progress.percent}% of memory copied"
    return f"last status: {progress.status}{percent}"


async def wait_for_live_migration(client: OpenStackClient, server_id: str, *,
                                  host: str | None, timeout: float, poll_interval: float,
                                  on_progress: ProgressCallback | None) -> Server:
    """Start the live migration of ``server_id`` and wait for its end (see module doc).

    ``on_progress`` is called once per change of status, destination or percentage.
    """
    if timeout <= 0 or poll_interval <= 0:
        raise ValueError("timeout and poll_interval must be positive")
    loop = asyncio.get_running_loop()
    started = loop.time()
    before = await client.server(server_id)
    source = before.host
    known = {m.id for m in await client.migrations(server_id=server_id)}
    await client.start_live_migration(server_id, host)
    label = f"live migration of server '{before.name}' ({server_id}) from {source}"
    shown: tuple[object, ...] | None = None
    while True:
        elapsed = loop.time() - started
        fresh = [m for m in await client.migrations(server_id=server_id) if m.id not in known]
        record = fresh[0] if fresh else None
        processed = total = None
        if record is not None and record.in_progress:
            memory = await client.migration_memory(server_id)
            processed, total = memory.get(record.id, (None, None))
        progress = MigrationProgress(
            server_id=server_id, server_name=before.name,
            status=record.status if record else "requested", source=source,
            dest=record.dest_compute if record else host, memory_processed=processed,
            memory_total=total, elapsed=elapsed)
        key = (progress.status, progress.dest, progress.percent)
        if on_progress is not None and key != shown:
            shown = key
            on_progress(progress)
        if record is not None and record.failed:
            raise MigrationFailed(f"{label} ended in '{record.status}'; the server stays on "
                                  f"{source}", hint="see 'openstack server migration list'")
        done = record is not None and record.status.lower() in SUCCEEDED
        if done or record is None:
            after = await client.server(server_id)
            settled = after.task_state is None
            if settled and after.host != source:
                return after
            if done and settled:  # Nova has finished with the server, and it did not move
                raise MigrationFailed(f"{label} reported '{progress.status}' but the server "
                                      f"is still on {source}")
        if elapsed >= timeout:
            raise MigrationTimeout(f"{label} did not finish within {timeout:g}s "
                                   f"({_describe(progress)})",
                                   hint="it may still be running; check "
                                        "'openstack server migration list'")
        await asyncio.sleep(min(poll_interval, max(0.0, timeout - elapsed)))
