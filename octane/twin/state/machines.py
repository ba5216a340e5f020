"""Rules for machines: placement, containers, removal, host keys and series upgrades.

Series upgrades follow Juju 3's ``juju upgrade-machine <id> prepare|complete <base>``
(MachineManager v10 ``UpgradeSeriesPrepare`` / ``UpgradeSeriesComplete``): prepare takes
a lock on the machine and runs ``pre-series-upgrade`` on every unit there; the operator
upgrades the OS; complete moves the machine to the new base and runs
``post-series-upgrade``; the lock goes once those hooks settled.
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from octane.twin.errors import ApiError, not_found
from octane.twin.state import activity
from octane.twin.state.entities import Address, Base, Machine, StatusValue, UpgradeSeries
from octane.twin.state.model import ModelState


def host_key_pair() -> tuple[str, str]:
    """A fresh ed25519 host key: (OpenSSH private key PEM, ``ssh-ed25519 AAAA...`` line)."""
    key = ed25519.Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                           serialization.PublicFormat.OpenSSH).decode()
    return private, public


def new_machine(model: ModelState, machine_id: str, *, zone: str, hostname: str = "",
                addresses: list[str] | None = None, base: Base | None = None,
                container_type: str = "", cores: int = 4, mem: int = 8192,
                constraints: str = "") -> Machine:
    """Create a started, running machine with host keys (what a provisioned machine looks like)."""
    now = model.now()
    index = len(model.machines) + model.sequences.get("address", 0)
    ips = addresses or [f"10.{(index // 250) % 250}.{int(model.uuid[:2], 16) % 200 + 1}."
                        f"{index % 250 + 2}"]
    machine = Machine(
        id=machine_id, hostname=hostname or "juju-" + model.uuid[-6:] + "-" +
        machine_id.replace("/", "-"), zone=zone,
        addresses=[Address(ip) for ip in ips], base=base or Base.parse(model.default_base),
        instance_id=machine_id if container_type else f"machine-{machine_id}",
        agent_status=StatusValue("started", "", now, activity.AGENT_VERSION),
        instance_status=StatusValue("running", "Deployed", now),
        container_type=container_type, cores=cores, mem=mem, constraints=constraints)
    private, public = host_key_pair()
    machine.host_keys = [public]
    model.host_private_keys[machine_id] = private
    model.machines[machine_id] = machine
    model.touch("machine", machine_id)
    return machine


def zones(model: ModelState) -> list[str]:
    """The availability zones in use, in first-seen order (new machines go round robin)."""
    seen: list[str] = []
    for machine in model.machines.values():
        if machine.zone and machine.zone not in seen:
            seen.append(machine.zone)
    return seen or ["default"]


def add_machine(model: ModelState, *, base: Base | None = None, zone: str = "",
                container_type: str = "", parent: str = "",
                constraints: str = "") -> Machine:
    """``juju add-machine``: a new machine, or a container on ``parent``."""
    if container_type:
        host = model.machine(parent)
        number = model.next_seq(f"container:{parent}/{container_type}")
        while f"{parent}/{container_type}/{number}" in model.machines:  # declared ones
            number = model.next_seq(f"container:{parent}/{container_type}")
        return new_machine(model, f"{parent}/{container_type}/{number}", zone=host.zone,
                           base=base or host.base, container_type=container_type)
    number = model.next_seq("machine", start=_next_machine_number(model))
    available = zones(model)
    chosen = zone or available[number % len(available)]
    return new_machine(model, str(number), zone=chosen, base=base, constraints=constraints)


def _next_machine_number(model: ModelState) -> int:
    top = [int(m) for m in model.machines if m.isdigit()]
    return max(top) + 1 if top else 0


def place(model: ModelState, directive: dict[str, Any] | None, base: Base) -> Machine:
    """Where a new unit goes: ``{scope: "#", directive: "3"}`` is machine 3, ``lxd:3`` a
    new container on 3, ``zone=az1`` a new machine in az1, nothing a new machine
    (libjuju ``parse_placement``)."""
    if not directive:
        return add_machine(model, base=base)
    scope = str(directive.get("scope") or "")
    target = str(directive.get("directive") or "")
    if scope == "#":
        return model.machine(target)
    if scope in ("lxd", "kvm"):
        if target:
            return add_machine(model, container_type=scope, parent=target, base=base)
        host = add_machine(model, base=base)
        return add_machine(model, container_type=scope, parent=host.id, base=base)
    if target.startswith("zone="):
        return add_machine(model, base=base, zone=target[5:])
    raise ApiError(f'invalid placement directive "{scope}:{target}"', "")


def destroy_machine(model: ModelState, machine_id: str, force: bool) -> list[str]:
    """Remove a machine; units on it block removal unless forced (Juju's rule)."""
    machine = model.machine(machine_id)
    units = [u for u in model.units.values() if u.machine_id == machine_id
             and not u.principal]
    containers = [m for m in model.machines if m.startswith(machine_id + "/")]
    if (units or containers) and not force:
        names = ", ".join(sorted(u.name for u in units) + containers)
        raise ApiError(f"machine {machine_id} has unit(s) or container(s) assigned: {names}",
                       "")
    from octane.twin.state.applications import remove_unit
    removed = []
    for unit in units:
        remove_unit(model, unit)
        removed.append(unit.name)
    for child in containers:
        destroy_machine(model, child, True)
    del model.machines[machine_id]
    machine.life = "dead"
    model.log.remove("machine", machine_id, machine)
    return removed


def units_on(model: ModelState, machine_id: str) -> list[str]:
    """Units (principals and subordinates) on a machine."""
    return sorted(u.name for u in model.units.values() if u.machine_id == machine_id)


def upgrade_series_prepare(model: ModelState, machine_id: str, channel: str,
                           force: bool) -> None:
    """``juju upgrade-machine N prepare <base>``."""
    machine = model.machine(machine_id)
    target = Base.parse(channel)
    if machine.upgrade_series is not None:
        raise ApiError(f'upgrade lock for machine "{machine_id}" already exists', "")
    if target.channel == machine.base.channel:
        raise ApiError(f'machine "{machine_id}" is already running base {target}', "")
    if float(target.channel) < float(machine.base.channel):
        raise ApiError(f'machine "{machine_id}" cannot be downgraded from '
                       f"{machine.base} to {target}", "")
    machine.upgrade_series = UpgradeSeries(target=target)
    _message(model, machine, f"started upgrade from {machine.base} to {target}")
    for name in units_on(model, machine_id):
        activity.enqueue_hooks(model, model.units[name], ["pre-series-upgrade"])
    model.touch("machine", machine_id)


def upgrade_series_complete(model: ModelState, machine_id: str) -> None:
    """``juju upgrade-machine N complete``: the machine now runs the target base."""
    machine = model.machine(machine_id)
    lock = machine.upgrade_series
    if lock is None or series_status(model, machine) != "prepare completed":
        raise ApiError(f'machine "{machine_id}" can not complete, it is either not '
                       "prepared or already completed", "")
    machine.base = lock.target
    lock.status = "complete started"
    _message(model, machine, f"completing upgrade to {lock.target}")
    for name in units_on(model, machine_id):
        activity.enqueue_hooks(model, model.units[name], ["post-series-upgrade"])
    model.touch("machine", machine_id)


def series_status(model: ModelState, machine: Machine) -> str:
    """The lock's status, computed from the units' queues (no background transitions)."""
    lock = machine.upgrade_series
    if lock is None:
        return ""
    hook = "pre-series-upgrade" if lock.status.startswith("prepare") else "post-series-upgrade"
    busy = any(op.name == hook for name in units_on(model, machine.id)
               for op in model.units[name].queue)
    if lock.status == "prepare started" and not busy:
        lock.status = "prepare completed"
        _message(model, machine, "prepare completed")
    elif lock.status == "complete started" and not busy:
        lock.status = "completed"
        _message(model, machine, "upgrade completed")
    return lock.status


def release_completed(model: ModelState) -> None:
    """Drop the lock of machines whose series upgrade completed."""
    for machine in model.machines.values():
        if machine.upgrade_series and series_status(model, machine) == "completed":
            machine.upgrade_series = None
            model.touch("machine", machine.id)


def _message(model: ModelState, machine: Machine, text: str) -> None:
    assert machine.upgrade_series is not None
    machine.upgrade_series.messages.append(f"machine-{machine.id} {text}")
    machine.upgrade_series.unread += 1


def read_messages(model: ModelState, machine_id: str) -> list[str]:
    """Unread series-upgrade messages of a machine (GetUpgradeSeriesMessages)."""
    machine = model.machine(machine_id)
    lock = machine.upgrade_series
    if lock is None:
        raise not_found(f'upgrade lock for machine "{machine_id}"')
    series_status(model, machine)
    unread = lock.messages[len(lock.messages) - lock.unread:] if lock.unread else []
    lock.unread = 0
    return unread
