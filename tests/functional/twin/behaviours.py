"""A small charm behaviour for tests: keystone with actions and exec answers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from octane.twin.behaviours import (
    ActionOutcome,
    ActionSpec,
    BehaviourRegistry,
    CharmBehaviour,
    ExecResult,
    UnitContext,
)


class TestKeystone(CharmBehaviour):
    """Keystone with pause/resume/openstack-upgrade and a version that follows the origin."""

    charm = "keystone"

    def actions(self) -> Mapping[str, ActionSpec]:
        return {"pause": ActionSpec("Pause the unit", duration=10),
                "resume": ActionSpec("Resume the unit", duration=10),
                "openstack-upgrade": ActionSpec("Upgrade the packages", {
                    "type": "object", "properties": {}}, duration=600)}

    def run_action(self, name: str, params: Mapping[str, Any],
                   ctx: UnitContext) -> ActionOutcome:
        if name == "openstack-upgrade":
            return ActionOutcome(output={"outcome": "success, upgrade completed"},
                                 workload_version="22.0.0")
        return ActionOutcome(output={"message": f"{name} done on {ctx.unit}"})

    def exec(self, command: str, ctx: UnitContext | None) -> ExecResult | None:
        if ctx is not None and command.startswith("keystone-manage --version"):
            return ExecResult(0, ctx.workload_version + "\n", "")
        return None


def registry() -> BehaviourRegistry:
    """The test registry."""
    reg = BehaviourRegistry()
    reg.register("keystone", TestKeystone())
    return reg
