"""Step factories: one function per kind of step, with COU's wording and a stable id.

Rules never format descriptions or pick action names themselves; they call these, so the
whole plan reads the same way ("Upgrade 'keystone' to the new channel: 'victoria/stable'")
and every step's action and parameters match :mod:`octane.plan.actions`. An id is the
caller's base id (``cp/keystone``) plus what the step does (``channel``), never a position.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from octane.apps.context import PACKAGE_TIMEOUT
from octane.cloud.model import Unit
from octane.plan.step import JSON, Step

_SLUG = re.compile(r"[^a-z0-9._-]+")


def slug(text: str) -> str:
    """An id segment: ``nova-compute/3`` -> ``nova-compute-3``, ``Zone A`` -> ``zone-a``."""
    return _SLUG.sub("-", text.lower()).strip("-") or "-"


def sid(*parts: str) -> str:
    """Join id segments (already-slugged bases are kept as they are)."""
    return "/".join(p for p in parts if p)


def group(step_id: str, description: str, children: Iterable[Step], *,
          parallel: bool = False, prompt: bool = False, requires: Sequence[str] = (),
          locks: Sequence[str] = ()) -> Step:
    """A step without an action of its own: a section, an application plan, a wave."""
    return Step(id=step_id, description=description, children=tuple(children),
                parallel=parallel, prompt=prompt, requires=tuple(requires), locks=tuple(locks))


def action(step_id: str, description: str, name: str, locks: Sequence[str] = (),
           requires: Sequence[str] = (), **params: JSON) -> Step:
    """A leaf step running one action of the vocabulary."""
    return Step(id=step_id, description=description, action=name, params=params,
                locks=tuple(locks), requires=tuple(requires))


def packages(base: str, app: str, units: Sequence[Unit], hold: Sequence[str] = ()) -> Step:
    """Upgrade APT packages on every unit, in parallel; one apt run per machine at a time."""
    children = [action(sid(base, "packages", slug(u.name)),
                       f"Upgrade software packages on unit '{u.name}'",
                       "unit.upgrade_packages", locks=(f"apt:{u.machine}",) if u.machine else (),
                       unit=u.name, hold=list(hold), timeout=PACKAGE_TIMEOUT)
                for u in units]
    return group(sid(base, "packages"),
                 f"Upgrade software packages of '{app}' from the current APT repositories",
                 children, parallel=True)


def refresh_current(base: str, app: str, channel: str, timeout: int) -> Step:
    """Take the charm to the newest revision of the channel it already follows."""
    return action(sid(base, "refresh"), f"Refresh '{app}' to the latest revision of '{channel}'",
                  "app.refresh", application=app, channel=channel, switch=None, timeout=timeout)


def crossgrade(base: str, app: str, current: str, channel: str, timeout: int) -> Step:
    """Move a charm off a channel that names no release (``latest/stable``)."""
    return action(sid(base, "crossgrade"),
                  f"Replace channel '{current}' of '{app}' with '{channel}'",
                  "app.refresh", application=app, channel=channel, switch=None, timeout=timeout)


def new_channel(base: str, app: str, channel: str, timeout: int) -> Step:
    """Move the charm to the target release's channel."""
    return action(sid(base, "channel"), f"Upgrade '{app}' to the new channel: '{channel}'",
                  "app.refresh", application=app, channel=channel, switch=None, timeout=timeout)


def set_config(base: str, app: str, key: str, value: str, name: str | None = None) -> Step:
    """Change one charm option (the id says which, or ``name`` when given)."""
    return action(sid(base, name or f"config-{slug(key)}"),
                  f"Change charm config of '{app}' '{key}' to '{value}'",
                  "app.set_config", application=app, config={key: value})


def verify_config(base: str, app: str, key: str, expected: str) -> Step:
    """Re-check at run time an option the plan relies on."""
    return action(sid(base, f"verify-{slug(key)}"),
                  f"Verify that '{key}' of '{app}' is '{expected}'",
                  "app.verify_config", application=app, key=key, expected=expected)


def wait_model(base: str, model: str, timeout: int) -> Step:
    """Wait for the whole model (charms whose upgrade ripples through relations)."""
    return action(sid(base, "wait"),
                  f"Wait for up to {timeout}s for model '{model}' to reach the idle state",
                  "model.wait_idle", timeout=timeout, applications=None, raise_on_blocked=False)


def wait_apps(base: str, apps: Sequence[str], timeout: int) -> Step:
    """Wait for some applications only."""
    names = ", ".join(f"'{a}'" for a in apps)
    noun = "app" if len(apps) == 1 else "apps"
    return action(sid(base, "wait"),
                  f"Wait for up to {timeout}s for {noun} {names} to reach the idle state",
                  "model.wait_idle", timeout=timeout, applications=list(apps),
                  raise_on_blocked=False)


def verify_workload(base: str, app: str, units: Sequence[Unit], release: str) -> Step:
    """Check after the upgrade that the units' workload moved to the target release."""
    names = ", ".join(u.name for u in units)
    return action(sid(base, "verify"),
                  f"Verify that the workload of '{app}' has been upgraded on units: {names}",
                  "app.verify_workload", application=app, units=[u.name for u in units],
                  release=release)


def verify_release(base: str, other: str, release: str, name: str | None = None) -> Step:
    """Check that every unit of another application is already upgraded (COU's wording)."""
    return action(sid(base, name or f"verify-{slug(other)}-upgraded"),
                  f"Verify that all '{other}' units has been upgraded",
                  "app.verify_release", application=other, release=release)


def run_action(base: str, unit: str, name: str, description: str) -> Step:
    """Run a charm action on one unit (e.g. ``run-deferred-hooks``)."""
    return action(sid(base, slug(name), slug(unit)), description, "unit.run_action",
                  unit=unit, action=name, params={})
