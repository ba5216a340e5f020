"""The OpenStack port (the only importer of openstacksdk).

Everything octane asks OpenStack goes through :class:`OpenStackClient`: compute services
(disable / enable with a reason), hypervisors and their VMs, live migration with progress,
migrations, and the Neutron agents and Cinder services the health gates read. Results are
frozen dataclasses; failures are one-line :class:`~octane.errors.OctaneError` subclasses::

    async with await connect(os_cloud=None) as cloud:       # OS_* variables or clouds.yaml
        if not await cloud.is_hypervisor_empty("node-1"):
            for vm in await cloud.servers_on_host("node-1"):
                await cloud.live_migrate(vm.id, on_progress=print)
"""

from __future__ import annotations

from octane.openstack.client import OpenStackClient, connect
from octane.openstack.connection import MaintenanceRefused
from octane.openstack.migrate import MigrationFailed, MigrationTimeout, ProgressCallback
from octane.openstack.model import (
    ComputeService,
    Hypervisor,
    Migration,
    MigrationProgress,
    NetworkAgent,
    Server,
    VolumeService,
)

__all__ = [
    "ComputeService",
    "Hypervisor",
    "MaintenanceRefused",
    "Migration",
    "MigrationFailed",
    "MigrationProgress",
    "MigrationTimeout",
    "NetworkAgent",
    "OpenStackClient",
    "ProgressCallback",
    "Server",
    "VolumeService",
    "connect",
]
