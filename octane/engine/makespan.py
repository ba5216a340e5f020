"""How long a plan takes under octane's scheduler, without running it.

Given how long each step's action lasts, :func:`simulate` replays the real
:class:`~octane.engine.scheduler.Scheduler` on a simulated clock (a discrete-event loop: start
everything startable, jump to the next action end, repeat) and reports three numbers the
scheduling goal of the upgrade is judged by:

* ``makespan`` — the simulated wall time of the schedule octane would follow;
* ``sequential`` — the sum of all action durations, i.e. the same steps one after another
  (COU's order);
* ``critical_path`` — the longest chain of ordering constraints (locks and the parallelism
  bound ignored): no schedule can beat it, so ``makespan / critical_path`` says how much the
  bound and the locks cost.

Pure: no I/O, no asyncio, no wall clock; ``benchmarks/makespan.py`` feeds it the durations the
twin measures for its large scenario.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from octane.engine.graph import Event, PlanGraph, PlanInvalid, validate
from octane.engine.scheduler import Scheduler
from octane.plan.step import Step

#: Durations are given per step id, or as a function of the step (e.g. by action name).
Durations = Mapping[str, float] | Callable[[Step], float]


@dataclass(frozen=True)
class Simulation:
    """The outcome of :func:`simulate`; times are in the unit of the durations given."""

    makespan: float
    sequential: float
    critical_path: float
    #: Step ids along one longest chain, first to last (actions with non-zero time and the
    #: groups they pass through are all listed).
    critical_steps: tuple[str, ...]
    #: When each step's own action started and ended in the simulated schedule.
    starts: Mapping[str, float]
    ends: Mapping[str, float]
    max_parallel: int

    @property
    def speedup(self) -> float:
        """How many times shorter than one-after-another (1.0 for an empty plan)."""
        return self.sequential / self.makespan if self.makespan else 1.0

    @property
    def overhead(self) -> float:
        """How far above the critical path the schedule ends (0.1 means 10 % longer)."""
        return self.makespan / self.critical_path - 1 if self.critical_path else 0.0


def _duration_of(durations: Durations, graph: PlanGraph) -> dict[str, float]:
    out: dict[str, float] = {}
    for node in graph:
        step = node.step
        if step.action is None:
            out[node.id] = 0.0
            continue
        if callable(durations):
            value = float(durations(step))
        elif node.id in durations:
            value = float(durations[node.id])
        else:
            raise ValueError(f"no duration for step {node.id!r}")
        if value < 0:
            raise ValueError(f"negative duration for step {node.id!r}")
        out[node.id] = value
    return out


def simulate(root: Step, durations: Durations, max_parallel: int) -> Simulation:
    """Simulate octane's schedule of ``root`` with ``max_parallel`` concurrent actions.

    Raises :class:`~octane.engine.graph.PlanInvalid` for a plan the engine would refuse, or
    one whose locks leave it stuck (which the real run would report as a stall).
    """
    graph = PlanGraph(root)
    validate(graph)
    length = _duration_of(durations, graph)
    sched = Scheduler(graph, max_parallel)
    now = 0.0
    starts: dict[str, float] = {}
    ends: dict[str, float] = {}
    running: list[tuple[float, int, str]] = []
    while not sched.complete:
        while ready := sched.startable():  # starting one step can change what may start
            sid = ready[0]
            starts[sid] = now
            if sched.start(sid):
                heapq.heappush(running, (now + length[sid], graph[sid].index, sid))
            else:
                ends[sid] = now
                sched.acted(sid)
        if sched.complete:
            break
        if not running:
            waiting = sched.waiting()
            raise PlanInvalid([f"plan cannot progress: step {waiting[0]!r} waits for a lock "
                               f"held by {', '.join(map(repr, sched.blocked_by(waiting[0])))}"
                               if waiting else "plan cannot progress"])
        now, _, sid = heapq.heappop(running)
        ends[sid] = now
        sched.acted(sid)
        # finish every action ending at the same instant before starting anything new
        while running and running[0][0] == now:
            _, _, other = heapq.heappop(running)
            ends[other] = now
            sched.acted(other)
    total, chain = critical_path(graph, length)
    return Simulation(makespan=now, sequential=sum(length.values()), critical_path=total,
                      critical_steps=chain, starts=starts, ends=ends,
                      max_parallel=max_parallel)


def critical_path(graph: PlanGraph, length: Mapping[str, float]) -> tuple[float, tuple[str, ...]]:
    """The longest chain of ordering constraints and its length (locks and slots ignored).

    Longest path over the event graph in topological order: ``acted(s)`` happens
    ``length[s]`` after the latest of its predecessors, ``done(s)`` at the latest of its own.
    """
    at: dict[Event, float] = {}
    via: dict[Event, Event | None] = {}
    for event in graph.event_order():
        preds = graph.event_preds(event)
        best = max(preds, key=lambda p: (at[p], -graph[p[1]].index), default=None)
        base = at[best] if best is not None else 0.0
        at[event] = base + (length[event[1]] if event[0] == "acted" else 0.0)
        via[event] = best
    end: Event = ("done", graph.root.id)
    chain: list[str] = []
    cursor: Event | None = end
    while cursor is not None:
        if cursor[0] == "acted" and (not chain or chain[-1] != cursor[1]):
            chain.append(cursor[1])
        cursor = via[cursor]
    return at[end], tuple(reversed(chain))
