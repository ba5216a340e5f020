"""Ceph monitor quorum planning and hand-over that never loses a monitor majority.

The public API (details in docs/ceph.md):

* :func:`plan_handover` — pure: monmap + target → add/remove steps, or :class:`PlanRefused`;
* :func:`plan_controller_replacement` / :func:`plan_rolling_replacement` — the OS-upgrade
  flow's stages (3 → 2 → 3 monitors, one controller at a time);
* :class:`MonitorHandover` — runs a hand-over through a :class:`CephPort`, checking the live
  quorum before and after every step; re-running continues from the live monmap.
"""

from octane.ceph.handover import (
    HandoverEvent,
    HandoverReport,
    HandoverStopped,
    MonitorHandover,
    QuorumDegraded,
    Timeouts,
)
from octane.ceph.live import LiveState, read_live
from octane.ceph.monmap import Monitor, MonMap
from octane.ceph.planner import (
    AddMonitor,
    HandoverPlan,
    MonStep,
    PlanRefused,
    RemoveMonitor,
    plan_handover,
)
from octane.ceph.port import CephPort
from octane.ceph.rolling import (
    ControllerStage,
    plan_controller_replacement,
    plan_rolling_replacement,
)

__all__ = [
    "AddMonitor", "CephPort", "ControllerStage", "HandoverEvent", "HandoverPlan",
    "HandoverReport", "HandoverStopped", "LiveState", "MonMap", "MonStep", "Monitor",
    "MonitorHandover", "PlanRefused", "QuorumDegraded", "RemoveMonitor", "Timeouts",
    "plan_controller_replacement", "plan_handover", "plan_rolling_replacement", "read_live",
]
