"""The twin's OpenStack state and its admin side channel.

One :class:`OpenStackState` per twin (one region): Keystone's domains, projects, users and
tokens; Nova's compute hosts (= hypervisors), other Nova services, VMs and migrations;
Neutron's agents and networks; Cinder's services. The wire handlers read it and ask the
service backends (``identity``, ``compute``) to change it; the admin methods at the bottom
are the faults and switches the twin's admin channel exposes and tests use directly. They
are never reachable through the OpenStack APIs.

Time-derived changes (a migration that has finished, a VM scheduled to appear) are applied
lazily by :meth:`OpenStackState.settle`, which every request and admin call runs first.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from octane.twin.clock import Clock
from octane.twin.openstack.errors import ApiError
from octane.twin.openstack.microversions import Versions
from octane.twin.openstack.model import (
    SERVICE_DOWN_TIME,
    Agent,
    ComputeHost,
    Domain,
    Migration,
    Network,
    Project,
    Service,
    Token,
    User,
    Vm,
)


@dataclass
class PendingVm:
    """A VM the scenario makes appear on ``host`` at scenario time ``at`` (a fault)."""

    at: float
    host: str
    name: str
    project: str


class OpenStackState:
    """Everything the twin's OpenStack APIs serve, keyed explicitly, with seedable ids."""

    def __init__(self, *, clock: Clock | None = None, seed: int = 0, region: str = "RegionOne",
                 versions: Versions | None = None, migration_seconds: float = 30.0,
                 wall: Callable[[], float] = time.time) -> None:
        self.clock = clock or Clock()
        self.region = region
        self.versions = versions or Versions.for_release(None)
        self.migration_seconds = migration_seconds
        self.wall = wall
        self.base_url = "http://127.0.0.1"
        self.maintenance = False
        self._seed = seed
        self._rng = random.Random(seed)
        self._counter = 0
        self.domains: dict[str, Domain] = {}
        self.projects: dict[str, Project] = {}
        self.users: dict[str, User] = {}
        self.tokens: dict[str, Token] = {}
        self.compute_hosts: dict[str, ComputeHost] = {}
        self.nova_services: list[Service] = []
        self.volume_services: list[Service] = []
        self.vms: dict[str, Vm] = {}
        self.migrations: list[Migration] = []
        self.agents: list[Agent] = []
        self.networks: list[Network] = []
        self.pending_vms: list[PendingVm] = []
        self._reset_to: Callable[[], OpenStackState] | None = None

    @classmethod
    def from_scenario(cls, section: Mapping[str, Any] | None,
                      hypervisors: Sequence[Mapping[str, str]], *, seed: int = 0,
                      clock: Clock | None = None,
                      admin_password: str | None = None) -> OpenStackState:
        """The state a scenario's ``openstack:`` section describes (``scenario.from_scenario``).

        ``hypervisors`` are the model's nova-compute machines: ``{hostname,
        availability_zone}``. Raises ``InvalidScenario`` (an ``OctaneError``, one line).
        """
        # The builder needs this class; importing it here keeps the modules acyclic.
        from octane.twin.openstack.scenario import from_scenario

        return from_scenario(section, hypervisors, seed=seed, clock=clock,
                             admin_password=admin_password)

    # ----------------------------------------------------------------- ids and time
    def new_uuid(self) -> str:
        """A UUID drawn from the seeded generator, so a scenario always gets the same ids."""
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def next_id(self) -> int:
        """The next integer id (Nova's legacy ids for services, hypervisors, migrations)."""
        self._counter += 1
        return self._counter

    def now(self) -> float:
        """Scenario time."""
        return self.clock.now()

    def use_clock(self, clock: Clock) -> None:
        """Run on ``clock`` from now on, shifting every stored time so nothing jumps.

        A state built before the twin's shared clock was handed over keeps its relative
        times: a VM due to appear in 600 s still appears 600 s from now.
        """
        if clock is self.clock:
            return
        delta = clock.now() - self.clock.now()
        services = [h.service for h in self.compute_hosts.values()]
        for svc in services + self.nova_services + self.volume_services:
            svc.updated_at += delta
            if svc.stopped_at is not None:
                svc.stopped_at += delta
        for vm in self.vms.values():
            vm.created_at += delta
        for mig in self.migrations:
            mig.created_at += delta
            if mig.finished_at is not None:
                mig.finished_at += delta
        for agent in self.agents:
            agent.created_at += delta
        for pending in self.pending_vms:
            pending.at += delta
        self.clock = clock

    # ----------------------------------------------------------------- lookups
    def project_named(self, name: str) -> Project:
        """The project called ``name`` (scenario references projects by name)."""
        for project in self.projects.values():
            if project.name == name:
                return project
        raise KeyError(name)

    def default_project(self) -> str:
        """The first tenant project's name (VMs belong to it unless told otherwise)."""
        return next((p.name for p in self.projects.values() if p.name != "admin"), "admin")

    def host(self, hostname: str) -> ComputeHost:
        """The compute host by service hostname or hypervisor hostname (FQDN)."""
        found = self.compute_hosts.get(hostname)
        if found is None:
            found = next((h for h in self.compute_hosts.values() if h.node == hostname), None)
        if found is None:
            raise ApiError(404, f"Compute host {hostname} could not be found.")
        return found

    def vms_on(self, hostname: str) -> list[Vm]:
        """VMs whose current host is ``hostname`` (service hostname), oldest first."""
        host = self.host(hostname).hostname
        return sorted((vm for vm in self.vms.values() if vm.host == host),
                      key=lambda vm: (vm.created_at, vm.name))

    def all_services(self) -> list[Service]:
        """Nova's service table: compute services first, then the control-plane ones."""
        return [h.service for h in self.compute_hosts.values()] + self.nova_services

    def find_vm(self, name_or_id: str) -> Vm:
        """A VM by id or unique name."""
        if name_or_id in self.vms:
            return self.vms[name_or_id]
        matches = [vm for vm in self.vms.values() if vm.name == name_or_id]
        if len(matches) != 1:
            raise ApiError(404, f"Instance {name_or_id} could not be found.")
        return matches[0]

    # ----------------------------------------------------------------- time-derived state
    def settle(self) -> None:
        """Apply what the clock says has happened: finished migrations, VMs that appeared."""
        now = self.now()
        for migration in self.migrations:
            if migration.final is None and migration.status(now) in ("completed", "error"):
                self._finish_migration(migration)
        due = [p for p in self.pending_vms if p.at <= now]
        self.pending_vms = [p for p in self.pending_vms if p.at > now]
        for pending in due:
            self.add_vm(pending.host, name=pending.name, project=pending.project,
                        created_at=pending.at)

    def _finish_migration(self, migration: Migration) -> None:
        end = migration.created_at + migration.duration
        status = migration.status(end)
        vm = self.vms.get(migration.server_id)
        if vm is not None:
            if status == "completed" and migration.dest is not None:
                vm.host = migration.dest
            vm.status = migration.prior_status
            vm.task_state = None
        migration.final = status
        migration.finished_at = end

    # ----------------------------------------------------------------- admin side channel
    def set_maintenance(self, on: bool = True) -> None:
        """Put every API's writes in maintenance (HTTP 503) or back; reads keep working."""
        self.maintenance = on

    def add_vm(self, hostname: str, *, name: str | None = None, project: str | None = None,
               status: str = "ACTIVE", requested_az: str | None = None,
               created_at: float | None = None) -> Vm:
        """Make a VM appear on a hypervisor (the fault "a VM appearing mid-plan").

        ``project`` defaults to the first tenant project (``demo`` unless the scenario
        names others), so the VM is only visible to an admin listing all tenants.
        """
        host = self.host(hostname)
        project = project or self.default_project()
        try:
            owner = self.project_named(project)
        except KeyError:
            raise ApiError(404, f"Project {project} could not be found.") from None
        user_id = next(iter(self.users))
        number = len(self.vms) + 1
        vm = Vm(id=self.new_uuid(), name=name or f"vm-{number}", project_id=owner.id,
                user_id=user_id, host=host.hostname, instance_name=f"instance-{number:08x}",
                created_at=self.now() if created_at is None else created_at,
                status=status, requested_az=requested_az)
        self.vms[vm.id] = vm
        return vm

    def schedule_vm(self, hostname: str, after: float, *, name: str,
                    project: str | None = None) -> None:
        """Make a VM appear on ``hostname`` once ``after`` scenario seconds have passed."""
        self.host(hostname)
        self.pending_vms.append(PendingVm(self.now() + after, hostname, name,
                                          project or self.default_project()))

    def fail_next_migration(self, server: str | None = None) -> None:
        """Make the next live migration of ``server`` (default: of every VM) fail."""
        targets = [self.find_vm(server)] if server else list(self.vms.values())
        for vm in targets:
            vm.fail_next_migration = True

    def mark_compute_down(self, hostname: str, down: bool = True) -> None:
        """Stop (or resume) a nova-compute service's heartbeats.

        A stopped service is backdated past ``service_down_time`` so it reads as down at
        once, as if it died a minute ago; the hypervisor's state follows.
        """
        service = self.host(hostname).service
        service.stopped_at = (self.now() - SERVICE_DOWN_TIME - 1) if down else None

    def set_agent_alive(self, host: str, alive: bool, binary: str | None = None) -> None:
        """Make the Neutron agents of ``host`` (optionally one binary) alive or dead."""
        matched = [a for a in self.agents if a.host == host
                   and (binary is None or a.binary == binary)]
        if not matched:
            raise ApiError(404, f"No agent on host {host}", kind="AgentNotFound")
        for agent in matched:
            agent.alive = alive

    def set_volume_service_down(self, host: str, binary: str, down: bool = True) -> None:
        """Stop (or resume) a Cinder service's heartbeats."""
        for service in self.volume_services:
            if service.host == host and service.binary == binary:
                service.stopped_at = (self.now() - SERVICE_DOWN_TIME - 1) if down else None
                return
        raise ApiError(404, f"Service {binary} on {host} could not be found.")

    def reset(self) -> None:
        """Back to the scenario's initial state; issued tokens stay valid (same seeded ids)."""
        if self._reset_to is None:
            raise RuntimeError("this state was not built from a scenario")
        fresh = self._reset_to()
        fresh.use_clock(self.clock)
        keep = {"tokens": self.tokens, "base_url": self.base_url, "clock": self.clock,
                "wall": self.wall, "_reset_to": self._reset_to}
        self.__dict__.update(fresh.__dict__)
        self.__dict__.update(keep)

    def summary(self) -> dict[str, list[str]]:
        """VM names per hypervisor hostname: what a test or the admin channel asserts on."""
        self.settle()
        return {h: [vm.name for vm in self.vms_on(h)] for h in sorted(self.compute_hosts)}
