"""The quorum planner: which ``mon add``/``mon remove`` steps, in which order.

Pure and deterministic: from a monmap (who is a member, at which address, who runs) and a
target set of monitors, it returns the steps, or refuses with a reason before anything
changes. Every monmap the cluster passes through — including the moment after ``ceph mon
add`` when the new member is in the monmap but not yet in quorum — keeps the invariant of
:meth:`MonMap.problem`: a majority of the members run, and at least two of them.

Why the order it picks is safe whenever any order is. Write *s* for the members that are
stopped and *r* for those that run. Removing a stopped member only helps. Adding a member
needs ``r - s >= 2`` (during the join it counts as stopped) and raises ``r - s`` by one once
it runs; removing a running member stops it first (the executor stops a monitor's daemon
before ``ceph mon remove``), so it needs ``r - s >= 3`` and ``r >= 3``. Adds only help, so
any valid order stays valid when an add moves earlier or a remove later; the canonical order
(:func:`_canonical`) therefore does the stopped removes first, then each add as soon as the
removes it waits for are done (a replacement reusing a name or an address waits for the old
member's removal), then the removes. The operational order prefers "add one, remove one" (the
monmap never grows past the target size plus one, and a new monitor is in quorum before an old
one leaves) but takes a step only if the canonical order can still finish from there; so it
never refuses a reachable target. The plan has exactly one step per member to remove and
one per monitor to add: no plan can be shorter.

Re-planning from any intermediate monmap of a plan gives the rest of that plan, which is what
lets the executor continue from the live monmap after an interruption.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from octane.ceph.monmap import Monitor, MonMap
from octane.errors import GateFailed


class PlanRefused(GateFailed):
    """The target cannot be reached without breaking the quorum invariant; nothing changed."""


@dataclass(frozen=True)
class AddMonitor:
    """Deploy monitor ``name`` on ``addr``, ``ceph mon add`` it, wait for the full quorum."""

    name: str
    addr: str
    quorum_after: tuple[str, ...]       # the running members once the step is done
    action: ClassVar[str] = "ceph.add_mon"

    @property
    def description(self) -> str:
        """COU-style: verb first, names quoted, no trailing period."""
        return (f"Add monitor '{self.name}' at {self.addr} and wait for a quorum of "
                f"{len(self.quorum_after)}: '{','.join(self.quorum_after)}'")

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (a plan is data)."""
        return {"action": self.action, "description": self.description,
                "params": {"name": self.name, "addr": self.addr}}


@dataclass(frozen=True)
class RemoveMonitor:
    """Stop monitor ``name``'s daemon, wait for the others' quorum, ``ceph mon remove`` it,
    then wait for the remaining members' quorum."""

    name: str
    quorum_after: tuple[str, ...]
    action: ClassVar[str] = "ceph.remove_mon"

    @property
    def description(self) -> str:
        """COU-style: verb first, names quoted, no trailing period."""
        return (f"Remove monitor '{self.name}' and wait for a quorum of "
                f"{len(self.quorum_after)}: '{','.join(self.quorum_after)}'")

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (a plan is data)."""
        return {"action": self.action, "description": self.description,
                "params": {"name": self.name}}


MonStep = AddMonitor | RemoveMonitor


def transitions(state: MonMap, step: MonStep) -> tuple[MonMap, ...]:
    """Every monmap the cluster passes through during ``step``, in order."""
    if isinstance(step, AddMonitor):
        # the monmap changes (mon add, or the daemon's own join request) before the new
        # monitor is in quorum: while the election runs it counts as not running
        joined = state.added(Monitor(step.name, step.addr, running=False))
        return joined, joined.started(step.name)
    if state[step.name].running:
        # its daemon is stopped before `ceph mon remove` (MonitorHandover._remove): for a
        # moment it is a member that does not run
        stopped = state.stopped(step.name)
        return stopped, stopped.removed(step.name)
    return (state.removed(step.name),)


@dataclass(frozen=True)
class HandoverPlan:
    """The steps from ``start`` to ``target``; see :meth:`states` for what is checked."""

    start: MonMap
    target: MonMap
    steps: tuple[MonStep, ...]

    def states(self) -> Iterator[MonMap]:
        """The start and every intermediate and final monmap, transients included."""
        state = self.start
        yield state
        for step in self.steps:
            for state in transitions(state, step):  # noqa: B020 - we want the last one
                yield state

    @property
    def final(self) -> MonMap:
        """The monmap after the last step."""
        *_, last = self.states()
        return last

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form for ``-f json`` and the journal."""
        return {"start": self.start.describe(), "target": self.target.describe(),
                "steps": [s.to_dict() for s in self.steps]}


Op = tuple[str, Monitor]       # ("add", monitor) or ("remove", member)


@dataclass
class _Work:
    """What is left to do: adds in target order, removes (stopped first), who waits on whom."""

    adds: list[Monitor]
    removes: list[Monitor]
    waits_for: dict[str, set[str]]      # add name -> names of removes that must come first

    def copy(self) -> _Work:
        return _Work(list(self.adds), list(self.removes),
                     {k: set(v) for k, v in self.waits_for.items()})

    def unblocked(self) -> list[Monitor]:
        pending = {m.name for m in self.removes}
        return [m for m in self.adds if not (self.waits_for[m.name] & pending)]

    def blocking_removes(self) -> list[Monitor]:
        """Removes that some add waits for, those closest to freeing an add first."""
        pending = {m.name: m for m in self.removes}
        ranked: dict[str, int] = {}
        for add in self.adds:
            left = self.waits_for[add.name] & set(pending)
            for name in left:
                ranked[name] = min(ranked.get(name, len(left)), len(left))
        return [pending[n] for n in sorted(ranked, key=lambda n: (ranked[n], n))]

    def done(self, op: Op) -> None:
        kind, mon = op
        (self.adds if kind == "add" else self.removes).remove(mon)


def _make_step(state: MonMap, op: Op) -> MonStep:
    kind, mon = op
    if kind == "add":
        return AddMonitor(mon.name, mon.addr, tuple(sorted((*state.running, mon.name))))
    return RemoveMonitor(mon.name, tuple(n for n in state.running if n != mon.name))


def _try(state: MonMap, op: Op) -> tuple[MonStep, MonMap, str | None]:
    """The step for ``op``, the monmap after it, and why it is unsafe (None if safe)."""
    step = _make_step(state, op)
    states = transitions(state, step)
    problem = next((p for p in (s.problem() for s in states) if p), None)
    return step, states[-1], problem


def _canonical_ops(state: MonMap, work: _Work) -> list[Op]:
    stopped = [("remove", m) for m in work.removes if not m.running]
    adds = [("add", m) for m in work.unblocked()]
    removes = work.blocking_removes() if work.adds else work.removes
    return [*stopped, *adds, *(("remove", m) for m in removes)]


def _canonical(state: MonMap, work: _Work) -> str | None:
    """Run the canonical order to the end; None when it gets there, else why it is stuck."""
    work = work.copy()
    while work.adds or work.removes:
        ops = _canonical_ops(state, work)
        for op in ops:
            _, after, problem = _try(state, op)
            if problem is None:
                state = after
                work.done(op)
                break
        else:
            if not ops:
                return f"from {state.describe()} every remaining step waits for another"
            kind, mon = ops[0]
            _, _, problem = _try(state, ops[0])
            return f"from {state.describe()}, {kind} mon.{mon.name}: {problem}"
    return None


def _preferred_ops(state: MonMap, work: _Work, bound: int) -> list[Op]:
    stopped = [("remove", m) for m in work.removes if not m.running]
    adds = [("add", m) for m in work.unblocked()]
    removes = [("remove", m) for m in work.removes if m.running]
    grow = adds if len(state) <= bound else []
    return [*stopped, *grow, *removes, *adds]


def _normalise_target(target: Mapping[str, str] | Iterable[Monitor]) -> dict[str, str]:
    if isinstance(target, Mapping):
        return dict(target)
    return {m.name: m.addr for m in target}


def plan_handover(current: MonMap, target: Mapping[str, str] | Iterable[Monitor]
                  ) -> HandoverPlan:
    """The steps from ``current`` to the monmap ``target`` (``{name: addr}``, add order).

    A current member is kept when the target names it with the same address; one that comes
    back under a new address is removed, then added (a host reprovisioned under the same
    name *and* address is the OS-upgrade flow's business: :mod:`octane.ceph.rolling`).
    Raises :class:`PlanRefused` — with the reason, before anything changes — when the
    current quorum is already degraded, when the target has fewer than two monitors, or when
    no order of the steps keeps the invariant.
    """
    wanted = _normalise_target(target)
    if len(wanted) < 2:
        raise PlanRefused(f"a target of {len(wanted)} monitor(s) would leave one monitor or "
                          "none; at least two must run at all times",
                          hint="add monitors to the target")
    addrs = list(wanted.values())
    shared = sorted({a for a in addrs if addrs.count(a) > 1})
    if shared:
        raise PlanRefused(f"target monitors share an address: {', '.join(shared)}")
    degraded = current.problem()
    if degraded:
        raise PlanRefused(f"quorum is already degraded ({current.describe()}): {degraded}",
                          hint="bring the stopped monitors back first")
    keep = {m.name for m in current if wanted.get(m.name) == m.addr}
    final = MonMap(tuple(current[n] if n in keep else Monitor(n, a) for n, a in wanted.items()))
    unsafe = final.problem()
    if unsafe:
        raise PlanRefused(f"the target monmap {final.describe()} is not safe: {unsafe}")
    removes = sorted((m for m in current if m.name not in keep),
                     key=lambda m: (m.running, m.name))
    adds = [Monitor(n, a) for n, a in wanted.items() if n not in keep]
    waits_for = {m.name: {r.name for r in removes if r.name == m.name or r.addr == m.addr}
                 for m in adds}
    work = _Work(adds, removes, waits_for)
    stuck = _canonical(current, work)
    if stuck:
        raise PlanRefused(f"no order of monitor additions and removals keeps quorum: {stuck}")
    return HandoverPlan(current, final, tuple(_schedule(current, work, len(wanted))))


def _schedule(state: MonMap, work: _Work, bound: int) -> Sequence[MonStep]:
    """The operational order: each step is preferred, safe, and leaves a finishable rest."""
    steps: list[MonStep] = []
    while work.adds or work.removes:
        for op in _preferred_ops(state, work, bound):
            step, after, problem = _try(state, op)
            if problem is not None:
                continue
            rest = work.copy()
            rest.done(op)
            if _canonical(after, rest) is None:
                steps.append(step)
                state, work = after, rest
                break
        else:  # pragma: no cover - the canonical order itself is always among the options
            raise AssertionError(f"planner stuck at {state.describe()}")
    return steps
