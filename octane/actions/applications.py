"""Model- and application-wide actions: idle checks and waits, charm refresh, config.

COU's semantics, each made idempotent with a read-back:

* ``app.refresh`` takes the charm to the newest revision of a channel (resolved first:
  python-libjuju #1083 keeps the old revision when only the channel changes), then waits
  for the application's units to settle, so a unit whose ``upgrade-charm`` hook fails
  stops the run on this step, with the unit named;
* ``app.set_config`` sets only the options that differ (a re-run sends nothing);
* ``app.verify_config`` re-reads an option the plan relies on, because another operator
  may have changed it since the plan was made (rabbitmq's ``enable-auto-restarts``);
* ``model.wait_idle`` / ``model.verify_idle`` poll FullStatus (see :mod:`.common`);
* ``app.verify_workload`` / ``app.verify_release`` map workload versions to releases with
  the release catalogue, leaving out hypervisors this run skipped (and saying so).
"""

from __future__ import annotations

import asyncio
import time

from octane.actions.common import (
    Ctx,
    application,
    param,
    refuse,
    same_value,
    settle,
    skipped_units,
    text,
)
from octane.actions.deps import names
from octane.cloud.model import Application
from octane.errors import OctaneError
from octane.plan.step import JSON, Step
from octane.releases import OpenStackRelease, catalogue

#: Seconds one refresh call may take before it is asked again (see _refresh_until_seen).
REFRESH_CALL_BUDGET = 60.0
REFRESH_ATTEMPTS = 3

# -- the model ------------------------------------------------------------------------------


def _judged(ctx: Ctx, apps: list[Application]) -> list[str]:
    """Applications of known charms that the plan does not leave alone."""
    cat = catalogue()
    excluded = ctx.deps.settings.excluded
    return sorted(a.name for a in apps if cat.charm(a.charm) is not None
                  and a.name not in excluded)


async def verify_idle(ctx: Ctx, step: Step) -> JSON:
    """Every unit of the known applications active/idle (COU's pre-check: blocked fails)."""
    cloud = await ctx.deps.juju.status()
    scope = _judged(ctx, list(cloud.applications.values()))
    await settle(ctx, scope, ctx.deps.timeout(param(step, "timeout")), raise_on_blocked=True)
    return {"applications": len(scope)}


async def wait_idle(ctx: Ctx, step: Step) -> JSON:
    """Wait for the applications (or the model) to settle."""
    apps = step.params.get("applications")
    await settle(ctx, apps, ctx.deps.timeout(param(step, "timeout")),
                 raise_on_blocked=bool(step.params.get("raise_on_blocked", False)))
    return {"settled": apps if apps is not None else "model"}


# -- charm refresh --------------------------------------------------------------------------


def _charm_of(url: str) -> str:
    """``ch:amd64/keystone-612`` / ``ch:keystone`` -> ``keystone``."""
    name = url.split(":", 1)[-1].rsplit("/", 1)[-1]
    head, _, tail = name.rpartition("-")
    return head if tail.isdigit() and head else name


async def _refresh_state(ctx: Ctx, step: Step) -> tuple[Application, int | None, bool]:
    """The application, the channel's newest revision, and whether both are reached."""
    name, channel = param(step, "application"), param(step, "channel")
    switch = step.params.get("switch")
    app = application(await ctx.deps.juju.status(), name)
    latest = await ctx.deps.juju.latest_revision(name, channel)
    charm_ok = switch is None or app.charm == _charm_of(switch)
    reached = charm_ok and app.channel == channel and \
        (latest is None or (app.revision or 0) >= latest)
    return app, latest, reached


async def refresh(ctx: Ctx, step: Step) -> JSON:
    """Refresh to the newest revision of ``channel`` (no-op when there), then settle."""
    name, channel = param(step, "application"), param(step, "channel")
    app, latest, reached = await _refresh_state(ctx, step)
    if not reached:
        ctx.log.info("refreshing %s from %s rev %s to %s rev %s", name, app.channel,
                     app.revision, channel, latest)
        await _refresh_until_seen(ctx, step)
    cloud = await settle(ctx, [name], ctx.deps.timeout(param(step, "timeout")))
    now = application(cloud, name)
    return {"channel": now.channel, "revision": now.revision, "changed": not reached}


async def _refresh_until_seen(ctx: Ctx, step: Step) -> None:
    """Ask for the refresh, and consider it done once FullStatus shows the new charm.

    libjuju's refresh ends by waiting for its AllWatcher to see the new charm URL; after a
    dropped connection that watcher may have stopped for good (docs/twin.md, known gaps),
    so the call would never return although the controller did the refresh. The status
    read through FullStatus decides instead; a call that neither returns nor shows an
    effect within :data:`REFRESH_CALL_BUDGET` seconds is cancelled and asked again (the
    refresh is idempotent), at most :data:`REFRESH_ATTEMPTS` times.
    """
    name, channel = param(step, "application"), param(step, "channel")
    for attempt in range(1, REFRESH_ATTEMPTS + 1):
        call = asyncio.create_task(ctx.deps.juju.refresh(
            name, channel=channel, switch=step.params.get("switch")))
        started = time.monotonic()
        try:
            while True:
                done, _ = await asyncio.wait({call}, timeout=max(ctx.deps.settings.poll, 0.05))
                if call in done:
                    call.result()  # the controller's refusal, as a one-line error
                    return
                if (await _refresh_state(ctx, step))[2]:
                    ctx.log.info("refresh of %s seen in the status", name)
                    return
                if time.monotonic() - started > REFRESH_CALL_BUDGET:
                    ctx.log.warning("refresh of %s: no answer in %ss (attempt %d)", name,
                                    REFRESH_CALL_BUDGET, attempt)
                    break
        finally:
            if not call.done():
                call.cancel()
                await asyncio.gather(call, return_exceptions=True)
    raise OctaneError(f"refreshing '{name}' to '{channel}' did not complete after "
                      f"{REFRESH_ATTEMPTS} attempts of {REFRESH_CALL_BUDGET:g}s")


async def refreshed(ctx: Ctx, step: Step) -> bool:
    """The charm follows ``channel`` at its newest revision already."""
    return (await _refresh_state(ctx, step))[2]


# -- config ---------------------------------------------------------------------------------


async def _config_diff(ctx: Ctx, step: Step) -> dict[str, str]:
    wanted: dict[str, str] = dict(param(step, "config"))
    current = await ctx.deps.juju.get_config(param(step, "application"))
    return {k: v for k, v in wanted.items() if not same_value(current.get(k), v)}


async def set_config(ctx: Ctx, step: Step) -> JSON:
    """Set the options that differ; nothing when they all hold already."""
    diff = await _config_diff(ctx, step)
    if diff:
        await ctx.deps.juju.set_config(param(step, "application"), diff)
    return {"changed": sorted(diff)}


async def config_is_set(ctx: Ctx, step: Step) -> bool:
    """Every option holds its wanted value."""
    return not await _config_diff(ctx, step)


async def verify_config(ctx: Ctx, step: Step) -> JSON:
    """Fail unless the option still has the value the plan relies on."""
    app, key, expected = param(step, "application"), param(step, "key"), param(step, "expected")
    current = (await ctx.deps.juju.get_config(app)).get(key)
    if not same_value(current, expected):
        raise refuse(f"'{app}' option '{key}' is '{text(current)}', expected '{expected}': "
                     "it changed since the plan was made",
                     hint=f"run `juju config {app} {key}={expected}` and resume, or plan again")
    return {key: text(current)}


# -- workload versions ----------------------------------------------------------------------


def _behind(app: Application, units: list[str], target: OpenStackRelease) -> list[str]:
    """Units whose workload version maps to a release older than ``target``."""
    cat = catalogue()
    out = []
    for name in units:
        unit = app.unit(name)
        if unit is None:
            out.append(name)
            continue
        release = cat.release_for_workload(app.charm, unit.workload_version)
        if release is None or release < target:
            out.append(name)
    return out


async def verify_workload(ctx: Ctx, step: Step) -> JSON:
    """Every listed unit (but skipped hypervisors) runs ``release`` or newer."""
    target = catalogue().release(param(step, "release"))
    skipped = skipped_units(ctx)
    units = [u for u in param(step, "units") if u not in skipped]
    app = application(await ctx.deps.juju.status(), param(step, "application"))
    behind = _behind(app, units, target)
    if behind:
        raise OctaneError(f"Unit(s) '{names(behind)}' did not complete the upgrade to "
                          f"{target}. Some local processes may still be executing; you may "
                          "try resuming in a few minutes")
    out: dict[str, JSON] = {"verified": sorted(units)}
    left = sorted(set(param(step, "units")) & set(skipped))
    if left:
        out["skipped"] = left
    return out


async def verify_release(ctx: Ctx, step: Step) -> JSON:
    """Every unit of the application is on ``release`` or newer (all hypervisors before
    ceph-osd, ovn-central and neutron-api)."""
    name = param(step, "application")
    target = catalogue().release(param(step, "release"))
    app = application(await ctx.deps.juju.status(), name)
    behind = _behind(app, [u.name for u in app.units], target)
    if behind:
        skipped = skipped_units(ctx)
        why = "; ".join(f"{u}: {skipped[u]}" for u in behind if u in skipped)
        hint = ("upgrade the skipped hypervisors (`octane upgrade hypervisors --machine ...` "
                "once they are empty, or with --force), then plan again" if why else
                "finish their upgrade, then resume")
        raise refuse(f"not every unit of '{name}' is on {target}: {names(behind)}"
                     + (f" ({why})" if why else ""), hint=hint)
    return {"verified": len(app.units)}
