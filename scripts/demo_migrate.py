"""Demo helper: live-migrate every VM off some hypervisors, as an operator would.

An operator empties a hypervisor before its upgrade with ``openstack server migrate
--live-migration``; python-openstackclient is not a dependency of octane, so the demo does
the same through octane's OpenStack port (credentials from the sourced openrc).

    python scripts/demo_migrate.py DEST SOURCE [SOURCE ...]
"""

from __future__ import annotations

import asyncio
import sys

from octane.openstack import connect


async def main(dest: str, sources: list[str]) -> int:
    """Move every server on ``sources`` to ``dest`` and wait for each migration."""
    client = await connect()
    try:
        for host in sources:
            for server in await client.servers_on_host(host):
                moved = await client.live_migrate(server.id, host=dest, timeout=120,
                                                  poll_interval=0.2)
                print(f"  live-migrated '{server.name}' from {host} to {moved.host}")
    finally:
        await client.close()
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2:])))
