"""AllWatcher documents: the whole current document of each entity, as Juju 3 sends it.

Field lists follow Juju's ``rpc/params/multiwatcher.go`` (reference notes §3), including
the keys libjuju reads directly (a KeyError otherwise): application ``exposed, life,
min-units, constraints, subordinate, workload-version, status, charm-url``; unit
``agent-status, workload-status, subordinate, principal, machine-id, public-address``;
machine ``addresses, agent-status, instance-status, hostname``; action ``status``.

A unit whose hook failed is reported with workload ``error`` and agent ``idle`` (juju
state/unitagent.go translation, mirrored in the multiwatcher backing).
"""

from __future__ import annotations

from typing import Any

from octane.twin.state.entities import (
    Action,
    Application,
    Machine,
    Offer,
    Relation,
    RemoteApplication,
    StatusValue,
    Unit,
    iso,
)
from octane.twin.state.model import ModelState


def status_doc(status: StatusValue) -> dict[str, Any]:
    """A multiwatcher ``StatusInfo``."""
    doc: dict[str, Any] = {"current": status.current, "message": status.message,
                           "since": iso(status.since), "version": status.version}
    if status.data:
        doc["data"] = dict(status.data)
    return doc


def unit_statuses(unit: Unit) -> tuple[StatusValue, StatusValue]:
    """(workload, agent) as clients see them, with the hook-error translation."""
    if unit.agent.current == "error":
        workload = StatusValue("error", unit.agent.message, unit.agent.since,
                               data=dict(unit.agent.data))
        agent = StatusValue("idle", "", unit.agent.since, unit.agent.version)
        return workload, agent
    return unit.workload, unit.agent


def app_workload_version(model: ModelState, app: Application) -> str:
    """The application's version: that of its lowest-numbered unit reporting one."""
    units = sorted(model.units_of(app.name), key=lambda u: int(u.name.split("/")[1]))
    return next((u.workload_version for u in units if u.workload_version), "")


def model_doc(model: ModelState) -> dict[str, Any]:
    """The ``model`` delta."""
    return {"model-uuid": model.uuid, "name": model.name, "life": model.life,
            "owner": model.owner, "controller-uuid": model.controller_uuid,
            "is-controller": model.is_controller, "config": dict(model.config),
            "status": status_doc(model.status), "constraints": dict(model.constraints),
            "sla": {"level": "unsupported", "owner": ""}, "type": "iaas",
            "cloud": model.cloud, "cloud-region": model.region}


def machine_doc(model: ModelState, m: Machine) -> dict[str, Any]:
    """The ``machine`` delta (``hardware-characteristics`` carries the zone)."""
    return {
        "model-uuid": model.uuid, "id": m.id, "instance-id": m.instance_id,
        "agent-status": status_doc(m.agent_status),
        "instance-status": status_doc(m.instance_status), "life": m.life,
        "base": str(m.base), "container-type": m.container_type,
        "supported-containers": ["lxd"], "supported-containers-known": True,
        "hardware-characteristics": {"arch": m.arch, "mem": m.mem, "root-disk": m.root_disk,
                                     "cpu-cores": m.cores, "availability-zone": m.zone},
        "jobs": ["JobHostUnits"],
        "addresses": [{"value": a.value, "type": a.type, "scope": a.scope,
                       "space-name": a.space} for a in m.addresses],
        "has-vote": False, "wants-vote": False, "hostname": m.hostname}


def application_doc(model: ModelState, app: Application) -> dict[str, Any]:
    """The ``application`` delta; status is the application's own (``unset`` unless set)."""
    status = app.status or StatusValue("unset", "", 0.0)
    return {"model-uuid": model.uuid, "name": app.name, "exposed": app.exposed,
            "charm-url": app.charm_url, "owner-tag": "", "life": app.life, "min-units": 0,
            "constraints": {}, "config": dict(app.config), "subordinate": app.subordinate,
            "status": status_doc(status),
            "workload-version": app_workload_version(model, app)}


def unit_doc(model: ModelState, unit: Unit) -> dict[str, Any]:
    """The ``unit`` delta."""
    machine = model.machines.get(unit.machine_id)
    address = machine.addresses[0].value if machine and machine.addresses else ""
    app = model.applications.get(unit.application)
    workload, agent = unit_statuses(unit)
    return {"model-uuid": model.uuid, "name": unit.name, "application": unit.application,
            "base": str(app.base) if app else "", "charm-url": unit.charm_url,
            "life": unit.life, "public-address": address, "private-address": address,
            "machine-id": unit.machine_id, "ports": [], "port-ranges": [],
            "principal": unit.principal, "subordinate": bool(unit.principal),
            "workload-status": status_doc(workload), "agent-status": status_doc(agent)}


def relation_doc(model: ModelState, rel: Relation) -> dict[str, Any]:
    """The ``relation`` delta."""
    return {"model-uuid": model.uuid, "key": rel.key, "id": rel.id,
            "endpoints": [{"application-name": name, "relation": ep.as_relation()}
                          for name, ep in rel.endpoints]}


def remote_application_doc(model: ModelState, remote: RemoteApplication) -> dict[str, Any]:
    """The ``remoteApplication`` delta."""
    return {"model-uuid": model.uuid, "name": remote.name, "offer-uuid": remote.offer_uuid,
            "offer-url": remote.offer_url, "life": remote.life,
            "status": status_doc(remote.status)}


def offer_doc(model: ModelState, offer: Offer, connected: int = 0) -> dict[str, Any]:
    """The ``applicationOffer`` delta."""
    app = model.applications.get(offer.application)
    return {"model-uuid": model.uuid, "offer-name": offer.name, "offer-uuid": offer.uuid,
            "application-name": offer.application,
            "charm-name": app.charm.name if app else "",
            "total-connected-count": connected, "active-connected-count": connected}


def action_doc(model: ModelState, action: Action) -> dict[str, Any]:
    """The ``action`` delta."""
    doc: dict[str, Any] = {"model-uuid": model.uuid, "id": action.id,
                           "receiver": action.receiver, "name": action.name,
                           "parameters": dict(action.parameters), "status": action.status,
                           "message": action.message, "results": dict(action.output),
                           "enqueued": iso(action.enqueued),
                           "started": iso(action.started or 0.0),
                           "completed": iso(action.completed or 0.0)}
    return doc


def delta(model: ModelState, kind: str, key: str,
          removed: object | None = None) -> list[Any] | None:
    """``[kind, "change"|"remove", document]`` for one change, or None if unknown."""
    if removed is not None:
        doc = document(model, kind, removed)
        return [kind, "remove", doc] if doc is not None else None
    entity: object | None = {
        "model": model if key == model.uuid else None,
        "machine": model.machines.get(key), "application": model.applications.get(key),
        "unit": model.units.get(key), "relation": model.relations.get(key),
        "remoteApplication": model.remote_apps.get(key),
        "applicationOffer": model.offers.get(key), "action": model.actions.get(key),
    }.get(kind)
    if entity is None:
        return None
    doc = document(model, kind, entity)
    return [kind, "change", doc] if doc is not None else None


def document(model: ModelState, kind: str, entity: object) -> dict[str, Any] | None:
    """The document of ``entity`` of ``kind``."""
    if kind == "model" and isinstance(entity, ModelState):
        return model_doc(entity)
    if kind == "machine" and isinstance(entity, Machine):
        return machine_doc(model, entity)
    if kind == "application" and isinstance(entity, Application):
        return application_doc(model, entity)
    if kind == "unit" and isinstance(entity, Unit):
        return unit_doc(model, entity)
    if kind == "relation" and isinstance(entity, Relation):
        return relation_doc(model, entity)
    if kind == "remoteApplication" and isinstance(entity, RemoteApplication):
        return remote_application_doc(model, entity)
    if kind == "applicationOffer" and isinstance(entity, Offer):
        return offer_doc(model, entity)
    if kind == "action" and isinstance(entity, Action):
        return action_doc(model, entity)
    return None


def snapshot(model: ModelState) -> list[list[Any]]:
    """Every entity of the model, for a watcher's first Next."""
    out: list[list[Any]] = [["model", "change", model_doc(model)]]
    out += [["machine", "change", machine_doc(model, m)] for m in model.machines.values()]
    out += [["application", "change", application_doc(model, a)]
            for a in model.applications.values()]
    out += [["remoteApplication", "change", remote_application_doc(model, r)]
            for r in model.remote_apps.values()]
    out += [["unit", "change", unit_doc(model, u)] for u in model.units.values()]
    out += [["relation", "change", relation_doc(model, r)] for r in model.relations.values()]
    out += [["applicationOffer", "change", offer_doc(model, o)] for o in model.offers.values()]
    out += [["action", "change", action_doc(model, a)] for a in model.actions.values()]
    return out
