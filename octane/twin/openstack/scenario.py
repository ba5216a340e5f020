"""Building the OpenStack state from a scenario's ``openstack:`` section.

The Juju side of the twin knows which machines run nova-compute and in which availability
zone; it passes them as ``hypervisors``. The ``openstack:`` section adds what only OpenStack
knows: VMs on those hypervisors, control-plane services, Neutron agents and networks, and
faults. Every key is optional; the schema is documented in ``docs/openstack-twin.md``.
Impossible states (a VM on a host that runs no nova-compute, an unknown key) are refused
with a one-line message naming the key, before anything starts.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from octane.errors import OctaneError
from octane.twin.clock import Clock
from octane.twin.openstack.microversions import Versions
from octane.twin.openstack.model import Agent, ComputeHost, Domain, Network, Project, Service, User
from octane.twin.openstack.state import OpenStackState

_TOP_KEYS = {"release", "region", "hypervisor_domain", "migration_seconds", "projects", "vms",
             "nova_services", "cinder_services", "agents", "ovn_agents", "networks", "faults"}
_FAULT_KEYS = {"compute_down", "disabled", "agents_down", "failing_migrations", "vm_appears",
               "maintenance"}
_DEFAULT_NOVA = ({"binary": "nova-conductor", "host": "nova-cloud-controller"},
                 {"binary": "nova-scheduler", "host": "nova-cloud-controller"})
_DEFAULT_CINDER = ({"binary": "cinder-scheduler", "host": "cinder"},
                   {"binary": "cinder-volume", "host": "cinder@cinder-ceph", "zone": "nova"})
_DEFAULT_NETWORKS = ({"name": "ext_net", "external": True}, {"name": "private"})
ADMIN_DOMAIN = "admin_domain"  # where charm-keystone puts the admin user and project
ADMIN_ROLE = "Admin"  # charm-keystone's default ``admin-role``


class InvalidScenario(OctaneError):
    """The scenario's ``openstack:`` section describes a cloud that cannot exist."""


def _fail(where: str, message: str) -> InvalidScenario:
    return InvalidScenario(f"scenario openstack.{where}: {message}")


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _fail(where, f"expected a mapping, got {type(value).__name__}")
    return value


def _list(value: Any, where: str) -> Sequence[Any]:
    if value is None:
        return ()
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise _fail(where, f"expected a list, got {type(value).__name__}")
    return value


def _known_keys(section: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(section) - allowed)
    if unknown:
        raise _fail(where or "<section>", f"unknown key '{unknown[0]}' "
                                          f"(allowed: {', '.join(sorted(allowed))})")


def from_scenario(section: Mapping[str, Any] | None,
                  hypervisors: Sequence[Mapping[str, str]], *, seed: int = 0,
                  clock: Clock | None = None,
                  admin_password: str | None = None) -> OpenStackState:
    """The state a scenario describes. ``hypervisors``: ``[{hostname, availability_zone}]``.

    The admin password is generated unless given, so every twin has its own credentials;
    ``seed`` makes every id (projects, VMs, services) the same on each start.
    """
    section = _mapping(section, "<section>")
    _known_keys(section, _TOP_KEYS, "")
    password = admin_password or secrets.token_urlsafe(18)

    def build() -> OpenStackState:
        return _build(section, hypervisors, seed, clock, password)

    state = build()
    state._reset_to = build
    return state


def _build(section: Mapping[str, Any], hypervisors: Sequence[Mapping[str, str]], seed: int,
           clock: Clock | None, password: str) -> OpenStackState:
    try:
        versions = Versions.for_release(section.get("release"))
    except ValueError as exc:
        raise _fail("release", str(exc)) from None
    seconds = section.get("migration_seconds", 30.0)
    if not isinstance(seconds, int | float) or seconds <= 0:
        raise _fail("migration_seconds", "must be a positive number of scenario seconds")
    state = OpenStackState(clock=clock, seed=seed, region=str(section.get("region", "RegionOne")),
                           versions=versions, migration_seconds=float(seconds))
    _identity(state, _list(section.get("projects", ["demo"]), "projects"), password)
    _compute_hosts(state, hypervisors, section.get("hypervisor_domain"))
    for i, spec in enumerate(_list(section.get("nova_services", _DEFAULT_NOVA),
                                   "nova_services")):
        state.nova_services.append(_service(state, spec, f"nova_services[{i}]", "internal"))
    for i, spec in enumerate(_list(section.get("cinder_services", _DEFAULT_CINDER),
                                   "cinder_services")):
        state.volume_services.append(_service(state, spec, f"cinder_services[{i}]", "nova"))
    _agents(state, section)
    _networks(state, _list(section.get("networks", _DEFAULT_NETWORKS), "networks"))
    _vms(state, _mapping(section.get("vms"), "vms"))
    _faults(state, _mapping(section.get("faults"), "faults"))
    return state


def _identity(state: OpenStackState, projects: Sequence[Any], password: str) -> None:
    default = Domain("default", "Default")
    admin_domain = Domain(state.new_uuid(), ADMIN_DOMAIN)
    state.domains = {d.id: d for d in (default, admin_domain)}
    admin = Project(state.new_uuid(), "admin", admin_domain.id)
    state.projects[admin.id] = admin
    for i, name in enumerate(projects):
        if not isinstance(name, str) or not name or name == "admin":
            raise _fail(f"projects[{i}]", "expected a project name other than 'admin'")
        project = Project(state.new_uuid(), name, default.id)
        state.projects[project.id] = project
    user = User(state.new_uuid(), "admin", admin_domain.id, password)
    user.roles = {pid: (ADMIN_ROLE, "member", "reader") for pid in state.projects}
    user.roles[admin_domain.id] = (ADMIN_ROLE,)
    state.users[user.id] = user


def _compute_hosts(state: OpenStackState, hypervisors: Sequence[Mapping[str, str]],
                   domain: Any) -> None:
    if domain is not None and (not isinstance(domain, str) or not domain):
        raise _fail("hypervisor_domain", "expected a DNS domain such as 'maas'")
    for i, hypervisor in enumerate(hypervisors):
        hostname = hypervisor.get("hostname")
        zone = hypervisor.get("availability_zone") or "nova"
        if not hostname:
            raise InvalidScenario(f"hypervisor #{i} has no hostname")
        if hostname in state.compute_hosts:
            raise InvalidScenario(f"hypervisor '{hostname}' is listed twice")
        number = len(state.compute_hosts) + 1
        service = Service(state.next_id(), state.new_uuid(), "nova-compute", hostname, zone,
                          updated_at=state.now())
        state.compute_hosts[hostname] = ComputeHost(
            hostname=hostname, node=f"{hostname}.{domain}" if domain else hostname,
            availability_zone=zone, hypervisor_id=number, hypervisor_uuid=state.new_uuid(),
            service=service, host_ip=f"10.0.{number // 250}.{number % 250 + 1}")


def _service(state: OpenStackState, spec: Any, where: str, zone: str) -> Service:
    spec = _mapping(spec, where)
    _known_keys(spec, {"binary", "host", "zone", "disabled_reason"}, where)
    if not spec.get("binary") or not spec.get("host"):
        raise _fail(where, "needs 'binary' and 'host'")
    reason = spec.get("disabled_reason")
    return Service(state.next_id(), state.new_uuid(), str(spec["binary"]), str(spec["host"]),
                   str(spec.get("zone", zone)), disabled=reason is not None,
                   disabled_reason=reason, updated_at=state.now())


def _agents(state: OpenStackState, section: Mapping[str, Any]) -> None:
    if section.get("ovn_agents", True):
        for host in state.compute_hosts.values():
            for binary, kind in (("ovn-controller", "OVN Controller agent"),
                                 ("neutron-ovn-metadata-agent", "OVN Metadata agent")):
                state.agents.append(Agent(state.new_uuid(), binary, kind, host.hostname,
                                          created_at=state.now()))
    for i, spec in enumerate(_list(section.get("agents"), "agents")):
        where = f"agents[{i}]"
        spec = _mapping(spec, where)
        _known_keys(spec, {"binary", "host", "agent_type", "availability_zone", "alive"}, where)
        if not spec.get("binary") or not spec.get("host"):
            raise _fail(where, "needs 'binary' and 'host'")
        state.agents.append(Agent(state.new_uuid(), str(spec["binary"]),
                                  str(spec.get("agent_type", spec["binary"])), str(spec["host"]),
                                  spec.get("availability_zone"), bool(spec.get("alive", True)),
                                  created_at=state.now()))


def _networks(state: OpenStackState, networks: Sequence[Any]) -> None:
    for i, spec in enumerate(networks):
        where = f"networks[{i}]"
        spec = _mapping(spec, where)
        _known_keys(spec, {"name", "external", "shared", "project"}, where)
        external = bool(spec.get("external", False))
        owner = spec.get("project") or ("admin" if external else state.default_project())
        try:
            project = state.project_named(str(owner))
        except KeyError:
            raise _fail(where, f"unknown project '{spec.get('project')}'") from None
        state.networks.append(Network(state.new_uuid(), str(spec.get("name", f"net-{i}")),
                                      project.id, external, bool(spec.get("shared", False))))


def _vms(state: OpenStackState, vms: Mapping[str, Any]) -> None:
    for hostname, spec in vms.items():
        where = f"vms.{hostname}"
        if hostname not in state.compute_hosts:
            known = ", ".join(sorted(state.compute_hosts)) or "none"
            raise _fail(where, f"'{hostname}' is not a nova-compute host of the model "
                               f"(known: {known})")
        if isinstance(spec, int) and not isinstance(spec, bool):
            if spec < 0:
                raise _fail(where, "a VM count cannot be negative")
            items: Sequence[Any] = [{} for _ in range(spec)]
        else:
            items = _list(spec, where)
        for j, item in enumerate(items):
            _vm(state, hostname, {"name": item} if isinstance(item, str) else item,
                f"{where}[{j}]")


def _vm(state: OpenStackState, hostname: str, spec: Any, where: str) -> None:
    spec = _mapping(spec, where)
    _known_keys(spec, {"name", "project", "status", "availability_zone"}, where)
    project = str(spec.get("project") or state.default_project())
    try:
        state.project_named(project)
    except KeyError:
        raise _fail(where, f"unknown project '{project}' (declare it in openstack.projects)"
                    ) from None
    status = str(spec.get("status", "ACTIVE")).upper()
    if status not in {"ACTIVE", "SHUTOFF", "PAUSED", "SUSPENDED", "ERROR"}:
        raise _fail(where, f"unsupported VM status '{status}'")
    zone = spec.get("availability_zone")
    if zone is not None and zone != state.compute_hosts[hostname].availability_zone:
        raise _fail(where, f"a VM pinned to '{zone}' cannot live on '{hostname}' in "
                           f"'{state.compute_hosts[hostname].availability_zone}'")
    name = spec.get("name")
    if name is not None and any(vm.name == name for vm in state.vms.values()):
        raise _fail(where, f"VM name '{name}' is used twice")
    state.add_vm(hostname, name=None if name is None else str(name), project=project,
                 status=status, requested_az=zone)


def _faults(state: OpenStackState, faults: Mapping[str, Any]) -> None:
    _known_keys(faults, _FAULT_KEYS, "faults")
    for host in _list(faults.get("compute_down"), "faults.compute_down"):
        _require_host(state, host, "faults.compute_down")
        state.mark_compute_down(host)
    for host, reason in _mapping(faults.get("disabled"), "faults.disabled").items():
        service = _require_host(state, host, "faults.disabled").service
        service.disabled, service.disabled_reason = True, None if reason is None else str(reason)
    for host in _list(faults.get("agents_down"), "faults.agents_down"):
        if not any(a.host == host for a in state.agents):
            raise _fail("faults.agents_down", f"no Neutron agent on '{host}'")
        state.set_agent_alive(host, False)
    for name in _list(faults.get("failing_migrations"), "faults.failing_migrations"):
        if not any(vm.name == name for vm in state.vms.values()):
            raise _fail("faults.failing_migrations", f"no VM named '{name}'")
        state.fail_next_migration(str(name))
    for i, spec in enumerate(_list(faults.get("vm_appears"), "faults.vm_appears")):
        where = f"faults.vm_appears[{i}]"
        spec = _mapping(spec, where)
        _known_keys(spec, {"host", "after", "name", "project"}, where)
        _require_host(state, spec.get("host"), where)
        after = spec.get("after", 0)
        if not isinstance(after, int | float) or after < 0:
            raise _fail(where, "'after' must be scenario seconds >= 0")
        state.schedule_vm(str(spec["host"]), float(after), name=str(spec.get("name",
                          f"surprise-{i + 1}")), project=spec.get("project"))
    state.maintenance = bool(faults.get("maintenance", False))


def _require_host(state: OpenStackState, host: Any, where: str) -> ComputeHost:
    if not isinstance(host, str) or host not in state.compute_hosts:
        raise _fail(where, f"'{host}' is not a nova-compute host of the model")
    return state.compute_hosts[host]
