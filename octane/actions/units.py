"""Per-unit actions: APT upgrades, pause → openstack-upgrade → resume, any charm action.

Pause, upgrade and resume of a hypervisor unit do nothing when this run skipped the unit
(``nova.verify_empty`` found instances on it): the unit keeps serving its VMs on the old
release and the operator is told how to finish it later.
"""

from __future__ import annotations

import shlex

from octane.actions.common import (
    Ctx,
    application,
    check,
    param,
    skipped_result,
    skipped_units,
    unit_of,
)
from octane.errors import OctaneError
from octane.plan.step import JSON, Step
from octane.releases import catalogue

#: COU's package upgrade (cou/utils/app_utils.py): new config files win, then clean up.
APT_UPGRADE = ("apt-get update && apt-get dist-upgrade -o Dpkg::Options::=--force-confnew "
               "-o Dpkg::Options::=--force-confdef -y && apt-get autoremove -y")


def hold_command(verb: str, hold: list[str]) -> str:
    """``apt-mark hold|unhold`` of the packages kept back (mysql-server-core-8.0...)."""
    return f"apt-mark {verb} " + " ".join(shlex.quote(p) for p in hold)


async def _shell(ctx: Ctx, unit: str, command: str, timeout: float, what: str) -> None:
    result = (await ctx.deps.juju.run_command([unit], command, timeout=timeout))[unit]
    if result.return_code != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        raise OctaneError(f"{what} on '{unit}' exited {result.return_code}: "
                          f"{lines[-1] if lines else 'no output'}")


async def upgrade_packages(ctx: Ctx, step: Step) -> JSON:
    """Upgrade the unit's machine packages from its current APT sources (idempotent).

    Held packages are held first and always unheld afterwards, even when the upgrade fails
    (three commands rather than one shell group, so a failed upgrade still unholds).
    """
    unit = param(step, "unit")
    hold = list(param(step, "hold"))
    timeout = ctx.deps.timeout(param(step, "timeout"))
    ctx.progress(f"apt-get dist-upgrade on '{unit}'", busy=[unit])
    if hold:
        await _shell(ctx, unit, hold_command("hold", hold), timeout, "apt-mark hold")
    try:
        await _shell(ctx, unit, APT_UPGRADE, timeout, "package upgrade")
    finally:
        if hold:
            await _shell(ctx, unit, hold_command("unhold", hold), timeout, "apt-mark unhold")
    return {"unit": unit, "held": hold}


def _skip(ctx: Ctx, unit: str) -> JSON | None:
    why = skipped_units(ctx).get(unit)
    return skipped_result(unit, why) if why is not None else None


def _action_timeout(ctx: Ctx) -> float:
    return ctx.deps.timeout(ctx.deps.settings.timeouts.plan_standard)


async def pause(ctx: Ctx, step: Step) -> JSON:
    """The charm's ``pause`` action (services stopped, unit reports paused)."""
    unit = param(step, "unit")
    skipped = _skip(ctx, unit)
    if skipped is not None:
        return skipped
    check(await ctx.deps.juju.run_action(unit, "pause", timeout=_action_timeout(ctx)),
          f"pause on '{unit}'")
    return {"paused": unit}


async def paused(ctx: Ctx, step: Step) -> bool:
    """The unit's workload says it is paused (charm-helpers' "Paused. Use 'resume'...")."""
    unit = unit_of(await ctx.deps.juju.status(), param(step, "unit"))
    return "paused" in unit.workload_message.lower()


async def openstack_upgrade(ctx: Ctx, step: Step) -> JSON:
    """The charm's ``openstack-upgrade`` action: packages from the new origin, restarts."""
    unit = param(step, "unit")
    skipped = _skip(ctx, unit)
    if skipped is not None:
        return skipped
    ctx.progress(f"openstack-upgrade on '{unit}'", busy=[unit])
    output = check(await ctx.deps.juju.run_action(
        unit, "openstack-upgrade", timeout=ctx.deps.timeout(param(step, "timeout"))),
        f"openstack-upgrade on '{unit}'")
    return {"upgraded": unit, "outcome": str(output.get("outcome", ""))[:200]}


async def unit_upgraded(ctx: Ctx, step: Step) -> bool:
    """The unit's workload is on the release its application's origin installs."""
    name = param(step, "unit")
    cloud = await ctx.deps.juju.status()
    app = application(cloud, name.split("/", 1)[0])
    unit = unit_of(cloud, name)
    cat = catalogue()
    config = await ctx.deps.juju.get_config(app.name)
    origin = str(config.get("openstack-origin") or config.get("source") or "")
    series = cat.find_series(app.series) if app.series else None
    wanted = cat.parse_origin(origin, series) if series else None
    have = cat.release_for_workload(app.charm, unit.workload_version)
    return wanted is not None and have is not None and have >= wanted


async def resume(ctx: Ctx, step: Step) -> JSON:
    """The charm's ``resume`` action, then restart the listed services (LP 1947585)."""
    unit = param(step, "unit")
    skipped = _skip(ctx, unit)
    if skipped is not None:
        return skipped
    check(await ctx.deps.juju.run_action(unit, "resume", timeout=_action_timeout(ctx)),
          f"resume on '{unit}'")
    services = list(param(step, "restart_services"))
    if services:
        command = "systemctl restart " + " ".join(shlex.quote(s) for s in services)
        result = (await ctx.deps.juju.run_command([unit], command,
                                                  timeout=_action_timeout(ctx)))[unit]
        if result.return_code != 0:
            raise OctaneError(f"restarting {', '.join(services)} on '{unit}' exited "
                              f"{result.return_code}: {result.stderr.strip()[-200:]}")
    return {"resumed": unit, "restarted": services}


async def resumed(ctx: Ctx, step: Step) -> bool:
    """The unit is active and not paused (a step that also restarts services re-runs)."""
    if param(step, "restart_services"):
        return False
    unit = unit_of(await ctx.deps.juju.status(), param(step, "unit"))
    return unit.workload_status == "active" and "paused" not in unit.workload_message.lower()


async def run_action(ctx: Ctx, step: Step) -> JSON:
    """Any charm action, which must complete (``run-deferred-hooks``...)."""
    unit, name = param(step, "unit"), param(step, "action")
    output = check(await ctx.deps.juju.run_action(unit, name, dict(param(step, "params")),
                                                  timeout=_action_timeout(ctx)),
                   f"action '{name}' on '{unit}'")
    return {"unit": unit, "action": name, "keys": sorted(output)}
