"""Where ``juju exec`` / ``Action.Run`` commands go: one executor per machine.

By default a command is answered by the unit's charm behaviour, then by a few harmless
built-ins (``hostname``, ``echo``, ``true``...), and anything else fails the way a shell on
the machine would (return code 127). Nothing is ever run on the host by default.

Another part of the twin can route a machine's commands to real processes — e.g. the
real ``ceph`` CLI for a ceph-mon unit backed by a real cluster (issue 7) — by installing
its own :class:`Executor` with ``TwinServer.set_executor(model, machine_id, executor)``.
Executors are async so they may spawn processes; the action stays ``running`` until the
executor returns.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Protocol

from octane.twin.behaviours.base import CharmBehaviour, ExecResult, UnitContext


@dataclass(frozen=True)
class ExecRequest:
    """One command for one target (a unit, or a machine when ``unit`` is None)."""

    model: str
    machine: str
    hostname: str
    command: str
    timeout: float | None
    unit: UnitContext | None
    behaviour: CharmBehaviour | None


class Executor(Protocol):
    """Runs one command for the twin and returns what the machine printed."""

    async def run(self, request: ExecRequest) -> ExecResult:
        """Run ``request.command``; never raise for a command that fails (return its code)."""
        ...


class DefaultExecutor:
    """The safe default: charm behaviour first, then built-ins, else "command not found"."""

    async def run(self, request: ExecRequest) -> ExecResult:
        """Answer without touching the host."""
        if request.behaviour is not None:
            answer = request.behaviour.exec(request.command, request.unit)
            if answer is not None:
                return answer
        return builtin(request)


def builtin(request: ExecRequest) -> ExecResult:
    """A handful of commands every Ubuntu machine answers the same way."""
    try:
        words = shlex.split(request.command)
    except ValueError as exc:
        return ExecResult(2, "", f"bash: line 1: syntax error: {exc}\n")
    if not words:
        return ExecResult(0, "", "")
    head = words[0]
    if head == "true":
        return ExecResult(0, "", "")
    if head == "false":
        return ExecResult(1, "", "")
    if head == "hostname":
        return ExecResult(0, request.hostname + "\n", "")
    if head == "echo":
        return ExecResult(0, " ".join(words[1:]) + "\n", "")
    if head == "uname":
        text = "Linux" if len(words) == 1 else "5.15.0-91-generic"
        return ExecResult(0, text + "\n", "")
    if head == "lsb_release" and "-cs" in words:
        series = request.unit.series if request.unit else ""
        return ExecResult(0, series + "\n", "")
    return ExecResult(127, "", f"bash: line 1: {head}: command not found\n")
