"""Unit agents at work: hooks and actions queued per unit, settled by the clock.

Juju's uniter runs one operation at a time per unit: after ``juju config`` a unit runs
config-changed, after ``juju refresh`` upgrade-charm then config-changed, and an action
waits for the hook in front of it. While an operation runs, the agent is ``executing``;
when the queue is empty it is ``idle`` and the workload reports what the charm settles on.

No background thread moves a unit along (moto's rule, STYLE.md): every operation gets its
start and end in scenario time when it reaches the head of the queue, and
:func:`advance` applies every boundary that the clock has passed, in time order, each
change stamped with the time it happened (its ``since``), not the time it was read.
Facades call :func:`advance` before they read; AllWatcher.Next sleeps until
:func:`next_due` when nothing else wakes it.

A failed hook puts the unit in error: Juju records the *agent* as in error, and status
reports the workload as ``error`` with ``hook failed: "<hook>"`` and the agent as ``idle``
(juju state/unitagent.go, ``UnitAgent.Status``: "The current health spec says when a hook
error occurs, the workload should be in error state"). Hooks then wait until the error is
resolved; actions still run (the uniter accepts actions in hook-error mode).
"""

from __future__ import annotations

import heapq
import itertools
import math
from contextvars import ContextVar
from typing import Any

from octane.twin.errors import ApiError
from octane.twin.state.entities import Operation, StatusValue, Unit
from octane.twin.state.model import ModelState

#: Agent version reported in agent statuses (the controller is 3.6.1).
AGENT_VERSION = "3.6.1"

#: While :func:`advance` runs (in this thread's context): the units whose operation started,
#: so their new boundary can be scheduled without rescanning every unit.
_STARTED: ContextVar[list[Unit] | None] = ContextVar("octane_twin_started", default=None)


def enqueue_hooks(model: ModelState, unit: Unit, hooks: list[str]) -> None:
    """Queue ``hooks`` on ``unit``, arming any injected hook fault."""
    if not hooks:
        return
    behaviour = model.behaviour(model.applications[unit.application])
    ctx = model.unit_context(unit)
    faults = model.runtime.faults
    for hook in hooks:
        op = Operation(kind="hook", name=hook, duration=behaviour.hook_duration(hook, ctx))
        key = (model.name, unit.name)
        if key in faults.never_settle:
            faults.never_settle.discard(key)
            op.duration = math.inf
        elif key in faults.fail_next_hook:
            faults.fail_next_hook.discard(key)
            op.fail = True
        unit.queue.append(op)
    _start_head(model, unit, model.now())


def enqueue_action(model: ModelState, unit: Unit, action_id: str, duration: float) -> None:
    """Queue an action (or exec task) on ``unit``; it starts when the unit is free."""
    unit.queue.append(Operation(kind="action", name=action_id, duration=duration,
                                action_id=action_id))
    _start_head(model, unit, model.now())


def _runnable(unit: Unit) -> Operation | None:
    """The operation the agent works on: hooks wait while the unit is in error."""
    for op in unit.queue:
        if op.kind == "action" or not unit.failed_hook:
            return op
    return None


def _start_head(model: ModelState, unit: Unit, at: float) -> None:
    """Start the next runnable operation at time ``at`` if none is running."""
    if any(op.start is not None for op in unit.queue):
        return
    op = _runnable(unit)
    if op is None:
        return
    op.start = at
    op.end = at + op.duration
    started = _STARTED.get()
    if started is not None:
        started.append(unit)
    app = model.applications[unit.application]
    if op.kind == "hook":
        unit.agent = StatusValue("executing", f"running {op.name} hook", at, AGENT_VERSION)
        busy = model.behaviour(app).busy_status(op.name, model.unit_context(unit))
        if busy is not None and not unit.failed_hook:
            unit.workload = StatusValue(busy[0], busy[1], at)
    else:
        action = model.actions.get(op.action_id)
        label = action.name if action else op.name
        unit.agent = StatusValue("executing", f"running action {label}", at, AGENT_VERSION)
        if action is not None:
            action.status = "running"
            action.started = at
            model.touch("action", action.id)
    model.touch("unit", unit.name)


def _finish_head(model: ModelState, unit: Unit, op: Operation) -> None:
    """Apply the end of ``op`` at its end time."""
    at = op.end if op.end is not None else model.now()
    unit.queue.remove(op)
    app = model.applications[unit.application]
    behaviour = model.behaviour(app)
    if op.kind == "hook":
        if op.fail:
            unit.failed_hook = op.name
            unit.agent = StatusValue("error", f'hook failed: "{op.name}"', at, AGENT_VERSION,
                                     {"hook": op.name})
            model.touch("unit", unit.name)
            _start_head(model, unit, at)
            return
        changes = behaviour.hook_changes(op.name, model.unit_context(unit))
        if changes:
            apply_charm_state(unit, dict(changes))
        if _runnable(unit) is not None and not unit.failed_hook:
            # an action queued behind the hook sees what the hook installed
            unit.workload_version = behaviour.workload_version(model.unit_context(unit))
    else:
        _complete_action(model, unit, op.action_id, at)
    if not _runnable(unit):
        unit.agent = StatusValue("idle", "", at, AGENT_VERSION)
        if not unit.failed_hook:
            if op.kind == "hook":
                unit.workload_version = behaviour.workload_version(model.unit_context(unit))
            current, message = behaviour.settled_status(model.unit_context(unit))
            unit.workload = StatusValue(current, message, at)
        model.touch("application", app.name)
    model.touch("unit", unit.name)
    _start_head(model, unit, at)


def _due(unit: Unit) -> tuple[float, Operation] | None:
    for op in unit.queue:
        if op.start is not None and op.end is not None:
            return (op.end, op)
    return None


def advance(model: ModelState) -> None:
    """Apply every boundary the clock has passed, oldest first (equal times: in the order
    of ``model.units``).

    A unit whose running action still waits for its executor (a real command that has not
    answered) holds only its own queue: Juju runs each unit agent's operations serially and
    independently of the others, so every other unit keeps moving.

    The boundaries due wait in a heap; applying one can start operations (the unit's next,
    hooks a config change queues elsewhere), which :func:`_start_head` reports so they join
    the heap. One scan of the units per call, not one per boundary: a thousand actions
    ending together on a 5,000-unit model took the twin ~0.5 s per read otherwise.
    """
    now = model.now()
    order = {name: i for i, name in enumerate(model.units)}
    seq = itertools.count()
    heap: list[tuple[float, int, int, Unit, Operation]] = []

    def schedule(unit: Unit) -> None:
        due = _due(unit)
        if due is not None and due[0] <= now:
            heapq.heappush(heap, (due[0], order.get(unit.name, len(order)), next(seq), unit,
                                  due[1]))

    for unit in model.units.values():
        schedule(unit)
    waiting: set[str] = set()
    started: list[Unit] = []
    token = _STARTED.set(started)
    try:
        while heap:
            end, _, _, unit, op = heapq.heappop(heap)
            due = _due(unit)
            if unit.name in waiting or due is None or due[1] is not op or due[0] != end:
                continue  # superseded: a later entry holds the unit's current boundary
            if op.kind == "action" and not _action_ready(model, op.action_id):
                # the executor has not answered yet: this unit's task stays running.
                waiting.add(unit.name)
                continue
            _finish_head(model, unit, op)
            for other in started:
                schedule(other)
            started.clear()
    finally:
        _STARTED.reset(token)


def _action_ready(model: ModelState, action_id: str) -> bool:
    action = model.actions.get(action_id)
    return action is None or not action.waiting


def _complete_action(model: ModelState, unit: Unit, action_id: str, at: float) -> None:
    """Publish the outcome decided for the action and apply its side effects."""
    action = model.actions.get(action_id)
    if action is None:
        return
    action.status = action.outcome_status
    action.message = action.outcome_message
    action.output = dict(action.outcome_output)
    action.log = list(action.outcome_log)
    action.completed = at
    model.touch("action", action.id)
    if action.outcome_charm_state:
        apply_charm_state(unit, action.outcome_charm_state)
    if action.outcome_version:
        unit.workload_version = action.outcome_version
    if action.outcome_config:
        from octane.twin.state.applications import set_config
        set_config(model, model.applications[unit.application], action.outcome_config,
                   by_charm=True)


def apply_charm_state(unit: Unit, changes: dict[str, Any]) -> None:
    """Record what the charm changed on the unit; a None value forgets the key."""
    for key, value in changes.items():
        if value is None:
            unit.charm_state.pop(key, None)
        else:
            unit.charm_state[key] = value


def next_due(model: ModelState) -> float | None:
    """The scenario time of the next boundary, or None when every agent is idle."""
    times = [due[0] for u in model.units.values() if (due := _due(u)) is not None]
    finite = [t for t in times if math.isfinite(t)]
    return min(finite) if finite else None


def resolve(model: ModelState, unit: Unit, retry: bool) -> None:
    """``juju resolved [--no-retry]``: clear the hook error, re-running the hook on retry."""
    if not unit.failed_hook:
        raise_not_in_error(unit)
    hook = unit.failed_hook
    unit.failed_hook = ""
    if retry:
        duration = model.behaviour(model.applications[unit.application]).hook_duration(
            hook, model.unit_context(unit))
        unit.queue.insert(0, Operation(kind="hook", name=hook, duration=duration))
    now = model.now()
    unit.agent = StatusValue("idle", "", now, AGENT_VERSION)
    model.touch("unit", unit.name)
    if not _runnable(unit):
        app = model.applications[unit.application]
        current, message = model.behaviour(app).settled_status(model.unit_context(unit))
        unit.workload = StatusValue(current, message, now)
    _start_head(model, unit, now)


def raise_not_in_error(unit: Unit) -> None:
    """Juju refuses to resolve a unit that is not in error."""
    raise ApiError(f'unit "{unit.name}" is not in an error state', "")


def busy(unit: Unit) -> bool:
    """Whether the unit's agent still has work queued."""
    return bool(unit.queue)
