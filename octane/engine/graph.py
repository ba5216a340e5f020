"""The dependency graph a plan's step tree stands for, and its validation.

The planner writes a tree (:mod:`octane.plan.step`); the engine needs to know, for every
step, what must have happened before it may start. Three rules give that, all taken from the
tree without guessing:

* a step starts after its parent's own action has finished (a parent acts, then its
  children run);
* a child of a sequential parent starts after its previous sibling's whole subtree is done;
* a step starts after every step it ``requires`` is done (subtree included).

A step is *done* when its own action and every child are done. ``locks`` are not edges:
they are mutual exclusion the scheduler enforces while steps run.

Expressed as events, every step has ``acted`` (its action finished) and ``done``; the
:meth:`PlanGraph.event_order` topological sort of those 2·n events proves the plan has no
cycle and is what the makespan simulator walks for the critical path. Validation collects
every problem (unknown action, dangling ``requires``, duplicate id, cycle) as one line each,
so a broken plan is refused before the first step, with all its faults listed at once.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass

from octane.errors import OctaneError
from octane.plan.step import Step


class PlanInvalid(OctaneError):
    """The plan cannot be run as written; nothing was started."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        head = "; ".join(problems[:3])
        more = f" (and {len(problems) - 3} more, see the log)" if len(problems) > 3 else ""
        super().__init__(f"invalid plan: {head}{more}")


@dataclass(frozen=True)
class Node:
    """What the scheduler needs to know about one step, computed once from the tree."""

    step: Step
    #: Position in plan order (depth first); the scheduler's tie-breaker, so runs repeat.
    index: int
    parent: str | None
    ancestors: frozenset[str]
    children: tuple[str, ...]
    #: Steps whose whole subtree must be done before this one starts (previous sibling of a
    #: sequential parent, then ``requires``).
    after: tuple[str, ...]

    @property
    def id(self) -> str:
        """The step id (shortcut)."""
        return self.step.id


#: An event of the step graph: ``("acted", id)`` or ``("done", id)``.
Event = tuple[str, str]


class PlanGraph:
    """The nodes of a plan, indexed by step id, in plan order.

    Building never raises: structural problems are collected in :attr:`problems` so that
    :func:`validate` can report them together with the registry's.
    """

    def __init__(self, root: Step) -> None:
        self.root = root
        self.nodes: dict[str, Node] = {}
        self.problems: list[str] = []
        self._build(root)
        self._check_requires()

    def _build(self, root: Step) -> None:
        index = 0

        def visit(step: Step, parent: Step | None, ancestors: frozenset[str],
                  previous: Step | None) -> None:
            nonlocal index
            if step.id in self.nodes or step.id in ancestors:
                self.problems.append(f"step id {step.id!r} is used twice")
                return
            after = []
            if parent is not None and not parent.parallel and previous is not None:
                after.append(previous.id)
            after.extend(r for r in step.requires if r not in after)
            self.nodes[step.id] = Node(
                step=step, index=index, parent=parent.id if parent else None,
                ancestors=ancestors, children=tuple(c.id for c in step.children),
                after=tuple(after))
            index += 1
            inner = ancestors | {step.id}
            prev: Step | None = None
            for child in step.children:
                visit(child, step, inner, prev)
                prev = child

        visit(root, None, frozenset(), None)

    def _check_requires(self) -> None:
        for node in self.nodes.values():
            for req in node.step.requires:
                if req == node.id:
                    self.problems.append(f"step {node.id!r} requires itself")
                elif req not in self.nodes:
                    self.problems.append(f"step {node.id!r} requires unknown step {req!r}")

    def __getitem__(self, step_id: str) -> Node:
        return self.nodes[step_id]

    def __iter__(self) -> Iterator[Node]:
        return iter(self.nodes.values())

    def __len__(self) -> int:
        return len(self.nodes)

    def step(self, step_id: str) -> Step:
        """The step with this id."""
        return self.nodes[step_id].step

    def event_preds(self, event: Event) -> list[Event]:
        """The events that must have happened before ``event`` (the graph's edges)."""
        kind, sid = event
        node = self.nodes[sid]
        if kind == "acted":
            preds = [("done", a) for a in node.after if a in self.nodes]
            if node.parent is not None:
                preds.append(("acted", node.parent))
            return preds
        return [("acted", sid)] + [("done", c) for c in node.children]

    def event_order(self) -> list[Event]:
        """All 2·n events in a topological order; raises :class:`PlanInvalid` on a cycle.

        Kahn's algorithm, taking ready events in plan order so the result is deterministic.
        """
        preds = {e: self.event_preds(e)
                 for sid in self.nodes for e in (("acted", sid), ("done", sid))}
        succs: dict[Event, list[Event]] = {e: [] for e in preds}
        missing = {e: len(ps) for e, ps in preds.items()}
        for e, ps in preds.items():
            for p in ps:
                succs[p].append(e)
        order: list[Event] = []
        ready = [e for e, n in missing.items() if n == 0]
        while ready:
            event = ready.pop()
            order.append(event)
            for nxt in succs[event]:
                missing[nxt] -= 1
                if missing[nxt] == 0:
                    ready.append(nxt)
        if len(order) != len(preds):
            stuck = {e for e, n in missing.items() if n > 0}
            raise PlanInvalid([f"dependency cycle: {self._describe_cycle(stuck, preds)}"])
        return order

    def _describe_cycle(self, stuck: set[Event], preds: dict[Event, list[Event]]) -> str:
        """Follow unresolved predecessors from one stuck event until an event repeats."""
        event = min(stuck, key=lambda e: (self.nodes[e[1]].index, e[0]))
        seen: list[Event] = []
        while event not in seen:
            seen.append(event)
            event = next(p for p in preds[event] if p in stuck)
        loop = [*seen[seen.index(event):], event]
        ids: list[str] = []
        for _, sid in reversed(loop):  # reversed: "a → b" reads "a must finish before b"
            if not ids or ids[-1] != sid:
                ids.append(sid)
        return " → ".join(repr(i) for i in ids)


def validate(graph: PlanGraph, actions: Collection[str] | None = None) -> None:
    """Raise :class:`PlanInvalid` listing every problem of the plan, or return.

    ``actions`` is the set of registered action names (a :class:`~octane.engine.registry.
    Registry` will do); ``None`` skips that check (for a plan only shown or simulated).
    """
    problems = list(graph.problems)
    if actions is not None:
        for node in graph:
            name = node.step.action
            if name is not None and name not in actions:
                problems.append(f"step {node.id!r} uses unknown action {name!r}")
    if not problems:
        try:
            graph.event_order()
        except PlanInvalid as exc:
            problems.extend(exc.problems)
    if problems:
        raise PlanInvalid(problems)
