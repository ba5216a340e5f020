"""Ceph, OVN and vault: the auxiliary services' own checks and fixes.

* ``ceph.ensure_require_osd_release``: COU's CephMon step. ``ceph osd require-osd-release``
  must name the release the OSDs run, or the monitors refuse features the OSDs have; it is
  raised to the OSDs' release, never lowered (Ceph refuses that anyway).
* ``ovn.verify_version``: charm upgrades need OVN 22.03 or newer (COU's OVN classes).
* ``vault.verify_unsealed`` / ``vault.unseal``: a channel change restarts vault sealed; the
  operator types the unseal key shares (``ctx.ask(secret=True)``: never echoed, never
  logged) and each share is given to every sealed unit through an
  :class:`~octane.actions.deps.Unsealer`. Vault is touched only when the operator asked
  for it (``--upgrade-vault``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from octane.actions.common import Ctx, application, leader, param, refuse, settle
from octane.actions.deps import names
from octane.cloud.model import Application
from octane.errors import OctaneError
from octane.plan.step import JSON, Step
from octane.releases import Version, catalogue

_RELEASE = re.compile(r"\)\s+([a-z]+)\s+\(")
#: vault's charm says "Unit is sealed" (blocked) until unsealed.
SEALED = "sealed"


# -- ceph -----------------------------------------------------------------------------------


async def _ceph_json(ctx: Ctx, unit: str, command: str) -> Any:
    result = (await ctx.deps.juju.run_command([unit], command, timeout=120.0))[unit]
    if result.return_code != 0:
        raise OctaneError(f"`{command}` on '{unit}' exited {result.return_code}: "
                          f"{result.stderr.strip()[-200:]}")
    try:
        return json.loads(result.stdout)
    except ValueError:
        raise OctaneError(f"`{command}` on '{unit}' did not answer JSON") from None


def _osd_release(versions: Any) -> str | None:
    """The one release the OSDs run, from ``ceph versions``; None without OSDs."""
    found: set[str] = set()
    for text in (versions.get("osd") or {}):
        match = _RELEASE.search(text)
        if match:
            found.add(match.group(1))
        else:
            parsed = catalogue().ceph_release_for_version(text.split()[2] if
                                                          len(text.split()) > 2 else text)
            if parsed is not None:
                found.add(parsed.name)
    if len(found) > 1:
        raise refuse(f"the OSDs run several Ceph releases ({', '.join(sorted(found))})",
                     hint="finish the ceph-osd upgrade (restart the stale OSDs), then resume")
    return found.pop() if found else None


async def _osd_state(ctx: Ctx, step: Step) -> tuple[str, str | None, str]:
    """(mon unit, the OSDs' release, require-osd-release now)."""
    mon = leader(application(await ctx.deps.juju.status(), param(step, "mon_application")))
    versions = await _ceph_json(ctx, mon.name, "ceph versions")
    dump = await _ceph_json(ctx, mon.name, "ceph osd dump --format json")
    return mon.name, _osd_release(versions), str(dump.get("require_osd_release") or "")


def _order(name: str) -> int:
    found = catalogue().ceph_release(name)
    return found.major if found is not None else -1


async def ensure_require_osd_release(ctx: Ctx, step: Step) -> JSON:
    """Raise ``require-osd-release`` to the OSDs' release when it lags behind."""
    unit, osd, current = await _osd_state(ctx, step)
    if osd is None or osd == current or _order(osd) < _order(current):
        return {"require_osd_release": current, "osd_release": osd, "changed": False}
    result = (await ctx.deps.juju.run_command(
        [unit], f"ceph osd require-osd-release {osd}", timeout=120.0))[unit]
    if result.return_code != 0:
        raise OctaneError(f"setting require-osd-release to {osd} on '{unit}' exited "
                          f"{result.return_code}: {result.stderr.strip()[-200:]}")
    return {"require_osd_release": osd, "was": current, "changed": True}


async def require_osd_release_ok(ctx: Ctx, step: Step) -> bool:
    """``require-osd-release`` already names the OSDs' release (or there are no OSDs)."""
    _, osd, current = await _osd_state(ctx, step)
    return osd is None or osd == current or _order(osd) < _order(current)


# -- OVN ------------------------------------------------------------------------------------


async def verify_ovn(ctx: Ctx, step: Step) -> JSON:
    """Every unit runs OVN ``minimum`` or newer."""
    app = application(await ctx.deps.juju.status(), param(step, "application"))
    floor = Version.parse(param(step, "minimum"))
    old = [f"{u.name} {u.workload_version or '?'}" for u in app.units
           if floor is not None and ((v := Version.parse(u.workload_version)) is None
                                     or v < floor)]
    if old:
        raise refuse(f"'{app.name}' runs OVN older than {param(step, 'minimum')}: "
                     f"{', '.join(old)}", hint="upgrade OVN to 22.03 first "
                     "(charm guide: ovn-upgrade-2203)")
    return {"verified": len(app.units)}


# -- vault ----------------------------------------------------------------------------------


def sealed_units(app: Application) -> list[str]:
    """Units whose status says sealed (or not initialised)."""
    out = []
    for unit in app.units:
        message = unit.workload_message.lower()
        if (SEALED in message and "unsealed" not in message) or "initiali" in message:
            out.append(unit.name)
    return out


async def verify_unsealed(ctx: Ctx, step: Step) -> JSON:
    """Fail if a vault unit reports sealed."""
    app = application(await ctx.deps.juju.status(), param(step, "application"))
    sealed = sealed_units(app)
    if sealed:
        raise refuse(f"'{app.name}' is sealed on {names(sealed)}",
                     hint=f"unseal it, or leave it out with --skip-apps {app.name}")
    return {"unsealed": len(app.units)}


async def _wait_sealed(ctx: Ctx, name: str, timeout: float) -> list[str]:
    """After a refresh vault restarts sealed; wait for that (or for it to settle unsealed)."""
    try:
        cloud = await settle(ctx, [name], timeout)
    except OctaneError:  # a sealed vault is blocked: the wait may not count it settled
        cloud = await ctx.deps.juju.status()
    return sealed_units(application(cloud, name))


async def unseal(ctx: Ctx, step: Step) -> JSON:
    """Ask the operator for key shares and unseal every sealed unit, then wait active."""
    name = param(step, "application")
    timeout = ctx.deps.timeout(param(step, "timeout"))
    sealed = await _wait_sealed(ctx, name, timeout)
    if not sealed:
        return {"unsealed": [], "already": True}
    unsealer = ctx.deps.unsealer
    if unsealer is None:
        raise OctaneError(f"'{name}' is sealed on {names(sealed)} and octane has no way to "
                          "reach vault's API here", hint="unseal it by hand, then resume")
    pending = list(sealed)
    shares = 0
    while pending:
        key = await ctx.ask(f"Unseal key share for '{name}' ({len(pending)} unit(s) sealed): ",
                            secret=True)
        if key is None or not key.strip():
            raise OctaneError(f"no unseal key given; '{name}' is still sealed on "
                              f"{names(pending)}", hint="unseal it by hand, then resume")
        shares += 1
        pending = [u for u in pending if not await unsealer.unseal(u, key.strip())]
    await settle(ctx, [name], timeout)
    return {"unsealed": sealed, "shares": shares}


async def vault_unsealed(ctx: Ctx, step: Step) -> bool:
    """No unit reports sealed and the application has settled."""
    app = application(await ctx.deps.juju.status(), param(step, "application"))
    return not sealed_units(app) and all(u.workload_status == "active" for u in app.units)
