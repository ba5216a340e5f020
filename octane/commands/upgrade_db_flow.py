"""``octane upgrade-db``'s read-only discovery, its abort, and the downtime report.

Discovery reads both models the way an operator would (Juju status, leader settings,
``df`` on the seed's database leader) and both servers (which service databases exist,
how big they are, whether the seed's copies are empty, what the seed's guard says). It
changes nothing. The abort needs only Juju (the guard is read when the seed's server
answers), so it works when a database server is the reason the run failed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field
from typing import TextIO

from octane.cloud.analysis import analyse
from octane.commands.upgrade_db_steps import ServiceSync, check_copy_target, step_ids
from octane.db import guard
from octane.db.endpoint import Endpoint
from octane.db.schema import list_databases
from octane.db.session import connect
from octane.db.verify import occupied_databases
from octane.engine import Journal
from octane.errors import GateFailed, OctaneError
from octane.juju import database, maintenance
from octane.juju.topology import Topology, TopologyModel
from octane.migrations import registry as migrations
from octane.plan.step import Plan

#: Room the copy needs on the seed beyond the data itself (redo log, index builds).
SPACE_MARGIN = 1.25


@dataclass(frozen=True)
class Units:
    """Who octane acts on through Juju: the original's API units, the seed's."""

    original: str
    seed: str
    api_apps: list[str]
    maintenance_units: list[str]
    seed_units: list[str]


@dataclass
class Discovery:
    """Everything the pre-checks found (read-only); the passwords stay in the endpoints."""

    units: Units
    source: Endpoint
    target: Endpoint
    release: str
    services: dict[str, ServiceSync] = field(default_factory=dict)
    databases: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    occupied: list[str] = field(default_factory=list)
    guard: guard.GuardRecord | None = None
    needed_bytes: int = 0
    free_bytes: int | None = None

    @property
    def seed(self) -> str:
        """The seed model's name."""
        return self.units.seed

    @property
    def maintenance_units(self) -> list[str]:
        """The original's API units (the deny-writes rule goes on each)."""
        return self.units.maintenance_units

    @property
    def api_apps(self) -> list[str]:
        """The original's API applications."""
        return self.units.api_apps

    @property
    def seed_units(self) -> list[str]:
        """The seed's API units (paused during the copy)."""
        return self.units.seed_units


def _api_units(topology: Topology) -> tuple[list[str], list[str]]:
    apps = sorted(a for a, c in topology.charms.items() if c in maintenance.API_CHARMS)
    return apps, [p.unit for a in apps for p in topology.units_of(a)]


async def discover_units(original: TopologyModel, seed: TopologyModel) -> Units:
    """The API units of both models (what maintenance, pause and resume act on)."""
    old, new = await asyncio.gather(original.topology(), seed.topology())
    apps, units = _api_units(old)
    if not units:
        raise GateFailed(f"model '{original.name}' has no API units of "
                         f"{', '.join(maintenance.API_CHARMS[:4])}, ...")
    return Units(original.name, seed.name, apps, units, _api_units(new)[1])


def _endpoint(access: database.Access) -> Endpoint:
    return Endpoint(access.host, access.port, access.user, access.password)


async def discover(original: TopologyModel, seed: TopologyModel) -> Discovery:
    """Read both models and both servers; refuse (one line) what cannot be upgraded."""
    units = await discover_units(original, seed)
    (_, old_access), (seed_cluster, new_access) = await asyncio.gather(
        database.access(original), database.access(seed))
    source, target = _endpoint(old_access), _endpoint(new_access)
    check_copy_target(source, target)
    seed_cloud = await seed.read_cloud()
    analysis = analyse(seed_cloud)
    topology = await seed.topology()
    present = await asyncio.to_thread(_list, source)
    found = Discovery(units, source, target, release="")
    targets = []
    for service in migrations.services():
        migration = migrations.load(service)
        dbs = [d for d in migration.databases if d in present]
        apps = topology.applications_of(migration.charm)
        if not dbs or not apps:
            continue
        places = topology.units_of(apps[0])
        leader = next((p for p in places if p.leader), places[0] if places else None)
        app = analysis.apps.get(apps[0])
        release = app.release if app is not None and app.release else \
            analysis.control_plane_release
        if leader is None or release is None:
            raise GateFailed(f"cannot tell where or to which release to sync '{service}' in "
                             f"seed '{seed.name}'")
        found.services[service] = ServiceSync(service, apps[0], leader.unit, release.codename,
                                              tuple(dbs))
        found.databases += dbs
        targets.append(release)
    if not found.databases:
        raise GateFailed(f"no OpenStack service database of the seed's services on "
                         f"{source.address} (model '{original.name}')")
    found.left_out = [d for d in present if d not in found.databases]
    # the release the seed's services run (each service is synced to its own unit's)
    found.release = min(targets).codename
    await asyncio.to_thread(_read_servers, found)
    found.free_bytes = await _free_bytes(seed, seed_cluster)
    return found


def _list(source: Endpoint) -> list[str]:
    with connect(source) as src:
        return list_databases(src)


def _read_servers(found: Discovery) -> None:
    with connect(found.source) as src:
        found.needed_bytes = int(guard.database_bytes(src, found.databases) * SPACE_MARGIN)
    with connect(found.target) as tgt:
        found.occupied = occupied_databases(tgt, found.databases)
        found.guard = guard.read(tgt)


async def _free_bytes(seed: TopologyModel, cluster: database.Cluster) -> int | None:
    """Free space under the seed leader's datadir (``df``), None when it cannot be read."""
    unit = cluster.leader.unit
    try:
        result = (await seed.run_command([unit], "df -Pk /var/lib/mysql", timeout=60))[unit]
        fields = result.stdout.strip().splitlines()[-1].split()
        return int(fields[3]) * 1024 if result.return_code == 0 else None
    except (OctaneError, IndexError, ValueError):
        return None


def _seed_guard(access: database.Access) -> guard.GuardRecord | None:
    with connect(_endpoint(access)) as tgt:
        return guard.read(tgt)


async def abort(original: TopologyModel, seed: TopologyModel, *, guarded_by: str | None,
                force: bool, out: TextIO, units: Units | None = None) -> int:
    """Lift the deny-writes rule from the original and resume the seed's paused units."""
    units = units or await discover_units(original, seed)
    record = None
    try:
        _, access = await database.access(seed)
        record = await asyncio.to_thread(_seed_guard, access)
    except OctaneError as exc:
        out.write(f"Note: the seed's guard could not be read ({exc.one_line()}); "
                  "relying on the journal\n")
    authoritative = guarded_by is not None or (record is not None and record.authoritative)
    if authoritative and not force:
        why = record.describe() if record is not None and record.authoritative else \
            f"run {guarded_by} recorded the guard"
        raise GateFailed(f"seed '{seed.name}' is authoritative ({why}): writes the original "
                         "accepted from now on would never reach the seed",
                         hint="use --abort --force to give the original its writes anyway")
    await maintenance.apply(original, units.maintenance_units, "off")
    out.write(f"API writes on '{original.name}' are accepted again (the deny-writes rule is "
              f"off on {len(units.maintenance_units)} units).\n")
    status = await seed.status()
    paused = [u.name for u in status.units() if u.name in units.seed_units
              and u.workload_message.startswith("Paused")]
    if paused:
        results = await seed.run_actions(paused, "resume", timeout=600)
        failed = sorted(u for u, r in results.items() if not r.ok)
        if failed:
            raise OctaneError(f"could not resume {', '.join(failed)} in seed '{seed.name}'")
    out.write(f"Seed '{seed.name}': {len(paused)} paused API units resumed.\n")
    return 0


_LABELS = {"maintenance-on": "maintenance on (writes refused from its end)",
           "pause-seed": "seed's API services paused", "copy": "copy and verification",
           "guard": "guard recorded", "verify": "schema versions verified",
           "resume-seed": "seed's API services resumed"}


def _stamp(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def downtime_report(run_id: str, plan: Plan, original: str, seed: str) -> str:
    """The window's start, each phase's duration and what ends it (from the journal)."""
    journal = Journal()
    try:
        records = journal.steps(run_id)
    finally:
        journal.close()
    ids = step_ids(seed)
    first = records.get(ids["maintenance-on"])
    last = records.get(ids["resume-seed"])
    if first is None or last is None or first.finished is None or last.finished is None:
        return "Downtime report: the journal does not record the whole run.\n"
    lines = [f"Downtime window of '{original}' (API writes refused, reads served): since "
             f"{_stamp(first.finished)} UTC"]
    for child in plan.root.children:
        record = records.get(child.id)
        if record is None or record.finished is None:
            continue
        name = child.id.rsplit("/", 2)
        label = _LABELS.get(name[-1]) or f"schema sync of '{name[-1]}'"
        lines.append(f"  {label:<46} {record.finished - record.started:8.2f} s")
    total = last.finished - first.finished
    lines.append(f"  {'database phase (writes refused -> seed ready)':<46} {total:8.2f} s")
    lines.append(f"The window stays open: '{seed}' is authoritative, so '{original}' keeps "
                 f"refusing writes until the control plane moves to the seed (octane "
                 f"upgrade-control {seed}); to give '{original}' its writes back instead: "
                 f"octane upgrade-db {seed} --abort --force")
    return "\n".join(lines) + "\n"
