"""What the OpenStack port returns: frozen snapshots, never openstacksdk objects.

The nova-compute upgrade rules and the health gates decide on these values; keeping SDK
resources out of them means nothing above the port depends on openstacksdk's classes (or
can call the network by touching a lazy attribute), and a snapshot can be logged, compared
and journaled.
"""

from __future__ import annotations

from dataclasses import dataclass

IN_PROGRESS = frozenset({"accepted", "queued", "preparing", "running", "pre-migrating",
                         "post-migrating", "migrating"})
SUCCEEDED = frozenset({"completed", "done", "finished", "confirmed"})
FAILED = frozenset({"error", "failed", "cancelled", "aborted"})


@dataclass(frozen=True)
class ComputeService:
    """A Nova service row (``openstack compute service list``)."""

    id: str
    binary: str
    host: str
    zone: str
    status: str
    state: str
    disabled_reason: str | None = None
    forced_down: bool = False
    updated_at: str | None = None

    @property
    def enabled(self) -> bool:
        """Whether the scheduler may place VMs on it."""
        return self.status == "enabled"

    @property
    def up(self) -> bool:
        """Whether Nova hears its heartbeats."""
        return self.state == "up"


@dataclass(frozen=True)
class Hypervisor:
    """A hypervisor and how many VMs Nova says it runs.

    ``hostname`` is Nova's ``hypervisor_hostname`` (often the FQDN on MAAS clouds);
    ``service_host`` the nova-compute service's host (the Juju machine's hostname).
    """

    id: str
    hostname: str
    service_host: str | None
    state: str
    status: str
    running_vms: int

    def answers_to(self, name: str) -> bool:
        """Whether ``name`` is this hypervisor's hostname, FQDN or service host."""
        return name in (self.hostname, self.service_host, self.hostname.split(".")[0])

    @property
    def empty(self) -> bool:
        """No VM left on it: it can be upgraded without touching a workload."""
        return self.running_vms == 0


@dataclass(frozen=True)
class Server:
    """A VM and where it runs."""

    id: str
    name: str
    status: str
    project_id: str | None
    host: str | None
    hypervisor_hostname: str | None
    availability_zone: str | None
    task_state: str | None = None
    vm_state: str | None = None


@dataclass(frozen=True)
class Migration:
    """One row of ``os-migrations``."""

    id: str
    server_id: str
    status: str
    source_compute: str | None
    dest_compute: str | None
    migration_type: str | None = None
    uuid: str | None = None
    created_at: str | None = None
    updated_at: str | None = None

    @property
    def in_progress(self) -> bool:
        """Still moving."""
        return self.status.lower() in IN_PROGRESS

    @property
    def failed(self) -> bool:
        """Ended without moving the VM."""
        return self.status.lower() in FAILED


@dataclass(frozen=True)
class MigrationProgress:
    """What a live migration looks like at one poll, for progress displays and logs."""

    server_id: str
    server_name: str
    status: str
    source: str | None
    dest: str | None
    memory_processed: int | None = None
    memory_total: int | None = None
    elapsed: float = 0.0

    @property
    def percent(self) -> int | None:
        """Share of memory copied, when Nova reports it."""
        if not self.memory_total or self.memory_processed is None:
            return None
        return min(100, int(100 * self.memory_processed / self.memory_total))


@dataclass(frozen=True)
class NetworkAgent:
    """A Neutron agent (``openstack network agent list``)."""

    id: str
    binary: str
    host: str
    agent_type: str
    alive: bool
    admin_state_up: bool
    availability_zone: str | None = None


@dataclass(frozen=True)
class VolumeService:
    """A Cinder service (``openstack volume service list``)."""

    binary: str
    host: str
    zone: str
    status: str
    state: str
    disabled_reason: str | None = None

    @property
    def up(self) -> bool:
        """Whether Cinder hears its heartbeats."""
        return self.state == "up"
