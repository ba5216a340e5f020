"""Serve a scenario snapshot from the twin: :class:`Cloud` -> twin scenario document.

So the same cloud can be planned twice -- from the snapshot and over the wire through the
unmodified libjuju client -- and the two plans compared, and so the benchmark can measure
``octane plan`` end to end on the large cloud before the twin ships a ``large`` scenario.
Until the twin's nova-compute behaviour (issue 3) exists, :func:`behaviours` registers a
minimal one answering ``instance-count`` from the scenario's instance counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from octane.cloud.model import Cloud
from octane.releases import catalogue
from octane.twin.behaviours import (
    ActionOutcome,
    ActionSpec,
    BehaviourRegistry,
    CharmBehaviour,
    UnitContext,
)

_INFO = "juju-info"


def scenario(cloud: Cloud, *, controller: str = "twin") -> dict[str, Any]:
    """The twin scenario document deploying ``cloud`` (one model)."""
    series = next(iter({a.series for a in cloud.applications.values() if a.series}), "focal")
    version = catalogue().series(series).version
    machines = {mid: {"zone": m.az or "", "hostname": m.hostname or ""}
                for mid, m in cloud.machines.items()}
    apps: dict[str, Any] = {}
    relations: list[list[str]] = []
    charmhub: dict[str, Any] = {}
    for name, app in sorted(cloud.applications.items()):
        doc: dict[str, Any] = {"charm": app.charm, "channel": app.channel,
                               "revision": app.revision or 1, "config": dict(app.config)}
        versions = {u.workload_version for u in app.units if u.workload_version}
        if len(versions) == 1:
            doc["workload-version"] = versions.pop()
        if app.is_subordinate:
            doc["subordinate"] = True
            doc["endpoints"] = {_INFO: {"role": "requires", "interface": _INFO,
                                        "scope": "container"}}
            relations += [[f"{p}:{_INFO}", f"{name}:{_INFO}"] for p in app.subordinate_to]
        else:
            doc["to"] = [u.machine for u in app.units]
            doc["endpoints"] = {_INFO: {"role": "provides", "interface": _INFO}}
            leader = next((u.name for u in app.units if u.leader), "")
            if leader:
                doc["leader"] = leader
        if app.can_upgrade_to and app.revision:
            charmhub[app.charm] = {"channels": {app.channel: [app.revision,
                                                              app.revision + 1]}}
        apps[name] = doc
    return {"controller": controller, "seed": cloud.model, "time-scale": 1000,
            "charmhub": charmhub,
            "models": {cloud.model: {"base": f"ubuntu@{version}", "machines": machines,
                                     "applications": apps, "relations": relations}}}


#: The zone the twin (like MAAS) reports for a machine declared without one.
DEFAULT_ZONE = "default"


def as_served(cloud: Cloud) -> Cloud:
    """``cloud`` as the twin reports it: machines without an AZ are in ``default``."""
    machines = {mid: replace(m, az=m.az or DEFAULT_ZONE) for mid, m in cloud.machines.items()}
    return replace(cloud, machines=machines)


class CountingNovaCompute(CharmBehaviour):
    """nova-compute's read-only actions, answering from a table of instance counts."""

    def __init__(self, counts: Mapping[str, int]) -> None:
        self.counts = dict(counts)

    def actions(self) -> Mapping[str, ActionSpec]:
        return {"instance-count": ActionSpec("Instances on this hypervisor", duration=0.1)}

    def run_action(self, name: str, params: Mapping[str, Any],
                   ctx: UnitContext) -> ActionOutcome:
        return ActionOutcome(output={"instance-count": str(self.counts.get(ctx.unit, 0))})


def behaviours(counts: Mapping[str, int] | None = None) -> BehaviourRegistry:
    """A registry with the minimal nova-compute behaviour."""
    registry = BehaviourRegistry()
    registry.register("nova-compute", CountingNovaCompute(counts or {}))
    return registry
