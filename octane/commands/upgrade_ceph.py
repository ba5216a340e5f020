"""``octane upgrade-ceph SEED``: hand the Ceph monitors over to the seed, keeping quorum.

The seed's ceph-mon units join the original cluster (same fsid) and the original monitors
leave one at a time, in the quorum planner's order (docs/ceph.md). The plan is data — named
steps ``ceph.set_noout``, ``ceph.add_mon``, ``ceph.remove_mon``, ``ceph.unset_noout``,
``ceph.check_osd_maps``, ``ceph.check_release`` — run by the engine, so every step is
journaled and ``octane status`` shows where a hand-over stands. Each monitor step reads the
live quorum first and refuses a degraded one; running the command again re-plans from the
live monmap and resumes the interrupted run. The hand-over executor is synchronous: each
action runs it in a worker thread while the Juju port's calls are marshalled back onto this
event loop (:mod:`octane.ceph.juju_port`).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cliff.command import Command

from octane import paths
from octane.ceph.handover import MonitorHandover, Timeouts
from octane.ceph.juju_port import CephUnits, JujuCephPort, discover
from octane.ceph.planner import AddMonitor, HandoverPlan, MonStep, RemoveMonitor, plan_handover
from octane.commands.base import ErrorContract
from octane.commands.seed import add_seed_arguments, again, with_models
from octane.engine import Action, Registry, RunOptions, StepContext, log_banner, run_plan
from octane.engine.journal import Journal
from octane.engine.journal import default_path as journal_path
from octane.errors import StepFailed, UsageError
from octane.juju.topology import TopologyModel
from octane.plan.step import Plan, Step


@dataclass
class CephDeps:
    """What the hand-over's actions share (``ctx.deps``)."""

    handover: MonitorHandover
    target: dict[str, str]
    numbers: dict[str, int]


def _mon_step(step: Step) -> MonStep:
    name = str(step.params["name"])
    if step.action == AddMonitor.action:
        return AddMonitor(name, str(step.params["addr"]), ())
    return RemoveMonitor(name, ())


async def _set_noout(ctx: StepContext[CephDeps], step: Step) -> Any:
    return {"noout": await asyncio.to_thread(ctx.deps.handover.set_noout)}


async def _move(ctx: StepContext[CephDeps], step: Step) -> Any:
    deps = ctx.deps
    result = await asyncio.to_thread(deps.handover.run_step, _mon_step(step), deps.target,
                                     number=deps.numbers[step.id])
    return {"result": result}


async def _moved(ctx: StepContext[CephDeps], step: Step) -> bool:
    return await asyncio.to_thread(ctx.deps.handover.in_effect, _mon_step(step))


async def _unset_noout(ctx: StepContext[CephDeps], step: Step) -> Any:
    unset = await asyncio.to_thread(ctx.deps.handover.unset_noout, str(step.params["fsid"]))
    return {"unset": unset}


def _restart_hint(lagging: Mapping[int, int]) -> str:
    restart = "; ".join(f"systemctl restart ceph-osd@{o}" for o in sorted(lagging))
    return (f"restart them on their hosts ({restart}; ceph osd set noout before and unset "
            "after), then run the hand-over again")


def _unfinished(scope: str) -> bool:
    """A journaled hand-over of this pair of models that has not completed."""
    path = journal_path()
    if not path.exists():
        return False
    journal = Journal(path)
    try:
        return journal.latest_unfinished(scope) is not None
    finally:
        journal.close()


async def _check_osd_maps(ctx: StepContext[CephDeps], step: Step) -> Any:
    check = await asyncio.to_thread(ctx.deps.handover.check_osd_maps)
    if not check.ok:
        raise StepFailed(check.message, hint=_restart_hint(check.lagging))
    return {"epoch": check.epoch, "message": check.message}


async def _check_release(ctx: StepContext[CephDeps], step: Step) -> Any:
    check = await asyncio.to_thread(ctx.deps.handover.check_release)
    if not check.ok:
        ctx.say(f"Warning: {check.message}", important=True)
    return {"ok": check.ok, "message": check.message}


#: The hand-over's action vocabulary, built explicitly (no registration by import).
ACTIONS: Registry[CephDeps] = Registry({
    "ceph.set_noout": Action(run=_set_noout, summary="set noout on the OSDs"),
    AddMonitor.action: Action(run=_move, verify=_moved,
                              summary="deploy a monitor on a seed unit and add it"),
    RemoveMonitor.action: Action(run=_move, verify=_moved,
                                 summary="remove an original monitor and stop it"),
    "ceph.unset_noout": Action(run=_unset_noout, summary="unset noout if octane set it"),
    "ceph.check_osd_maps": Action(run=_check_osd_maps,
                                  summary="every OSD on the current OSD map (read-only)"),
    "ceph.check_release": Action(run=_check_release,
                                 summary="compare require_osd_release with the OSDs"),
})


def build_plan(units: CephUnits, planned: HandoverPlan, fsid: str) -> Plan:
    """The hand-over as a plan: stable ids per monitor, COU-style descriptions."""
    old, seed = units.original.name, units.seed.name
    base = f"ceph/{seed}"
    children = [Step(f"{base}/noout-set", "Set 'noout' on the OSDs while the monitors move",
                     action="ceph.set_noout", params={"fsid": fsid})]
    for mon in planned.steps:
        verb = "add" if isinstance(mon, AddMonitor) else "remove"
        children.append(Step(f"{base}/{verb}/{mon.name}", mon.description,
                             action=mon.action, params=mon.to_dict()["params"], prompt=True))
    children += [
        Step(f"{base}/noout-unset", "Unset 'noout' on the OSDs if octane set it",
             action="ceph.unset_noout", params={"fsid": fsid}),
        # the unset makes a new OSD map: every OSD must receive it (octane/ceph/osd.py)
        Step(f"{base}/osd-maps", "Verify that every OSD follows the current OSD map",
             action="ceph.check_osd_maps"),
        Step(f"{base}/release", "Check 'require_osd_release' against the OSDs' release",
             action="ceph.check_release")]
    root = Step(base, f"Hand the Ceph monitors of model '{old}' over to seed '{seed}'",
                children=tuple(children))
    return Plan(root, meta={"kind": "ceph-handover", "model": old, "seed": seed,
                            "fsid": fsid, "target": units.target})


class UpgradeCeph(ErrorContract, Command):
    """Hand the Ceph monitors over to the seed model, keeping quorum at every step.

    The seed's ceph-mon units join the original cluster (same fsid; the monmap and keyrings
    reach them 0600 and the copies are removed), then the original monitors leave one at a
    time. Before each step the live quorum is read and a degraded one stops the run with
    nothing changed; after each step octane waits for the full quorum it expects. The OSDs
    and clients are related to the seed's ceph-mon, noout is set and unset around the move
    and require-osd-release is checked at the end. Run it again after an interruption: it
    continues from the live monmap.
    """

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        """SEED [--model M] [--dry-run] [--auto-approve] [--quiet] [timeouts]."""
        parser = super().get_parser(prog_name)
        add_seed_arguments(parser)
        parser.add_argument("--dry-run", action="store_true",
                            help="print the planned steps and change nothing")
        parser.add_argument("--auto-approve", action="store_true",
                            help="do not ask before the hand-over and each monitor step")
        parser.add_argument("--quiet", "-q", action="store_true",
                            help="print the plan, prompts and the outcome only")
        parser.add_argument("--cli-timeout", type=float, default=10.0, metavar="S",
                            help="connect timeout of each ceph command (default: 10)")
        parser.add_argument("--step-timeout", type=float, default=120.0, metavar="S",
                            help="wait for the quorum after a step at most S (default: 120)")
        parser.add_argument("--osd-map-timeout", type=float, default=20.0, metavar="S",
                            help="at the end, wait at most S for every OSD to have the "
                                 "current OSD map (default: 20)")
        return parser

    def take_action(self, parsed_args: Any) -> int:
        """Plan from the live monmap, then run (or resume) the journaled hand-over."""
        if min(parsed_args.cli_timeout, parsed_args.step_timeout,
               parsed_args.osd_map_timeout) <= 0:
            raise UsageError("--cli-timeout, --step-timeout and --osd-map-timeout must be "
                             "positive")
        if not parsed_args.quiet and not parsed_args.dry_run:
            sys.stdout.write(log_banner(self.log_path) + "\n")
        return asyncio.run(with_models(
            parsed_args, lambda original, seed: self._handover(parsed_args, original, seed)))

    async def _handover(self, args: Any, original: TopologyModel,
                        seed: TopologyModel) -> int:
        cli = args.cli_timeout
        units = await discover(original, seed, timeout=cli + 20)
        workdir = paths.subdir("ceph")
        port = JujuCephPort(units, asyncio.get_running_loop(), workdir=workdir / "transit",
                            cli_timeout=cli)
        handover = MonitorHandover(port, workdir=workdir, timeouts=Timeouts(
            cli=cli, settle=max(30.0, 3 * cli), step=args.step_timeout,
            osd_maps=args.osd_map_timeout))
        live = await asyncio.to_thread(handover.live, "before planning", units.target)
        planned = plan_handover(live.monmap, units.target)      # refusals: nothing changed
        plan = build_plan(units, planned, live.fsid)
        out = sys.stdout
        if args.dry_run:
            out.write(plan.render() + "\n")
            out.write(f"Dry run: {len(planned.steps)} monitor step(s) from "
                      f"{live.describe()}; nothing was changed.\n")
            return 0
        scope = f"ceph:{original.name}:{seed.name}"
        if not planned.steps and not await asyncio.to_thread(_unfinished, scope):
            # a finished (or never started) hand-over: only the read-only checks and a noout
            # an interrupted run of octane's left behind; an unfinished journaled run instead
            # goes on below, so its remaining checks (osd-maps, release) really run
            maps = await asyncio.to_thread(handover.check_osd_maps)
            if not maps.ok:
                raise StepFailed(maps.message, hint=_restart_hint(maps.lagging))
            release = await asyncio.to_thread(handover.check_release)
            await asyncio.to_thread(handover.unset_noout, live.fsid)
            out.write(f"Nothing to do: the monitors are the seed's ({live.describe()}).\n"
                      f"{release.message}\n")
            return 0
        numbers = {s.id: i for i, s in enumerate(
            (c for c in plan.root.children if c.action in (AddMonitor.action,
                                                           RemoveMonitor.action)), 1)}
        outcome = await run_plan(plan, ACTIONS, CephDeps(handover, units.target, numbers),
                                 RunOptions(
            auto_approve=args.auto_approve, quiet=args.quiet, max_parallel=1,
            resume="latest", scope=scope,
            allow_plan_change=True, noun="hand-over", log_path=self.log_path,
            resume_command=again("upgrade-ceph", args)))
        if outcome.status == "completed":
            final = await asyncio.to_thread(handover.live, "after the hand-over")
            out.write(f"Monitors now: {final.describe()}\n")
        return outcome.exit_code
