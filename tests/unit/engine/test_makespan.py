import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from octane.engine import PlanInvalid, simulate
from octane.plan.step import Step
from tests.unit.engine.plans import group, leaf, random_plans


def test_sequential_plan_takes_the_sum() -> None:
    root = group("root", leaf("a"), leaf("b"), leaf("c"))
    sim = simulate(root, {"a": 1, "b": 2, "c": 3}, max_parallel=8)
    assert (sim.makespan, sim.sequential, sim.critical_path) == (6, 6, 6)
    assert sim.critical_steps == ("root", "a", "b", "c")
    assert sim.starts == {"root": 0, "a": 0, "b": 1, "c": 3}


def test_parallel_plan_is_bounded_by_slots() -> None:
    root = group("root", leaf("a"), leaf("b"), leaf("c"), leaf("d"), parallel=True)
    durations = {"a": 4, "b": 1, "c": 1, "d": 1}
    wide = simulate(root, durations, max_parallel=4)
    assert (wide.makespan, wide.sequential, wide.critical_path) == (4, 7, 4)
    assert wide.critical_steps == ("root", "a")
    narrow = simulate(root, durations, max_parallel=2)
    # a on one slot for 4; b, c, d one after another on the other
    assert narrow.makespan == 4
    assert narrow.starts["d"] == 2
    single = simulate(root, durations, max_parallel=1)
    assert single.makespan == 7
    assert single.speedup == 1


def test_locks_serialise_what_the_graph_would_overlap() -> None:
    root = group("root", leaf("a", locks=("model",)), leaf("b", locks=("model",)),
                 leaf("c"), parallel=True)
    sim = simulate(root, {"a": 2, "b": 2, "c": 1}, max_parallel=4)
    assert sim.critical_path == 2
    assert sim.makespan == 4
    assert sim.overhead == pytest.approx(1.0)


def test_durations_may_be_a_function_of_the_step() -> None:
    root = group("root", leaf("a", action="slow"), leaf("b"), parallel=True)
    sim = simulate(root, lambda s: 10 if s.action == "slow" else 1, max_parallel=2)
    assert sim.makespan == 10 and sim.sequential == 11


def test_missing_or_negative_duration_is_an_error() -> None:
    root = group("root", leaf("a"), leaf("b"))
    with pytest.raises(ValueError, match="no duration for step 'b'"):
        simulate(root, {"a": 1}, max_parallel=1)
    with pytest.raises(ValueError, match="negative"):
        simulate(root, {"a": 1, "b": -1}, max_parallel=1)


def test_a_lock_deadlock_is_reported_not_looped_on() -> None:
    # A holds L over its subtree; a1 needs b done; b needs L.
    root = group("root", group("A", leaf("a1", requires=("b",)), locks=("L",)),
                 leaf("b", locks=("L",)), parallel=True)
    with pytest.raises(PlanInvalid, match="plan cannot progress: step 'b' waits for a lock "
                                          "held by 'A'"):
        simulate(root, {"a1": 1, "b": 1}, max_parallel=2)


def test_invalid_plan_is_refused() -> None:
    with pytest.raises(PlanInvalid, match="cycle"):
        simulate(group("root", leaf("a", requires=("b",)), leaf("b")), {"a": 1, "b": 1}, 1)


def _no_locks(step: Step) -> Step:
    return Step(id=step.id, description=step.description, action=step.action,
                children=tuple(_no_locks(c) for c in step.children), parallel=step.parallel,
                requires=step.requires)


@settings(max_examples=150, deadline=None)
@given(plan=random_plans(), max_parallel=st.integers(1, 5),
       lengths=st.lists(st.integers(0, 20), min_size=40, max_size=40))
def test_schedule_bounds(plan: Step, max_parallel: int, lengths: list[int]) -> None:
    """critical path ≤ makespan ≤ sequential; equalities at the two extremes."""
    plan = _no_locks(plan)
    durations = {s.id: float(lengths[i % 40]) for i, s in enumerate(plan.walk())}
    sim = simulate(plan, durations, max_parallel)
    assert sim.critical_path <= sim.makespan <= sim.sequential
    for sid, start in sim.starts.items():
        assert sim.ends[sid] >= start
    one = simulate(plan, durations, 1)
    assert one.makespan == one.sequential
    unbounded = simulate(plan, durations, 10_000)
    assert unbounded.makespan == unbounded.critical_path
    chain = unbounded.critical_steps
    acting = [s for s in chain if (step := plan.find(s)) is not None and step.action]
    assert sum(durations[s] for s in acting) == unbounded.critical_path
