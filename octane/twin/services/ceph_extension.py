"""The twin's ``ceph:`` section: a model's ceph-mon units backed by a loopback cluster.

Why: octane's monitor hand-over (``octane upgrade-ceph``) must be exercised through Juju —
``juju exec`` on ceph-mon units, relations to the seed's ceph-mon — against monitors that
behave like real ones. For every cluster named in the scenario this extension starts one
:class:`~octane.twin.services.ceph.CephCluster` (real daemons when ceph-mon is installed,
else simulated), gives each ceph-mon unit's machine the address of its monitor (a leased
127.a.b.c: unit address = monitor address, monitor name = machine hostname, as the charm
does), and routes ``juju exec`` on those machines to a :class:`CephHost` shell. Two models
naming the same cluster share it: the original model's units start with monitors
(``monitors: bootstrap``), a seed model's units start without (``monitors: join``) and get
one when octane deploys it there, with the same fsid.

What clients see follows the relations, as with the charms: the cluster's client
``mon_host`` is the addresses of the monitors of every ceph-mon application (local, or a
seed's through an offer) that some application relates to — recomputed whenever a
relation, a consumed offer or a monitor changes.

The section's schema is in :mod:`octane.twin.services.ceph_section` (and docs/ceph.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from octane.paths import write_private
from octane.twin.behaviours.base import ExecResult
from octane.twin.executors import DefaultExecutor, ExecRequest
from octane.twin.scenario import ScenarioError
from octane.twin.services.ceph import (
    CephCluster,
    CephUnavailable,
    open_cluster,
    real_ceph_available,
)
from octane.twin.services.ceph_host import ADMIN_KEYRING, CephHost
from octane.twin.services.ceph_section import CephSection, parse_section
from octane.twin.services.ceph_simulated import SIMULATED_ADMIN_KEYRING
from octane.twin.state.entities import Address
from octane.twin.state.model import ModelState

if TYPE_CHECKING:
    from octane.twin.server import ExtensionContext, TwinServer

_RUNNING: weakref.WeakKeyDictionary[TwinServer, CephExtension] = weakref.WeakKeyDictionary()


@dataclass
class Placement:
    """A machine hosting (or to host) a monitor: where, for which unit, and its shell."""

    model: str
    application: str
    unit: str
    machine: str
    host: CephHost


@dataclass
class ClusterHandle:
    """One running cluster and the machines of every model that shares it."""

    name: str
    cluster: CephCluster
    workdir: Path
    sections: list[CephSection]
    placements: list[Placement] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    client_hosts: list[str] = field(default_factory=list)

    def describe(self) -> dict[str, Any]:
        """Facts for twin.json (no secrets: keyrings stay under ``workdir``, 0600)."""
        models: dict[str, dict[str, Any]] = {}
        for p in self.placements:
            models.setdefault(p.model, {})[p.unit] = {
                "machine": p.machine, "hostname": p.host.hostname, "address": p.host.address,
                "monitor": p.host.mon}
        return {"fsid": self.cluster.fsid, "real": type(self.cluster).__name__ ==
                "RealCephCluster", "dir": str(self.workdir), "models": models,
                "pool": next((s.pool for s in self.sections if s.pool), None)}


class CephService:
    """The real cluster behind the charms' seam (``runtime.services[model]["ceph"]``).

    The shape the charm behaviours call (octane/twin/behaviours/ceph.py): ``command`` and
    ``set_flag`` are awaited by actions such as ceph-mon's ``set-noout`` (the CLI runs in a
    worker thread); ``run`` is the synchronous form a unit's ``juju exec`` falls back to.
    """

    def __init__(self, cluster: CephCluster) -> None:
        self.cluster = cluster

    def run(self, args: Sequence[str]) -> tuple[int, str, str]:
        """``ceph ARGS`` as the admin client (blocks for one CLI call)."""
        result = self.cluster.ceph(list(args))
        return result.returncode, result.stdout, result.stderr

    async def command(self, args: Sequence[str]) -> tuple[int, str, str]:
        """``ceph ARGS`` without blocking the twin's loop."""
        return await asyncio.to_thread(self.run, args)

    async def set_flag(self, flag: str, on: bool) -> None:
        """``ceph osd set|unset FLAG``."""
        code, _, err = await self.command(["osd", "set" if on else "unset", flag])
        if code:
            raise CephUnavailable(f"ceph osd {'set' if on else 'unset'} {flag}: {err.strip()}")


class CephMachineExecutor:
    """``juju exec`` on a monitor's machine: the host's shell, else the twin's default."""

    def __init__(self, host: CephHost) -> None:
        self.host = host
        self.fallback = DefaultExecutor()

    async def run(self, request: ExecRequest) -> ExecResult:
        """Real processes run in a worker thread: the twin's loop never blocks on them."""
        if not self.host.handles(request.command):
            return await self.fallback.run(request)
        result = await asyncio.to_thread(self.host.run, request.command)
        return ExecResult(result.returncode, result.stdout, result.stderr)


class CephExtension:
    """The running ``ceph:`` extension: its clusters, found by name or by model."""

    def __init__(self, server: TwinServer) -> None:
        self.server = server
        self.clusters: dict[str, ClusterHandle] = {}
        self._unlisten: list[Any] = []
        self._pending = False
        self._loop = asyncio.get_running_loop()

    def cluster(self, name: str = "ceph") -> CephCluster:
        """The cluster called ``name`` in the scenario."""
        return self.clusters[name].cluster

    def cluster_for(self, model: str) -> CephCluster | None:
        """The cluster whose monitors a model's ceph-mon units host (None: no ``ceph:``)."""
        handle = self.handle_for(model)
        return handle.cluster if handle else None

    def handle_for(self, model: str) -> ClusterHandle | None:
        """The cluster handle of ``model`` (placements, hosts, client hosts)."""
        return next((h for h in self.clusters.values()
                     if any(s.model == model for s in h.sections)), None)

    def host(self, model: str, unit: str) -> CephHost:
        """The shell of the machine under ``unit`` of ``model``."""
        for handle in self.clusters.values():
            for p in handle.placements:
                if (p.model, p.unit) == (model, unit):
                    return p.host
        raise KeyError(f"{model}: {unit} is not a monitor unit of any twin cluster")

    def describe(self) -> dict[str, Any]:
        """What twin.json records under ``services.ceph``."""
        return {"clusters": {n: h.describe() for n, h in self.clusters.items()}}

    async def stop(self) -> None:
        """Stop every daemon started for the twin and delete the clusters' files."""
        _RUNNING.pop(self.server, None)
        for stop in self._unlisten:
            stop()
        self._unlisten.clear()
        for handle in self.clusters.values():
            await asyncio.to_thread(handle.cluster.destroy)
            shutil.rmtree(handle.workdir, ignore_errors=True)
        self.clusters.clear()

    # -- what clients see ---------------------------------------------------------------
    def changed(self) -> None:
        """Something clients may see changed; recompute once on the loop (thread-safe)."""
        with contextlib.suppress(RuntimeError):   # the loop closed as a command finished
            self._loop.call_soon_threadsafe(self._schedule)

    def _schedule(self) -> None:
        if not self._pending:
            self._pending = True
            self._loop.create_task(self._refresh())

    async def _refresh(self) -> None:
        self._pending = False
        for handle in self.clusters.values():
            hosts = self._client_hosts(handle)
            if hosts and hosts != handle.client_hosts:
                handle.client_hosts = hosts

                def apply(h: ClusterHandle = handle, addrs: list[str] = hosts) -> None:
                    with h.lock:
                        h.cluster.point_clients_at(addrs)
                await asyncio.to_thread(apply)

    def _client_hosts(self, handle: ClusterHandle) -> list[str]:
        """Monitors of the ceph-mon applications something relates to (else all serving)."""
        controller = self.server.controller
        mon_apps = {(s.model, s.application) for s in handle.sections}
        offers = {o.uuid: (m.name, o.application) for m in controller.models.values()
                  for o in m.offers.values()}
        related: set[tuple[str, str]] = set()
        for model in controller.models.values():
            for rel in model.relations.values():
                if any(ep.role == "peer" for _, ep in rel.endpoints):
                    continue
                sides = [_mon_app(model, name, offers) for name, _ in rel.endpoints]
                mons = {s for s in sides if s in mon_apps}
                if mons and any(s not in mon_apps for s in sides):
                    related |= mons
        serving = [p for p in handle.placements if p.host.serving]
        chosen = [p for p in serving if (p.model, p.application) in related] if related \
            else serving
        return [p.host.address for p in chosen]

    def listen(self, model: ModelState) -> None:
        """Recompute on relation and consumed-offer changes of ``model``."""
        self._unlisten.append(model.log.listen(self._schedule))


def _mon_app(model: ModelState, name: str,
             offers: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """(model, application) behind a relation end: itself, or a consumed offer's source."""
    remote = model.remote_apps.get(name)
    if remote is not None:
        return offers.get(remote.offer_uuid, ("", name))
    return (model.name, name)


def running(server: TwinServer) -> CephExtension | None:
    """The ceph extension of a running twin (how charm behaviours find the real cluster)."""
    return _RUNNING.get(server)


async def start(ctx: ExtensionContext) -> CephExtension:
    """Start every cluster the scenario's ``ceph:`` sections name (``server.EXTENSIONS``)."""
    if ctx.section is not None:
        raise ScenarioError(f"{ctx.server.spec.source}: ceph: the section belongs to a model "
                            "(models.<name>.ceph), not to the top level")
    source = ctx.server.spec.source
    sections = [parse_section(source, m, raw) for m, raw in ctx.model_sections.items()]
    by_cluster: dict[str, list[CephSection]] = {}
    for section in sections:
        by_cluster.setdefault(section.cluster, []).append(section)
    extension = CephExtension(ctx.server)
    try:
        for name, group in by_cluster.items():
            extension.clusters[name] = await _start_cluster(ctx, source, name, group,
                                                            extension)
    except BaseException:
        await extension.stop()
        raise
    for model in ctx.server.controller.models.values():
        extension.listen(model)
    # the charms' seam (docs/twin-charms.md): ceph-mon/ceph-osd actions of these models
    # (set-noout, get-quorum-status...) reach the real cluster through runtime.services
    attach = getattr(ctx.server, "attach_service", None)
    for handle in extension.clusters.values():
        for section in handle.sections:
            if attach is not None:
                attach(section.model, "ceph", CephService(handle.cluster))
    _RUNNING[ctx.server] = extension
    extension.changed()
    return extension


def _units(ctx: ExtensionContext, source: str, section: CephSection
           ) -> list[tuple[str, str, str]]:
    """(unit, machine id, hostname) of the section's application, one unit per machine."""
    model = next(m for m in ctx.server.controller.models.values() if m.name == section.model)
    where = f"{source}: models.{section.model}.ceph"
    if section.application not in model.applications:
        raise ScenarioError(f"{where}.application: no application "
                            f"{section.application!r} in model {section.model!r}")
    units = model.units_of(section.application)
    if not units:
        raise ScenarioError(f"{where}: {section.application} has no units to host monitors")
    found: list[tuple[str, str, str]] = []
    for unit in units:
        machine = model.machine(unit.machine_id)
        if any(m == machine.id for _, m, _ in found):
            raise ScenarioError(f"{where}: two {section.application} units on machine "
                                f"{machine.id} (one monitor per host)")
        found.append((unit.name, machine.id, machine.hostname))
    return found


async def _start_cluster(ctx: ExtensionContext, source: str, name: str,
                         sections: list[CephSection], ext: CephExtension) -> ClusterHandle:
    boots = [s for s in sections if s.bootstrap]
    if len(boots) != 1:
        raise ScenarioError(f"{source}: ceph cluster {name!r} needs exactly one model with "
                            f"monitors: bootstrap, found {len(boots)}")
    boot = boots[0]
    if boot.real and not real_ceph_available():
        raise ScenarioError(f"{source}: models.{boot.model}.ceph.real: real monitors asked "
                            "for, but ceph-mon/ceph-common are not installed")
    placed = {s.model: _units(ctx, source, s) for s in sections}
    names = [hostname for _, _, hostname in placed[boot.model]]
    every = [h for s in sections for _, _, h in placed[s.model]]
    if len(set(every)) != len(every):
        raise ScenarioError(f"{source}: ceph cluster {name!r}: monitor hosts need distinct "
                            "hostnames (a monitor is named after its host)")
    # short: admin-socket paths must stay under 108 bytes
    workdir = Path(tempfile.mkdtemp(prefix="oct-ceph-"))
    try:
        cluster = await asyncio.to_thread(open_cluster, workdir / "c", names,
                                          real=boot.real, fast=boot.fast)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    handle = ClusterHandle(name=name, cluster=cluster, workdir=workdir, sections=sections)
    try:
        if boot.pool and hasattr(cluster, "add_osd"):
            await asyncio.to_thread(cluster.add_osd)
            await asyncio.to_thread(cluster.create_pool, boot.pool)   # type: ignore[attr-defined]
        for section in sections:
            _place(ctx, handle, section, placed[section.model], ext)
    except BaseException:
        await asyncio.to_thread(cluster.destroy)
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    return handle


def _place(ctx: ExtensionContext, handle: ClusterHandle, section: CephSection,
           units: list[tuple[str, str, str]], ext: CephExtension) -> None:
    """Give each machine its monitor's address and a shell; executors go to the server."""
    cluster = handle.cluster
    model = next(m for m in ctx.server.controller.models.values() if m.name == section.model)
    admin = getattr(cluster, "admin_keyring", None)
    keyring = Path(admin).read_text() if admin else SIMULATED_ADMIN_KEYRING
    for unit, machine_id, hostname in units:
        address = cluster.mons[hostname] if section.bootstrap else \
            cluster.allocate_mon_address()
        root = handle.workdir / "hosts" / hostname
        host = CephHost(cluster, hostname=hostname, address=address, root=root,
                        lock=handle.lock, mon=hostname if section.bootstrap else None,
                        changed=ext.changed)
        if section.bootstrap:     # a bootstrapped ceph-mon unit holds the admin keyring
            write_private(host.root / ADMIN_KEYRING.lstrip("/"), keyring)
        machine = model.machine(machine_id)
        machine.addresses = [Address(address)]
        model.touch("machine", machine_id)
        handle.placements.append(Placement(section.model, section.application, unit,
                                           machine_id, host))
        ctx.server.set_executor(section.model, machine_id, CephMachineExecutor(host))
