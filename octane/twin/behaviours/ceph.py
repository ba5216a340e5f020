"""The ceph charms: versions by ``source`` and track, the monitors' OSD flags and commands.

- ceph-mon, ceph-osd, ceph-radosgw, ceph-fs follow ``source`` like the OpenStack charms
  (``cloud:focal-wallaby`` installs pacific 16.2.x); ceph-dashboard, a subordinate, reports
  its track's release.
- ceph-mon's ``set-noout`` / ``unset-noout`` (and ``pause-health`` / ``resume-health``)
  change the OSD map; ``juju exec`` of ``ceph versions``, ``ceph osd dump``, ``ceph osd
  require-osd-release R`` and ``ceph osd set|unset F`` on a ceph unit answer from the
  model's Ceph service (COU's require-osd-release step and octane's probes use them). A real
  cluster attaches its own executor and service (``octane/twin/services/ceph.py``).
- Opt-in quirk ``daemons-keep-old-version`` (COU known issue "Workload version does not
  change", LP 2068151): packages upgrade but the daemons keep running -- and reporting --
  the old version until restarted (``systemctl restart ceph-osd.target`` and the like, or
  ceph-osd's ``start`` action), so ``ceph versions`` shows mixed versions meanwhile.
- Opt-in quirk ``reef-dashboard-port`` (LP 2111793): ceph-dashboard on reef or later moves
  its listener to 8080 and blocks on "Dashboard not responding".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from octane import releases
from octane.twin.behaviours.base import ActionOutcome, ActionSpec, UnitContext
from octane.twin.behaviours.common import (
    PAUSE_RESUME,
    SECURITY_CHECKLIST,
    Charm,
    Profile,
    spec,
)
from octane.twin.behaviours.shell import Handler, Outcome

KEEP_OLD = "daemons-keep-old-version"
DASHBOARD_PORT = "reef-dashboard-port"
OSDS = {"osds": {"type": "string", "default": "all",
                 "description": "A comma-separated list of OSD ids, or 'all'."}}

MON_ACTIONS: dict[str, ActionSpec] = {
    "set-noout": spec("Set ceph noout across the cluster."),
    "unset-noout": spec("Unset ceph noout across the cluster."),
    "pause-health": spec("Pause ceph health operations across the entire ceph cluster."),
    "resume-health": spec("Resume ceph health operations across the entire ceph cluster."),
    "get-health": spec("Output the current cluster health reported by `ceph health`."),
    "get-quorum-status": spec("Return lists of the known mons, and online mons."),
    "list-pools": spec("List your cluster's pools."),
    "show-disk-free": spec("Show disk utilization by host and OSD."),
    "security-checklist": SECURITY_CHECKLIST,
}
OSD_ACTIONS: dict[str, ActionSpec] = {
    **PAUSE_RESUME,
    "osd-out": spec("Set the local OSDs out (data moves off them).", OSDS),
    "osd-in": spec("Set the local OSDs in.", OSDS),
    "start": spec("Start OSDs on this unit.", OSDS),
    "stop": spec("Stop OSDs on this unit.", OSDS),
    "list-disks": spec("List disks and whether they are in use."),
    "security-checklist": SECURITY_CHECKLIST,
}
#: charm -> (daemon services, ready message, actions)
PROFILES: dict[str, tuple[tuple[str, ...], str, dict[str, ActionSpec]]] = {
    "ceph-mon": (("ceph-mon", "ceph-mgr"), "Unit is ready and clustered", MON_ACTIONS),
    "ceph-osd": (("ceph-osd",), "Unit is ready (3 OSD)", OSD_ACTIONS),
    "ceph-radosgw": (("ceph-radosgw", "radosgw", "haproxy", "apache2"), "Unit is ready",
                     dict(PAUSE_RESUME)),
    "ceph-fs": (("ceph-mds",), "Unit is ready", {}),
}


def run_sync(coro: Any) -> Any:
    """Drive a coroutine that never suspends (the simulated services' methods)."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value
    coro.close()
    raise RuntimeError("a real service answered asynchronously; route exec through its "
                       "executor")


class CephCharm(Charm):
    """A ceph daemon charm on ``source``."""

    def __init__(self, charm: str) -> None:
        services, ready, actions = PROFILES[charm]
        super().__init__(Profile(charm=charm, origin="source", ready=ready,
                                 services=services, actions=actions, upgrade_seconds=600.0,
                                 quirks={KEEP_OLD: "daemons report the old version until "
                                                   "restarted (LP 2068151)"}))

    def workload_version(self, ctx: UnitContext) -> str:
        """With the quirk, running daemons keep the version they started with."""
        if KEEP_OLD in ctx.quirks and ctx.workload_version:
            return self.explicit_version(ctx) or ctx.workload_version
        return super().workload_version(ctx)

    def restarted(self, service: str, ctx: UnitContext) -> Outcome:
        """A restarted daemon runs (and reports) what the packages now hold."""
        if not service.startswith(("ceph", "radosgw")):
            return Outcome()
        return Outcome(version=self.explicit_version(ctx) or self.settles_to(ctx))

    def commands(self) -> Mapping[str, Handler]:
        """``ceph ...`` on any ceph unit."""
        return {"ceph": ceph_command}

    def action_start(self, params: Mapping[str, Any], ctx: UnitContext) -> ActionOutcome:
        """Started OSDs run the installed version."""
        return ActionOutcome(workload_version=self.restarted("ceph-osd", ctx).version,
                             charm_state={"osds-stopped": None})

    def action_stop(self, params: Mapping[str, Any], ctx: UnitContext) -> ActionOutcome:
        """Stopped OSDs (the unit blocks until started)."""
        return ActionOutcome(charm_state={"osds-stopped": str(params.get("osds", "all"))})

    def settled_status(self, ctx: UnitContext) -> tuple[str, str]:
        """Stopped OSDs block the unit."""
        if ctx.charm_state.get("osds-stopped"):
            return ("blocked", "No block devices detected using current configuration")
        return super().settled_status(ctx)

    def action_set_noout(self, params: Mapping[str, Any], ctx: UnitContext) -> ActionOutcome:
        """``ceph osd set noout``."""
        return self._flags(ctx, {"noout": True}, "Ceph osd noout has been set")

    def action_unset_noout(self, params: Mapping[str, Any],
                           ctx: UnitContext) -> ActionOutcome:
        """``ceph osd unset noout``."""
        return self._flags(ctx, {"noout": False}, "Ceph osd noout has been unset")

    def action_pause_health(self, params: Mapping[str, Any],
                            ctx: UnitContext) -> ActionOutcome:
        """noout and nodown: no rebalancing while hosts come and go."""
        return self._flags(ctx, {"noout": True, "nodown": True}, "")

    def action_resume_health(self, params: Mapping[str, Any],
                             ctx: UnitContext) -> ActionOutcome:
        """Back to normal health operations."""
        return self._flags(ctx, {"noout": False, "nodown": False}, "")

    def action_get_health(self, params: Mapping[str, Any], ctx: UnitContext) -> ActionOutcome:
        """``ceph health``."""
        ceph = ctx.services.get("ceph")
        if ceph is None:
            return ActionOutcome(output={"message": "HEALTH_OK"})

        async def health() -> ActionOutcome:
            code, out, err = await ceph.command(["health"])
            if code:
                return ActionOutcome(status="failed", message=err.strip())
            return ActionOutcome(output={"message": out.strip()})
        return ActionOutcome(pending=health)

    def _flags(self, ctx: UnitContext, flags: Mapping[str, bool], message: str
               ) -> ActionOutcome:
        ceph = ctx.services.get("ceph")
        done = ActionOutcome(output={"message": message} if message else {})
        if ceph is None:
            return done

        async def change() -> ActionOutcome:
            for flag, on in flags.items():
                await ceph.set_flag(flag, on)
            return done
        return ActionOutcome(pending=change)


def ceph_command(words: Sequence[str], ctx: UnitContext) -> Outcome:
    """``ceph ...`` answered by the model's Ceph service."""
    ceph = ctx.services.get("ceph")
    if ceph is None:
        return Outcome(1, "", "[errno 2] RADOS object not found (error connecting to the "
                              "cluster)\n")
    runner = getattr(ceph, "run", None)
    if runner is not None:
        code, out, err = runner(list(words[1:]))
    else:
        code, out, err = run_sync(ceph.command(list(words[1:])))
    return Outcome(code, out, err)


class CephDashboard(Charm):
    """The dashboard subordinate of ceph-mon."""

    def __init__(self) -> None:
        super().__init__(Profile(charm="ceph-dashboard", origin=None, subordinate=True,
                                 services=("ceph-mgr",), actions={
                                     "add-user": spec("Create a dashboard user.", {
                                         "username": {"type": "string"},
                                         "role": {"type": "string"}})},
                                 quirks={DASHBOARD_PORT: "on reef or later the listener "
                                                         "moves to 8080 (LP 2111793)"}))

    def settled_status(self, ctx: UnitContext) -> tuple[str, str]:
        """Blocked after the move to reef, with the quirk."""
        track = ctx.channel.split("/")[0]
        reef = releases.catalogue().ceph_release("reef")
        current = releases.catalogue().ceph_release(track)
        if DASHBOARD_PORT in ctx.quirks and reef and current and current.major >= reef.major:
            return ("blocked", "Dashboard not responding")
        return super().settled_status(ctx)


def ceph_behaviours() -> dict[str, Charm]:
    """charm -> behaviour for the ceph family."""
    out: dict[str, Charm] = {name: CephCharm(name) for name in PROFILES}
    out["ceph-dashboard"] = CephDashboard()
    return out

