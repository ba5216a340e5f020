"""The records the twin's OpenStack state is made of.

Plain mutable dataclasses owned by :class:`~octane.twin.openstack.state.OpenStackState`;
handlers never change them directly. Values that depend on time (is a service up, how far is
a migration) are not stored: they are computed from the clock when read (moto's rule), so
nothing runs in the background.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Nova's service group driver declares a service down when its last heartbeat is older
# than ``service_down_time`` (60 s by default, nova/conf/service.py).
SERVICE_DOWN_TIME = 60.0

# A live migration's status as a function of the fraction of its duration that has passed.
# Statuses as nova's conductor and compute manager set them for a libvirt live migration
# (accepted -> queued -> preparing -> running -> completed); a failure ends in "error".
LIVE_MIGRATION_PHASES: tuple[tuple[float, str], ...] = (
    (0.0, "accepted"),
    (0.05, "queued"),
    (0.1, "preparing"),
    (0.2, "running"),
)
IN_PROGRESS = frozenset({"accepted", "queued", "preparing", "running"})
# Only these show up under /servers/{id}/migrations (nova lists in-progress live
# migrations there, and ``accepted`` ones are not yet in progress).
LISTED_IN_PROGRESS = frozenset({"queued", "preparing", "running"})


@dataclass
class Domain:
    """A Keystone domain (Charmed OpenStack puts the admin user in ``admin_domain``)."""

    id: str
    name: str


@dataclass
class Project:
    """A Keystone project; VMs belong to one."""

    id: str
    name: str
    domain_id: str


@dataclass
class User:
    """A Keystone user with its password and role names per project id."""

    id: str
    name: str
    domain_id: str
    password: str
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class Token:
    """An issued token: who, scoped to what, until when (wall-clock seconds)."""

    id: str
    user_id: str
    project_id: str | None
    domain_id: str | None
    roles: tuple[str, ...]
    issued_at: float
    expires_at: float
    methods: tuple[str, ...] = ("password",)


@dataclass
class Service:
    """A Nova or Cinder service row (``os-services``).

    ``stopped_at`` is the scenario time of the last heartbeat of a service that stopped
    sending them; ``None`` means it heartbeats now, so it reads as up.
    """

    id: int
    uuid: str
    binary: str
    host: str
    zone: str
    disabled: bool = False
    disabled_reason: str | None = None
    forced_down: bool = False
    stopped_at: float | None = None
    updated_at: float = 0.0

    def is_up(self, now: float) -> bool:
        """Up unless forced down or silent for longer than ``service_down_time``."""
        if self.forced_down:
            return False
        return self.stopped_at is None or now - self.stopped_at <= SERVICE_DOWN_TIME

    def heartbeat(self, now: float) -> float:
        """When the service was last heard from."""
        return now if self.stopped_at is None else self.stopped_at


@dataclass
class ComputeHost:
    """A hypervisor: the nova-compute service's host and the hypervisor record in one.

    ``hostname`` is the service host (the Juju machine's hostname); ``node`` is the
    hypervisor_hostname, which on MAAS-deployed clouds is the FQDN.
    """

    hostname: str
    node: str
    availability_zone: str
    hypervisor_id: int
    hypervisor_uuid: str
    service: Service
    host_ip: str
    vcpus: int = 32
    memory_mb: int = 131072
    local_gb: int = 900


@dataclass
class Vm:
    """A server living on a hypervisor."""

    id: str
    name: str
    project_id: str
    user_id: str
    host: str
    instance_name: str
    created_at: float
    status: str = "ACTIVE"
    task_state: str | None = None
    requested_az: str | None = None
    vcpus: int = 2
    ram_mb: int = 4096
    disk_gb: int = 20
    fail_next_migration: bool = False


@dataclass
class Migration:
    """A live migration: where from, where to, when it started and how long it takes.

    ``final`` is set once the migration has been applied (the VM moved, or stayed after a
    failure); until then the status is computed from the clock.
    """

    id: int
    uuid: str
    server_id: str
    project_id: str
    user_id: str
    source: str
    source_node: str
    dest: str | None
    dest_node: str | None
    created_at: float
    duration: float
    memory_total: int
    fails: bool = False
    prior_status: str = "ACTIVE"
    final: str | None = None
    finished_at: float | None = None

    def status(self, now: float) -> str:
        """The status at scenario time ``now``."""
        if self.final is not None:
            return self.final
        fraction = (now - self.created_at) / self.duration if self.duration else 1.0
        if fraction >= 1.0:
            return "error" if self.fails else "completed"
        current = LIVE_MIGRATION_PHASES[0][1]
        for start, name in LIVE_MIGRATION_PHASES:
            if fraction >= start:
                current = name
        return current

    def memory_processed(self, now: float) -> int:
        """Bytes of memory copied so far: grows linearly while the migration runs."""
        if self.final is not None:
            return self.memory_total if self.final == "completed" else 0
        running_from = self.created_at + LIVE_MIGRATION_PHASES[-1][0] * self.duration
        span = self.created_at + self.duration - running_from
        if now <= running_from or span <= 0:
            return 0
        return min(self.memory_total, int(self.memory_total * (now - running_from) / span))

    def updated_at(self, now: float) -> float:
        """When the record last changed (its end once final, else now while it moves)."""
        if self.finished_at is not None:
            return self.finished_at
        return min(now, self.created_at + self.duration)


@dataclass
class Agent:
    """A Neutron agent (for OVN: the controller and metadata agents of each chassis)."""

    id: str
    binary: str
    agent_type: str
    host: str
    availability_zone: str | None = None
    alive: bool = True
    admin_state_up: bool = True
    created_at: float = 0.0


@dataclass
class Network:
    """A Neutron network, enough for a health gate to see the cloud's networks."""

    id: str
    name: str
    project_id: str
    external: bool = False
    shared: bool = False
    status: str = "ACTIVE"
