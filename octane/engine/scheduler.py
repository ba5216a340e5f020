"""Which steps may start now: the scheduling rules as a pure, synchronous state machine.

The runner (:mod:`octane.engine.runner`) and the makespan simulator
(:mod:`octane.engine.makespan`) both drive this one class, so the simulated schedule is the
schedule octane really follows, not a model of it. It knows nothing of time, asyncio,
prompts or the journal; it is told "started", "its action finished" and answers "now
startable" and "now done".

Rules (see :mod:`octane.engine.graph` for the ordering edges):

* a step is startable once its parent has acted and every step in its ``after`` list is done;
* at most ``max_parallel`` actions run at once; steps without an action (groups) take no slot;
* a step holds its ``locks`` from its start until its whole subtree is done, so a lock on an
  application group covers the pause, upgrade and resume below it. A descendant may take a
  lock an ancestor holds (it runs inside the ancestor's exclusive section); two steps that
  are not in one line of descent never hold the same lock together;
* among startable steps, plan order wins, so two runs of one plan start steps in the same order.

Resume: steps the journal records as done are done from the outset (when their whole
subtree is recorded done too); steps whose action is recorded as finished start again without
re-running the action, so their locks are held again while their remaining children run.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection
from enum import Enum

from octane.engine.graph import PlanGraph


class State(Enum):
    """Where a step stands in this run."""

    PENDING = "pending"
    RUNNING = "running"   # its own action runs
    ACTED = "acted"       # its action finished, children still to finish
    DONE = "done"


class Scheduler:
    """The scheduling rules of the module docstring, applied incrementally."""

    def __init__(self, graph: PlanGraph, max_parallel: int, *,
                 done: Collection[str] = (), acted: Collection[str] = ()) -> None:
        if max_parallel < 1:
            raise ValueError("max_parallel must be at least 1")
        self.graph = graph
        self.max_parallel = max_parallel
        self.state: dict[str, State] = {sid: State.PENDING for sid in graph.nodes}
        self.slots_used = 0
        self._acted_before = set(acted) | set(done)
        self._holders: dict[str, list[str]] = {}
        self._dependents: dict[str, list[str]] = {sid: [] for sid in graph.nodes}
        self._unmet: dict[str, int] = {}
        self._open_children: dict[str, int] = {}
        self._ready: list[tuple[int, str]] = []  # sorted by plan index
        self._needs_slot: set[str] = set()
        for node in graph:
            for dep in node.after:
                self._dependents[dep].append(node.id)
        self._mark_done_before(set(done))
        for node in graph:
            if self.state[node.id] is State.DONE:
                continue
            unmet = sum(1 for dep in node.after if self.state[dep] is not State.DONE)
            if node.parent is not None:
                unmet += 1  # the parent has not acted in this run yet
            self._unmet[node.id] = unmet
            self._open_children[node.id] = sum(
                1 for c in node.children if self.state[c] is not State.DONE)
            if unmet == 0:
                self._add_ready(node.id)

    def _mark_done_before(self, done: set[str]) -> None:
        """Trust a recorded 'done' only when the step's whole subtree is recorded done."""
        for node in reversed(list(self.graph)):  # children before parents
            if node.id in done and all(self.state[c] is State.DONE for c in node.children):
                self.state[node.id] = State.DONE

    def _add_ready(self, sid: str) -> None:
        bisect.insort(self._ready, (self.graph[sid].index, sid))

    # --- questions -------------------------------------------------------------------------

    def needs_action(self, sid: str) -> bool:
        """True if starting ``sid`` runs an action (it has one and it has not acted before)."""
        return self.graph.step(sid).action is not None and sid not in self._acted_before

    def _lock_free(self, sid: str) -> bool:
        ancestors = self.graph[sid].ancestors
        return all(h in ancestors for lock in self.graph.step(sid).locks
                   for h in self._holders.get(lock, ()))

    def startable(self) -> list[str]:
        """Steps that may start now, in plan order; starting one may change the answer."""
        free = self.slots_used < self.max_parallel
        return [sid for _, sid in self._ready
                if (free or not self.needs_action(sid)) and self._lock_free(sid)]

    def waiting(self) -> list[str]:
        """Steps whose ordering constraints are met but that wait for a lock or a slot."""
        return [sid for _, sid in self._ready]

    @property
    def complete(self) -> bool:
        """True once the root's subtree is done."""
        return self.state[self.graph.root.id] is State.DONE

    def running(self) -> list[str]:
        """Steps whose own action is running, in plan order."""
        return sorted((s for s, st in self.state.items() if st is State.RUNNING),
                      key=lambda s: self.graph[s].index)

    def blocked_by(self, sid: str) -> list[str]:
        """Why a ready step cannot start: the steps holding its locks (for error messages)."""
        ancestors = self.graph[sid].ancestors
        return [h for lock in self.graph.step(sid).locks
                for h in self._holders.get(lock, ()) if h not in ancestors]

    # --- transitions -----------------------------------------------------------------------

    def start(self, sid: str) -> bool:
        """Mark ``sid`` started; returns True if its action must now run (else call
        :meth:`acted` right away)."""
        if self.state[sid] is not State.PENDING or (self.graph[sid].index, sid) not in \
                self._ready or not self._lock_free(sid):
            raise RuntimeError(f"step {sid!r} is not startable")
        self._ready.remove((self.graph[sid].index, sid))
        for lock in self.graph.step(sid).locks:
            self._holders.setdefault(lock, []).append(sid)
        self.state[sid] = State.RUNNING
        if self.needs_action(sid):
            self.slots_used += 1
            self._needs_slot.add(sid)
            return True
        return False

    def acted(self, sid: str) -> list[str]:
        """``sid``'s action finished (or it had none). Returns the steps that became done,
        innermost first (``sid`` itself first if it has no open children)."""
        if self.state[sid] is not State.RUNNING:
            raise RuntimeError(f"step {sid!r} is not running")
        if sid in self._needs_slot:
            self._needs_slot.discard(sid)
            self.slots_used -= 1
        self.state[sid] = State.ACTED
        for child in self.graph[sid].children:
            if self.state[child] is State.PENDING:
                self._satisfy(child)
        finished: list[str] = []
        current: str | None = sid
        while current is not None and self.state[current] is State.ACTED \
                and self._open_children[current] == 0:
            self._finish(current)
            finished.append(current)
            current = self.graph[current].parent
            if current is not None:
                self._open_children[current] -= 1
        return finished

    def _finish(self, sid: str) -> None:
        self.state[sid] = State.DONE
        for lock in self.graph.step(sid).locks:
            self._holders[lock].remove(sid)
        for dep in self._dependents[sid]:
            if self.state[dep] is State.PENDING:
                self._satisfy(dep)

    def _satisfy(self, sid: str) -> None:
        self._unmet[sid] -= 1
        if self._unmet[sid] == 0:
            self._add_ready(sid)
