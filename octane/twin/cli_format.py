"""The ``juju`` CLI's output formats, for the shim (``juju status --format json`` ...).

The CLI does not print the API's FullStatus: it renames (``juju-status``,
``application-status``, ``charm-name``, ``workload-status.current``), prints times as
``02 Jan 2006 15:04:05Z``, lists relations as ``{endpoint: [{related-application,
interface, scope}]}`` (Juju 3) and nests subordinates under their principal. Tools built
on jubilant parse exactly this (jubilant ``statustypes.py``), so the shape here follows
it; reference notes §5.10.
"""

from __future__ import annotations

import datetime
from typing import Any

from octane.twin.facades.docs import app_workload_version, unit_statuses
from octane.twin.facades.status import derive
from octane.twin.state.controller import SERVER_VERSION, ControllerState
from octane.twin.state.entities import Action, Application, Machine, StatusValue, Unit
from octane.twin.state.model import ModelState


def cli_time(ts: float) -> str:
    """``22 Nov 2026 05:57:23Z``."""
    dt = datetime.datetime.fromtimestamp(ts, tz=datetime.timezone.utc)
    return dt.strftime("%d %b %Y %H:%M:%SZ")


def status_info(status: StatusValue, with_version: bool = False) -> dict[str, Any]:
    """``{current, message?, since, version?}``."""
    doc: dict[str, Any] = {"current": status.current}
    if status.message:
        doc["message"] = status.message
    doc["since"] = cli_time(status.since)
    if with_version and status.version:
        doc["version"] = status.version
    return doc


def _machine(model: ModelState, m: Machine) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "juju-status": status_info(m.agent_status, True), "hostname": m.hostname,
        "dns-name": m.addresses[0].value if m.addresses else "",
        "ip-addresses": [a.value for a in m.addresses], "instance-id": m.instance_id,
        "display-name": "", "machine-status": status_info(m.instance_status),
        "modification-status": {"current": "idle", "since": cli_time(m.agent_status.since)},
        "base": {"name": m.base.name, "channel": m.base.channel},
        "network-interfaces": {"eth0": {"ip-addresses": [a.value for a in m.addresses],
                                        "mac-address": "00:16:3e:00:00:01", "space": "alpha",
                                        "is-up": True}},
        "constraints": m.constraints,
        "hardware": f"arch={m.arch} cores={m.cores} mem={m.mem}M "
                    f"availability-zone={m.zone}"}
    containers = {cid: _machine(model, c) for cid, c in model.machines.items()
                  if c.parent == m.id}
    if containers:
        doc["containers"] = containers
    return doc


def _unit(model: ModelState, unit: Unit, app: Application) -> dict[str, Any]:
    workload, agent = unit_statuses(unit)
    machine = model.machines.get(unit.machine_id)
    doc: dict[str, Any] = {"workload-status": status_info(workload),
                           "juju-status": status_info(agent, True)}
    if app.leader == unit.name:
        doc["leader"] = True
    if not unit.principal:
        doc["machine"] = unit.machine_id
    if unit.workload_version:
        doc["workload-version"] = unit.workload_version
    if machine and machine.addresses:
        doc["public-address"] = machine.addresses[0].value
    subs = {}
    for name in unit.subordinates:
        sub = model.units.get(name)
        if sub is not None:
            subs[name] = _unit(model, sub, model.applications[sub.application])
    if subs:
        doc["subordinates"] = subs
    return doc


def _application(model: ModelState, app: Application) -> dict[str, Any]:
    units = model.units_of(app.name)
    status = app.status or derive([unit_statuses(u)[0] for u in units])
    relations: dict[str, list[dict[str, str]]] = {}
    for rel in model.relations_of(app.name):
        for name, ep in rel.endpoints:
            if name != app.name:
                continue
            others = [(n, e) for n, e in rel.endpoints if n != app.name] or [(name, ep)]
            for other, _ in others:
                relations.setdefault(ep.name, []).append(
                    {"related-application": other, "interface": ep.interface,
                     "scope": ep.scope})
    newer = model.runtime.catalogue.newer_in_channel(app.charm.name, app.charm.track,
                                                     app.charm.risk, app.charm.revision)
    doc: dict[str, Any] = {
        "charm": app.charm.name, "base": {"name": app.base.name, "channel": app.base.channel},
        "charm-origin": "charmhub", "charm-name": app.charm.name,
        "charm-rev": app.charm.revision, "charm-channel": app.charm.channel,
        "exposed": app.exposed, "application-status": status_info(status)}
    if newer:
        doc["can-upgrade-to"] = f"ch:{app.charm.arch}/{app.charm.name}-{newer}"
    if relations:
        doc["relations"] = relations
    subordinate_to = sorted({model.units[u.principal].application for u in units
                             if u.principal and u.principal in model.units})
    if subordinate_to:
        doc["subordinate-to"] = subordinate_to
    principals = {u.name: _unit(model, u, app) for u in units if not u.principal}
    if principals:
        doc["units"] = principals
    version = app_workload_version(model, app)
    if version:
        doc["version"] = version
    doc["endpoint-bindings"] = {"": "alpha", **{name: "alpha" for name in app.endpoints}}
    return doc


def status(controller: ControllerState, model: ModelState) -> dict[str, Any]:
    """``juju status --format json``."""
    doc: dict[str, Any] = {
        "model": {"name": model.name, "type": "iaas", "controller": controller.name,
                  "cloud": model.cloud, "region": model.region, "version": SERVER_VERSION,
                  "model-status": status_info(model.status), "sla": "unsupported"},
        "machines": {mid: _machine(model, m) for mid, m in model.machines.items()
                     if not m.parent},
        "applications": {name: _application(model, app)
                         for name, app in model.applications.items()},
    }
    if model.remote_apps:
        doc["application-endpoints"] = {r.name: {
            "url": f"{controller.name}:{r.offer_url}",
            "endpoints": {e.name: {"interface": e.interface, "role": e.role}
                          for e in r.endpoints},
            "application-status": status_info(r.status)} for r in model.remote_apps.values()}
    if model.offers:
        doc["offers"] = {o.name: {"application": o.application,
                                  "charm": model.applications[o.application].charm_url,
                                  "total-connected-count": 0, "active-connected-count": 0,
                                  "endpoints": {alias: {"interface": "", "role": ""}
                                                for alias in o.endpoints}}
                         for o in model.offers.values()}
    doc["controller"] = {"timestamp": cli_time(model.now()).split(" ")[-1]}
    return doc


def models(controller: ControllerState, current: str) -> dict[str, Any]:
    """``juju models --format json``."""
    return {"models": [{
        "name": m.qualified_name, "short-name": m.name, "model-uuid": m.uuid,
        "model-type": "iaas", "controller-uuid": controller.uuid,
        "controller-name": controller.name, "is-controller": m.is_controller,
        "owner": m.owner, "cloud": m.cloud, "region": m.region, "type": m.provider,
        "life": m.life, "status": status_info(m.status), "access": "admin",
        "last-connection": "just now", "agent-version": SERVER_VERSION}
        for m in controller.models.values()], "current-model": current}


def config(app: Application, options: dict[str, Any]) -> dict[str, Any]:
    """``juju config <app> --format json``."""
    return {"application": app.name, "charm": app.charm.name,
            "application-config": {"trust": {"default": False, "description":
                                             "Does this application have access to trusted "
                                             "credentials", "source": "default",
                                             "type": "bool", "value": False}},
            "settings": options}


def task(action: Action, receiver_key: str) -> dict[str, Any]:
    """One entry of ``juju exec|run --format json``."""
    doc: dict[str, Any] = {"id": action.id, "status": action.status,
                           "results": dict(action.output),
                           "timing": {"enqueued": cli_time(action.enqueued),
                                      "started": cli_time(action.started or action.enqueued),
                                      "completed": cli_time(action.completed or
                                                            action.enqueued)}}
    if action.receiver.startswith("unit-"):
        doc["unit"] = receiver_key
    else:
        doc["machine"] = receiver_key
    if action.message:
        doc["message"] = action.message
    if action.log:
        doc["log"] = list(action.log)
    return doc
