"""Benchmark: how long the in-place upgrade of the twin's ``large`` cloud takes, simulated.

The plan is the one ``octane upgrade`` would run: built over the wire from the twin's
``large`` scenario (64 applications, 1,000 hypervisors in 10 AZs; its few VMs migrated away,
as an operator does first). Each step's duration comes from the twin's charm behaviours, the
same numbers the twin's clock uses when octane runs against it:

* a refresh: the charm's ``upgrade-charm`` + ``config-changed`` hooks, then the idle period;
* a wait after an origin change: the charm's upgrading ``config-changed`` (its payload
  upgrade time), then the idle period; after an action-managed origin change (hypervisors),
  a plain ``config-changed``;
* charm actions (pause, resume, openstack-upgrade, archive-data, mysqldump,
  run-deferred-hooks, instance-count, disable/enable): their ``actions.yaml`` durations;
* ``juju exec`` commands (packages, ceph): the twin's exec time; API reads and config
  writes: one second.

:func:`octane.engine.simulate` replays the engine's own scheduler on those durations and
gives three numbers: octane's **makespan** at a ``--max-parallel``; the **critical path**
(no schedule can beat it); and **COU's order**: the same steps with every section that holds
application plans made sequential -- one application (one AZ) after another, as COU runs
them, units of one application still concurrent as in COU. The plain sum of all actions is
shown too. Goal (issue 5): makespan at least 2x shorter than COU's order, and within 10 % of
the critical path. Run::

    .venv/bin/python benchmarks/makespan.py [--max-parallel 8 32 128 512]
                                            [--az-batch 1 3] [--no-write]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from octane.engine import simulate  # noqa: E402
from octane.plan.builder import PlanResult  # noqa: E402
from octane.plan.options import PlanOptions  # noqa: E402
from octane.plan.step import Plan, Step  # noqa: E402
from octane.releases import catalogue  # noqa: E402
from octane.twin.state import actions as twin_actions  # noqa: E402
from octane.twin.testing import running_twin  # noqa: E402
from tests.functional.upgrade.cloud import scenario  # noqa: E402

MODEL = "large"
MARK_START = "<!-- makespan:start -->"
MARK_END = "<!-- makespan:end -->"
#: COU's idle period (jubilant: 10 polls 1 s apart; libjuju: idle_period 10).
IDLE = 10.0
#: An API read or a config write.
CALL = 1.0


@dataclasses.dataclass(frozen=True)
class AppTimes:
    """What the twin's behaviour says about one application (scenario seconds)."""

    refresh: float
    upgrade: float
    settle: float
    actions: Mapping[str, float]


def app_times(controller: Any) -> dict[str, AppTimes]:
    """Per application: hook and action durations from its charm behaviour (on the twin's
    loop, through ``RunningTwin.inspect``)."""
    model = next(m for m in controller.models.values() if m.name == MODEL)
    cat = catalogue()
    out = {}
    for name, app in model.applications.items():
        unit = next((u for u in model.units.values() if u.application == name), None)
        if unit is None:
            continue
        behaviour = model.behaviour(app)
        ctx = model.unit_context(unit)
        key = next((k for k in ("openstack-origin", "source") if k in ctx.config), None)
        upgraded = ctx
        if key is not None:
            origin = cat.series("focal").origin_for(cat.release("victoria"))
            upgraded = dataclasses.replace(ctx, config={**ctx.config, key: origin})
        managed = dataclasses.replace(upgraded, config={**upgraded.config,
                                                        "action-managed-upgrade": True})
        out[name] = AppTimes(
            refresh=sum(behaviour.hook_duration(h, ctx) for h in behaviour.hooks_for_refresh()),
            upgrade=behaviour.hook_duration("config-changed", upgraded),
            settle=behaviour.hook_duration("config-changed", managed),
            actions={a: spec.duration for a, spec in behaviour.actions().items()})
    return out


def durations(plan: Plan, times: Mapping[str, AppTimes]) -> dict[str, float]:
    """Step id -> simulated seconds (see the module docstring).

    Walked in plan order, because a step repeated later is a no-op there (the engine's
    actions are idempotent): the hypervisors' application-wide refresh, channel and origin
    steps act in the first AZ group only, so the later groups' waits have no hook to wait
    for, just the idle period.
    """
    exec_s = twin_actions.EXEC_DURATION
    seen: set[tuple[str, str]] = set()
    changed: set[str] = set()  # parent group ids where a config or charm change happened
    out: dict[str, float] = {}

    def action(t: AppTimes | None, name: str, default: float = 5.0) -> float:
        return t.actions.get(name, default) if t else default

    def visit(step: Step, parent: str) -> None:
        if step.action is not None:
            out[step.id] = of(step, parent)
        for child in step.children:
            visit(child, step.id)

    def of(step: Step, parent: str) -> float:
        params = step.params
        app = str(params.get("application") or params.get("mon_application") or
                  str(params.get("unit", "")).split("/")[0])
        t = times.get(app)
        match step.action:
            case "app.refresh" | "app.set_config":
                key = (app, repr(sorted(dict(params).items())))
                first = key not in seen
                seen.add(key)
                if first:
                    changed.add(parent)
                if step.action == "app.set_config" or not first:
                    return CALL
                return CALL + (t.refresh if t else 180.0) + IDLE
            case "model.wait_idle":
                owner = times.get(step.id.split("/")[-2])
                if parent not in changed:
                    return IDLE
                hv = step.id.startswith("hv/")
                hook = (owner.settle if hv else owner.upgrade) if owner else 60.0
                return hook + IDLE
            case "model.verify_idle":
                return IDLE
            case "unit.upgrade_packages":
                return exec_s * (3 if params.get("hold") else 1)
            case "unit.pause" | "unit.resume" | "unit.openstack_upgrade":
                name = str(step.action).split(".")[1].replace("_", "-")
                return action(t, name) + exec_s * len(params.get("restart_services") or ())
            case "unit.run_action":
                return action(t, str(params["action"]))
            case "nova.disable_scheduler":
                return action(t, "disable")
            case "nova.enable_scheduler":
                return action(t, "enable")
            case "nova.verify_empty":
                return action(t, "instance-count", 1.0)
            case "nova.archive":
                return 2 * action(t, "archive-data")  # a batch, then "Nothing was archived"
            case "nova.purge":
                return action(t, "purge-data")
            case "mysql.backup":
                return action(t, "mysqldump") + 3 * exec_s  # + size, checksum, one chunk
            case "ceph.ensure_require_osd_release":
                return 2 * exec_s
            case "ovn.verify_version" | "app.verify_workload" | "app.verify_release" | \
                    "app.verify_config" | "vault.verify_unsealed":
                return CALL
            case _:
                raise ValueError(f"no duration model for {step.action!r} ({step.id})")

    visit(plan.root, "")
    return out


#: Groups octane runs concurrently where COU runs their steps one by one: nova-compute's
#: scheduler disable/enable per unit (COU lists them as sequential steps of the AZ group).
COU_SEQUENTIAL = ("/disable", "/enable")


def cou_order(step: Step) -> Step:
    """The same steps, one application (one AZ group) after another: every group whose
    children are application plans or AZ groups becomes sequential, and so do the scheduler
    steps COU runs one unit after another; what COU runs concurrently inside one
    application (its units' upgrades, its packages) stays concurrent."""
    def holds_plans(s: Step) -> bool:
        return any(c.prompt for c in s.children)

    children = tuple(cou_order(c) for c in step.children)
    parallel = step.parallel and not holds_plans(step) and \
        not step.id.endswith(COU_SEQUENTIAL)
    return dataclasses.replace(step, children=children, parallel=parallel)


async def _plan(model: str, options: PlanOptions) -> PlanResult:
    from octane.commands.plan import make_plan

    result, _ = await make_plan(model, options)
    return result


def measure(parallel: list[int], batches: list[int]) -> dict[str, Any]:
    """Plan the large twin over the wire (once per ``--az-batch``), then simulate."""
    spec = scenario("large", vms=False)
    plans: dict[int, Plan] = {}
    with tempfile.TemporaryDirectory() as tmp, \
            running_twin(spec, data_dir=Path(tmp) / "twin") as twin:
        os.environ["JUJU_DATA"] = str(twin.juju_data)
        os.environ["OCTANE_DATA"] = str(Path(tmp) / "octane")
        for name in [n for n in os.environ if n.startswith("OS_")]:
            del os.environ[name]
        begun = time.perf_counter()
        for batch in batches:
            plans[batch] = asyncio.run(_plan(twin.model_name(MODEL),
                                             PlanOptions(az_batch=batch))).plan
        planning = (time.perf_counter() - begun) / len(batches)
        times = twin.inspect(app_times, timeout=60)
    found: dict[str, Any] = {"planning": planning, "batches": {}}
    for batch, plan in plans.items():
        of = durations(plan, times)
        steps = sum(1 for s in plan.root.walk() if s.action)
        found["batches"][batch] = {n: simulate(plan.root, of, n) for n in parallel}
        if batch == batches[0]:
            found["cou"] = simulate(cou_order(plan.root), of, steps)
            found["steps"] = steps
            found["hypervisors"] = sum(1 for s in plan.root.walk() if s.action == "unit.pause")
    return found


def _vs(cou: float, ours: float) -> str:
    ratio = cou / ours
    return f"{ratio:.2f}x shorter" if ratio >= 1 else f"{1 / ratio:.2f}x longer"


def _h(seconds: float) -> str:
    return f"{seconds / 3600:.2f} h"


def _how(batch: int) -> str:
    return "one AZ at a time" if batch == 1 else f"`--az-batch {batch}`"


def report(found: dict[str, Any], parallel: list[int], batches: list[int]) -> str:
    """The RESULTS.md section."""
    cou = found["cou"]
    first = next(iter(found["batches"][batches[0]].values()))
    lines = [
        MARK_START,
        "## Simulated upgrade time, large cloud (`benchmarks/makespan.py`)",
        "",
        f"Plan: the twin's `large` scenario (focal/ussuri -> victoria, VMs migrated away), "
        f"{found['steps']} actions, {found['hypervisors']} hypervisors in 10 AZs, planned over "
        f"the wire (~{found['planning']:.1f} s per plan). Durations: the twin's charm "
        "behaviours (hooks, actions, `juju exec`), a 10 s idle period per wait, 1 s per API "
        "call; a step repeated in a later AZ group (refresh, channel, origin) is a no-op "
        "there. COU's order: the same steps, one application (one AZ) after another, the "
        "scheduler switched unit by unit, units of one application or AZ concurrently.",
        "",
        "| schedule | simulated time | vs COU's order | vs its critical path |",
        "| --- | --- | --- | --- |",
        f"| every action one after another (sum) | {_h(first.sequential)} | "
        f"{first.sequential / cou.makespan:.2f}x longer | |",
        f"| COU's order | {_h(cou.makespan)} | 1.00x | "
        f"+{cou.makespan / first.critical_path - 1:.0%} |",
    ]
    for batch in batches:
        runs = found["batches"][batch]
        for n, sim in runs.items():
            lines.append(f"| octane, {_how(batch)}, `--max-parallel {n}` | {_h(sim.makespan)} "
                         f"| {_vs(cou.makespan, sim.makespan)} | "
                         f"+{sim.overhead:.1%} |")
        bound = next(iter(runs.values())).critical_path
        lines.append(f"| critical path, {_how(batch)} (bound) | {_h(bound)} | "
                     f"{_vs(cou.makespan, bound)} | 0 % |")
    lines += [
        "",
        "Goal (issue 5): >= 2x shorter than COU's order and within 10 % of the critical path. "
        "Met at the default `--max-parallel 128` with one AZ at a time; `--az-batch 3` "
        "(a canary AZ, then three AZs at a time) needs the bound raised to about three AZs' "
        "units to reach its own critical path. At `--max-parallel 8` the 100 units of an AZ "
        "queue for the slots, which is why the default is 128.",
        "",
        "```",
        ".venv/bin/python benchmarks/makespan.py --max-parallel "
        f"{' '.join(map(str, parallel))} --az-batch {' '.join(map(str, batches))}",
        "```",
        MARK_END,
    ]
    return "\n".join(lines)


def write(section: str) -> None:
    """Replace (or append) this benchmark's section of RESULTS.md."""
    path = ROOT / "benchmarks" / "RESULTS.md"
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    if MARK_START in text and MARK_END in text:
        head, rest = text.split(MARK_START, 1)
        _, tail = rest.split(MARK_END, 1)
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-parallel", nargs="+", type=int, default=[8, 32, 128, 512])
    parser.add_argument("--az-batch", nargs="+", type=int, default=[1, 3])
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    found = measure(args.max_parallel, args.az_batch)
    section = report(found, args.max_parallel, args.az_batch)
    print(section)
    if not args.no_write:
        write(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
