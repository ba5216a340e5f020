"""``run_plan``: the one entry point every command that executes a plan calls.

``octane upgrade`` (and later the side-by-side and OS-upgrade flows) build a
:class:`~octane.plan.step.Plan`, a :class:`~octane.engine.registry.Registry` of actions and
the dependencies those actions need, then::

    outcome = await run_plan(plan, registry, deps, RunOptions(auto_approve=..., ...))
    return outcome.exit_code

``run_plan`` validates the plan against the registry (one-line errors, nothing started),
creates or resumes a journaled run, shows the plan and asks before starting (unless
auto-approved), runs it with prompts, progress and signal handling, records how it ended and
prints COU's closing lines ("Upgrade completed.", "... stopped safely", "... terminated
without waiting") with the command that resumes it. It returns a :class:`RunOutcome` rather
than raising, because a stopped run is an expected ending, not an error.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from octane.engine.console import Console, render_tree
from octane.engine.graph import PlanGraph, validate
from octane.engine.journal import Journal, PlanMismatch, RunLock, RunRecord, new_run_id
from octane.engine.registry import Registry
from octane.engine.runner import AsyncJournal, Runner
from octane.engine.signals import SAFE_STOP, StopController
from octane.errors import UsageError
from octane.plan.step import Plan

LOG = logging.getLogger(__name__)
D = TypeVar("D")

EXIT_CODES = {"completed": 0, "declined": 0, "failed": 1, "unanswered": 1,
              "stopped": 130, "terminated": 130}


@dataclass(frozen=True)
class RunOptions:
    """How to run a plan; the defaults are an interactive new run."""

    auto_approve: bool = False
    quiet: bool = False
    #: At most this many actions at once (groups do not count).
    max_parallel: int = 4
    #: None: a new run. A run id (or unique prefix): resume it. ``"latest"``: resume the newest
    #: run of ``scope`` if it did not complete, else start a new run.
    resume: str | None = None
    #: What the run is about (``"openstack:control-plane"``); ``"latest"`` looks runs up by it.
    scope: str = ""
    #: Resume even if the plan's digest differs from the one the run started with (steps are
    #: matched by their stable ids).
    allow_plan_change: bool = False
    noun: str = "upgrade"
    #: Shown when a run stops, ``{run_id}`` replaced; stored with the run for ``octane status``.
    resume_command: str = "octane upgrade --resume {run_id}"
    #: The log file of this process, recorded with the attempt (the CLI opens it).
    log_path: Path | None = None
    #: After a second interrupt, how long cancelled actions get to unwind.
    terminate_grace: float = 10.0
    #: Plain output: a "still running" line per running step at most this often.
    heartbeat: float = 30.0
    handle_signals: bool = True


@dataclass(frozen=True)
class RunOutcome:
    """How a call to :func:`run_plan` ended.

    ``status``: ``completed``, ``stopped`` (first interrupt), ``terminated`` (second),
    ``failed`` (a step failed or the plan stalled), ``declined`` (the operator answered no),
    ``unanswered`` (input closed at a prompt). The journal's one-word run status is the same
    except that ``declined`` and ``unanswered`` are recorded as ``stopped``.
    """

    status: str
    run_id: str | None
    message: str
    failed_step: str | None = None

    @property
    def exit_code(self) -> int:
        """0 done or declined, 1 failed or unanswerable, 130 interrupted."""
        return EXIT_CODES[self.status]


def _resume_target(journal: Journal, plan: Plan, options: RunOptions) -> RunRecord | None:
    if options.resume is None:
        return None
    if options.resume == "latest":
        record = journal.latest_unfinished(options.scope)
        if record is None:
            return None
    else:
        record = journal.resolve(options.resume)
    if record.plan_digest != plan.digest() and not options.allow_plan_change and \
            record.status != "completed":
        raise PlanMismatch(
            f"run {record.id} was started with plan {record.plan_digest}, this plan is "
            f"{plan.digest()}", hint="resume it with its own plan, or allow a changed plan")
    return record


async def _ask_or_stop(console: Console, stop: StopController, question: str) -> str:
    """The run prompt, cancelled by an interrupt: ``yes``, ``no``, ``eof`` or ``signal``."""
    ask = asyncio.create_task(console.ask(question, default=False))
    watch = asyncio.create_task(stop.wait_beyond(stop.level))
    done, _ = await asyncio.wait({ask, watch}, return_when=asyncio.FIRST_COMPLETED)
    for task in (ask, watch):
        task.cancel()
    await asyncio.gather(ask, watch, return_exceptions=True)
    if ask in done and not ask.cancelled() and ask.exception() is None:
        answer = ask.result()
        return "eof" if answer is None else ("yes" if answer else "no")
    return "signal" if watch in done else "eof"


async def run_plan(plan: Plan, registry: Registry[D], deps: D,
                   options: RunOptions | None = None, *, journal: Journal | None = None,
                   console: Console | None = None,
                   stop: StopController | None = None) -> RunOutcome:
    """Run (or resume) ``plan``; see the module docstring.

    ``journal``, ``console`` and ``stop`` default to the real ones (the XDG journal,
    stdout/stdin, SIGINT/SIGTERM); tests pass their own. Raises
    :class:`~octane.engine.graph.PlanInvalid`, :class:`~octane.engine.journal.PlanMismatch`,
    :class:`~octane.engine.journal.RunBusy` or :class:`~octane.errors.NotFound` before
    anything runs.
    """
    options = options or RunOptions()
    if options.max_parallel < 1:
        raise UsageError(f"--max-parallel must be at least 1, not {options.max_parallel}")
    graph = PlanGraph(plan.root)
    validate(graph, registry)
    sync = journal if journal is not None else await asyncio.to_thread(Journal)
    store = AsyncJournal(sync)
    try:
        record = await store.call(_resume_target, sync, plan, options)
        console = console or Console(sys.stdout, input_fd=_stdin_fd(), quiet=options.quiet,
                                     heartbeat=options.heartbeat)
        if record is not None and record.status == "completed":
            message = f"run {record.id} already completed; nothing to do"
            console.show(message[0].upper() + message[1:] + ".", important=True)
            return RunOutcome("completed", record.id, message)
        stop = stop or StopController()
        return await _run(plan, graph, registry, deps, options, store, console, stop, record)
    finally:
        await asyncio.to_thread(store.close)
        if journal is None:
            sync.close()


def _stdin_fd() -> int | None:
    try:
        return sys.stdin.fileno() if sys.stdin is not None else None
    except (OSError, ValueError):
        return None


async def _run(plan: Plan, graph: PlanGraph, registry: Registry[D], deps: D,
               options: RunOptions, store: AsyncJournal, console: Console,
               stop: StopController, record: RunRecord | None) -> RunOutcome:
    noun = options.noun
    run_id = record.id if record is not None else new_run_id()
    lock = RunLock(run_id, store.sync.path.parent).acquire()
    status = "running"
    created = record is not None

    def on_request(level: int, reason: str) -> None:
        if level == SAFE_STOP:
            console.show(f"Canceling {noun}... (Press ctrl+c again to stop immediately)",
                         important=True)

    stop.on_request = stop.on_request or on_request
    signals = stop.installed() if options.handle_signals else contextlib.nullcontext()
    try:
        with signals:
            records = await store.call(store.sync.steps, run_id) if record else {}
            done = frozenset(s for s, r in records.items() if r.state == "done")
            console.show(render_tree(plan.root, done), important=True)
            if not options.auto_approve:
                verb = "resume" if record else "start"
                answer = await _ask_or_stop(
                    console, stop, f"Would you like to {verb} the {noun}? Continue (y/N): ")
                if answer != "yes":
                    return _not_started(answer, run_id if record else None, console)
            if record is None:
                await store.call(store.sync.create_run, run_id, plan, scope=options.scope,
                                 resume_command=options.resume_command.format(run_id=run_id))
                created = True
            else:
                await store.call(store.sync.set_status, run_id, "running")
                console.show(f"Resuming run {run_id}: {len(done)} of {len(graph)} steps done")
            attempt = await store.call(store.sync.begin_attempt, run_id, options.log_path)
            LOG.info("run %s attempt %d: plan %s, scope %r", run_id, attempt, plan.digest(),
                     options.scope)
            console.show(f"Running cloud {noun}...")
            runner = Runner(run_id=run_id, graph=graph, registry=registry, deps=deps,
                            journal=store, console=console, stop=stop,
                            max_parallel=options.max_parallel,
                            auto_approve=options.auto_approve, records=records,
                            terminate_grace=options.terminate_grace)
            try:
                status = await runner.run()
            except BaseException:
                status = "failed"
                raise
            finally:
                await store.call(store.sync.set_status, run_id, status)
                await store.call(store.sync.end_attempt, run_id, attempt, status)
            return _finish(status, runner, options, console)
    finally:
        lock.release(remove=status == "completed" or not created)


def _not_started(answer: str, run_id: str | None, console: Console) -> RunOutcome:
    if answer == "signal":
        console.show("octane has been stopped safely", important=True)
        return RunOutcome("stopped", run_id, "stopped before starting")
    if answer == "eof":
        message = "no answer to the prompt (input closed); use --auto-approve in scripts"
        console.show(f"octane: {message}", important=True)
        return RunOutcome("unanswered", run_id, message)
    return RunOutcome("declined", run_id, "not started: declined by the operator")


def _finish(status: str, runner: Runner[D], options: RunOptions,
            console: Console) -> RunOutcome:
    run_id = runner.run_id
    resume = options.resume_command.format(run_id=run_id)
    hint = f"Resume with: {resume}"
    if status == "completed":
        console.show(f"{options.noun.capitalize()} completed.", important=True)
        return RunOutcome(status, run_id, f"{options.noun} completed")
    if status == "terminated":
        console.show("octane has been terminated without waiting", important=True)
        console.show(hint, important=True)
        return RunOutcome(status, run_id, "terminated without waiting")
    if status == "failed" and runner.failure is not None:
        sid, error = runner.failure
        message = f"step {sid!r} failed: {error}"
        console.show(f"octane: error: {message}", important=True)
        console.show(hint, important=True)
        return RunOutcome(status, run_id, message, failed_step=sid)
    if runner.unanswered:
        message = "no answer to the prompt (input closed); use --auto-approve in scripts"
        console.show(f"octane: {message}", important=True)
        console.show(hint, important=True)
        return RunOutcome("unanswered", run_id, message)
    if runner.declined is not None:
        description = runner.graph.step(runner.declined).description
        console.show(f"Stopped at the operator's request before: {description}",
                     important=True)
        console.show(hint, important=True)
        return RunOutcome("declined", run_id, "declined by the operator")
    console.show("octane has been stopped safely", important=True)
    console.show(hint, important=True)
    return RunOutcome("stopped", run_id, "stopped safely")
