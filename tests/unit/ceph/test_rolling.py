"""The OS-upgrade flow (controllers one at a time, 3 → 2 → 3) on the same planner."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from octane.ceph.monmap import Monitor, MonMap
from octane.ceph.planner import AddMonitor, PlanRefused, RemoveMonitor
from octane.ceph.rolling import plan_controller_replacement, plan_rolling_replacement

THREE = MonMap.of({"ctl-0": "10.0.0.10", "ctl-1": "10.0.0.11", "ctl-2": "10.0.0.12"})


def _kinds(steps: tuple[AddMonitor | RemoveMonitor, ...]) -> list[tuple[str, str]]:
    return [(type(s).__name__, s.name) for s in steps]


def test_each_controller_goes_three_two_three_and_comes_back_on_its_address() -> None:
    stages = plan_rolling_replacement(THREE, ["ctl-0", "ctl-1", "ctl-2"])
    assert [(_kinds(s.release.steps), s.while_down.names, _kinds(s.rejoin.steps))
            for s in stages] == [
        ([("RemoveMonitor", "ctl-0")], ("ctl-1", "ctl-2"), [("AddMonitor", "ctl-0")]),
        ([("RemoveMonitor", "ctl-1")], ("ctl-0", "ctl-2"), [("AddMonitor", "ctl-1")]),
        ([("RemoveMonitor", "ctl-2")], ("ctl-0", "ctl-1"), [("AddMonitor", "ctl-2")]),
    ]
    sizes = [len(m) for s in stages for p in (s.release, s.rejoin) for m in p.states()]
    assert min(sizes) == 2 and max(sizes) == 3
    assert all(m.problem() is None
               for s in stages for p in (s.release, s.rejoin) for m in p.states())
    assert stages[-1].rejoin.final == THREE


def test_reprovisioned_controller_may_come_back_under_a_new_name_and_address() -> None:
    stage = plan_controller_replacement(THREE, "ctl-1", Monitor("ctl-1-jammy", "10.0.0.21"))
    assert stage.rejoin.steps[0].description == (
        "Add monitor 'ctl-1-jammy' at 10.0.0.21 and wait for a quorum of 3: "
        "'ctl-0,ctl-1-jammy,ctl-2'")
    assert stage.rejoin.final.addrs == {"ctl-0": "10.0.0.10", "ctl-1-jammy": "10.0.0.21",
                                        "ctl-2": "10.0.0.12"}


def test_a_controller_cannot_go_down_while_another_monitor_is_stopped() -> None:
    one_down = MonMap.of(THREE.addrs, down=["ctl-2"])
    with pytest.raises(PlanRefused, match=r"controller of mon\.ctl-0 cannot go down"):
        plan_controller_replacement(one_down, "ctl-0")


def test_the_stopped_controller_itself_may_be_the_one_reprovisioned() -> None:
    crashed = MonMap.of(THREE.addrs, down=["ctl-2"])
    stage = plan_controller_replacement(crashed, "ctl-2")
    assert _kinds(stage.release.steps) == [("RemoveMonitor", "ctl-2")]
    assert stage.rejoin.final == THREE


def test_two_monitors_cannot_lose_a_controller() -> None:
    with pytest.raises(PlanRefused, match="would leave one monitor"):
        plan_rolling_replacement(MonMap.of({"a": "1", "b": "2"}), ["a"])


def test_whole_flow_refused_up_front_when_a_later_stage_would_break() -> None:
    # the replacement for ctl-0 would take ctl-1's address: refused before stage one runs
    with pytest.raises(PlanRefused, match="clashes with a monitor that stays"):
        plan_rolling_replacement(THREE, ["ctl-2", ("ctl-0", Monitor("new-0", "10.0.0.11"))])


def test_unknown_controller_is_refused() -> None:
    with pytest.raises(PlanRefused, match=r"mon\.ctl-9 is not in the monmap"):
        plan_controller_replacement(THREE, "ctl-9")


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=3, max_value=7), st.randoms(use_true_random=False))
def test_any_rolling_order_keeps_two_running_and_a_majority(size: int,
                                                            rnd: random.Random) -> None:
    start = MonMap.of({f"m{i}": f"10.0.0.{i}" for i in range(size)})
    order = [f"m{i}" for i in range(size)]
    rnd.shuffle(order)
    stages = plan_rolling_replacement(start, order)
    for stage in stages:
        for plan in (stage.release, stage.rejoin):
            for state in plan.states():
                assert state.problem() is None
                assert len(state.running) >= 2
        assert len(stage.while_down) == size - 1
    assert stages[-1].rejoin.final == start
