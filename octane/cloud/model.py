"""The cloud as read from Juju: frozen snapshots of machines, units and applications.

A snapshot is taken once (concurrently, by the Juju port) and then only read: analysis and
planning never go back to the controller, so a plan is computed against one consistent
picture and can carry a fingerprint of it. The classes are plain frozen dataclasses with a
JSON form (:meth:`Cloud.to_dict` / :meth:`Cloud.from_dict`) that ignores keys it does not
know, so snapshots saved by a newer octane, or captured from a newer Juju, still load.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any, TypeVar

#: Config keys that carry the package origin (OpenStack charms use the first, others the second).
ORIGIN_KEYS = ("openstack-origin", "source")

_T = TypeVar("_T")


def _known(cls: type[_T], data: Mapping[str, Any]) -> dict[str, Any]:
    """The items of ``data`` that are fields of ``cls`` (unknown keys are ignored)."""
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    return {k: v for k, v in data.items() if k in names}


def _frozen(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Machine:
    """A Juju machine: where units run, and the availability zone hypervisors group by."""

    id: str
    az: str | None = None
    hostname: str | None = None
    series: str | None = None
    status: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Machine:
        """Load the JSON form; unknown keys are ignored."""
        return cls(**_known(cls, data))


@dataclass(frozen=True)
class Unit:
    """A unit of an application, with the status octane's checks read.

    ``machine`` is the machine id; a subordinate unit carries its principal's machine and
    names the principal unit in ``principal``.
    """

    name: str
    machine: str = ""
    workload_version: str = ""
    workload_status: str = ""
    workload_message: str = ""
    agent_status: str = ""
    leader: bool = False
    principal: str | None = None
    subordinates: tuple[str, ...] = ()

    @property
    def application(self) -> str:
        """The application name (``nova-compute`` of ``nova-compute/3``)."""
        return self.name.split("/", 1)[0]

    @property
    def number(self) -> int:
        """The unit number, for natural sorting (``app/10`` after ``app/9``)."""
        tail = self.name.rsplit("/", 1)[-1]
        return int(tail) if tail.isdigit() else 0

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Unit:
        """Load the JSON form; unknown keys are ignored."""
        values = _known(cls, data)
        values["subordinates"] = tuple(values.get("subordinates", ()))
        return cls(**values)


@dataclass(frozen=True)
class Application:
    """A Juju application: charm, channel, config and units as the snapshot saw them.

    ``config`` holds the effective value of each charm option (what ``juju config`` shows).
    ``subordinate_to`` is empty for principals. ``can_upgrade_to`` is Juju's hint that a
    newer revision exists in the current channel (empty when up to date).
    """

    name: str
    charm: str
    channel: str = ""
    revision: int | None = None
    series: str = ""
    config: Mapping[str, Any] = field(default_factory=dict)
    units: tuple[Unit, ...] = ()
    subordinate_to: tuple[str, ...] = ()
    workload_version: str = ""
    status: str = ""
    status_message: str = ""
    can_upgrade_to: str = ""
    actions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "config", _frozen(self.config))

    @property
    def is_subordinate(self) -> bool:
        """True for a subordinate application (it lives on its principals' machines)."""
        return bool(self.subordinate_to)

    @property
    def origin_key(self) -> str | None:
        """Which origin option the charm has (``openstack-origin`` or ``source``), if any."""
        return next((k for k in ORIGIN_KEYS if k in self.config), None)

    @property
    def origin(self) -> str | None:
        """The package origin setting, or None when the charm has no origin option."""
        key = self.origin_key
        return None if key is None else str(self.config.get(key) or "")

    @property
    def machines(self) -> tuple[str, ...]:
        """Ids of the machines the units run on, in unit order, without repeats."""
        return tuple(dict.fromkeys(u.machine for u in self.units if u.machine))

    def unit(self, name: str) -> Unit | None:
        """The unit called ``name``, or None."""
        return next((u for u in self.units if u.name == name), None)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Application:
        """Load the JSON form; unknown keys are ignored."""
        values = _known(cls, data)
        values["units"] = tuple(sorted((Unit.from_dict(u) for u in data.get("units", ())),
                                       key=lambda u: u.number))
        values["subordinate_to"] = tuple(values.get("subordinate_to", ()))
        values["actions"] = tuple(values.get("actions", ()))
        return cls(**values)


@dataclass(frozen=True)
class Cloud:
    """One model's snapshot: what analysis and planning work from.

    ``machine_apps`` (computed once) maps each machine to the applications with a unit on
    it, so questions such as "which principals share a machine with nova-compute?" are
    answered without scanning every unit again.
    """

    model: str
    applications: Mapping[str, Application] = field(default_factory=dict)
    machines: Mapping[str, Machine] = field(default_factory=dict)
    controller: str = ""
    juju_version: str = ""
    machine_apps: Mapping[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "applications", _frozen(self.applications))
        object.__setattr__(self, "machines", _frozen(self.machines))
        index: dict[str, list[str]] = {}
        for app in self.applications.values():
            for machine in app.machines:
                index.setdefault(machine, []).append(app.name)
        object.__setattr__(self, "machine_apps",
                           _frozen({m: tuple(sorted(a)) for m, a in index.items()}))

    def units(self) -> Iterator[Unit]:
        """Every unit of every application (subordinates included)."""
        for app in self.applications.values():
            yield from app.units

    def apps_of_charm(self, charm: str) -> tuple[Application, ...]:
        """The applications deployed from ``charm``, by name."""
        return tuple(sorted((a for a in self.applications.values() if a.charm == charm),
                            key=lambda a: a.name))

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (what ``Cloud.from_dict`` reads back)."""
        def app_dict(app: Application) -> dict[str, Any]:
            out = {f.name: getattr(app, f.name) for f in fields(app)}
            out["config"] = dict(app.config)
            out["units"] = [{f.name: getattr(u, f.name) for f in fields(u)} for u in app.units]
            for key in ("subordinate_to", "actions"):
                out[key] = list(out[key])
            for unit in out["units"]:
                unit["subordinates"] = list(unit["subordinates"])
            return out

        return {
            "model": self.model, "controller": self.controller,
            "juju_version": self.juju_version,
            "machines": {k: {f.name: getattr(m, f.name) for f in fields(m)}
                         for k, m in sorted(self.machines.items())},
            "applications": {k: app_dict(a) for k, a in sorted(self.applications.items())},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Cloud:
        """Load the JSON form; unknown keys are ignored, missing optional ones defaulted."""
        machines = {str(k): Machine.from_dict({"id": str(k), **v})
                    for k, v in (data.get("machines") or {}).items()}
        apps = {str(k): Application.from_dict({"name": str(k), **v})
                for k, v in (data.get("applications") or {}).items()}
        return cls(model=str(data.get("model", "")), applications=apps, machines=machines,
                   controller=str(data.get("controller", "")),
                   juju_version=str(data.get("juju_version", "")))

    def fingerprint(self) -> str:
        """A short hash of what a plan depends on (charms, channels, revisions, config,
        units, versions, machines), so a saved plan can be refused when the cloud moved.

        Statuses are left out: a unit that was executing a hook when the plan was made and is
        idle now has not changed anything the plan relies on.
        """
        data = self.to_dict()
        for machine in data["machines"].values():
            machine.pop("status", None)
        for app in data["applications"].values():
            for key in _VOLATILE_APP:
                app.pop(key, None)
            for unit in app["units"]:
                for key in _VOLATILE_UNIT:
                    unit.pop(key, None)
        body = json.dumps(data, sort_keys=True, default=str).encode()
        return hashlib.sha256(body).hexdigest()[:16]


_VOLATILE_APP = ("status", "status_message")
_VOLATILE_UNIT = ("workload_status", "workload_message", "agent_status", "leader")
