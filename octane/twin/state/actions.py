"""Actions and exec tasks: enqueue, decide the outcome, run commands through executors.

Juju 3 numbers operations and their tasks from one sequence ("Running operation 1 with 1
task - task 2 on unit-keystone-0"); exec tasks are actions named ``juju-exec`` with
``command`` and ``timeout`` parameters. A non-zero exit code fails the task with
``exit status N`` (jubilant relies on "task failed" for this). An action the charm does
not define fails at enqueue with code ``not found`` (libjuju ``Unit.run_action`` turns
that code into ``ValueError``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from octane.twin.behaviours.base import ActionOutcome
from octane.twin.errors import NOT_FOUND, ApiError
from octane.twin.executors import ExecRequest
from octane.twin.state import activity
from octane.twin.state.entities import Action, TaskOperation
from octane.twin.state.model import ModelState

EXEC_ACTION = "juju-exec"
#: Scenario seconds an exec task takes beyond its executor's own time.
EXEC_DURATION = 1.0


def new_operation(model: ModelState, summary: str) -> TaskOperation:
    """Open an operation; its id comes from the task sequence."""
    op = TaskOperation(id=str(model.next_seq("task", start=1)), summary=summary,
                       enqueued=model.now())
    model.operations[op.id] = op
    return op


def _new_action(model: ModelState, op: TaskOperation, receiver: str, name: str,
                params: dict[str, Any]) -> Action:
    action = Action(id=str(model.next_seq("task", start=1)), operation=op.id,
                    receiver=receiver, name=name, parameters=dict(params),
                    enqueued=model.now())
    model.actions[action.id] = action
    op.actions.append(action.id)
    model.touch("action", action.id)
    return action


def enqueue_action(model: ModelState, op: TaskOperation, receiver: str, name: str,
                   params: dict[str, Any]) -> Action:
    """Queue a charm action on a unit (``receiver`` is a unit tag)."""
    unit = model.unit_by_tag(receiver)
    app = model.applications[unit.application]
    behaviour = model.behaviour(app)
    catalogue = behaviour.actions()
    if name not in catalogue:
        raise ApiError(f'action "{name}" not defined on unit "{unit.name}"', NOT_FOUND)
    ctx = model.unit_context(unit)
    outcome = behaviour.run_action(name, params, ctx)
    faults = model.runtime.faults
    for key in ((model.name, unit.name, name), (model.name, app.name, name)):
        if key in faults.fail_action:
            outcome = ActionOutcome(status="failed", message=faults.fail_action.pop(key))
            break
    action = _new_action(model, op, receiver, name, params)
    _record_outcome(action, outcome)
    if outcome.pending is not None:
        _await_outcome(model, action, outcome.pending)
    activity.enqueue_action(model, unit, action.id, catalogue[name].duration)
    return action


def _record_outcome(action: Action, outcome: ActionOutcome) -> None:
    action.outcome_status = outcome.status
    action.outcome_message = outcome.message
    action.outcome_output = dict(outcome.output)
    action.outcome_log = list(outcome.log)
    action.outcome_config = dict(outcome.config_changes)
    action.outcome_version = outcome.workload_version
    action.outcome_charm_state = dict(outcome.charm_state)


def _await_outcome(model: ModelState, action: Action,
                   pending: Callable[[], Awaitable[ActionOutcome]]) -> None:
    """An outcome a real service decides (issue 3's seams): the task waits for it."""
    action.waiting = True

    async def run() -> None:
        try:
            outcome = await pending()
        except Exception as exc:  # a failing service fails the action, never the twin
            outcome = ActionOutcome(status="failed", message=str(exc) or type(exc).__name__)
        _record_outcome(action, outcome)
        action.waiting = False
        model.touch("action", action.id)
        activity.advance(model)

    _start(model, run())


def enqueue_exec(model: ModelState, op: TaskOperation, receiver: str, command: str,
                 timeout: float | None) -> Action:
    """Queue ``command`` on a unit or machine; its executor decides the output."""
    params: dict[str, Any] = {"command": command, "timeout": int((timeout or 0) * 1e9)}
    if receiver.startswith("machine-"):
        machine = model.machine(receiver[len("machine-"):].replace("-", "/"))
        action = _new_action(model, op, receiver, EXEC_ACTION, params)
        action.status = "running"
        action.started = model.now()
        request = ExecRequest(model=model.name, machine=machine.id, hostname=machine.hostname,
                              command=command, timeout=timeout, unit=None, behaviour=None)
        _dispatch(model, action, request, finish_now=True)
        return action
    unit = model.unit_by_tag(receiver)
    host = model.machines.get(unit.machine_id)
    action = _new_action(model, op, receiver, EXEC_ACTION, params)
    app = model.applications[unit.application]
    request = ExecRequest(model=model.name, machine=unit.machine_id,
                          hostname=host.hostname if host else "", command=command,
                          timeout=timeout, unit=model.unit_context(unit),
                          behaviour=model.behaviour(app))
    activity.enqueue_action(model, unit, action.id, EXEC_DURATION)
    _dispatch(model, action, request, finish_now=False)
    return action


def _dispatch(model: ModelState, action: Action, request: ExecRequest,
              finish_now: bool) -> None:
    """Run the request through the machine's executor; the task waits for its answer."""
    executor = model.runtime.executor(model.name, request.machine)
    action.waiting = True

    async def run() -> None:
        state: dict[str, Any] = {}
        version = ""
        try:
            result = await executor.run(request)
            code, out, err = result.return_code, result.stdout, result.stderr
            state, version = dict(result.charm_state), result.workload_version
        except Exception as exc:  # an executor bug must not leave the task running forever
            code, out, err = 1, "", f"twin executor failed: {exc}\n"
        action.outcome_output = {"return-code": code, "stdout": out, "stderr": err}
        if request.unit is not None:  # what the command changed on the unit (issue 3)
            action.outcome_charm_state, action.outcome_version = state, version
        action.outcome_status = "completed" if code == 0 else "failed"
        action.outcome_message = "" if code == 0 else f"exit status {code}"
        action.waiting = False
        if finish_now:
            action.status = action.outcome_status
            action.message = action.outcome_message
            action.output = dict(action.outcome_output)
            action.completed = model.now()
        model.touch("action", action.id)
        activity.advance(model)

    _start(model, run())


def _start(model: ModelState, coro: Coroutine[Any, Any, None]) -> None:
    """Run ``coro`` as a task of the twin's event loop, or at once when there is none."""
    spawn = model.runtime.spawn
    if spawn is not None:
        spawn(coro)
    else:
        run_now(coro)


def run_now(coro: Coroutine[Any, Any, None]) -> None:
    """Drive a coroutine that never suspends (no event loop: state-level tests)."""
    try:
        coro.send(None)
    except StopIteration:
        return
    coro.close()
    raise RuntimeError("an executor suspended without an event loop; set Runtime.spawn")


def cancel(model: ModelState, action: Action) -> None:
    """Cancel a task that has not started (``juju cancel-task``)."""
    if action.status != "pending":
        raise ApiError(f"action {action.id} is {action.status}, cannot cancel", "")
    action.status = "cancelled"
    action.completed = model.now()
    for unit in model.units.values():
        unit.queue = [op for op in unit.queue if op.action_id != action.id]
    model.touch("action", action.id)
