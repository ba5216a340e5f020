"""Unit agents settle by the clock: hooks, actions, faults, resolution."""

from __future__ import annotations

import math

from octane.twin.facades.docs import unit_doc, unit_statuses
from octane.twin.state import actions, activity, applications
from tests.functional.twin.behaviours import registry
from tests.unit.twin.helpers import controller


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
