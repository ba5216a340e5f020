"""Scenario rules that need charm knowledge: origins, bases and quirks (issue 3).

``scenario.py`` checks the shape of a scenario (declared machines, units, relations); these
checks refuse clouds that a Juju controller or the Ubuntu Cloud Archive could never produce,
each as one line naming the file and the path inside it:

- an ``openstack-origin`` / ``source`` pocket of another Ubuntu series than the
  application's base (``cloud:jammy-zed`` on a focal unit: apt would refuse the pocket);
- a pocket the Cloud Archive never published (``cloud:focal-zed``: focal ends at yoga,
  ``octane.releases`` knows which releases each LTS carries);
- a unit placed on a machine of another base (Juju refuses: "base does not match");
- a quirk the charm's behaviour does not declare (a typo would silently test nothing).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from octane import releases
from octane.errors import OctaneError

if TYPE_CHECKING:
    from octane.twin.behaviours import BehaviourRegistry
    from octane.twin.scenario import AppSpec, MachineSpec

Fail = Callable[[str, str], OctaneError]

#: ``cloud:focal-victoria``, ``cloud:focal-victoria/proposed``, ``cloud:focal-updates/victoria``.
_POCKET = re.compile(r"^cloud:(?P<series>[a-z]+)-(?:(?:updates|proposed|staging)/)?"
                     r"(?P<release>[a-z]+)(?:/[a-z]+)?$")
ORIGIN_KEYS = ("openstack-origin", "source")


def series_of(base: str) -> str:
    """``ubuntu@20.04`` (or ``20.04``, or ``focal``) -> ``focal``; "" when unknown."""
    channel = base.partition("@")[2] or base
    channel = channel.split("/")[0]
    found = releases.catalogue().series_for_version(channel)
    if found is not None:
        return found.name
    return channel if releases.catalogue().find_series(channel) else ""


def check_origin(fail: Fail, where: str, app: str, config: Mapping[str, Any],
                 base: str) -> None:
    """Refuse a Cloud Archive pocket that does not exist for the application's series."""
    series = series_of(base)
    for key in ORIGIN_KEYS:
        value = config.get(key)
        match = _POCKET.match(str(value).strip()) if isinstance(value, str) else None
        if match is None or not series:
            continue
        pocket_series, release = match.group("series"), match.group("release")
        if pocket_series != series:
            raise fail(f"{where}.{key}", f'"{value}" is a {pocket_series} pocket but {app} '
                                         f"runs on {series}")
        ubuntu = releases.catalogue().find_series(series)
        known = releases.catalogue().find_release(release)
        if ubuntu is not None and ubuntu.releases and (known is None
                                                       or known not in ubuntu.releases):
            names = ", ".join(r.codename for r in ubuntu.releases[1:])
            raise fail(f"{where}.{key}", f'the Ubuntu Cloud Archive has no "{release}" for '
                                         f"{series} (it has {names})")


def check_bases(fail: Fail, where: str, model_base: str,
                machines: tuple[MachineSpec, ...], apps: tuple[AppSpec, ...]) -> None:
    """Refuse a unit placed on a machine that runs another Ubuntu release than its app."""
    by_id = {m.id: m for m in machines}

    def machine_series(mid: str) -> str:
        spec = by_id.get(mid)
        if spec is not None and spec.base:
            return series_of(spec.base)
        host = mid.split("/")[0]
        if host != mid and host in by_id:
            return machine_series(host)
        return series_of(model_base)

    for app in apps:
        want = series_of(app.base)
        for index, target in enumerate(app.placement):
            if ":" in target:  # a new container takes the application's base
                continue
            have = machine_series(target)
            if want and have and want != have:
                raise fail(f"{where}.applications.{app.name}.to[{index}]",
                           f'machine "{target}" runs {have} but {app.name} is a {want} '
                           "application")


def check_quirks(fail: Fail, where: str, charm: str, raw: Any) -> tuple[str, ...]:
    """The application's quirks, each one its charm's behaviour declares."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(q, str) for q in raw):
        raise fail(where, "must be a list of quirk names")
    known = _registry().for_charm(charm).quirks()
    for index, quirk in enumerate(raw):
        if quirk not in known:
            offered = ", ".join(sorted(known)) or "none"
            raise fail(f"{where}[{index}]", f'charm "{charm}" has no quirk "{quirk}" '
                                            f"(known: {offered})")
    return tuple(raw)


def check_unit_numbers(fail: Fail, where: str, raw: Any, units: int) -> tuple[int, ...]:
    """Explicit unit numbers: one per unit, distinct, non-negative."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(n, int) and n >= 0 for n in raw):
        raise fail(where, "must be a list of non-negative unit numbers")
    if len(raw) != units:
        raise fail(where, f"{len(raw)} numbers for {units} units")
    if len(set(raw)) != len(raw):
        raise fail(where, "unit numbers must be distinct")
    return tuple(raw)


@cache
def _registry() -> BehaviourRegistry:
    from octane.twin.behaviours import default_registry

    return default_registry()
