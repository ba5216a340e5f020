"""In-process runs of the engine with a recording action set (no processes, no signals).

The actions record what happened in :class:`Rec` (the ``deps``), and ``t.block`` waits for a
named :class:`asyncio.Event` so a test decides exactly when a step may finish, instead of
relying on timing.
"""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from octane.engine import Action, Registry, RunOptions, RunOutcome, StepContext, StoppedSafely
from octane.engine.api import run_plan
from octane.engine.console import Console
from octane.engine.journal import Journal
from octane.engine.signals import StopController
from octane.errors import OctaneError
from octane.plan.step import JSON, Plan, Step

WAIT = 10.0  # every wait in these tests ends by itself


@dataclass
class Rec:
    events: list[str] = field(default_factory=list)
    gates: dict[str, asyncio.Event] = field(default_factory=dict)
    started: dict[str, asyncio.Event] = field(default_factory=dict)
    verified: dict[str, bool] = field(default_factory=dict)
    on_start: dict[str, Callable[[], object]] = field(default_factory=dict)  # result unused
    current: int = 0
    peak: int = 0

    def gate(self, name: str) -> asyncio.Event:
        return self.gates.setdefault(name, asyncio.Event())

    def began(self, name: str) -> asyncio.Event:
        return self.started.setdefault(name, asyncio.Event())


async def _ok(ctx: StepContext[Rec], step: Step) -> JSON:
    rec = ctx.deps
    rec.events.append(f"start {step.id}")
    rec.current += 1
    rec.peak = max(rec.peak, rec.current)
    rec.began(step.id).set()
    if step.id in rec.on_start:
        rec.on_start[step.id]()
    try:
        if step.params.get("block"):
            ctx.progress(f"gate {step.id}", busy=[f"{step.id}/0"])
            await asyncio.wait_for(rec.gate(step.id).wait(), WAIT)
        else:
            await asyncio.sleep(0)
    finally:
        rec.current -= 1
    rec.events.append(f"end {step.id}")
    return {"id": step.id}


async def _verify(ctx: StepContext[Rec], step: Step) -> bool:
    ctx.deps.events.append(f"verify {step.id}")
    return ctx.deps.verified.get(step.id, False)


async def _fail(ctx: StepContext[Rec], step: Step) -> JSON:
    ctx.deps.events.append(f"start {step.id}")
    raise OctaneError(f"{step.id} broke")


async def _bug(ctx: StepContext[Rec], step: Step) -> JSON:
    raise KeyError("missing")


async def _safe(ctx: StepContext[Rec], step: Step) -> JSON:
    ctx.deps.events.append(f"start {step.id}")
    raise StoppedSafely("stopped after batch 3")


async def _say(ctx: StepContext[Rec], step: Step) -> JSON:
    ctx.say("Skipping hypervisor 'nc/3': it hosts 2 VMs")
    ctx.say("Vault is sealed; not touched", important=True)
    return None


async def _unseal(ctx: StepContext[Rec], step: Step) -> JSON:
    key = await ctx.ask("Unseal key for 'vault/0': ", secret=True)
    if key is None:
        raise OctaneError("vault needs unseal keys; input is closed")
    ctx.deps.events.append(f"unsealed with {len(key)} characters")
    return {"unsealed": ["vault/0"]}


REGISTRY: Registry[Rec] = Registry({
    "t.ok": Action(run=_ok, verify=_verify),
    "t.noverify": _ok,
    "t.fail": _fail,
    "t.bug": _bug,
    "t.safe": _safe,
    "t.say": _say,
    "t.unseal": _unseal,
})


@dataclass
class Result:
    outcome: RunOutcome
    output: str
    journal: Journal

    def states(self) -> dict[str, str]:
        assert self.outcome.run_id is not None
        return {s: r.state for s, r in self.journal.steps(self.outcome.run_id).items()}


def answers_fd(text: str | None) -> int | None:
    """A pipe already holding ``text`` and closed for writing (EOF after it)."""
    if text is None:
        return None
    read, write = os.pipe()
    os.write(write, text.encode())
    os.close(write)
    return read


async def run(root: Step, rec: Rec, tmp: Path, *, answers: str | None = None,
              stop: StopController | None = None, tty: bool = False,
              quiet: bool = False, auto: bool | None = None, **options: Any) -> Result:
    out = io.StringIO()
    fd = answers_fd(answers)
    opts = RunOptions(auto_approve=answers is None if auto is None else auto,
                      handle_signals=False, **options)
    console = Console(out, input_fd=fd, quiet=quiet, tty=tty, heartbeat=3600)
    journal = Journal(tmp / "journal.sqlite")
    try:
        outcome = await asyncio.wait_for(
            run_plan(Plan(root), REGISTRY, rec, opts, journal=journal, console=console,
                     stop=stop), WAIT)
    finally:
        if fd is not None:
            os.close(fd)
    return Result(outcome, out.getvalue(), journal)
