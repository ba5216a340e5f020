"""Small plan builders shared by the engine's unit tests, plus a random-plan strategy."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from octane.plan.step import Step


def leaf(sid: str, action: str = "t.ok", **kw: Any) -> Step:
    params = kw.pop("params", {})
    return Step(id=sid, description=f"Do {sid}", action=action, params=params, **kw)


def group(sid: str, *children: Step, **kw: Any) -> Step:
    return Step(id=sid, description=f"Group {sid}", children=children, **kw)


@st.composite
def random_plans(draw: st.DrawFn, max_steps: int = 18) -> Step:
    """Random trees with parallel/sequential groups, some locks and some acyclic requires.

    ``requires`` only point at steps earlier in plan order that are neither ancestors nor
    descendants, which can never form a cycle with the tree's own order.
    """
    counter = iter(range(10_000))
    budget = [draw(st.integers(min_value=1, max_value=max_steps))]
    locks = ["L1", "L2"]

    def build(depth: int) -> Step:
        sid = f"s{next(counter)}"
        budget[0] -= 1
        lock = draw(st.sampled_from([(), (), (), ("L1",), ("L2",), tuple(locks)]))
        if depth < 3 and budget[0] > 0 and draw(st.booleans()):
            n = draw(st.integers(min_value=1, max_value=4))
            kids = []
            for _ in range(n):
                if budget[0] <= 0:
                    break
                kids.append(build(depth + 1))
            action = "t.ok" if draw(st.integers(0, 3)) == 0 else None
            return Step(id=sid, description=sid, action=action, children=tuple(kids),
                        parallel=draw(st.booleans()), locks=lock if depth else ())
        return Step(id=sid, description=sid, action="t.ok", locks=lock)

    root = build(0)
    ordered = list(root.walk())
    ancestors: dict[str, set[str]] = {}

    def note(step: Step, above: set[str]) -> None:
        ancestors[step.id] = above
        for c in step.children:
            note(c, above | {step.id})

    note(root, set())
    extra: dict[str, tuple[str, ...]] = {}
    for i, step in enumerate(ordered):
        earlier = [o.id for o in ordered[:i]
                   if o.id not in ancestors[step.id] and step.id not in ancestors[o.id]]
        if earlier and draw(st.integers(0, 4)) == 0:
            extra[step.id] = (draw(st.sampled_from(earlier)),)

    def rebuild(step: Step) -> Step:
        return Step(id=step.id, description=step.description, action=step.action,
                    children=tuple(rebuild(c) for c in step.children), parallel=step.parallel,
                    locks=step.locks, requires=extra.get(step.id, ()))

    return rebuild(root)
