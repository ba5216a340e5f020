"""The hand-over's port over Juju: the ceph-mon units of the original model and the seed.

Why this shape: :class:`~octane.ceph.handover.MonitorHandover` is synchronous (it polls
and sleeps between readings) and the Juju port is asyncio. Rather than a second, async
copy of the executor, the executor runs in a worker thread and every port call is
marshalled onto the event loop that owns the Juju connections (:meth:`JujuCephPort._sync`);
the loop stays free while a step waits. Each method does on the units what an operator
would do by hand:

* ``ceph(...)``: ``juju exec`` of ``ceph --connect-timeout N ...`` on a ceph-mon unit that
  holds the admin keyring (an original unit first; a seed unit once octane gave it the
  keyring); ``-o`` output goes to a 0600 file on the unit, comes back base64 and is
  deleted there.
* ``mon_status(name)``: ``ceph daemon mon.NAME mon_status`` on the unit whose hostname is
  NAME — the admin socket answers without a quorum.
* ``deploy_mon``: the admin keyring, the monmap and the ``mon.`` keyring go to the seed
  unit 0600 (:mod:`octane.juju.unitfiles`), ``ceph-mon --mkfs`` there, the copies of the
  monmap and ``mon.`` keyring are deleted (also on failure), ``systemctl enable --now``.
* ``stop_mon``: ``systemctl stop ceph-mon@NAME`` on the old unit, before ``ceph mon remove``
  (a removed monitor must not be alive when the others renumber their ranks: clients
  re-hunting then could hang on it; :meth:`~octane.ceph.handover.MonitorHandover._remove`).
* ``retire_mon``: ``systemctl disable --now ceph-mon@NAME`` on the old unit, once removed.
* ``point_clients_at``: in Juju terms, clients follow relations: once a seed monitor is a
  member, the seed's ceph-mon is offered and consumed into the original model and every
  client of the old ceph-mon (ceph-osd ``mon``, ``ceph`` clients...) relates to it too;
  once no old monitor is left, the old relations go. The charms rewrite ``mon_host``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import secrets
import shlex
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from octane.errors import ConnectionFailed, GateFailed, OctaneError
from octane.juju import unitfiles
from octane.juju.topology import RelationEnd, Topology, TopologyModel
from octane.paths import private_dir, write_private

LOG = logging.getLogger(__name__)
T = TypeVar("T")

CHARM = "ceph-mon"
ADMIN_KEYRING = "/etc/ceph/ceph.client.admin.keyring"
TMP = "/var/lib/ceph/tmp"
#: ceph-mon endpoints whose relations hand clients the monitors' addresses (mon_host).
CLIENT_ENDPOINTS = frozenset({"osd", "client", "radosgw", "mds", "admin", "rbd-mirror"})
#: What the port's own Juju round trip may add to a CLI call's timeout.
JUJU_SLACK = 30.0


@dataclass(frozen=True)
class MonUnit:
    """A ceph-mon unit: its model, unit name, monitor name (hostname) and address."""

    model: str
    unit: str
    name: str
    address: str


@dataclass(frozen=True)
class Result:
    """What one command printed on a unit (the shape the executor reads)."""

    returncode: int
    stdout: str
    stderr: str


@dataclass
class CephUnits:
    """Who is who: both models' ceph-mon units and the clients of the old ones."""

    original: TopologyModel
    seed: TopologyModel
    old_app: str
    new_app: str
    old: list[MonUnit]
    new: list[MonUnit]
    #: client ends (``ceph-osd:mon``) -> the ceph-mon endpoint they relate to (``osd``)
    clients: dict[RelationEnd, str] = field(default_factory=dict)

    @property
    def alias(self) -> str:
        """The seed's ceph-mon as the original model consumes it."""
        return f"{self.seed.name}-{self.new_app}"

    @property
    def target(self) -> dict[str, str]:
        """``{monitor name: address}`` of the seed's units, in unit order."""
        return {u.name: u.address for u in self.new}

    def by_name(self, name: str) -> MonUnit | None:
        """The unit hosting monitor ``name``."""
        return next((u for u in (*self.old, *self.new) if u.name == name), None)

    def model(self, unit: MonUnit) -> TopologyModel:
        """The connection of the unit's model."""
        return self.seed if unit.model == self.seed.name else self.original


def _mon_app(top: Topology, what: str) -> str:
    apps = top.applications_of(CHARM)
    if not apps:
        raise GateFailed(f"no ceph-mon application in {what} '{top.model}'",
                         hint="deploy ceph-mon there first" if what == "seed" else None)
    if len(apps) > 1:
        raise GateFailed(f"{what} '{top.model}' has more than one ceph-mon application: "
                         f"{', '.join(apps)}")
    return apps[0]


def _mon_units(top: Topology, app: str, what: str) -> list[MonUnit]:
    units = top.units_of(app)
    if not units:
        raise GateFailed(f"'{app}' in {what} '{top.model}' has no units")
    for p in units:
        if not p.hostname or not p.address:
            raise GateFailed(f"{what} unit {p.unit} is unreachable: no "
                             f"{'hostname' if not p.hostname else 'address'} in juju status")
    return [MonUnit(top.model, p.unit, p.hostname, p.address) for p in units]


async def discover(original: TopologyModel, seed: TopologyModel, *,
                   timeout: float) -> CephUnits:
    """Read both models and check every seed unit answers (one-line GateFailed if not)."""
    old_top, new_top = await asyncio.gather(original.topology(), seed.topology())
    old_app, new_app = _mon_app(old_top, "model"), _mon_app(new_top, "seed")
    units = CephUnits(original, seed, old_app, new_app, _mon_units(old_top, old_app, "model"),
                      _mon_units(new_top, new_app, "seed"))
    clashes = sorted({u.name for u in units.old} & {u.name for u in units.new})
    if clashes:
        raise GateFailed(f"seed monitor names clash with the original's: {', '.join(clashes)}"
                         " (a monitor is named after its host)")
    alias = units.alias
    for rel in old_top.relations:
        for app in (old_app, alias):
            mine, other = rel.end(app), rel.other(app)
            if mine and other and other.application not in (old_app, alias) \
                    and mine.endpoint in CLIENT_ENDPOINTS:
                units.clients[other] = mine.endpoint
    answers = await asyncio.gather(*(_answer(seed, u.unit, timeout) for u in units.new))
    for unit, (code, text) in zip(units.new, answers, strict=True):
        if code != 0 or text != unit.name:
            raise GateFailed(f"seed unit {unit.unit} is unreachable: `hostname` "
                             + (f"answered {text!r}, expected {unit.name!r}" if code == 0
                                else text), hint="check the seed's units with `juju status`")
    return units


async def _answer(model: TopologyModel, unit: str, timeout: float) -> tuple[int, str]:
    """``hostname`` on one unit: (0, name), or (code, why it did not answer)."""
    try:
        got = (await model.run_command([unit], "hostname", timeout=timeout))[unit]
    except OctaneError:
        return 124, f"did not answer within {timeout:.0f}s"
    if got.return_code != 0:
        return got.return_code, f"failed: {got.stderr.strip() or got.return_code}"
    return 0, got.stdout.strip()


class JujuCephPort:
    """:class:`~octane.ceph.port.CephPort` over Juju, called from a worker thread."""

    def __init__(self, units: CephUnits, loop: asyncio.AbstractEventLoop, *,
                 workdir: Path, cli_timeout: float = 10.0) -> None:
        self.units, self.loop, self.cli_timeout = units, loop, cli_timeout
        self.workdir = workdir
        self._retired: set[str] = set()
        self._keyed: set[str] = set()         # seed monitors given the admin keyring

    # -- the bridge ------------------------------------------------------------------------
    def _sync(self, coro: Coroutine[Any, Any, T], timeout: float) -> T:
        """Run ``coro`` on the Juju loop and wait; never call this on that loop."""
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            coro.close()
            raise RuntimeError("JujuCephPort methods block: call them from a worker thread")
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise ConnectionFailed(f"Juju did not answer within {timeout:.0f}s") from None

    async def _exec(self, unit: MonUnit, command: str, timeout: float) -> Result:
        """A command on a unit; a failure of Juju itself is a non-zero result, not raised."""
        try:
            got = (await self.units.model(unit).run_command([unit.unit], command,
                                                            timeout=timeout))[unit.unit]
        except OctaneError as exc:
            return Result(124, "", f"juju exec on {unit.unit} failed: {exc.message}\n")
        return Result(got.return_code, got.stdout, got.stderr)

    # -- the CLI ---------------------------------------------------------------------------
    def _cli_units(self) -> list[MonUnit]:
        old = [u for u in self.units.old if u.name not in self._retired]
        new = [u for u in self.units.new if u.name in self._keyed]
        return old + new + [u for u in self.units.new if u.name not in self._keyed]

    def ceph(self, args: Sequence[str], *, timeout: float | None = None,
             output: Path | None = None) -> Result:
        """``ceph ARGS`` on the first ceph-mon unit that can run it (see the module doc)."""
        limit = self.cli_timeout if timeout is None else timeout
        return self._sync(self._ceph(list(args), limit, output), limit + 2 * JUJU_SLACK)

    async def _ceph(self, args: list[str], limit: float, output: Path | None) -> Result:
        base = f"ceph --connect-timeout {max(1, round(limit))} {shlex.join(args)}"
        result = Result(1, "", "no ceph-mon unit can run the ceph CLI\n")
        for unit in self._cli_units():
            remote = f"{TMP}/octane-out-{secrets.token_hex(6)}" if output else None
            command = f"umask 077 && mkdir -p {TMP} && {base} -o {remote}" if remote else base
            try:
                result = await self._exec(unit, command, limit + JUJU_SLACK)
                if result.returncode == 0 and remote and output:
                    data = await unitfiles.fetch(self.units.model(unit), unit.unit, remote)
                    write_private(output, data)
            finally:
                if remote:
                    await self._exec(unit, f"rm -f {remote}", JUJU_SLACK)
            # only "this unit cannot run it" moves on; a cluster's answer is the answer
            if not _unit_cannot_run(result):
                return result
            LOG.debug("ceph CLI unavailable on %s: %s", unit.unit, result.stderr.strip())
        return result

    def mon_status(self, name: str, *, timeout: float = 5.0) -> dict[str, Any] | None:
        """The monitor's own admin socket, on its own unit; None when it does not answer."""
        unit = self.units.by_name(name)
        if unit is None:
            return None
        result = self._sync(self._exec(unit, f"ceph daemon mon.{shlex.quote(name)} mon_status",
                                       timeout + JUJU_SLACK), timeout + 2 * JUJU_SLACK)
        if result.returncode != 0:
            return None
        try:
            status = json.loads(result.stdout)
        except ValueError:
            return None
        return status if isinstance(status, dict) else None

    # -- monitors ---------------------------------------------------------------------------
    def deploy_mon(self, name: str, addr: str, *, monmap: Path, keyring: Path) -> None:
        """Create and start monitor ``name`` on the seed unit that owns ``addr``."""
        unit = self.units.by_name(name)
        if unit is None or unit.address != addr:
            raise OctaneError(f"no ceph-mon unit is monitor '{name}' at {addr}")
        self._sync(self._deploy(unit, monmap.read_bytes(), keyring.read_bytes()),
                   6 * JUJU_SLACK + 60)
        self._keyed.add(name)
        self._retired.discard(name)

    async def _deploy(self, unit: MonUnit, monmap: bytes, keyring: bytes) -> None:
        model, name = self.units.model(unit), unit.name
        admin = private_dir(self.workdir) / "admin.keyring"
        try:
            # a monitor host is an admin host: the CLI must work there once the old go
            fetched = await self._ceph(["auth", "get", "client.admin"], self.cli_timeout, admin)
            if fetched.returncode != 0:
                raise OctaneError(f"could not read the admin keyring: {fetched.stderr.strip()}")
            await unitfiles.put_private(model, unit.unit, ADMIN_KEYRING, admin.read_bytes())
        finally:
            admin.unlink(missing_ok=True)
        files = {f"{TMP}/octane-monmap": monmap, f"{TMP}/octane-mon.keyring": keyring}
        try:
            for path, data in files.items():
                await unitfiles.put_private(model, unit.unit, path, data, owner="ceph:ceph")
            mkfs = (f"test -e /var/lib/ceph/mon/ceph-{name}/keyring || ceph-mon --setuser "
                    f"ceph --setgroup ceph --mkfs -i {name} --monmap {TMP}/octane-monmap "
                    f"--keyring {TMP}/octane-mon.keyring --public-addr {unit.address}")
            await self._must(unit, mkfs, f"create mon.{name}")
        finally:
            await unitfiles.remove(model, unit.unit, list(files))
        await self._must(unit, f"systemctl enable --now ceph-mon@{name}", f"start mon.{name}")

    async def _must(self, unit: MonUnit, command: str, what: str) -> None:
        result = await self._exec(unit, command, 60 + JUJU_SLACK)
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["no output"])[-1]
            raise OctaneError(f"could not {what} on {unit.unit}: {last}")

    def stop_mon(self, name: str) -> None:
        """Stop a member's daemon on its unit before its removal (still enabled: a failed
        removal is undone with ``systemctl start``)."""
        unit = self.units.by_name(name)
        if unit is None:
            raise OctaneError(f"no ceph-mon unit hosts monitor '{name}'")
        self._sync(self._must(unit, f"systemctl stop ceph-mon@{name}", f"stop mon.{name}"),
                   2 * JUJU_SLACK + 60)

    def retire_mon(self, name: str) -> None:
        """Keep the removed (already stopped) monitor's daemon from starting again."""
        unit = self.units.by_name(name)
        if unit is None:
            return
        self._retired.add(name)
        self._keyed.discard(name)
        self._sync(self._must(unit, f"systemctl disable --now ceph-mon@{name}",
                              f"stop mon.{name}"), 2 * JUJU_SLACK + 60)

    # -- clients ----------------------------------------------------------------------------
    def point_clients_at(self, addrs: Sequence[str]) -> None:
        """Relate the clients to the ceph-mon apps whose units are members (module doc)."""
        self._sync(self._point(set(addrs)), 4 * JUJU_SLACK + 60)

    async def _point(self, addrs: set[str]) -> None:
        u = self.units
        if not u.clients:
            return
        if addrs & {m.address for m in u.new}:
            endpoints = sorted(set(u.clients.values()))
            url = await u.seed.offer(u.new_app, endpoints, u.new_app)
            await u.original.consume(url, u.alias)
            for end, endpoint in sorted(u.clients.items(), key=lambda c: c[0].spec):
                await u.original.relate(end.spec, f"{u.alias}:{endpoint}")
        if not addrs & {m.address for m in u.old}:
            for end, endpoint in sorted(u.clients.items(), key=lambda c: c[0].spec):
                await u.original.unrelate(end.spec, f"{u.old_app}:{endpoint}")


def _unit_cannot_run(result: Result) -> bool:
    """This unit, not the cluster, is the problem: no CLI, no keyring, Juju failed."""
    text = result.stderr
    return (result.returncode == 127 or "keyring not found" in text
            or "juju exec on" in text)
