"""Nova: the scheduler on each hypervisor, hypervisor emptiness, archive and purge.

* Emptiness is asked of Nova when OpenStack credentials were given (what a hypervisor runs
  *now*), else of nova-compute's ``instance-count`` action. A hypervisor that runs
  instances although the plan thought it empty (a VM landed between plan and upgrade) is
  *skipped*, reported, and left serving its VMs — unless ``--force``.
* ``archive-data`` is repeated until nova-manage says "Nothing was archived." (COU's loop),
  stopping safely between batches when the operator asked to stop: the step is then
  re-run on resume, which is harmless since archiving is idempotent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from octane.actions.common import (
    Ctx,
    application,
    check,
    hostname,
    leader,
    param,
    unit_of,
)
from octane.engine import StoppedSafely
from octane.errors import OctaneError
from octane.plan.step import JSON, Step

NOTHING_ARCHIVED = "Nothing was archived"
#: A charm that never says "Nothing was archived" must not keep the run forever.
MAX_BATCHES = 100_000
_ROW = re.compile(r"^\|\s*([^|]+?)\s*\|\s*(\d+)\s*\|\s*$")


# -- the scheduler --------------------------------------------------------------------------


async def _service_disabled(ctx: Ctx, unit_name: str) -> bool | None:
    """Whether Nova has the unit's compute service disabled (None: cannot tell)."""
    nova = ctx.deps.nova
    if nova is None:
        return None
    cloud = await ctx.deps.juju.status()
    host = hostname(cloud, unit_of(cloud, unit_name))
    if host is None:
        return None
    try:
        return not (await nova.compute_service(host)).enabled
    except OctaneError as exc:
        ctx.log.info("cannot read the compute service of %s: %s", host, exc)
        return None


async def disable_scheduler(ctx: Ctx, step: Step) -> JSON:
    """nova-compute's ``disable`` action: no new instance is scheduled there."""
    unit = param(step, "unit")
    check(await ctx.deps.juju.run_action(unit, "disable"), f"disable on '{unit}'")
    return {"disabled": unit}


async def scheduler_disabled(ctx: Ctx, step: Step) -> bool:
    """Nova reports the service disabled (without Nova: unknown, so the action re-runs)."""
    return await _service_disabled(ctx, param(step, "unit")) is True


async def enable_scheduler(ctx: Ctx, step: Step) -> JSON:
    """nova-compute's ``enable`` action."""
    unit = param(step, "unit")
    check(await ctx.deps.juju.run_action(unit, "enable"), f"enable on '{unit}'")
    return {"enabled": unit}


async def scheduler_enabled(ctx: Ctx, step: Step) -> bool:
    """Nova reports the service enabled."""
    return await _service_disabled(ctx, param(step, "unit")) is False


# -- emptiness ------------------------------------------------------------------------------


async def instance_count(ctx: Ctx, unit_name: str, host: str | None) -> tuple[int, str]:
    """Instances on the unit's hypervisor now, and who said so."""
    nova = ctx.deps.nova
    if nova is not None and host:
        try:
            return len(await nova.hypervisor_servers(host)), "Nova"
        except OctaneError as exc:
            ctx.log.info("Nova cannot tell about %s (%s); asking the charm", host, exc)
    output = check(await ctx.deps.juju.run_action(unit_name, "instance-count"),
                   f"instance-count on '{unit_name}'")
    raw = str(output.get("instance-count", "")).strip()
    if not raw.isdigit():
        raise OctaneError(f"instance-count on '{unit_name}' answered {raw!r}, not a number")
    return int(raw), "the instance-count action"


async def verify_empty(ctx: Ctx, step: Step) -> JSON:
    """Check the hypervisor runs nothing; skip it (reported) when it does, unless --force."""
    unit = param(step, "unit")
    cloud = await ctx.deps.juju.status()
    found = unit_of(cloud, unit)
    host = step.params.get("hostname") or hostname(cloud, found)
    count, source = await instance_count(ctx, unit, host)
    notes = ctx.deps.notes
    if count == 0:
        if unit in notes.skipped(ctx.run_id):
            await notes.unskip(ctx.run_id, unit)
        return {"instances": 0, "source": source}
    where = f"'{unit}' ({host or 'machine ' + found.machine})"
    if ctx.deps.settings.force:
        ctx.say(f"--force: {where} runs {count} instance(s); upgrading it anyway",
                important=True)
        return {"instances": count, "source": source, "forced": True}
    reason = f"runs {count} instance(s) ({source})"
    await notes.skip(ctx.run_id, unit, reason)
    ctx.say(f"Skipping hypervisor {where}: it {reason} since the plan was made; migrate them "
            f"away, then run `octane upgrade hypervisors --machine {found.machine}` "
            "(or add --force)", important=True)
    return {"skipped": unit, "instances": count, "source": source}


# -- archive and purge ----------------------------------------------------------------------


def archived_rows(text: str) -> int:
    """Rows a nova-manage ``archive_deleted_rows --verbose`` table reports (0 for none)."""
    if NOTHING_ARCHIVED in text:
        return 0
    total = 0
    for line in text.splitlines():
        match = _ROW.match(line.strip())
        if match and match.group(1).lower() != "table":
            total += int(match.group(2))
    return total


def _archive_text(output: Mapping[str, Any]) -> str:
    for key in ("archive-deleted-rows", "output", "message"):
        if key in output:
            return str(output[key])
    return ""


async def archive(ctx: Ctx, step: Step) -> JSON:
    """``archive-data`` in batches of ``batch_size`` until nothing is archived."""
    app = application(await ctx.deps.juju.status(), param(step, "application"))
    unit = leader(app).name
    size = int(param(step, "batch_size"))
    total = 0
    for batch in range(1, MAX_BATCHES + 1):
        ctx.progress(f"archive batch {batch} on '{unit}' ({total} rows so far)", busy=[unit])
        output = check(await ctx.deps.juju.run_action(
            unit, "archive-data", {"batch-size": size},
            timeout=ctx.deps.timeout(ctx.deps.settings.timeouts.plan_long)),
            f"archive-data on '{unit}'")
        text = _archive_text(output)
        rows = archived_rows(text)
        if rows == 0 or NOTHING_ARCHIVED in text:
            return {"batches": batch, "rows": total}
        total += rows
        if ctx.stop_requested:
            raise StoppedSafely(f"stopped after {batch} archive batch(es), {total} rows; "
                                "archiving continues on resume")
    raise OctaneError(f"archive-data on '{unit}' still archived rows after {MAX_BATCHES} "
                      "batches")


async def purge(ctx: Ctx, step: Step) -> JSON:
    """``purge-data``: delete shadow rows (older than ``before`` when given)."""
    app = application(await ctx.deps.juju.status(), param(step, "application"))
    unit = leader(app).name
    before = step.params.get("before")
    output = check(await ctx.deps.juju.run_action(
        unit, "purge-data", {"before": before} if before else {},
        timeout=ctx.deps.timeout(ctx.deps.settings.timeouts.plan_long)),
        f"purge-data on '{unit}'")
    return {"unit": unit, "before": before, "output": str(output.get("output", ""))[:500]}
