"""MachineManager (v10): add and remove machines, series upgrades.

``UpgradeSeriesPrepare``/``Complete`` return a single ``ErrorResult`` — a failure is
``{"error": {...}}`` in the response, which libjuju raises as ``JujuError`` (connection.py
``rpc``); ``UpgradeSeriesValidate`` answers ``Results`` (capital R, libjuju
``UpgradeSeriesUnitsResults``).
"""

from __future__ import annotations

from typing import Any

from octane.twin.errors import ApiError
from octane.twin.facades.common import machine_id
from octane.twin.state import machines
from octane.twin.state.entities import Base
from octane.twin.wire.params import Params
from octane.twin.wire.routing import Call, Facade, bulk


async def add(call: Call) -> dict[str, Any]:
    """``juju add-machine`` (or ``lxd:N`` containers)."""
    model = call.model

    def one(item: Params) -> dict[str, Any]:
        base = item.obj("base")
        chosen = Base(base.text("name", "ubuntu"), base.text("channel").split("/")[0]) \
            if base.text("channel") else None
        placement = item.obj("placement")
        zone = placement.text("directive")[5:] \
            if placement.text("directive").startswith("zone=") else ""
        machine = machines.add_machine(model, base=chosen, zone=zone,
                                       container_type=item.text("container-type"),
                                       parent=item.text("parent-id"),
                                       constraints=" ".join(
                                           f"{k}={v}" for k, v in
                                           item.mapping("constraints").items()))
        return {"machine": machine.id}
    return bulk(call.params.objs("params"), one, key="machines")


async def destroy(call: Call) -> dict[str, Any]:
    """``juju remove-machine [--force]``."""
    model = call.model

    def one(tag: Any) -> dict[str, Any]:
        mid = machine_id(str(tag))
        if call.params.flag("dry-run"):
            model.machine(mid)
            return {"info": {"machine-id": mid}}
        removed = machines.destroy_machine(model, mid, call.params.flag("force"))
        return {"info": {"machine-id": mid,
                         "destroyed-units": [{"tag": "unit-" + u.replace("/", "-")}
                                             for u in removed]}}
    return bulk(call.params.seq("machine-tags"), one)


def _machine_of(params: Params) -> str:
    entity = params.get("tag")
    tag = entity.get("tag", "") if isinstance(entity, dict) else str(entity or "")
    return machine_id(tag)


async def validate(call: Call) -> dict[str, Any]:
    """Units that a series upgrade of each machine would take along."""
    model = call.model

    def one(item: Params) -> dict[str, Any]:
        mid = _machine_of(item)
        model.machine(mid)
        return {"unit-names": machines.units_on(model, mid)}
    return bulk(call.params.objs("args"), one, key="Results")


async def prepare(call: Call) -> dict[str, Any]:
    """``juju upgrade-machine N prepare <base>``."""
    try:
        machines.upgrade_series_prepare(call.model, _machine_of(call.params),
                                        call.params.text("channel"), call.params.flag("force"))
    except ApiError as exc:
        return {"error": exc.as_item()}
    return {}


async def complete(call: Call) -> dict[str, Any]:
    """``juju upgrade-machine N complete``."""
    try:
        machines.upgrade_series_complete(call.model, _machine_of(call.params))
    except ApiError as exc:
        return {"error": exc.as_item()}
    return {}


async def messages(call: Call) -> dict[str, Any]:
    """Unread series-upgrade messages of each machine."""
    model = call.model

    def one(item: Params) -> dict[str, Any]:
        return {"result": machines.read_messages(model,
                                                 machine_id(item.obj("entity").text("tag")))}
    return bulk(call.params.objs("params"), one)


async def watch_notifications(call: Call) -> dict[str, Any]:
    """A notify-watcher id per machine (its NotifyWatcher is an agent facade)."""
    model = call.model

    def one(entity: Params) -> dict[str, Any]:
        model.machine(machine_id(entity.text("tag")))
        return {"NotifyWatcherId": model.runtime.ids.hex(8)}
    return bulk(call.params.objs("entities"), one)


async def instance_types(call: Call) -> dict[str, Any]:
    """MAAS has no instance types."""
    return {"results": [{"instance-types": [], "cost-currency": "", "cost-divisor": 0,
                         "cost-unit": ""} for _ in call.params.seq("constraints")]}


async def retry_provisioning(call: Call) -> dict[str, Any]:
    """Every twin machine is provisioned; nothing to retry."""
    return {"results": [{} for _ in call.params.seq("machines")]}


FACADE = Facade("MachineManager", (10,), {
    "AddMachines": add, "DestroyMachineWithParams": destroy,
    "UpgradeSeriesValidate": validate, "UpgradeSeriesPrepare": prepare,
    "UpgradeSeriesComplete": complete, "GetUpgradeSeriesMessages": messages,
    "WatchUpgradeSeriesNotifications": watch_notifications, "InstanceTypes": instance_types,
    "RetryProvisioning": retry_provisioning,
})
