"""Adapters that start the twin's other services from scenario sections.

The server imports an extension only when a scenario has its section
(``server.EXTENSIONS``). The OpenStack APIs (octane/twin/openstack, another part of the
twin) are started here from the ``openstack:`` section and the hypervisors the Juju side
knows (machines running nova-compute, with their zones); their ``OS_*`` variables go to
``twin.json`` and ``<data-dir>/openrc`` (0600: it holds the admin password).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from octane.paths import write_private

if TYPE_CHECKING:
    from octane.twin.server import ExtensionContext


@dataclass
class OpenStackHandle:
    """The running OpenStack endpoint."""

    server: Any
    environ: dict[str, str]

    def describe(self) -> dict[str, Any]:
        """URL and ``OS_*`` variables for twin.json."""
        return {"url": self.server.url, "environ": dict(self.environ)}

    async def stop(self) -> None:
        """Stop serving."""
        await self.server.close()


async def openstack(ctx: ExtensionContext) -> OpenStackHandle:
    """Start the OpenStack APIs for the scenario's ``openstack:`` section."""
    from octane.twin.openstack import OpenStackState, start_openstack

    section = ctx.section
    if section is None and ctx.model_sections:
        section = next(iter(ctx.model_sections.values()))
    hypervisors = [{"hostname": m.hostname, "availability_zone": m.zone}
                   for m in ctx.hypervisors("nova-compute")]
    clock = ctx.server.controller.runtime.clock
    state = OpenStackState.from_scenario(section, hypervisors, clock=clock)
    server = await start_openstack(state, clock, host=ctx.host)
    for model in sorted({m.model for m in ctx.hypervisors("nova-compute")}):
        ctx.server.attach_service(model, "openstack", state)  # nova-compute's actions
    environ = dict(server.environ())
    lines = "".join(f"export {k}={v}\n" for k, v in sorted(environ.items()))
    write_private(ctx.data_dir / "openrc", lines)
    return OpenStackHandle(server=server, environ=environ)
