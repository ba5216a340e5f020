import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from octane.engine.graph import PlanGraph
from octane.engine.scheduler import Scheduler, State
from octane.plan.step import Step
from tests.unit.engine.plans import group, leaf, random_plans


def _sched(root: Step, max_parallel: int = 4, **kw: Any) -> Scheduler:
    return Scheduler(PlanGraph(root), max_parallel, **kw)


def _open_groups(s: Scheduler) -> None:
    """Start every startable group (no action) until only actions are startable."""
    while True:
        groups = [x for x in s.startable() if not s.needs_action(x)]
        if not groups:
            return
        s.start(groups[0])
        s.acted(groups[0])


def test_sequential_children_one_after_another() -> None:
    s = _sched(group("root", leaf("a"), leaf("b")))
    _open_groups(s)
    assert s.startable() == ["a"]
    assert s.start("a") is True
    assert s.startable() == []
    assert s.acted("a") == ["a"]
    assert s.startable() == ["b"]
    s.start("b")
    assert s.acted("b") == ["b", "root"]
    assert s.complete


def test_parallel_children_bounded_by_max_parallel_groups_take_no_slot() -> None:
    s = _sched(group("root", leaf("a"), leaf("b"), leaf("c"), parallel=True), max_parallel=2)
    _open_groups(s)
    assert s.startable() == ["a", "b", "c"]
    s.start("a")
    s.start("b")
    assert s.startable() == []
    assert s.slots_used == 2
    s.acted("b")
    assert s.startable() == ["c"]


def test_parent_action_runs_before_children() -> None:
    root = group("root", Step(id="p", description="p", action="t.ok",
                              children=(leaf("c"),)))
    s = _sched(root)
    _open_groups(s)
    assert s.startable() == ["p"]
    s.start("p")
    assert s.startable() == []
    assert s.acted("p") == []  # children still open
    assert s.state["p"] is State.ACTED
    assert s.startable() == ["c"]
    s.start("c")
    assert s.acted("c") == ["c", "p", "root"]


def test_requires_wait_for_the_whole_subtree() -> None:
    root = group("root", group("nova", leaf("n1"), leaf("n2")),
                 leaf("ceph", requires=("nova",)), parallel=True)
    s = _sched(root)
    _open_groups(s)
    assert s.startable() == ["n1"]
    s.start("n1")
    s.acted("n1")
    assert s.startable() == ["n2"]
    s.start("n2")
    assert s.acted("n2") == ["n2", "nova"]
    assert s.startable() == ["ceph"]


def test_lock_excludes_steps_outside_one_line_of_descent() -> None:
    unit = group("u0", leaf("pause"), leaf("resume"), locks=("unit:0",))
    other = leaf("poke", locks=("unit:0",))
    s = _sched(group("root", unit, other, parallel=True))
    _open_groups(s)
    # u0 holds the lock while its children run; its descendants need no lock; poke waits
    assert s.startable() == ["pause"]
    assert s.waiting() == ["pause", "poke"]
    assert s.blocked_by("poke") == ["u0"]
    s.start("pause")
    s.acted("pause")
    s.start("resume")
    s.acted("resume")
    assert s.state["u0"] is State.DONE
    assert s.startable() == ["poke"]


def test_descendants_sharing_an_ancestor_lock_still_exclude_each_other() -> None:
    root = group("root", group("g", leaf("a", locks=("L",)), leaf("b", locks=("L",)),
                               parallel=True, locks=("L",)))
    s = _sched(root)
    _open_groups(s)
    assert s.startable() == ["a", "b"]
    s.start("a")
    assert s.startable() == []
    s.acted("a")
    assert s.startable() == ["b"]


def test_start_refuses_a_step_that_is_not_startable() -> None:
    s = _sched(group("root", leaf("a"), leaf("b")))
    _open_groups(s)
    with pytest.raises(RuntimeError, match="not startable"):
        s.start("b")
    with pytest.raises(RuntimeError, match="not running"):
        s.acted("a")


def test_resume_skips_done_and_does_not_rerun_finished_actions() -> None:
    p = Step(id="p", description="p", action="t.ok", children=(leaf("c1"), leaf("c2")))
    root = group("root", leaf("a"), p, leaf("z"))
    s = _sched(root, done={"a", "c1"}, acted={"p"})
    assert s.state["a"] is State.DONE and s.state["c1"] is State.DONE
    _open_groups(s)  # root opens; p has acted before so it is opened like a group
    assert s.state["p"] is State.ACTED
    assert s.startable() == ["c2"]


def test_recorded_done_is_not_trusted_when_its_subtree_is_not() -> None:
    # a changed plan added child 'new' below a step the journal says is done
    root = group("root", group("g", leaf("old"), leaf("new")))
    s = _sched(root, done={"g", "old"})
    assert s.state["g"] is State.PENDING
    _open_groups(s)
    assert s.startable() == ["new"]


def test_max_parallel_must_be_positive() -> None:
    with pytest.raises(ValueError):
        _sched(group("root"), max_parallel=0)


@settings(max_examples=150, deadline=None)
@given(plan=random_plans(), max_parallel=st.integers(1, 4), seed=st.integers(0, 2**16))
def test_random_schedules_keep_every_rule(plan: Step, max_parallel: int, seed: int) -> None:
    """Whatever order actions complete in, every ordering, lock and slot rule holds."""
    graph = PlanGraph(plan)
    s = Scheduler(graph, max_parallel)
    rng = random.Random(seed)
    done_at: dict[str, int] = {}
    started_at: dict[str, int] = {}
    running: list[str] = []
    clock = 0
    for _ in range(10 * len(graph) + 10):
        if s.complete:
            break
        progressed = False
        while ready := s.startable():
            sid = ready[0]
            node = graph[sid]
            # ordering: parent acted, 'after' steps done
            assert all(a in done_at for a in node.after)
            assert node.parent is None or s.state[node.parent] is State.ACTED
            # locks: no other holder outside this line of descent
            for lock in node.step.locks:
                for other in graph:
                    if other.id != sid and lock in other.step.locks and \
                            s.state[other.id] in (State.RUNNING, State.ACTED):
                        assert other.id in node.ancestors
            clock += 1
            started_at[sid] = clock
            if s.start(sid):
                running.append(sid)
            else:
                for d in s.acted(sid):
                    done_at[d] = clock
            progressed = True
        assert s.slots_used <= max_parallel
        if running:
            sid = running.pop(rng.randrange(len(running)))
            clock += 1
            for d in s.acted(sid):
                done_at[d] = clock
            progressed = True
        if not progressed:
            break  # a lock stall: allowed only when locks make one
    if not s.complete:
        assert any(n.step.locks for n in graph) and not running
        return
    assert set(done_at) == set(graph.nodes)
    for node in graph:
        for child in node.children:
            assert done_at[child] <= done_at[node.id]
