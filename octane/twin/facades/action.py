"""Action (v7): enqueue actions, run commands, read results.

libjuju waits for an ``action`` AllWatcher delta with the new id, then polls ``Actions``
once a second until ``completed`` or ``failed`` (reference notes §2); ``output`` becomes
``Action.results``. Juju 3 returns the operation as ``operation-N`` and each task as
``action-N``; a task that cannot be enqueued (unknown action, unknown unit) is an error in
its own slot of ``actions`` with code ``not found``.
"""

from __future__ import annotations

from typing import Any

from octane.twin.errors import ApiError, not_found
from octane.twin.facades.common import untag
from octane.twin.state import actions
from octane.twin.state.entities import Action, iso
from octane.twin.state.model import ModelState
from octane.twin.wire.params import Params
from octane.twin.wire.routing import Call, Facade, bulk


def action_result(action: Action) -> dict[str, Any]:
    """An ``ActionResult``."""
    return {"action": {"tag": f"action-{action.id}", "receiver": action.receiver,
                       "name": action.name, "parameters": dict(action.parameters)},
            "status": action.status, "message": action.message,
            "output": dict(action.output), "enqueued": iso(action.enqueued),
            "started": iso(action.started or 0.0), "completed": iso(action.completed or 0.0),
            "log": [{"message": line, "timestamp": iso(action.started or action.enqueued)}
                    for line in action.log]}


def _enqueued(op_id: str, results: list[dict[str, Any]]) -> dict[str, Any]:
    return {"operation": f"operation-{op_id}", "actions": results}


async def enqueue(call: Call) -> dict[str, Any]:
    """``juju run <unit> <action>``: one operation, one task per receiver."""
    model = call.model
    items = call.params.objs("actions")
    op = actions.new_operation(model, ", ".join(sorted({i.text("name") for i in items})))
    results = []
    for item in items:
        try:
            receiver = item.text("receiver")
            if not receiver.startswith("unit-"):
                raise ApiError(f'"{receiver}" is not a valid unit tag', "not valid")
            action = actions.enqueue_action(model, op, receiver, item.text("name"),
                                            item.mapping("parameters"))
            results.append(action_result(action))
        except ApiError as exc:
            results.append({"error": exc.as_item(), "action": {
                "tag": "", "receiver": item.text("receiver"), "name": item.text("name")}})
    return _enqueued(op.id, results)


def _receivers(model: ModelState, params: Params) -> list[str]:
    receivers: list[str] = []
    for app_name in params.seq("applications"):
        model.application(str(app_name))
        receivers += [u.tag for u in model.units_of(str(app_name))]
    for unit_name in params.seq("units"):
        name = str(unit_name)
        if name.endswith("/leader"):
            name = model.application(name.split("/")[0]).leader
        receivers.append(model.unit(name).tag)
    for machine_id in params.seq("machines"):
        receivers.append("machine-" + model.machine(str(machine_id)).id.replace("/", "-"))
    return receivers


async def run(call: Call) -> dict[str, Any]:
    """``juju exec``: the command on each unit and machine named."""
    model = call.model
    command = call.params.text("commands")
    timeout_ns = call.params.num("timeout")
    receivers = _receivers(model, call.params)
    op = actions.new_operation(model, f"exec {command}")
    results = [action_result(actions.enqueue_exec(model, op, r, command,
                                                  timeout_ns / 1e9 if timeout_ns else None))
               for r in receivers]
    return _enqueued(op.id, results)


async def run_all(call: Call) -> dict[str, Any]:
    """``juju exec --all``: the command on every machine."""
    model = call.model
    command = call.params.text("commands")
    op = actions.new_operation(model, f"exec {command}")
    results = [action_result(actions.enqueue_exec(model, op, "machine-" + m.replace("/", "-"),
                                                  command, None))
               for m in model.machines]
    return _enqueued(op.id, results)


async def read(call: Call) -> dict[str, Any]:
    """Results of each ``action-N``."""
    model = call.model

    def one(entity: Params) -> dict[str, Any]:
        return action_result(model.action(untag(entity.text("tag"), "action")))
    return bulk(call.params.objs("entities"), one)


async def cancel(call: Call) -> dict[str, Any]:
    """``juju cancel-task``."""
    model = call.model

    def one(entity: Params) -> dict[str, Any]:
        action = model.action(untag(entity.text("tag"), "action"))
        actions.cancel(model, action)
        return action_result(action)
    return bulk(call.params.objs("entities"), one)


async def charm_actions(call: Call) -> dict[str, Any]:
    """The action catalogue of each application (libjuju ``get_actions``)."""
    model = call.model

    def one(entity: Params) -> dict[str, Any]:
        app = model.application(untag(entity.text("tag"), "application"))
        specs = model.behaviour(app).actions()
        return {"application-tag": f"application-{app.name}",
                "actions": {name: {"description": spec.description,
                                   "params": dict(spec.params)}
                            for name, spec in specs.items()}}
    return bulk(call.params.objs("entities"), one)


def _operation(model: ModelState, op_id: str) -> dict[str, Any]:
    op = model.operations.get(op_id)
    if op is None:
        raise not_found(f"operation {op_id}")
    tasks = [model.actions[a] for a in op.actions if a in model.actions]
    statuses = {t.status for t in tasks}
    status = ("failed" if "failed" in statuses else "running" if "running" in statuses
              else "pending" if "pending" in statuses else "completed")
    return {"operation": f"operation-{op.id}", "summary": op.summary,
            "enqueued": iso(op.enqueued), "status": status,
            "actions": [action_result(t) for t in tasks]}


async def operations(call: Call) -> dict[str, Any]:
    """Each ``operation-N``."""
    model = call.model

    def one(entity: Params) -> dict[str, Any]:
        return _operation(model, untag(entity.text("tag"), "operation"))
    return bulk(call.params.objs("entities"), one)


async def list_operations(call: Call) -> dict[str, Any]:
    """``juju operations`` with its filters."""
    model = call.model
    names = {str(n) for n in call.params.seq("actions")}
    apps = {str(a) for a in call.params.seq("applications")}
    units = {str(u) for u in call.params.seq("units")}
    wanted_status = {str(s) for s in call.params.seq("status")}
    results = []
    for op_id in model.operations:
        doc = _operation(model, op_id)
        tasks = doc["actions"]
        if names and not any(t["action"]["name"] in names for t in tasks):
            continue
        receivers = {t["action"]["receiver"] for t in tasks}
        if apps and not any(r.startswith(f"unit-{a}-") for r in receivers for a in apps):
            continue
        if units and not receivers & {"unit-" + u.replace("/", "-") for u in units}:
            continue
        if wanted_status and doc["status"] not in wanted_status:
            continue
        results.append(doc)
    limit = call.params.num("limit") or len(results)
    offset = call.params.num("offset")
    return {"results": results[offset:offset + limit],
            "truncated": offset + limit < len(results)}


FACADE = Facade("Action", (7,), {
    "EnqueueOperation": enqueue, "Run": run, "RunOnAllMachines": run_all, "Actions": read,
    "Cancel": cancel, "ApplicationsCharmsActions": charm_actions, "Operations": operations,
    "ListOperations": list_operations,
})
