"""The run loop: start what may start, journal every transition, react to prompts and stops.

:class:`Runner` executes one attempt at one run (see :mod:`octane.engine.api` for how a run is
created or resumed). Its invariants are what make interruptions safe:

* a step's ``running`` record is committed before its action starts, and its ``acted`` /
  ``done`` record before anything that depends on it is started;
* nothing is started once a stop was asked for, a step failed or the operator declined;
  running actions are then awaited, never abandoned (except after a second interrupt, when
  they are cancelled and recorded ``cancelled``);
* a step started by an earlier attempt and not recorded finished is verified first (the
  action's ``verify``) and re-run only if its effect is not in place;
* ties between startable steps are broken by plan order, and completions that arrive together
  are handled in plan order, so a plan runs the same way every time.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Generic, ParamSpec, TypeVar

from octane.engine.console import Console, render_tree
from octane.engine.context import Progress, StepContext, StoppedSafely
from octane.engine.graph import PlanGraph
from octane.engine.journal import UNFINISHED, Journal, StepRecord
from octane.engine.registry import Registry
from octane.engine.scheduler import Scheduler, State
from octane.engine.signals import StopController
from octane.errors import OctaneError
from octane.plan.step import JSON

LOG = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")
D = TypeVar("D")


class AsyncJournal:
    """The journal behind one worker thread, so commits (with fsync) never block the loop.

    One thread serialises every write in the order the loop issued them.
    """

    def __init__(self, journal: Journal) -> None:
        self.sync = journal
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="octane-journal")

    async def call(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn(*args, **kwargs)`` (a :class:`Journal` method) in the journal thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(fn, *args, **kwargs))

    def close(self) -> None:
        """Finish pending writes and stop the thread."""
        self._pool.shutdown(wait=True)


def describe_error(exc: BaseException) -> str:
    """One line for the operator and the journal: an OctaneError's message, else the type."""
    if isinstance(exc, OctaneError):
        return exc.one_line()
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class Runner(Generic[D]):
    """One attempt at one run; construct, then ``await run()`` for the final status."""

    def __init__(self, *, run_id: str, graph: PlanGraph, registry: Registry[D], deps: D,
                 journal: AsyncJournal, console: Console, stop: StopController,
                 max_parallel: int, auto_approve: bool,
                 records: dict[str, StepRecord], terminate_grace: float) -> None:
        self.run_id = run_id
        self.graph = graph
        self.registry = registry
        self.deps = deps
        self.journal = journal
        self.console = console
        self.stop = stop
        self.auto_approve = auto_approve
        self.terminate_grace = terminate_grace
        self.records = records
        done = {s for s, r in records.items() if r.state == "done"}
        acted = {s for s, r in records.items() if r.state in ("acted", "done")}
        self.sched = Scheduler(graph, max_parallel, done=done, acted=acted)
        self.approved: set[str] = {graph.root.id}  # the run prompt approved the root
        self.tasks: dict[asyncio.Task[JSON], str] = {}
        self.prompt: asyncio.Task[bool | None] | None = None
        self.prompt_sid: str | None = None
        self.halted = False            # a step failed, or the operator declined
        self.failure: tuple[str, str] | None = None
        self.declined: str | None = None
        self.unanswered = False

    def done_ids(self) -> frozenset[str]:
        """Steps done so far (for ✓ marks in prompts)."""
        return frozenset(s for s, st in self.sched.state.items() if st is State.DONE)

    # --- the loop --------------------------------------------------------------------------

    async def run(self) -> str:
        """Run until the plan is complete or stopped; returns the run's one-word status."""
        ticker = asyncio.create_task(self.console.ticking())
        watcher: asyncio.Task[Any] | None = None
        try:
            while True:
                if not self._halting:
                    await self._start_startable()
                if self.stop.terminating:
                    await self._terminate()
                    return "terminated"
                if self._halting and self.prompt is not None:
                    await self._cancel_prompt()
                if self.sched.complete:
                    return "completed"
                if not self.tasks and self.prompt is None:
                    if not self._halting:
                        await self._stalled()
                    return "failed" if self.failure else "stopped"
                if watcher is None:
                    watcher = asyncio.create_task(self.stop.wait_beyond(self.stop.level))
                pending: set[asyncio.Future[Any]] = {watcher, *self.tasks}
                if self.prompt is not None:
                    pending.add(self.prompt)
                finished, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                if watcher in finished:
                    watcher = None
                if self.prompt is not None and self.prompt in finished:
                    self._answered(self.prompt)
                for task in sorted((t for t in finished if t in self.tasks),
                                   key=lambda t: self.graph[self.tasks[t]].index):
                    await self._completed(task)
        finally:
            for aux in (ticker, watcher):
                if aux is not None:
                    aux.cancel()
            await asyncio.gather(ticker, *(w for w in (watcher,) if w), return_exceptions=True)
            if self.prompt is not None:
                await self._cancel_prompt()
            self.console.close()

    @property
    def _halting(self) -> bool:
        return self.halted or self.stop.stopping

    async def _start_startable(self) -> None:
        while not self._halting:
            startable = self.sched.startable()
            ask = [s for s in startable if self._needs_prompt(s)]
            if ask and self.prompt is None:
                self._open_prompt(ask[0])
            ready = [s for s in startable if not self._needs_prompt(s)]
            if not ready:
                return
            await self._start(ready[0])

    def _needs_prompt(self, sid: str) -> bool:
        return (self.graph.step(sid).prompt and not self.auto_approve
                and sid not in self.approved)

    # --- prompts ---------------------------------------------------------------------------

    def _open_prompt(self, sid: str) -> None:
        step = self.graph.step(sid)
        tree = render_tree(step, self.done_ids())
        self.prompt_sid = sid
        self.prompt = asyncio.create_task(
            self.console.ask("Continue (y/n): ", preamble=f"\n{tree}\n"))

    def _answered(self, prompt: asyncio.Task[bool | None]) -> None:
        sid, self.prompt, self.prompt_sid = self.prompt_sid, None, None
        assert sid is not None
        try:
            answer = prompt.result()
        except Exception as exc:  # unreadable input: nobody can answer
            LOG.error("prompt for %s failed: %s", sid, describe_error(exc))
            answer = None
        if answer:
            self.approved.add(sid)
            LOG.info("operator approved %s", sid)
            return
        self.halted = True
        if answer is None:
            self.unanswered = True
            LOG.warning("no answer for %s: input closed", sid)
        else:
            self.declined = sid
            LOG.warning("operator declined %s", sid)

    async def _cancel_prompt(self) -> None:
        prompt, self.prompt, self.prompt_sid = self.prompt, None, None
        if prompt is not None:
            prompt.cancel()
            await asyncio.gather(prompt, return_exceptions=True)

    # --- steps -----------------------------------------------------------------------------

    async def _start(self, sid: str) -> None:
        step = self.graph.step(sid)
        record = self.records.get(sid)
        if not self.sched.start(sid):
            # a group, or an action finished by an earlier attempt: nothing to run
            await self._acted(sid, None,
                              record=record is None or record.state not in ("acted", "done"))
            return
        await self.journal.call(self.journal.sync.step_started, self.run_id, sid)
        LOG.info("start %s: %s", sid, step.description)
        self.console.begin(sid, step.description)
        recheck = record is not None and record.state in UNFINISHED
        self.tasks[asyncio.create_task(self._execute(sid, recheck))] = sid

    async def _execute(self, sid: str, recheck: bool) -> JSON:
        step = self.graph.step(sid)
        assert step.action is not None
        action = self.registry[step.action]
        ctx: StepContext[D] = StepContext(
            run_id=self.run_id, step=step, deps=self.deps, resumed=recheck,
            _stop=self.stop, _report=self._report, _say=self._say, _ask=self._ask)
        if recheck and action.verify is not None:
            if await action.verify(ctx, step):
                LOG.info("verified %s: already in place, not run again", sid)
                return {"verified": True}
            LOG.info("verified %s: not in place, running it again", sid)
        return await action.run(ctx, step)

    def _report(self, sid: str, progress: Progress) -> None:
        self.console.report(sid, progress)

    async def _ask(self, question: str, secret: bool) -> str | None:
        return await self.console.ask_text(question, secret=secret)

    def _say(self, sid: str, text: str, important: bool) -> None:
        self.console.show(text, important=important)

    async def _completed(self, task: asyncio.Task[JSON]) -> None:
        sid = self.tasks.pop(task)
        self.console.end(sid)
        step = self.graph.step(sid)
        try:
            result = task.result()
        except StoppedSafely as exc:
            LOG.info("%s stopped at a safe point", sid)
            await self._unfinished(sid, "stopped", str(exc) or "stopped at a safe point")
            self.halted = True
        except asyncio.CancelledError:
            await self._unfinished(sid, "cancelled", "cancelled by a second interrupt")
        except Exception as exc:
            message = describe_error(exc)
            # The operator reads the one-line failure (console and final error); the
            # traceback is for the log file only, never the terminal.
            LOG.info("step %s failed: %s", sid, message)
            LOG.debug("step %s traceback", sid, exc_info=exc)
            await self._unfinished(sid, "failed", message)
            self.console.show(f"{step.description} ✗", important=True)
            self.failure = self.failure or (sid, message)
            self.halted = True
        else:
            LOG.info("finished %s", sid)
            await self._acted(sid, result, record=True)

    async def _unfinished(self, sid: str, state: str, error: str) -> None:
        """Record a step that ended without finishing (it stays running for the scheduler)."""
        await self.journal.call(self.journal.sync.step_ended_unfinished, self.run_id, sid,
                                state, error)

    async def _acted(self, sid: str, result: JSON, *, record: bool) -> None:
        """Record the step's action as finished, then every step that became done.

        ``record`` is False when the journal already says the action finished (resume).
        """
        finished = self.sched.acted(sid)
        if sid in finished:
            await self.journal.call(self.journal.sync.step_done, self.run_id, sid, result)
        elif record:
            await self.journal.call(self.journal.sync.step_acted, self.run_id, sid, result)
        for other in finished:
            if other != sid:
                await self.journal.call(self.journal.sync.step_done, self.run_id, other)
        for other in finished:
            step = self.graph.step(other)
            if other != self.graph.root.id and (step.action is not None or step.prompt):
                self.console.show(f"{step.description} ✓")

    async def _terminate(self) -> None:
        """Second interrupt: cancel running actions, wait a bounded time, record them."""
        if self.prompt is not None:
            await self._cancel_prompt()
        for task in self.tasks:
            task.cancel()
        if self.tasks:
            await asyncio.wait(set(self.tasks), timeout=self.terminate_grace)
        for task in sorted(self.tasks, key=lambda t: self.graph[self.tasks[t]].index):
            if task.done():
                await self._completed(task)
            else:  # ignored the cancellation: record it, the process is about to exit
                sid = self.tasks.pop(task)
                LOG.error("step %s did not stop within %ss", sid, self.terminate_grace)
                await self._unfinished(sid, "cancelled", "did not stop when cancelled")

    async def _stalled(self) -> None:
        """Nothing runs, nothing can start, the plan is not complete: report why."""
        waiting = self.sched.waiting()
        if waiting:
            holders = ", ".join(repr(h) for h in self.sched.blocked_by(waiting[0]))
            message = (f"plan cannot progress: step {waiting[0]!r} waits for a lock held by "
                       f"{holders or 'nobody'}")
        else:
            message = "plan cannot progress: no step can start"
        LOG.error("%s", message)
        self.failure = (waiting[0] if waiting else self.graph.root.id, message)
        self.halted = True
