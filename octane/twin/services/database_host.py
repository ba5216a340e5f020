"""What ``juju exec`` answers on the machines of a model whose databases are real.

A model with a ``databases:`` section gets this executor on every machine hosting a unit of
its database application or of an API charm (the services owning the databases). It
answers, against the model's real MariaDB, what those units answer on a cloud:

- API units: the services' schema-sync and ``nova-manage`` lines (``keystone-manage
  db_sync``, ``nova-manage api_db sync``, ``neutron-db-manage ... upgrade heads`` ...),
  through :func:`octane.twin.db.commands.run` at the release *installed on the unit* (its
  workload version), so the schema moves exactly as far as a real sync would;
- API units: octane's write-maintenance script, recognised by its first line
  ``# octane-api-maintenance on|off|status`` (what the script does on a real unit is in
  docs/db.md); the twin keeps which units carry the deny-writes rule, and the model's
  OpenStack APIs refuse writes (503) while every API unit carries it, as a load balancer in
  front of all of them would;
- database units: ``leader-get`` (``mysql.passwd``: the root password, as
  mysql-innodb-cluster keeps it in its leader settings; ``cluster-password``) and ``df -Pk
  DIR`` for the datadir's real filesystem.

Anything else falls through to the executor the machine had before (the charm behaviour and
the built-ins). SQL runs in a worker thread: the twin's loop never waits on the server.
"""

from __future__ import annotations

import asyncio
import os
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from octane import releases
from octane.twin.behaviours.base import ExecResult, UnitContext
from octane.twin.db import commands
from octane.twin.executors import ExecRequest, Executor
from octane.twin.services.mariadb import MariaDBServer

#: The first line of octane's maintenance script (octane/juju/maintenance.py, same text).
MAINTENANCE_HEADER = "# octane-api-maintenance"
#: Charms whose units front a service database's API (their writes go into a database).
API_CHARMS = ("keystone", "glance", "nova-cloud-controller", "neutron-api", "cinder",
              "placement", "heat", "aodh", "barbican", "designate", "manila", "masakari",
              "octavia", "gnocchi")
#: Service (as twin.db.commands names it) -> the charm whose units run its commands.
SERVICE_CHARMS = {"nova": "nova-cloud-controller", "neutron": "neutron-api"}


class ModelView(Protocol):
    """What the executor needs of the running extension for one model."""

    @property
    def server(self) -> MariaDBServer:
        """The model's server."""
        ...

    @property
    def application(self) -> str:
        """The database application's name."""
        ...

    @property
    def leader_settings(self) -> Mapping[str, str]:
        """What ``leader-get`` answers on the database units."""
        ...

    def api_units(self) -> list[str]:
        """Every unit of the model's API applications, now."""
        ...

    def set_maintenance(self, on: bool) -> None:
        """Tell the model's OpenStack APIs whether writes are refused."""
        ...


@dataclass
class MaintenanceRecord:
    """Which API units carry the deny-writes rule (per model)."""

    units: set[str] = field(default_factory=set)


def unit_release(ctx: UnitContext) -> str | None:
    """The OpenStack release installed on the unit: its workload version, else its origin."""
    cat = releases.catalogue()
    found = cat.release_for_workload(ctx.charm, ctx.workload_version) \
        if ctx.workload_version else None
    if found is None:
        origin = str(ctx.config.get("openstack-origin", "") or "")
        try:
            found = cat.parse_origin(origin, cat.series(ctx.series))
        except (KeyError, ValueError):
            found = None
    return found.codename if found is not None else None


def service_of(argv: list[str]) -> str | None:
    """The service a ``*-manage`` line belongs to (``nova-manage`` -> nova), else None."""
    if not argv:
        return None
    head = argv[0]
    for suffix in ("-db-manage", "-manage", "-dbsync", "-upgrade"):
        if head.endswith(suffix):
            return head[: -len(suffix)]
    return None


class DatabaseHostExecutor:
    """The executor of one machine of a model with real databases (see module docstring)."""

    def __init__(self, view: ModelView, record: MaintenanceRecord, fallback: Executor,
                 on_change: Callable[[], None] | None = None) -> None:
        self.view = view
        self.record = record
        self.fallback = fallback
        self.on_change = on_change

    async def run(self, request: ExecRequest) -> ExecResult:
        """Answer what this module covers, else the machine's previous executor."""
        unit = request.unit
        text = request.command.strip()
        if unit is not None and text.startswith(MAINTENANCE_HEADER) \
                and unit.charm in API_CHARMS:
            return self._maintenance(unit, text)
        try:
            argv = [w for w in shlex.split(text) if w != "sudo"]
        except ValueError:
            return await self.fallback.run(request)
        if unit is not None and unit.application == self.view.application:
            answer = self._database_unit(argv)
            if answer is not None:
                return answer
        service = service_of(argv)
        if unit is not None and service is not None and \
                SERVICE_CHARMS.get(service, service) == unit.charm:
            release = unit_release(unit)
            if release is None:
                return ExecResult(1, "", f"{argv[0]}: cannot tell the installed release of "
                                         f"{unit.unit}\n")
            line = shlex.join(argv)   # without sudo, which commands.run does not expect
            found = await asyncio.to_thread(commands.run, self.view.server, line, release)
            if found is not None:
                return ExecResult(found.return_code, found.stdout, found.stderr)
        return await self.fallback.run(request)

    def _database_unit(self, argv: list[str]) -> ExecResult | None:
        if argv[:1] == ["leader-get"]:
            settings = self.view.leader_settings
            if len(argv) == 1:
                lines = "".join(f"{k}: {v}\n" for k, v in sorted(settings.items()))
                return ExecResult(0, lines, "")
            return ExecResult(0, settings.get(argv[1], "") + "\n", "")
        if argv[:2] == ["df", "-Pk"] and len(argv) == 3:
            stats = os.statvfs(self.view.server.datadir)
            total, avail = stats.f_blocks * stats.f_frsize // 1024, \
                stats.f_bavail * stats.f_frsize // 1024
            return ExecResult(0, "Filesystem 1024-blocks Used Available Capacity Mounted on\n"
                              f"/dev/twin {total} {total - avail} {avail} "
                              f"{100 * (total - avail) // max(total, 1)}% /\n", "")
        return None

    def _maintenance(self, unit: UnitContext, text: str) -> ExecResult:
        words = text.splitlines()[0][len(MAINTENANCE_HEADER):].split()
        mode = words[0] if words else ""
        if mode == "on":
            self.record.units.add(unit.unit)
        elif mode == "off":
            self.record.units.discard(unit.unit)
        elif mode != "status":
            return ExecResult(2, "", f"octane-api-maintenance: unknown mode {mode!r}\n")
        self._apply()
        state = "on" if unit.unit in self.record.units else "off"
        return ExecResult(0, f"octane-api-maintenance: {state}\n", "")

    def _apply(self) -> None:
        units = self.view.api_units()
        self.view.set_maintenance(bool(units) and all(u in self.record.units for u in units))
        if self.on_change is not None:
            self.on_change()


def describe_maintenance(record: MaintenanceRecord) -> dict[str, Any]:
    """The units carrying the rule (for twin.json and tests)."""
    return {"units": sorted(record.units)}
