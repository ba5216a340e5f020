"""``octane upgrade-db``'s plan and actions: named steps the engine runs and journals.

The plan is data (octane/plan/step.py): maintenance on the original, the seed's API
services paused, the copy, the guard, one schema sync per service, verification, the
seed's services resumed. Every action is idempotent or resumable: maintenance and pause are
read back (``verify``), the copy resumes table by table (the copy engine's state), the guard
is a single row written with this run's id, a schema sync of an already-synced schema
changes nothing. Secrets (the two root passwords) live only in :class:`UpgradeDbDeps`, never
in a step's params or result, so the journal holds none.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field
from typing import Any

from octane.db import guard, versions
from octane.db.copy import CopyOptions, copy_databases
from octane.db.endpoint import Endpoint
from octane.db.session import connect
from octane.db.state import load_state
from octane.db.transfer import Progress
from octane.db.verify import occupied_databases
from octane.engine import Action, Registry, StepContext
from octane.errors import OctaneError, StepFailed
from octane.juju import maintenance
from octane.juju.topology import TopologyModel
from octane.migrations import registry as migrations
from octane.plan.step import JSON, Plan, Step

#: A schema sync may take long on a big cloud (nova's migrations rewrite tables).
SYNC_TIMEOUT = 3600.0
#: A charm's pause/resume action.
ACTION_TIMEOUT = 600.0


@dataclass(frozen=True)
class ServiceSync:
    """One service to migrate in the seed: where its commands run and to which release."""

    service: str
    application: str
    unit: str
    release: str
    databases: tuple[str, ...]


@dataclass
class UpgradeDbDeps:
    """What the actions share (``ctx.deps``); holds the passwords, the plan never does."""

    original: TopologyModel
    seed: TopologyModel
    source: Endpoint
    target: Endpoint
    parallel: int = 4
    force: bool = False
    services: dict[str, ServiceSync] = field(default_factory=dict)


def _units(step: Step) -> list[str]:
    return [str(u) for u in step.params.get("units", ())]


async def _maintenance_on(ctx: StepContext[UpgradeDbDeps], step: Step) -> JSON:
    units = _units(step)
    ctx.progress(f"deny-writes rule on {len(units)} API units", busy=units)
    await maintenance.apply(ctx.deps.original, units, "on")
    missing = await maintenance.units_without_rule(ctx.deps.original, units)
    if missing:
        raise StepFailed(f"the deny-writes rule did not stay on {', '.join(missing)}")
    return {"units": units}


async def _maintenance_is_on(ctx: StepContext[UpgradeDbDeps], step: Step) -> bool:
    return not await maintenance.units_without_rule(ctx.deps.original, _units(step))


async def _paused(model: TopologyModel, units: list[str]) -> list[str]:
    status = await model.status()
    found = {u.name: u for u in status.units()}
    return [u for u in units if u in found and found[u].workload_message.startswith("Paused")]


async def _run_on_all(model: TopologyModel, units: list[str], action: str) -> None:
    results = await model.run_actions(units, action, timeout=ACTION_TIMEOUT)
    failed = sorted(u for u, r in results.items() if not r.ok)
    if failed:
        raise StepFailed(f"'{action}' failed on {', '.join(failed)}: "
                         f"{results[failed[0]].message or results[failed[0]].status}")


async def _pause_seed(ctx: StepContext[UpgradeDbDeps], step: Step) -> JSON:
    units = _units(step)
    todo = [u for u in units if u not in await _paused(ctx.deps.seed, units)]
    ctx.progress(f"pausing {len(todo)} units", busy=todo)
    if todo:
        await _run_on_all(ctx.deps.seed, todo, "pause")
    return {"paused": todo}


async def _seed_paused(ctx: StepContext[UpgradeDbDeps], step: Step) -> bool:
    units = _units(step)
    return len(await _paused(ctx.deps.seed, units)) == len(units)


async def _resume_seed(ctx: StepContext[UpgradeDbDeps], step: Step) -> JSON:
    todo = await _paused(ctx.deps.seed, _units(step))
    ctx.progress(f"resuming {len(todo)} units", busy=todo)
    if todo:
        await _run_on_all(ctx.deps.seed, todo, "resume")
    return {"resumed": todo}


async def _seed_resumed(ctx: StepContext[UpgradeDbDeps], step: Step) -> bool:
    return not await _paused(ctx.deps.seed, _units(step))


def _copy_now(deps: UpgradeDbDeps, run_id: str, original: str, databases: list[str],
              force: bool, progress: Any) -> JSON:
    """Mark the seed as being filled, then copy (the copy engine verifies every table)."""
    with connect(deps.target) as tgt:
        before = guard.read(tgt)
        resumable = load_state(deps.source, deps.target, databases).resumable
        octane_work = before is not None and before.state == guard.COPYING
        occupied = occupied_databases(tgt, databases)
        # tables left by octane's own interrupted copy, none verified: start them afresh
        replace = force or (octane_work and bool(occupied) and not resumable)
        guard.record(tgt, guard.COPYING, run_id=run_id, original=original,
                     databases=databases)
    report = copy_databases(deps.source, deps.target, CopyOptions(
        databases=databases, parallel=deps.parallel, force=replace, progress=progress))
    digest = hashlib.sha256("".join(f"{t.label}:{t.target_rows}:{t.target_checksum}\n"
                                    for t in report.tables).encode()).hexdigest()[:16]
    return {"databases": databases, "tables": len(report.tables),
            "rows": sum(t.target_rows or 0 for t in report.tables),
            "resumed_tables": sum(1 for t in report.tables if t.resumed),
            "checksums": digest, "seconds": round(report.seconds, 3)}


async def _copy(ctx: StepContext[UpgradeDbDeps], step: Step) -> JSON:
    deps = ctx.deps
    units = [str(u) for u in step.params.get("maintenance_units", ())]
    missing = await maintenance.units_without_rule(deps.original, units)
    if missing:     # a hook rewrote a unit's frontend: writes could reach the original
        raise StepFailed(f"the deny-writes rule is gone from {', '.join(missing)}; "
                         "nothing was copied")
    databases = [str(d) for d in step.params["databases"]]

    def progress(event: Progress) -> None:
        ctx.progress(f"{event.tables_done}/{event.tables_total} tables copied and verified "
                     f"({event.bytes_done / 1e6:.0f} MB)")
    return await asyncio.to_thread(_copy_now, deps, ctx.run_id, str(step.params["original"]),
                                   databases, deps.force, progress)


def _guard_now(deps: UpgradeDbDeps, run_id: str, original: str,
               databases: list[str]) -> JSON:
    with connect(deps.target) as tgt:
        found = guard.record(tgt, guard.AUTHORITATIVE, run_id=run_id, original=original,
                             databases=databases)
    return {"run": found.run_id, "state": found.state, "at": found.updated_at}


async def _guard(ctx: StepContext[UpgradeDbDeps], step: Step) -> JSON:
    return await asyncio.to_thread(_guard_now, ctx.deps, ctx.run_id,
                                   str(step.params["original"]),
                                   [str(d) for d in step.params["databases"]])


def _guard_read(deps: UpgradeDbDeps) -> guard.GuardRecord | None:
    with connect(deps.target) as tgt:
        return guard.read(tgt)


async def _guarded(ctx: StepContext[UpgradeDbDeps], step: Step) -> bool:
    found = await asyncio.to_thread(_guard_read, ctx.deps)
    return found is not None and found.authoritative and found.run_id == ctx.run_id


async def _sync(ctx: StepContext[UpgradeDbDeps], step: Step) -> JSON:
    unit = str(step.params["unit"])
    done = []
    for line in step.params["commands"]:
        ctx.progress(f"{line} on {unit}", busy=[unit])
        result = (await ctx.deps.seed.run_command([unit], str(line),
                                                  timeout=SYNC_TIMEOUT))[unit]
        if result.return_code != 0:
            last = (result.stderr or result.stdout).strip().splitlines()
            raise StepFailed(f"`{line}` on {unit} exited {result.return_code}: "
                             f"{last[-1] if last else 'no output'}")
        done.append(str(line))
    return {"unit": unit, "commands": done}


def _verify_now(deps: UpgradeDbDeps) -> list[versions.VersionCheck]:
    checks: list[versions.VersionCheck] = []
    with connect(deps.target) as tgt:
        for sync in deps.services.values():
            checks += versions.verify_release(tgt, migrations.load(sync.service), sync.release)
    return checks


async def _verify(ctx: StepContext[UpgradeDbDeps], step: Step) -> JSON:
    checks = await asyncio.to_thread(_verify_now, ctx.deps)
    loose = [c.database for c in checks if c.status in ("approximate", "unknown")]
    if loose:
        ctx.say(f"Schema versions: {len(checks) - len(loose)} of {len(checks)} databases "
                f"verified against established facts; approximate or unknown (octane's "
                f"expected version is not established upstream): {', '.join(loose)}",
                important=True)
    wrong = [c for c in checks if not c.ok]
    if wrong:
        raise StepFailed("schema versions do not match the target release: "
                         + "; ".join(c.describe() for c in wrong[:3]))
    return {"checks": [c.describe() for c in checks]}


#: The vocabulary of ``upgrade-db`` (built explicitly; no registration by import).
ACTIONS: Registry[UpgradeDbDeps] = Registry({
    "db.maintenance_on": Action(run=_maintenance_on, verify=_maintenance_is_on,
                                summary="deny API writes on the original's API units"),
    "db.pause_seed": Action(run=_pause_seed, verify=_seed_paused,
                            summary="pause the seed's API services"),
    "db.copy": Action(run=_copy, summary="copy the databases into the seed, verified"),
    "db.guard": Action(run=_guard, verify=_guarded,
                       summary="record that the seed's databases are authoritative"),
    "db.sync": Action(run=_sync, summary="run a service's schema sync on a seed unit"),
    "db.verify": Action(run=_verify, summary="check schema versions against the release"),
    "db.resume_seed": Action(run=_resume_seed, verify=_seed_resumed,
                             summary="resume the seed's API services"),
})


def _names(items: list[str], limit: int = 6) -> str:
    shown = ", ".join(f"'{i}'" for i in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def step_ids(seed: str) -> dict[str, str]:
    """The stable ids of the plan's steps (the journal and the report find them by id)."""
    base = f"db/{seed}"
    return {name: f"{base}/{name}" for name in (
        "maintenance-on", "pause-seed", "copy", "guard", "verify", "resume-seed")} | \
        {"root": base}


def build_plan(*, original: str, seed: str, release: str, maintenance_units: list[str],
               api_apps: list[str], seed_units: list[str], databases: list[str],
               services: list[ServiceSync]) -> Plan:
    """The upgrade-db plan as data: stable ids, COU-style descriptions."""
    ids = step_ids(seed)
    children = [
        Step(ids["maintenance-on"], f"Refuse API writes on model '{original}': a deny-writes "
             f"rule on {len(maintenance_units)} units of {_names(api_apps)}",
             action="db.maintenance_on", params={"units": maintenance_units}),
        Step(ids["pause-seed"], f"Pause the API services of seed '{seed}': "
             f"{len(seed_units)} units", action="db.pause_seed", params={"units": seed_units}),
        Step(ids["copy"], f"Copy {len(databases)} databases from '{original}' to '{seed}' and "
             f"verify every table: {_names(databases, 9)}", action="db.copy",
             params={"databases": databases, "original": original,
                     "maintenance_units": maintenance_units}),
        Step(ids["guard"], f"Record in the journal and in seed '{seed}' that its databases "
             "are authoritative", action="db.guard",
             params={"databases": databases, "original": original}),
    ]
    for sync in services:
        commands = [c.line for c in migrations.load(sync.service).sync_commands(sync.release)]
        children.append(Step(
            f"db/{seed}/sync/{sync.service}", f"Sync the '{sync.service}' schema to "
            f"'{sync.release}' on '{sync.unit}': {'; '.join(commands)}", action="db.sync",
            params={"service": sync.service, "unit": sync.unit, "release": sync.release,
                    "commands": commands}))
    children += [
        Step(ids["verify"], f"Verify the schema versions of seed '{seed}' against "
             f"'{release}'", action="db.verify",
             params={"services": {s.service: s.release for s in services}}),
        Step(ids["resume-seed"], f"Resume the API services of seed '{seed}'",
             action="db.resume_seed", params={"units": seed_units}),
    ]
    root = Step(ids["root"], f"Upgrade the databases of model '{original}' into seed "
                f"'{seed}' ('{release}')", children=tuple(children))
    return Plan(root, meta={"kind": "upgrade-db", "model": original, "seed": seed,
                            "release": release, "databases": databases})


def guard_step_done(records: dict[str, Any], seed: str) -> bool:
    """Whether a run's journal records the guard (the copy may never run again)."""
    record = records.get(step_ids(seed)["guard"])
    return record is not None and record.state == "done"


def check_copy_target(source: Endpoint, target: Endpoint) -> None:
    """Both ends of the copy are different servers (a model cannot be its own seed)."""
    if source.address == target.address:
        raise OctaneError(f"the original and the seed share the database server "
                          f"{source.address}; the seed needs its own cluster")
