"""openstacksdk resources to the port's frozen snapshots (the only place that reads them).

Attributes are read with ``getattr`` defaults because what a resource carries depends on
the negotiated microversion (``running_vms`` is gone from 2.88, ids become UUIDs at 2.53).
"""

from __future__ import annotations

from typing import Any

from octane.openstack.model import (
    ComputeService,
    Hypervisor,
    Migration,
    NetworkAgent,
    Server,
    VolumeService,
)


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def compute_service(res: Any) -> ComputeService:
    """A Nova service resource."""
    return ComputeService(
        id=str(res.id), binary=str(res.binary), host=str(res.host),
        zone=str(getattr(res, "availability_zone", "") or ""), status=str(res.status),
        state=str(res.state), disabled_reason=_str(getattr(res, "disabled_reason", None)),
        forced_down=bool(getattr(res, "is_forced_down", False)),
        updated_at=_str(getattr(res, "updated_at", None)))


def hypervisor(res: Any, *, servers_listed: bool) -> Hypervisor:
    """A hypervisor resource; its VM count from ``servers`` when asked with_servers.

    With ``with_servers`` (2.53+) Nova lists the instances and leaves the key out for an
    empty host; before that, ``running_vms`` is the count.
    """
    if servers_listed:
        running = len(getattr(res, "servers", None) or [])
    else:
        running = int(getattr(res, "running_vms", None) or 0)
    service = getattr(res, "service_details", None) or {}
    return Hypervisor(
        id=str(res.id), hostname=str(res.name), service_host=_str(service.get("host")),
        state=str(getattr(res, "state", "") or ""), status=str(getattr(res, "status", "") or ""),
        running_vms=running)


def server(res: Any) -> Server:
    """A server resource (seen by an admin: host attributes present)."""
    return Server(
        id=str(res.id), name=str(res.name), status=str(res.status),
        project_id=_str(getattr(res, "project_id", None)),
        host=_str(getattr(res, "compute_host", None)),
        hypervisor_hostname=_str(getattr(res, "hypervisor_hostname", None)),
        availability_zone=_str(getattr(res, "availability_zone", None)),
        task_state=_str(getattr(res, "task_state", None)),
        vm_state=_str(getattr(res, "vm_state", None)))


def migration(res: Any) -> Migration:
    """An ``os-migrations`` resource."""
    return Migration(
        id=str(res.id), server_id=str(res.server_id), status=str(res.status),
        source_compute=_str(res.source_compute), dest_compute=_str(res.dest_compute),
        migration_type=_str(getattr(res, "migration_type", None)),
        uuid=_str(getattr(res, "uuid", None)), created_at=_str(res.created_at),
        updated_at=_str(res.updated_at))


def network_agent(res: Any) -> NetworkAgent:
    """A Neutron agent resource."""
    return NetworkAgent(
        id=str(res.id), binary=str(res.binary), host=str(res.host),
        agent_type=str(res.agent_type), alive=bool(res.is_alive),
        admin_state_up=bool(res.is_admin_state_up),
        availability_zone=_str(getattr(res, "availability_zone", None)) or None)


def volume_service(res: Any) -> VolumeService:
    """A Cinder service resource."""
    return VolumeService(
        binary=str(res.binary), host=str(res.host),
        zone=str(getattr(res, "availability_zone", "") or ""), status=str(res.status),
        state=str(res.state), disabled_reason=_str(getattr(res, "disabled_reason", None)))
