"""The twin's OpenStack APIs: Keystone, Nova, Neutron and Cinder on loopback for openstacksdk.

Laid out like a moto service: records (``model``), state and admin side channel
(``state``), service rules (``identity``, ``compute``), thin wire handlers with their routes
as data (``*_api``), and one server (``server``). The twin's Juju side builds the state from
the scenario and the model's nova-compute machines, then serves it::

    from octane.twin.openstack import OpenStackState, start_openstack

    state = OpenStackState.from_scenario(scenario.get("openstack"),
                                         [{"hostname": "node-1", "availability_zone": "az1"}])
    server = await start_openstack(state, clock)        # loopback, a free port
    print(openrc_text(server.environ()))                  # or server.write_clouds_yaml(path)
    state.add_vm("node-1")                                # admin side channel
    await server.close()

See ``docs/openstack-twin.md`` for the scenario schema and the served API surface.
"""

from __future__ import annotations

from octane.twin.openstack.credentials import clouds_yaml, openrc, openrc_text
from octane.twin.openstack.errors import ApiError
from octane.twin.openstack.scenario import InvalidScenario
from octane.twin.openstack.server import OpenStackServer, start_openstack
from octane.twin.openstack.state import OpenStackState

__all__ = [
    "ApiError",
    "InvalidScenario",
    "OpenStackServer",
    "OpenStackState",
    "clouds_yaml",
    "openrc",
    "openrc_text",
    "start_openstack",
]
