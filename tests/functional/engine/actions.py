"""A small, real action vocabulary for engine tests: files written, gates waited on.

Every action does something observable in a work directory, so a test can assert on the
end state (which files exist, with what content) and on the history of what ran in which
process, instead of on mocks. Durations are bounded; every wait has a timeout.

* ``test.write``  — write ``text`` to ``path`` (atomically) after sleeping ``sleep`` s;
* ``test.concat`` — write the concatenation of ``inputs`` to ``output``; fails if an input is
  missing, so running it before its inputs' steps breaks the end state;
* ``test.gate``   — mark ``gates/NAME.started``, wait until a test creates ``gates/NAME.open``,
  then mark ``gates/NAME.passed``: lets a test signal the process while a step is running;
* ``test.settle`` — "units" settle one every ``each`` s, reported through ``ctx.progress``;
* ``test.fail``   — fail with ``message``.

``history.log`` gets ``<pid> start|end <step id>`` lines (one ``os.write`` each, O_APPEND).
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from pathlib import Path

from octane.engine import Action, Registry, StepContext
from octane.errors import OctaneError
from octane.plan.step import JSON, Step

MAX_SLEEP = 5.0


@dataclass(frozen=True)
class Work:
    """The dependency the test actions receive: their work directory."""

    root: Path

    def path(self, relative: str) -> Path:
        target = (self.root / relative).resolve()
        if self.root.resolve() not in target.parents:
            raise OctaneError(f"path {relative!r} leaves the work directory")
        return target

    def history(self, event: str, step: Step) -> None:
        line = f"{os.getpid()} {event} {step.id}\n".encode()
        fd = os.open(self.root / "history.log", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


async def _sleep(step: Step) -> None:
    seconds = float(step.params.get("sleep", 0))
    if not 0 <= seconds <= MAX_SLEEP:
        raise OctaneError(f"sleep {seconds} out of bounds")
    await asyncio.sleep(seconds)


async def write(ctx: StepContext[Work], step: Step) -> JSON:
    """Write a file after a bounded sleep."""
    ctx.deps.history("start", step)
    await _sleep(step)
    _write_atomic(ctx.deps.path(step.params["path"]), str(step.params["text"]))
    ctx.deps.history("end", step)
    return {"wrote": step.params["path"]}


async def write_done(ctx: StepContext[Work], step: Step) -> bool:
    """The file is there with the expected text."""
    target = ctx.deps.path(step.params["path"])
    return target.exists() and target.read_text() == str(step.params["text"])


def _joined(ctx: StepContext[Work], step: Step) -> str:
    parts = []
    for name in step.params["inputs"]:
        source = ctx.deps.path(name)
        if not source.exists():
            raise OctaneError(f"input {name!r} is missing")
        parts.append(source.read_text())
    return "+".join(parts)


async def concat(ctx: StepContext[Work], step: Step) -> JSON:
    """Concatenate input files; fails when one is missing (ordering violated)."""
    ctx.deps.history("start", step)
    await _sleep(step)
    text = _joined(ctx, step)
    _write_atomic(ctx.deps.path(step.params["output"]), text)
    ctx.deps.history("end", step)
    return {"length": len(text)}


async def concat_done(ctx: StepContext[Work], step: Step) -> bool:
    """The output exists and matches its inputs."""
    target = ctx.deps.path(step.params["output"])
    return target.exists() and target.read_text() == _joined(ctx, step)


async def gate(ctx: StepContext[Work], step: Step) -> JSON:
    """Wait (bounded) until the test opens the gate."""
    ctx.deps.history("start", step)
    name = step.params["name"]
    timeout = float(step.params.get("timeout", 30))
    gates = ctx.deps.path("gates")
    gates.mkdir(exist_ok=True)
    opened = gates / f"{name}.open"
    (gates / f"{name}.started").write_text(str(os.getpid()))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    ctx.progress(f"gate '{name}'", busy=[name])
    while not opened.exists():
        if loop.time() > deadline:
            raise OctaneError(f"gate {name!r} was not opened within {timeout:g}s")
        await asyncio.sleep(0.02)
    _write_atomic(gates / f"{name}.passed", "passed")
    ctx.deps.history("end", step)
    return {"gate": name}


async def gate_done(ctx: StepContext[Work], step: Step) -> bool:
    """The gate was passed before."""
    return (ctx.deps.path("gates") / f"{step.params['name']}.passed").exists()


async def settle(ctx: StepContext[Work], step: Step) -> JSON:
    """Units settle one every ``each`` seconds; progress names those still busy."""
    ctx.deps.history("start", step)
    units = list(step.params["units"])
    each = float(step.params.get("each", 0.1))
    if not 0 <= each * len(units) <= MAX_SLEEP:
        raise OctaneError("settle would take too long")
    busy = list(units)
    while busy:
        ctx.progress(f"{len(units)} units to settle", busy=busy)
        await asyncio.sleep(each)
        done = busy.pop(0)
        _write_atomic(ctx.deps.path(f"settled/{done}"), "idle")
    ctx.deps.history("end", step)
    return {"settled": units}


async def fail(ctx: StepContext[Work], step: Step) -> JSON:
    """Fail on purpose."""
    ctx.deps.history("start", step)
    raise OctaneError(str(step.params.get("message", "failed on purpose")))


def registry() -> Registry[Work]:
    """The test vocabulary, built explicitly (nothing registers itself on import)."""
    return Registry({
        "test.write": Action(run=write, verify=write_done, summary="write a file"),
        "test.concat": Action(run=concat, verify=concat_done, summary="concatenate files"),
        "test.gate": Action(run=gate, verify=gate_done, summary="wait for a gate file"),
        "test.settle": Action(run=settle, summary="let units settle"),
        "test.fail": Action(run=fail, summary="fail"),
    })
