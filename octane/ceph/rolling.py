"""The OS-upgrade flow's use of the planner: controllers one at a time, 3 → 2 → 3 monitors.

Why a separate API: in the reprovision / series-upgrade flow (TripleO OS-upgrade spec) a
controller's monitor leaves *before* its host goes down and a monitor on the upgraded host
joins *after* it is back, so each controller is two short plans around an outage that octane
does not control. The monitor is removed first rather than left stopped in the monmap:
a stopped member would keep a 3-member monmap with 2 running, and the replacement (a new
store, maybe a new name) could then not be added without first removing it anyway.

Every stage is planned from the monmap the previous stage leaves, and all of them are
planned before the first one runs, so a flow that would ever leave one monitor is refused
before anything changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from octane.ceph.monmap import Monitor, MonMap
from octane.ceph.planner import HandoverPlan, PlanRefused, plan_handover


@dataclass(frozen=True)
class ControllerStage:
    """One controller: ``release`` before its host goes down, ``rejoin`` once it is back."""

    leaving: str
    joining: Monitor
    release: HandoverPlan
    rejoin: HandoverPlan

    @property
    def while_down(self) -> MonMap:
        """The monmap while the controller is being reprovisioned (e.g. 2 of 2 running)."""
        return self.release.final


def plan_controller_replacement(current: MonMap, leaving: str,
                                joining: Monitor | None = None) -> ControllerStage:
    """Release ``leaving``'s monitor, then add ``joining`` (default: same name and address).

    Raises :class:`~octane.ceph.planner.PlanRefused` when the cluster could not stay safe
    while that controller is down (e.g. another monitor is already stopped).
    """
    if leaving not in current:
        raise PlanRefused(f"mon.{leaving} is not in the monmap ({current.describe()})")
    joining = joining or Monitor(leaving, current[leaving].addr)
    staying = {m.name: m.addr for m in current if m.name != leaving}
    if joining.name in staying or joining.addr in staying.values():
        raise PlanRefused(f"mon.{joining.name} at {joining.addr} clashes with a monitor "
                          "that stays")
    try:
        release = plan_handover(current, staying)
    except PlanRefused as exc:
        raise PlanRefused(f"controller of mon.{leaving} cannot go down: {exc.message}",
                          hint=exc.hint) from exc
    rejoin = plan_handover(release.final, {**staying, joining.name: joining.addr})
    return ControllerStage(leaving, joining, release, rejoin)


def plan_rolling_replacement(current: MonMap, order: Sequence[str | tuple[str, Monitor]]
                             ) -> tuple[ControllerStage, ...]:
    """Every controller in ``order`` (a monitor name, or name and its replacement)."""
    stages: list[ControllerStage] = []
    state = current
    for item in order:
        leaving, joining = (item, None) if isinstance(item, str) else item
        stage = plan_controller_replacement(state, leaving, joining)
        stages.append(stage)
        state = stage.rejoin.final
    return tuple(stages)
