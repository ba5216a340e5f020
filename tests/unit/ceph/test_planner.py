"""Quorum planner: the invariant on every intermediate monmap, completeness, minimality."""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from octane.ceph.monmap import Monitor, MonMap
from octane.ceph.planner import (
    HandoverPlan,
    PlanRefused,
    plan_handover,
    transitions,
)

NAMES = "abcdefgh"


@st.composite
def cases(draw: st.DrawFn) -> tuple[MonMap, dict[str, str]]:
    """A random start monmap (some members stopped) and a random target.

    Targets mix kept members, members moving to a new address, and new monitors, some of
    which reuse an address of a current member (a replacement that must wait for the
    removal) — the situations the planner's ordering has to get right.
    """
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=5, unique=True))
    start = MonMap(tuple(Monitor(n, f"10.0.0.{i}", draw(st.booleans() | st.just(True)))
                         for i, n in enumerate(names)))
    target: dict[str, str] = {}
    for mon in start:
        choice = draw(st.sampled_from(["keep", "keep", "drop", "move"]))
        if choice == "keep":
            target[mon.name] = mon.addr
        elif choice == "move":
            target[mon.name] = f"10.0.1.{NAMES.index(mon.name)}"
    used = set(target.values())
    for name in draw(st.lists(st.sampled_from(NAMES), max_size=4, unique=True)):
        if name in target or name in start:
            continue
        free_old = [m.addr for m in start if m.addr not in used]
        addr = draw(st.sampled_from([*free_old, f"10.0.2.{NAMES.index(name)}"]))
        target[name] = addr
        used.add(addr)
    return start, target


def _ops(start: MonMap, target: dict[str, str]) -> list[tuple[str, Monitor]]:
    keep = {m.name for m in start if target.get(m.name) == m.addr}
    return ([("remove", m) for m in start if m.name not in keep]
            + [("add", Monitor(n, a)) for n, a in target.items() if n not in keep])


def _apply(state: MonMap, op: tuple[str, Monitor]) -> tuple[MonMap, ...] | None:
    """The monmaps one op passes through, or None when it cannot be applied yet."""
    kind, mon = op
    try:
        if kind == "remove":       # a running member's daemon is stopped, then it is removed
            down = state.stopped(mon.name)
            return (down, down.removed(mon.name)) if state[mon.name].running \
                else (down.removed(mon.name),)
        joining = state.added(Monitor(mon.name, mon.addr, running=False))
    except ValueError:            # name or address still taken by a member to remove
        return None
    return joining, joining.started(mon.name)


def exists_safe_order(start: MonMap, target: dict[str, str]) -> bool:
    """Brute force, independent of the planner: does any order of the ops keep quorum?"""
    ops = _ops(start, target)

    @cache
    def search(done: frozenset[int], state: MonMap) -> bool:
        if len(done) == len(ops):
            return True
        for i, op in enumerate(ops):
            if i in done:
                continue
            states = _apply(state, op)
            if states and all(s.problem() is None for s in states) and \
                    search(done | {i}, states[-1]):
                return True
        return False

    return start.problem() is None and len(target) >= 2 and search(frozenset(), start)


@settings(max_examples=400, deadline=None)
@given(cases())
def test_plan_keeps_majority_and_two_running_on_every_intermediate_monmap(
        case: tuple[MonMap, dict[str, str]]) -> None:
    start, target = case
    try:
        plan = plan_handover(start, target)
    except PlanRefused:
        assert not exists_safe_order(start, target)     # refused only when truly unreachable
        return
    assert exists_safe_order(start, target)
    for state in plan.states():
        assert state.problem() is None, state.describe()
        assert len(state.running) >= 2 and 2 * len(state.running) > len(state)
    assert plan.final.addrs == target
    kept_stopped = {m.name for m in start if not m.running and target.get(m.name) == m.addr}
    assert set(plan.final.names) - set(plan.final.running) == kept_stopped


@settings(max_examples=300, deadline=None)
@given(cases())
def test_plan_is_minimal_one_step_per_change(case: tuple[MonMap, dict[str, str]]) -> None:
    start, target = case
    try:
        plan = plan_handover(start, target)
    except PlanRefused:
        return
    ops = _ops(start, target)
    assert len(plan.steps) == len(ops)     # each op changes one member: nothing shorter exists
    assert sorted((type(s).__name__, s.name) for s in plan.steps) == sorted(
        ("AddMonitor" if k == "add" else "RemoveMonitor", m.name) for k, m in ops)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_replanning_from_any_step_continues_the_same_plan(
        case: tuple[MonMap, dict[str, str]]) -> None:
    """What lets the executor resume from the live monmap after an interruption."""
    start, target = case
    try:
        plan = plan_handover(start, target)
    except PlanRefused:
        return
    state = start
    for i, step in enumerate(plan.steps):
        assert plan_handover(state, target).steps == plan.steps[i:]
        state = transitions(state, step)[-1]
    assert plan_handover(state, target).steps == ()


@settings(max_examples=300, deadline=None)
@given(cases())
def test_with_every_monitor_running_the_monmap_stays_between_start_and_target_size(
        case: tuple[MonMap, dict[str, str]]) -> None:
    """Add one, remove one: never bigger than needed, never smaller than either end.

    Holds when no new monitor has to wait for a removal (a reused name or address); with
    such a wait the removal must come first and the monmap shrinks by one meanwhile.
    """
    start, target = case
    start = MonMap(tuple(Monitor(m.name, m.addr) for m in start))
    removed = [m for m in start if target.get(m.name) != m.addr]
    assume(not any(m.name in target or m.addr in target.values() for m in removed))
    try:
        plan = plan_handover(start, target)
    except PlanRefused:
        assert len(start) < 2 or len(target) < 2
        return
    sizes = [len(s) for s in plan.states()]
    assert max(sizes) <= max(len(start), len(target) + 1)
    assert min(sizes) >= min(len(start), len(target))


def test_replacing_three_monitors_alternates_add_and_remove() -> None:
    start = MonMap.of({"a": "10.0.0.1", "b": "10.0.0.2", "c": "10.0.0.3"})
    plan = plan_handover(start, {"d": "10.0.0.4", "e": "10.0.0.5", "f": "10.0.0.6"})
    assert [(type(s).__name__, s.name) for s in plan.steps] == [
        ("AddMonitor", "d"), ("RemoveMonitor", "a"), ("AddMonitor", "e"),
        ("RemoveMonitor", "b"), ("AddMonitor", "f"), ("RemoveMonitor", "c")]
    assert plan.steps[0].description == (
        "Add monitor 'd' at 10.0.0.4 and wait for a quorum of 4: 'a,b,c,d'")
    assert [s.describe() for s in plan.states()][:3] == ["a,b,c", "a,b,c,d (d down)", "a,b,c,d"]


@pytest.mark.parametrize("target", [{"a": "10.0.0.1"}, {}])
def test_target_that_would_leave_one_monitor_is_refused(target: dict[str, str]) -> None:
    start = MonMap.of({"a": "10.0.0.1", "b": "10.0.0.2", "c": "10.0.0.3"})
    with pytest.raises(PlanRefused, match="would leave one monitor"):
        plan_handover(start, target)


def test_degraded_start_is_refused_with_the_reason() -> None:
    start = MonMap.of({"a": "1.0.0.1", "b": "1.0.0.2", "c": "1.0.0.3"}, down=["b", "c"])
    with pytest.raises(PlanRefused, match=r"already degraded \(a,b,c \(b,c down\)\)"):
        plan_handover(start, {"a": "1.0.0.1", "d": "1.0.0.4"})


def test_two_of_four_running_cannot_add_a_fifth() -> None:
    start = MonMap.of({"a": "1", "b": "2", "c": "3", "d": "4"}, down=["c", "d"])
    with pytest.raises(PlanRefused, match="already degraded"):
        plan_handover(start, {"a": "1", "b": "2", "c": "3", "d": "4", "e": "5"})


def test_reachable_only_by_removing_stopped_members_first() -> None:
    # 3 of 5 run: adding first would mean 3 of 6 (no majority); removing d, e first is safe
    start = MonMap.of({"a": "1", "b": "2", "c": "3", "d": "4", "e": "5"}, down=["d", "e"])
    plan = plan_handover(start, {"a": "1", "b": "2", "x": "9"})
    assert [(type(s).__name__, s.name) for s in plan.steps][:2] == [
        ("RemoveMonitor", "d"), ("RemoveMonitor", "e")]
    assert plan.final.running == ("a", "b", "x")


def test_unreachable_target_gives_the_stuck_state() -> None:
    # a and b run, c is stopped but kept: any add would be 2 of 4, any remove 1 running
    start = MonMap.of({"a": "1", "b": "2", "c": "3"}, down=["c"])
    with pytest.raises(PlanRefused, match=r"no order .* from a,b,c \(c down\)"):
        plan_handover(start, {"a": "1", "c": "3", "d": "4"})


def test_moving_a_monitor_to_a_new_address_removes_it_first() -> None:
    start = MonMap.of({"a": "1", "b": "2", "c": "3"})
    plan = plan_handover(start, {"a": "1", "b": "2", "c": "33"})
    assert [(type(s).__name__, s.name) for s in plan.steps] == [
        ("RemoveMonitor", "c"), ("AddMonitor", "c")]


def test_plan_is_data() -> None:
    start = MonMap.of({"a": "1", "b": "2", "c": "3"})
    plan = plan_handover(start, {"b": "2", "c": "3", "d": "4"})
    assert plan.to_dict() == {"start": "a,b,c", "target": "b,c,d", "steps": [
        {"action": "ceph.add_mon", "params": {"name": "d", "addr": "4"},
         "description": "Add monitor 'd' at 4 and wait for a quorum of 4: 'a,b,c,d'"},
        {"action": "ceph.remove_mon", "params": {"name": "a"},
         "description": "Remove monitor 'a' and wait for a quorum of 3: 'b,c,d'"}]}
    assert plan == plan_handover(start, {"b": "2", "c": "3", "d": "4"})   # deterministic
    assert isinstance(plan, HandoverPlan)


def test_monmap_rejects_duplicate_names_and_addresses() -> None:
    with pytest.raises(ValueError, match="duplicate monitor addrs: 1"):
        MonMap((Monitor("a", "1"), Monitor("b", "1")))
    with pytest.raises(ValueError, match="duplicate monitor names: a"):
        MonMap((Monitor("a", "1"), Monitor("a", "2")))


def test_a_running_member_is_stopped_before_it_is_removed() -> None:
    start = MonMap.of({"a": "1", "b": "2", "c": "3"})
    plan = plan_handover(start, {"b": "2", "c": "3", "d": "4"})
    assert [s.describe() for s in plan.states()] == [
        "a,b,c", "a,b,c,d (d down)", "a,b,c,d", "a,b,c,d (a down)", "b,c,d"]


def test_stopping_first_refuses_a_removal_that_would_stop_a_majority() -> None:
    # c is stopped and kept: stopping a would leave 2 of 4 running before the removal
    start = MonMap.of({"a": "1", "b": "2", "c": "3", "d": "4"}, down=["c"])
    with pytest.raises(PlanRefused, match=r"remove mon\.a: 2 of 4 monitors running"):
        plan_handover(start, {"b": "2", "c": "3", "d": "4"})
