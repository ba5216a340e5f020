"""A snapshot-backed model session for command tests: no controller, same planning path.

``octane.commands.plan.open_model`` is replaced with :func:`opener` so ``octane plan`` and
``octane analyze`` run end to end (flags, probes, plan building, output) on a scenario
snapshot. Actions and commands answer from the scenario's facts (instance counts, Ceph
state), like the twin's charms will; an unknown model raises the port's error.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from octane.cloud.model import Cloud
from octane.commands.plan import ModelSession
from octane.errors import NotFound
from octane.juju.model import ActionResult, CommandResult

HEALTHY_CEPH = {"overall": {"ceph version 15.2.17 (abc) octopus (stable)": 9}}


@dataclass
class SnapshotSession:
    """Serves one snapshot; records what was run so tests can assert nothing mutated."""

    cloud: Cloud
    instance_counts: Mapping[str, int] = field(default_factory=dict)
    ceph_versions: Mapping[str, Any] = field(default_factory=lambda: HEALTHY_CEPH)
    osd_flags: Sequence[str] = ("sortbitwise",)
    calls: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    closed: bool = False
    name: str = field(init=False)  # a plain attribute, as ModelSession declares it

    def __post_init__(self) -> None:
        self.name = self.cloud.model

    async def read_cloud(self) -> Cloud:
        return self.cloud

    async def status(self) -> Cloud:
        return self.cloud

    async def complete(self, status: Cloud) -> Cloud:
        return self.cloud

    async def close(self) -> None:
        self.closed = True

    async def run_actions(self, units: Sequence[str], action: str,
                          params: Mapping[str, Any] | None = None, *,
                          timeout: float | None = None) -> dict[str, ActionResult]:
        self.calls.append((action, tuple(units)))
        out = {}
        for unit in units:
            if action == "instance-count":
                output = {"instance-count": str(self.instance_counts.get(unit, 0))}
                out[unit] = ActionResult(unit, action, "1", "completed", output)
            else:
                out[unit] = ActionResult(unit, action, "1", "failed", {}, "not expected")
        return out

    async def run_command(self, units: Sequence[str], command: str, *,
                          timeout: float | None = None) -> dict[str, CommandResult]:
        self.calls.append((command, tuple(units)))
        if command.startswith("ceph versions"):
            body = json.dumps(self.ceph_versions)
        elif command.startswith("ceph osd dump"):
            body = json.dumps({"flags": ",".join(self.osd_flags)})
        else:
            return {u: CommandResult(u, 127, "", "unexpected command") for u in units}
        return {u: CommandResult(u, 0, body, "") for u in units}


def opener(sessions: Mapping[str | None, SnapshotSession]
           ) -> Callable[[str | None], Awaitable[ModelSession]]:
    """An ``open_model`` replacement: model name (None = current) -> session.

    Typed as ``open_model`` is, so mypy checks the fake session against the real protocol.
    """
    async def open_model(model: str | None) -> SnapshotSession:
        if model not in sessions:
            raise NotFound(f"model '{model}' not found",
                           hint="`juju models` lists the models you can use")
        return sessions[model]
    return open_model
