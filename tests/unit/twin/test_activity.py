"""Unit agents settle by the clock: hooks, actions, faults, resolution."""

from __future__ import annotations

import math
from pathlib import Path

from octane.twin import scenario
from octane.twin.clock import Clock
from octane.twin.facades.docs import unit_doc, unit_statuses
from octane.twin.state import actions, activity, applications
from octane.twin.state.controller import ControllerState
from octane.twin.state.entities import Operation, Unit
from octane.twin.state.model import ModelState
from tests.functional.twin.behaviours import registry
from tests.unit.twin.helpers import controller

SCENARIOS = Path(__file__).resolve().parents[3] / "etc" / "scenarios"


def test_config_change_runs_config_changed_for_its_duration() -> None:
    ctl, clock = controller()
    model = ctl.model_by_name("openstack")
    app = model.application("keystone")
    start = clock.now()
    assert applications.set_config(model, app, {"debug": "true", "vip": "10.5.0.100"}) == \
        ["debug"]
    unit = model.unit("keystone/0")
    assert (unit.agent.current, unit.agent.message) == ("executing",
                                                         "running config-changed hook")
    assert unit.workload.current == "maintenance"
    assert activity.next_due(model) == start + 60
    clock.advance(59)
    ctl.advance()
    assert unit.agent.current == "executing"
    clock.advance(2)
    ctl.advance()
    assert (unit.agent.current, unit.workload.current) == ("idle", "active")
    assert unit.agent.since == start + 60  # stamped when it happened, not when read
    assert activity.next_due(model) is None


def test_unchanged_value_runs_no_hook() -> None:
    ctl, _ = controller()
    model = ctl.model_by_name("openstack")
    assert applications.set_config(model, model.application("keystone"),
                                   {"debug": "false"}) == []
    assert not model.unit("keystone/0").queue


def test_refresh_moves_the_workload_version_after_settling() -> None:
    ctl, clock = controller()
    model = ctl.model_by_name("openstack")
    app = model.application("keystone")
    applications.add_charm(model, "ch:amd64/keystone-610", app.charm)
    applications.set_charm(model, app, "ch:amd64/keystone-610",
                           {"revision": 610, "track": "zed", "risk": "stable"})
    unit = model.unit("keystone/2")
    assert [op.name for op in unit.queue] == ["upgrade-charm", "config-changed"]
    assert unit.workload_version == "21.0.0"
    clock.advance(180)
    ctl.advance()
    assert (unit.workload_version, unit.agent.current) == ("22.0.0", "idle")
    assert app.charm.revision == 610 and app.charm.channel == "zed/stable"


def test_failed_hook_reports_workload_error_and_waits_for_resolution() -> None:
    ctl, clock = controller()
    model = ctl.model_by_name("openstack")
    ctl.runtime.faults.fail_next_hook.add(("openstack", "keystone/1"))
    applications.set_config(model, model.application("keystone"), {"debug": "true"})
    clock.advance(61)
    ctl.advance()
    unit = model.unit("keystone/1")
    workload, agent = unit_statuses(unit)
    assert (workload.current, workload.message) == ("error",
                                                    'hook failed: "config-changed"')
    assert agent.current == "idle"
    assert unit_doc(model, unit)["workload-status"]["current"] == "error"
    applications.set_config(model, model.application("keystone"), {"debug": "false"})
    assert unit.queue[0].start is None  # hooks wait while the unit is in error
    activity.resolve(model, unit, retry=True)
    assert [op.name for op in unit.queue] == ["config-changed", "config-changed"]
    clock.advance(121)
    ctl.advance()
    assert (unit.agent.current, unit.workload.current, unit.queue) == ("idle", "active", [])


def test_never_settling_hook() -> None:
    ctl, clock = controller()
    model = ctl.model_by_name("openstack")
    ctl.runtime.faults.never_settle.add(("openstack", "keystone/0"))
    applications.set_config(model, model.application("keystone"), {"debug": "true"})
    clock.advance(10_000)
    ctl.advance()
    assert model.unit("keystone/0").agent.current == "executing"
    assert math.isinf(model.unit("keystone/0").queue[0].end or 0)
    assert model.unit("keystone/1").agent.current == "idle"
    assert activity.next_due(model) is None  # nothing finite to wake up for


def test_action_waits_behind_a_hook_and_reports_its_outcome() -> None:
    ctl, clock = controller(behaviours=registry())
    model = ctl.model_by_name("openstack")
    applications.set_config(model, model.application("keystone"), {"debug": "true"})
    op = actions.new_operation(model, "openstack-upgrade")
    action = actions.enqueue_action(model, op, "unit-keystone-0", "openstack-upgrade", {})
    assert action.status == "pending"
    clock.advance(61)
    ctl.advance()
    assert action.status == "running"
    assert model.unit("keystone/0").agent.message == "running action openstack-upgrade"
    clock.advance(600)
    ctl.advance()
    assert (action.status, action.output) == ("completed",
                                              {"outcome": "success, upgrade completed"})
    assert model.unit("keystone/0").workload_version == "22.0.0"
    assert int(op.id) < int(action.id)  # one sequence for operations and tasks


def test_injected_action_failure_fires_once() -> None:
    ctl, clock = controller(behaviours=registry())
    model = ctl.model_by_name("openstack")
    ctl.runtime.faults.fail_action[("openstack", "keystone", "pause")] = "no"
    op = actions.new_operation(model, "pause")
    first = actions.enqueue_action(model, op, "unit-keystone-1", "pause", {})
    second = actions.enqueue_action(model, op, "unit-keystone-1", "pause", {})
    clock.advance(30)
    ctl.advance()
    assert (first.status, first.message) == ("failed", "no")
    assert second.status == "completed"


def test_exec_uses_the_safe_default_executor() -> None:
    ctl, clock = controller()
    model = ctl.model_by_name("openstack")
    op = actions.new_operation(model, "exec")
    ok = actions.enqueue_exec(model, op, "unit-keystone-1", "hostname", None)
    missing = actions.enqueue_exec(model, op, "machine-3", "rm -rf /", None)
    clock.advance(2)
    ctl.advance()
    assert ok.output == {"return-code": 0, "stdout": "node-1\n", "stderr": ""}
    assert missing.status == "failed" and missing.message == "exit status 127"
    assert "rm: command not found" in missing.output["stderr"]


def test_a_unit_waiting_for_its_executor_holds_only_its_own_queue() -> None:
    # Juju runs each unit agent's operations independently: one unit's command that has not
    # answered yet must not stall the hooks of the other units (found by the ceph hand-over
    # tests, where one seed unit was unreachable).
    ctl, clock = controller()
    model = ctl.model_by_name("openstack")
    stuck = model.unit("keystone/0")
    op = actions.new_operation(model, "exec")
    action = actions._new_action(model, op, "unit-keystone-0", "juju-exec", {"command": "x"})
    activity.enqueue_action(model, stuck, action.id, 1)
    action.waiting = True  # its executor has not answered
    applications.set_config(model, model.application("keystone"), {"debug": "true"})
    clock.advance(61)
    ctl.advance()
    assert stuck.agent.current == "executing"
    for name in ("keystone/1", "keystone/2"):
        assert model.unit(name).agent.current == "idle", name


def _advance_by_rescan(model: ModelState) -> None:
    """The rule :func:`activity.advance` implements, in its plainest form: rescan every
    unit for the earliest boundary the clock has passed, apply it, repeat."""
    now = model.now()
    waiting: set[str] = set()
    while True:
        best: tuple[float, Unit, Operation] | None = None
        for unit in model.units.values():
            due = activity._due(unit)
            if unit.name not in waiting and due is not None and due[0] <= now and (
                    best is None or due[0] < best[0]):
                best = (due[0], unit, due[1])
        if best is None:
            return
        _, unit, op = best
        if op.kind == "action" and not activity._action_ready(model, op.action_id):
            waiting.add(unit.name)
            continue
        activity._finish_head(model, unit, op)


def _busy_cloud() -> tuple[ControllerState, Clock]:
    """focal-ussuri with config changes, refreshes, actions and exec tasks of many lengths
    queued on many units, some behind hooks, one waiting for its executor."""
    ctl, clock = controller(scenario.load(SCENARIOS / "focal-ussuri.yaml"))
    model = ctl.model_by_name("openstack")
    applications.set_config(model, model.application("keystone"), {"debug": "true"})
    applications.set_config(model, model.application("nova-compute"),
                            {"openstack-origin": "cloud:focal-victoria"})
    op = actions.new_operation(model, "probe")
    for unit in sorted(model.units.values(), key=lambda u: u.name):
        if unit.application == "nova-compute":
            actions.enqueue_action(model, op, "unit-" + unit.name.replace("/", "-"),
                                   "instance-count", {})
        if unit.application in ("glance", "cinder", "nova-cloud-controller"):
            actions.enqueue_action(model, op, "unit-" + unit.name.replace("/", "-"),
                                   "pause", {})
            actions.enqueue_exec(model, op, "unit-" + unit.name.replace("/", "-"),
                                 "hostname", None)
    stuck = model.unit("keystone/1")
    held = actions._new_action(model, op, "unit-keystone-1", "juju-exec", {"command": "x"})
    activity.enqueue_action(model, stuck, held.id, 1)
    held.waiting = True
    return ctl, clock


def _observed(model: ModelState) -> list[object]:
    return [model.log.since(0), [
        (u.name, u.agent, u.workload, u.workload_version, [(o.name, o.start, o.end)
                                                          for o in u.queue])
        for u in model.units.values()], [
        (a.id, a.status, a.started, a.completed, a.output) for a in model.actions.values()]]


def test_advance_applies_boundaries_as_a_rescan_would() -> None:
    # advance() keeps the boundaries in a heap instead of rescanning 5,000 units after each
    # one; the order of changes (AllWatcher deltas), the times and the outcomes must be the
    # plain rule's, clock step after clock step.
    fast, fast_clock = _busy_cloud()
    slow, slow_clock = _busy_cloud()
    fast_model, slow_model = (c.model_by_name("openstack") for c in (fast, slow))
    for step in (5, 30, 61, 200, 400, 900):
        fast_clock.advance(step)
        slow_clock.advance(step)
        activity.advance(fast_model)
        _advance_by_rescan(slow_model)
        assert _observed(fast_model) == _observed(slow_model), step
    unfinished = [a.id for a in fast_model.actions.values() if a.status != "completed"]
    assert unfinished == [held_id(fast_model)]  # only the one whose executor never answered


def held_id(model: ModelState) -> str:
    """The task left waiting for its executor in :func:`_busy_cloud`."""
    return next(a.id for a in model.actions.values() if a.parameters == {"command": "x"})
