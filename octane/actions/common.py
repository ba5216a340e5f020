"""Helpers every action module shares: reading the model, waiting with progress, failing in
one line.

Waits poll FullStatus (:meth:`JujuPort.status`) rather than libjuju's watcher: after a
dropped connection libjuju's AllWatcher can stop instead of reopening, while FullStatus is
a plain call the port retries and reconnects (docs/twin.md, "Known gaps"). Each poll reports
what is awaited and which units are still busy to the engine's progress display.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from octane.actions.deps import ActionOutcome, UpgradeDeps, names
from octane.cloud.model import Application, Cloud, Unit
from octane.engine import StepContext
from octane.errors import GateFailed, NotFound, OctaneError
from octane.juju.wait import verdict, wait_until_idle
from octane.plan.step import JSON, Step

Ctx = StepContext[UpgradeDeps]


def param(step: Step, name: str) -> Any:
    """A step parameter the vocabulary requires (the plan was validated against it)."""
    return step.params[name]


def application(cloud: Cloud, name: str) -> Application:
    """The application ``name`` in a snapshot, or a one-line NotFound."""
    app = cloud.applications.get(name)
    if app is None:
        raise NotFound(f"application '{name}' not found in model '{cloud.model}'")
    return app


def unit_of(cloud: Cloud, name: str) -> Unit:
    """The unit ``name`` in a snapshot, or a one-line NotFound."""
    app = application(cloud, name.split("/", 1)[0])
    found = app.unit(name)
    if found is None:
        raise NotFound(f"unit '{name}' not found in model '{cloud.model}'")
    return found


def leader(app: Application) -> Unit:
    """The application's leader (its first unit when the status names none)."""
    if not app.units:
        raise NotFound(f"application '{app.name}' has no units")
    return next((u for u in app.units if u.leader), app.units[0])


def hostname(cloud: Cloud, unit: Unit) -> str | None:
    """The hostname of the unit's machine, as Nova knows the hypervisor."""
    machine = cloud.machines.get(unit.machine)
    return machine.hostname if machine and machine.hostname else None


def text(value: object) -> str:
    """A config value as ``juju config`` prints it (booleans lower-case)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def same_value(current: object, wanted: object) -> bool:
    """Whether two config values are equal as Juju compares them (``True`` == ``"true"``)."""
    a, b = text(current).strip(), text(wanted).strip()
    if a.lower() in ("true", "false") or b.lower() in ("true", "false"):
        return a.lower() == b.lower()
    return a == b


def check(result: ActionOutcome, what: str) -> Mapping[str, Any]:
    """The action's output, or a one-line error with the charm's message."""
    if not result.ok:
        why = result.message or str(result.output.get("stderr", "")).strip() or result.status
        raise OctaneError(f"{what} {result.status}: {why.splitlines()[-1] if why else ''}")
    return result.output


async def settle(ctx: Ctx, apps: Collection[str] | None, timeout: float, *,
                 raise_on_blocked: bool = False) -> Cloud:
    """Wait until ``apps`` (the model when None) settle, reporting progress on every poll.

    Raises :class:`~octane.juju.wait.UnitsInError` at the first unit in error and
    :class:`~octane.juju.wait.WaitTimeout` after ``timeout`` seconds, both one line.
    """
    deps = ctx.deps
    scope = (f"model '{deps.juju.name}'" if apps is None else
             ("app " if len(apps) == 1 else "apps ") + ", ".join(f"'{a}'" for a in sorted(apps)))

    async def fetch() -> Cloud:
        cloud = await deps.juju.status()
        found = verdict(cloud, apps, raise_on_blocked=raise_on_blocked)
        busy = [d.split(" ", 1)[0] for d in found.busy]
        ctx.progress(f"{scope} to reach the idle state", busy=busy)
        return cloud

    return await wait_until_idle(fetch, model=deps.juju.name, apps=apps, timeout=timeout,
                                 idle_period=deps.settings.idle_period,
                                 poll=deps.settings.poll, raise_on_blocked=raise_on_blocked)


def skipped_units(ctx: Ctx) -> dict[str, str]:
    """Hypervisor units this run skipped (they ran instances), with why."""
    return ctx.deps.notes.skipped(ctx.run_id)


def skipped_result(unit: str, why: str) -> JSON:
    """The result a per-unit step records when its unit was skipped."""
    return {"skipped": unit, "reason": why}


def refuse(message: str, hint: str | None = None) -> GateFailed:
    """A failed read-only check: the run stops before changing anything more."""
    return GateFailed(message, hint=hint)


__all__ = ["Ctx", "application", "check", "hostname", "leader", "names", "param", "refuse",
           "same_value", "settle", "skipped_result", "skipped_units", "text", "unit_of"]
