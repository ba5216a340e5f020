"""``octane upgrade-db SEED``: copy every service database into the seed and migrate it.

The flow (fuel-octane's upgrade-db, with the safety rules of DESIGN.md):

1. **Read-only pre-checks** — both models reachable, each one's mysql-innodb-cluster and
   root login found the operator's way (:mod:`octane.juju.database`), the service
   databases discovered on the original, the seed's release read from its units, the
   seed's copies of those databases empty (or ``--force``), the guard absent, the seed's
   free disk space where its leader answers ``df``. Any refusal is one line; nothing has
   changed.
2. **The plan** (:mod:`.upgrade_db_steps`) on the engine, journaled: maintenance on the
   original (API writes 503, reads work), the seed's API services paused, the copy
   (consistent snapshot, every table verified), the guard (journal + seed database), one
   schema sync per service on its seed leader, verification against the seed's release,
   the seed's services resumed.
3. **The downtime report**: when writes stopped, each phase's duration, and that the
   original stays read-only — the seed is authoritative now; the control plane moves to it
   next (``octane upgrade-control``).

**Failure before the guard** (the copy failed, an interrupt, a pause that did not take):
octane lifts the maintenance rule and resumes the seed's services *itself*, so the
original is back in service at once, untouched; running the same command again starts a
new run whose copy resumes table by table. If octane itself was killed, ``octane
upgrade-db SEED --abort`` does the same in one command. **After the guard**, running the
command again resumes the journaled run (sync, verify, resume); the copy never runs again
unless ``--force``; ``--abort`` then needs ``--force`` too, because writes the original
accepts from then on never reach the seed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass
from typing import Any

from cliff.command import Command

from octane.commands import upgrade_db_steps as steps
from octane.commands.base import ErrorContract
from octane.commands.seed import add_seed_arguments, again, with_models
from octane.commands.upgrade_db_flow import Discovery, abort, discover, downtime_report
from octane.engine import Journal, RunOptions, log_banner, run_plan
from octane.errors import GateFailed, UsageError
from octane.juju.topology import TopologyModel


@dataclass(frozen=True)
class Choice:
    """Which run to execute: a journaled one past its guard (resume), or a new one."""

    resume: str | None
    guarded_by: str | None


def choose_run(journal: Journal, scope: str, seed: str) -> Choice:
    """Resume an unfinished run that recorded its guard; otherwise start anew, noting any
    run whose guard made the seed authoritative (the copy must not run again)."""
    guarded_by = None
    for record in journal.runs(scope):
        done = steps.guard_step_done(journal.steps(record.id), seed)
        if done and record.status != "completed":
            return Choice(record.id, record.id)
        if done:
            guarded_by = record.id
    return Choice(None, guarded_by)


class UpgradeDb(ErrorContract, Command):
    """Copy every service database of the original model into the seed and migrate it.

    The original's API writes are refused (HTTP 503; reads keep working) from the start of
    the copy; the seed's API services are paused, the databases copied and verified table
    by table, the seed marked authoritative (in the journal and in its own database), each
    service's schema synced on its seed leader to the seed's release and verified, and the
    seed's services resumed. A failure before the seed is marked authoritative puts the
    original back in service at once; run the command again to continue.
    """

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        """SEED [--model M] [--auto-approve] [--quiet] [--force] [--abort] [--parallel N]."""
        parser = super().get_parser(prog_name)
        add_seed_arguments(parser)
        parser.add_argument("--auto-approve", action="store_true",
                            help="do not ask before starting")
        parser.add_argument("--quiet", "-q", action="store_true",
                            help="print the plan, prompts and the outcome only")
        parser.add_argument("--force", action="store_true",
                            help="copy even though the seed's databases hold data or the "
                                 "seed is already authoritative (its data is replaced)")
        parser.add_argument("--abort", action="store_true",
                            help="give the original its API writes back and resume the "
                                 "seed's services (after the guard: with --force only)")
        parser.add_argument("--parallel", type=int, default=4, metavar="N",
                            help="tables or chunks copied at once (default: 4)")
        return parser

    def take_action(self, parsed_args: Any) -> int:
        """Check, plan, run (or resume) the journaled upgrade, report the downtime."""
        if parsed_args.parallel < 1:
            raise UsageError("--parallel must be at least 1")
        if not parsed_args.quiet:
            sys.stdout.write(log_banner(self.log_path) + "\n")
        return asyncio.run(with_models(
            parsed_args, lambda original, seed: self._run(parsed_args, original, seed)))

    async def _run(self, args: Any, original: TopologyModel, seed: TopologyModel) -> int:
        scope = f"upgrade-db:{original.controller}:{original.name}:{seed.name}"
        journal = await asyncio.to_thread(Journal)
        try:
            choice = await asyncio.to_thread(choose_run, journal, scope, seed.name)
        finally:
            await asyncio.to_thread(journal.close)
        out = sys.stdout
        if args.abort:
            return await abort(original, seed, guarded_by=choice.guarded_by,
                               force=args.force, out=out)
        found = await discover(original, seed)
        if choice.resume is None:
            refuse(found, choice, force=args.force)
        plan = steps.build_plan(
            original=original.name, seed=seed.name, release=found.release,
            maintenance_units=found.maintenance_units, api_apps=found.api_apps,
            seed_units=found.seed_units, databases=found.databases,
            services=list(found.services.values()))
        deps = steps.UpgradeDbDeps(original=original, seed=seed, source=found.source,
                                   target=found.target, parallel=args.parallel,
                                   force=args.force, services=dict(found.services))
        command = again("upgrade-db", args)
        outcome = await run_plan(plan, steps.ACTIONS, deps, RunOptions(
            auto_approve=args.auto_approve, quiet=args.quiet, max_parallel=1,
            resume=choice.resume, scope=scope, allow_plan_change=True,
            noun="database upgrade", log_path=self.log_path, resume_command=command))
        if outcome.status == "completed" and outcome.run_id:
            out.write(await asyncio.to_thread(downtime_report, outcome.run_id, plan,
                                              original.name, seed.name))
            return 0
        if outcome.run_id is None or outcome.status == "declined":
            return outcome.exit_code
        journal = await asyncio.to_thread(Journal)
        try:
            records = await asyncio.to_thread(journal.steps, outcome.run_id)
        finally:
            await asyncio.to_thread(journal.close)
        if not steps.guard_step_done(records, seed.name):
            out.write("The seed is not authoritative yet: putting the original back in "
                      "service.\n")
            await abort(original, seed, guarded_by=None, force=True, out=out,
                        units=found.units)
            out.write(f"Run '{command}' again to continue: the copy resumes table by "
                      "table.\n")
        return outcome.exit_code


def refuse(found: Discovery, choice: Choice, *, force: bool) -> None:
    """The read-only gates of a new run; one line each, nothing changed."""
    if force:
        return
    if choice.guarded_by is not None or (found.guard is not None and
                                         found.guard.authoritative):
        why = found.guard.describe() if found.guard is not None and \
            found.guard.authoritative else f"run {choice.guarded_by} recorded the guard"
        raise GateFailed(f"seed '{found.seed}' is authoritative: {why}; copying again would "
                         "discard what the seed holds now", hint="use --force to copy anyway")
    octane_work = found.guard is not None and found.guard.state == "copying"
    if found.occupied and not octane_work:
        raise GateFailed(f"seed '{found.seed}' already has data in: "
                         f"{', '.join(found.occupied)}", hint="use --force to replace it")
    if found.free_bytes is not None and found.free_bytes < found.needed_bytes:
        raise GateFailed(f"seed '{found.seed}' has {found.free_bytes / 2**20:.0f} MiB free on "
                         f"{found.target.address}, the copy needs about "
                         f"{found.needed_bytes / 2**20:.0f} MiB",
                         hint="free space on the seed's database machine")
