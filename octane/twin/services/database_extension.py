"""The twin's ``databases:`` section: a real MariaDB and real sshds behind a model's units.

Why: side-by-side's database step (``octane upgrade-db``), ``octane db copy juju:<model>``
and the in-place backup must run against the data a cloud has, through Juju, with the same
code as in production. For every model whose scenario has a ``databases:`` section
(schema: :mod:`.database_section`, docs/db.md) this extension:

- starts one MariaDB for the model, from a cached seeded datadir (:mod:`.database_templates`),
  listening on **3306 of the database leader's machine address** — a leased ``127.a.b.c``
  (:mod:`.loopback`) that becomes that machine's only address, so ``juju status`` shows the
  unit where the server is, as with mysql-innodb-cluster's R/W member;
- keeps the root password where the charm keeps it: leader settings (``leader-get
  mysql.passwd`` through ``juju exec``, :mod:`.database_host`);
- attaches the ``database`` service handle (docs/twin-charms.md, the seams): mysqldump
  writes a real gzipped dump into the leader machine's file tree, archive-data and
  purge-data run nova-manage's SQL;
- routes ``juju exec`` on the database and API units' machines to
  :class:`~.database_host.DatabaseHostExecutor` (schema syncs, maintenance, leader-get);
- runs a real **sshd per machine that needs one** — the database machine, plus the
  section's ``ssh:`` machines — on port 22 of the machine's own leased address, with the
  host key the twin generated for that machine (the one SSHClient.PublicKeys serves), key
  login for the Juju client key only, every session chrooted to the machine's file tree
  (SFTP). One sshd per such machine keeps host-key verification per machine meaningful
  (sshd offers one key per type, so one daemon cannot be two machines), and a 1,000-node
  cloud does not start 1,000 daemons.

Everything started is stopped, and every leased address released, when the twin stops.
``TwinServer.reset()`` re-keys machines and is not supported with this section (as with
``ceph:``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import pwd
import secrets
import shutil
import tempfile
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from octane.twin.db import actions
from octane.twin.scenario import ScenarioError
from octane.twin.services import database_templates as templates
from octane.twin.services.database_host import (
    API_CHARMS,
    DatabaseHostExecutor,
    MaintenanceRecord,
    describe_maintenance,
)
from octane.twin.services.database_section import DatabaseSection, parse_section
from octane.twin.services.loopback import AddressLease, lease
from octane.twin.services.mariadb import MariaDBServer
from octane.twin.services.sshd import SSHServer, chroot_safe
from octane.twin.state.entities import Address
from octane.twin.state.model import ModelState

if TYPE_CHECKING:
    from octane.twin.server import ExtensionContext, TwinServer

LOG = logging.getLogger(__name__)
MYSQL_PORT = 3306
SSH_PORT = 22
DATABASE_CHARM = "mysql-innodb-cluster"
_RUNNING: weakref.WeakKeyDictionary[TwinServer, DatabaseExtension] = \
    weakref.WeakKeyDictionary()


@dataclass
class MachineSSH:
    """A machine served by its own sshd: address, file tree, daemon."""

    machine: str
    lease: AddressLease
    root: Path
    sshd: SSHServer | None = None


@dataclass
class ModelDatabase:
    """One model's database server and the machines around it."""

    model: str
    section: DatabaseSection
    application: str
    unit: str
    machine: str
    server: MariaDBServer
    base: Path
    leader_settings: dict[str, str]
    machines: dict[str, MachineSSH] = field(default_factory=dict)
    maintenance: MaintenanceRecord = field(default_factory=MaintenanceRecord)
    controller_model: ModelState | None = None
    openstack: Any = None

    def root(self, machine: str | None = None) -> Path:
        """The file tree of ``machine`` (default: the database machine)."""
        return self.machines[machine or self.machine].root

    def api_units(self) -> list[str]:
        """Every unit of the model's API applications (see database_host.API_CHARMS)."""
        model = self.controller_model
        if model is None:
            return []
        apps = {a.name for a in model.applications.values() if a.charm.name in API_CHARMS}
        return [u.name for u in model.units.values() if u.application in apps]

    def set_maintenance(self, on: bool) -> None:
        """Writes refused (503) on the model's OpenStack APIs, when it has them."""
        if self.openstack is not None and hasattr(self.openstack, "set_maintenance"):
            self.openstack.set_maintenance(on)

    def describe(self) -> dict[str, Any]:
        """Facts for twin.json (no password: it is in leader settings and client.cnf)."""
        return {"application": self.application, "unit": self.unit, "machine": self.machine,
                "host": self.server.host, "port": self.server.port, "dir": str(self.base),
                "contents": self.section.contents, "release": self.section.release,
                "databases": list(self.section.databases),
                "ssh": {m.machine: {"address": m.lease.addr, "port": SSH_PORT,
                                    "root": str(m.root), "running": bool(m.sshd)}
                        for m in self.machines.values()},
                "maintenance": describe_maintenance(self.maintenance)}


class RealDatabases:
    """The ``database`` service of one model (behaviours/services.py's DatabaseService)."""

    def __init__(self, db: ModelDatabase, now: Any) -> None:
        self.db = db
        self._now = now

    async def mysqldump(self, databases: Sequence[str], basedir: str) -> str:
        """A real gzipped dump in the database machine's ``basedir``; the unit's path."""
        where = self.db.root() / basedir.lstrip("/")
        stamp = dt.datetime.fromtimestamp(self._now(), dt.timezone.utc)
        path = await asyncio.to_thread(actions.mysqldump, self.db.server, where,
                                       list(databases), stamp)
        return str(PurePosixPath(basedir) / path.name)

    async def archive_deleted_rows(self, max_rows: int) -> str:
        """One ``archive_deleted_rows`` batch of real rows."""
        result = await asyncio.to_thread(actions.archive_deleted_rows, self.db.server, max_rows)
        return result.text()

    async def purge(self, before: str | None) -> int:
        """Shadow rows deleted before ``before`` (all when None)."""
        when = _date(before) if before else None
        counts = await asyncio.to_thread(actions.purge_shadow_rows, self.db.server, when)
        return sum(counts.values())


def _date(text: str) -> dt.datetime:
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), pattern)
        except ValueError:
            continue
    raise ValueError(f"Invalid value for --before: {text}")


class DatabaseExtension:
    """The running ``databases:`` extension: one :class:`ModelDatabase` per model."""

    def __init__(self, server: TwinServer, work: Path, roots: Path) -> None:
        self.server = server
        self.work = work
        self.roots = roots
        self.models: dict[str, ModelDatabase] = {}
        self.ssh_user = pwd.getpwuid(os.getuid()).pw_name
        self.ssh_error = ""

    def database(self, model: str) -> ModelDatabase:
        """The database of ``model`` (KeyError when the model has no section)."""
        return self.models[model]

    def describe(self) -> dict[str, Any]:
        """What twin.json records under ``services.databases``."""
        return {"models": {n: m.describe() for n, m in self.models.items()},
                "ssh_user": self.ssh_user, "machines_dir": str(self.roots),
                **({"ssh_error": self.ssh_error} if self.ssh_error else {})}

    async def stop(self) -> None:
        """Stop every sshd and server, release the addresses, delete the files."""
        _RUNNING.pop(self.server, None)
        for db in list(self.models.values()):
            for item in db.machines.values():
                if item.sshd is not None:
                    await asyncio.to_thread(item.sshd.stop)
                item.lease.release()
            await asyncio.to_thread(db.server.stop)
        self.models.clear()
        shutil.rmtree(self.work, ignore_errors=True)
        shutil.rmtree(self.roots, ignore_errors=True)


def running(server: TwinServer) -> DatabaseExtension | None:
    """The databases extension of a running twin (for tests and other extensions)."""
    return _RUNNING.get(server)


def _model(ctx: ExtensionContext, name: str) -> ModelState:
    for model in ctx.server.controller.models.values():
        if model.name == name:
            return model
    raise ScenarioError(f"{ctx.server.spec.source}: models.{name}.databases: no such model")


def _machine_roots(data_dir: Path) -> Path:
    """Where machines' file trees live: sshd chroots only into a root-owned path that no
    group or other may write, which /tmp (where tests keep data dirs) is not."""
    if chroot_safe(data_dir):
        return data_dir / "machines"
    home = Path.home() / ".cache" / "octane-twin"
    home.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="machines-", dir=home))


async def start(ctx: ExtensionContext) -> DatabaseExtension:
    """Start every model's database (``server.EXTENSIONS["databases"]``)."""
    source = ctx.server.spec.source
    if ctx.section is not None:
        raise ScenarioError(f"{source}: databases: the section belongs to a model "
                            "(models.<name>.databases), not to the top level")
    sections = [parse_section(source, m, raw) for m, raw in ctx.model_sections.items()]
    # short: the server's unix socket path must stay under 108 bytes
    work = Path(tempfile.mkdtemp(prefix="oct-db-"))
    extension = DatabaseExtension(ctx.server, work, _machine_roots(ctx.data_dir))
    try:
        prepared = await asyncio.gather(*(asyncio.to_thread(templates.template, s)
                                          for s in sections))
        started = await asyncio.gather(*(
            _start_model(ctx, extension, section, path)
            for section, path in zip(sections, prepared, strict=True)))
        for db in started:
            extension.models[db.model] = db
        for db in started:
            _wire(ctx, extension, db)
    except BaseException:
        await extension.stop()
        raise
    _RUNNING[ctx.server] = extension
    return extension


def _database_app(ctx: ExtensionContext, model: ModelState, section: DatabaseSection) -> str:
    where = f"{ctx.server.spec.source}: models.{model.name}.databases"
    if section.application is not None:
        if section.application not in model.applications:
            raise ScenarioError(f"{where}.application: no application "
                                f"{section.application!r} in model {model.name!r}")
        return section.application
    found = sorted(a.name for a in model.applications.values()
                   if a.charm.name == DATABASE_CHARM)
    if len(found) != 1:
        raise ScenarioError(f"{where}: expected one {DATABASE_CHARM} application, found "
                            f"{len(found)} (name it with application:)")
    return found[0]


async def _start_model(ctx: ExtensionContext, ext: DatabaseExtension,
                       section: DatabaseSection, template_dir: Path) -> ModelDatabase:
    model = _model(ctx, section.model)
    where = f"{ctx.server.spec.source}: models.{model.name}.databases"
    app_name = _database_app(ctx, model, section)
    app = model.applications[app_name]
    units = model.units_of(app_name)
    if not units:
        raise ScenarioError(f"{where}: {app_name} has no units to host the database")
    leader = app.leader or units[0].name
    machine = model.units[leader].machine_id
    for extra in section.ssh:
        if extra not in model.machines:
            raise ScenarioError(f"{where}.ssh: machine {extra!r} is not declared")
    leases: dict[str, AddressLease] = {}
    try:
        leases[machine] = await asyncio.to_thread(lease, (MYSQL_PORT, SSH_PORT))
        for extra in section.ssh:
            if extra not in leases:
                leases[extra] = await asyncio.to_thread(lease, (SSH_PORT,))
        base = ext.work / model.name
        server = await asyncio.to_thread(
            templates.instantiate, template_dir, base, name=model.name,
            host=leases[machine].addr, port=MYSQL_PORT)
    except BaseException:
        for item in leases.values():
            item.release()
        raise
    settings = {"mysql.passwd": server.credentials.password,
                "cluster-password": secrets.token_urlsafe(18)}
    db = ModelDatabase(model=model.name, section=section, application=app_name, unit=leader,
                       machine=machine, server=server, base=base, leader_settings=settings,
                       controller_model=model)
    for machine_id, item in leases.items():
        db.machines[machine_id] = MachineSSH(machine_id, item, _machine_root(ext, model.name,
                                                                            machine_id))
    await _start_sshds(ctx, ext, db)
    return db


def _machine_root(ext: DatabaseExtension, model: str, machine: str) -> Path:
    root = ext.roots / model / machine.replace("/", "-")
    root.mkdir(parents=True, exist_ok=True)
    for part in (ext.roots, ext.roots / model, root):
        os.chmod(part, 0o755)   # sshd's chroot rule: not writable by group or others
    return root


async def _start_sshds(ctx: ExtensionContext, ext: DatabaseExtension,
                       db: ModelDatabase) -> None:
    if os.getuid() != 0:
        ext.ssh_error = "a real sshd per machine needs root (chroot); machines have no sshd"
        return
    keys = list(ctx.server.controller.ssh_keys)
    for item in db.machines.values():
        key = ctx.data_dir / "hostkeys" / db.model / item.machine.replace("/", "-") / \
            "ssh_host_ed25519_key"
        sshd = SSHServer(ext.work / "sshd" / db.model / item.machine.replace("/", "-"),
                         host=item.lease.addr, port=SSH_PORT, authorized_keys=keys,
                         host_key=key, chroot=item.root, users=(ext.ssh_user,))
        await asyncio.to_thread(sshd.start)
        item.sshd = sshd


def _wire(ctx: ExtensionContext, ext: DatabaseExtension, db: ModelDatabase) -> None:
    """Addresses, the charms' seam and the machines' executors of one started model."""
    model = _model(ctx, db.model)
    for item in db.machines.values():
        machine = model.machine(item.machine)
        machine.addresses = [Address(item.lease.addr)]
        model.touch("machine", item.machine)
    runtime = ctx.server.controller.runtime
    db.openstack = runtime.services.get(db.model, {}).get("openstack")
    ctx.server.attach_service(db.model, "database", RealDatabases(db, runtime.clock.now))
    wanted = {u.machine_id for u in model.units.values()
              if u.application == db.application
              or model.applications[u.application].charm.name in API_CHARMS}
    for machine_id in sorted(wanted):
        previous = runtime.executors.get((db.model, machine_id), runtime.default_executor)
        ctx.server.set_executor(db.model, machine_id,
                                DatabaseHostExecutor(db, db.maintenance, previous))


def servers(ext: DatabaseExtension) -> Mapping[str, MariaDBServer]:
    """Each model's server (tests read rows and checksums through it)."""
    return {name: db.server for name, db in ext.models.items()}
