"""``Client.FullStatus``: the model as ``juju status`` sees it (API shape).

Shape taken from the prototype's transcript and libjuju's ``FullStatus`` definitions:
``DetailedStatus`` carries ``status, info, since, version, kind, life, data``; an
application's status is derived from its units when the charm did not set one (Juju's
``status.DeriveStatus``: the most severe unit workload status wins); ``charm-rev`` and
``base`` are Juju 3 fields; ``can-upgrade-to`` names a newer revision in the same channel.
Patterns filter applications, units and machines with shell wildcards, as ``juju status
keystone*`` does.
"""

from __future__ import annotations

import fnmatch
from typing import Any

from octane.twin.facades.docs import app_workload_version, unit_statuses
from octane.twin.state.entities import Application, Base, Machine, StatusValue, Unit, iso
from octane.twin.state.model import ModelState
from octane.twin.state.offers import offer_endpoints

#: Severity order used to derive an application's status (most severe first).
SEVERITY = ("error", "blocked", "maintenance", "waiting", "active", "terminated", "unknown")


def detailed(status: StatusValue, kind: str) -> dict[str, Any]:
    """A ``DetailedStatus``."""
    return {"status": status.current, "info": status.message, "since": iso(status.since),
            "version": status.version, "kind": kind, "life": "", "data": dict(status.data)}


def derive(statuses: list[StatusValue]) -> StatusValue:
    """The most severe status (Juju's ``DeriveStatus``)."""
    if not statuses:
        return StatusValue("unknown", "", 0.0)
    return min(statuses, key=lambda s: SEVERITY.index(s.current)
               if s.current in SEVERITY else len(SEVERITY))


def base_doc(base: Base, with_risk: bool = False) -> dict[str, str]:
    """``{"name": "ubuntu", "channel": "22.04[/stable]"}``."""
    return {"name": base.name, "channel": f"{base.channel}/stable" if with_risk
            else base.channel}


def machine_status(model: ModelState, m: Machine,
                   children: dict[str, list[Machine]] | None = None) -> dict[str, Any]:
    """A ``MachineStatus`` with its containers nested (``children``: containers by host,
    computed once per status so a thousand machines are not scanned a thousand times)."""
    if children is None:
        children = containers_by_host(model)
    containers = {c.id: machine_status(model, c, children) for c in children.get(m.id, ())}
    hardware = (f"arch={m.arch} cores={m.cores} mem={m.mem}M root-disk={m.root_disk}M "
                f"availability-zone={m.zone}")
    mod = StatusValue("idle", "", m.agent_status.since)
    return {"id": m.id, "instance-id": m.instance_id, "display-name": "",
            "agent-status": detailed(m.agent_status, "machine"),
            "instance-status": detailed(m.instance_status, "machine"),
            "modification-status": detailed(mod, "machine"), "base": base_doc(m.base),
            "dns-name": m.addresses[0].value if m.addresses else "",
            "ip-addresses": [a.value for a in m.addresses], "hostname": m.hostname,
            "jobs": ["JobHostUnits"], "has-vote": False, "wants-vote": False,
            "containers": containers, "constraints": m.constraints, "hardware": hardware,
            "network-interfaces": {}, "lxd-profiles": {},
            "primary-controller-machine": False}


def containers_by_host(model: ModelState) -> dict[str, list[Machine]]:
    """Containers grouped by their host machine, in model order."""
    out: dict[str, list[Machine]] = {}
    for machine in model.machines.values():
        if machine.parent:
            out.setdefault(machine.parent, []).append(machine)
    return out


def unit_status(model: ModelState, unit: Unit, leader: bool) -> dict[str, Any]:
    """A ``UnitStatus`` with its subordinates nested."""
    workload, agent = unit_statuses(unit)
    machine = model.machines.get(unit.machine_id)
    address = machine.addresses[0].value if machine and machine.addresses else ""
    subs = {}
    for name in unit.subordinates:
        sub = model.units.get(name)
        if sub is not None:
            sub_app = model.applications[sub.application]
            subs[name] = unit_status(model, sub, sub_app.leader == name)
    return {"agent-status": detailed(agent, "agent"),
            "workload-status": detailed(workload, "workload"),
            "workload-version": unit.workload_version,
            "machine": "" if unit.principal else unit.machine_id, "leader": leader,
            "public-address": address, "address": address, "opened-ports": [],
            "subordinates": subs, "charm": "", "provider-id": ""}


def application_status(model: ModelState, app: Application,
                       units: list[Unit]) -> dict[str, Any]:
    """An ``ApplicationStatus``."""
    all_units = model.units_of(app.name)
    status = app.status or derive([unit_statuses(u)[0] for u in all_units])
    newer = model.runtime.catalogue.newer_in_channel(app.charm.name, app.charm.track,
                                                     app.charm.risk, app.charm.revision)
    relations: dict[str, list[str]] = {}
    for rel in model.relations_of(app.name):
        for name, ep in rel.endpoints:
            if name == app.name:
                others = [n for n, _ in rel.endpoints if n != app.name] or [app.name]
                relations.setdefault(ep.name, []).extend(others)
    subordinate_to = sorted({model.units[u.principal].application for u in all_units
                             if u.principal and u.principal in model.units})
    return {
        "charm": app.charm_url, "charm-channel": app.charm.channel,
        "charm-rev": app.charm.revision, "charm-version": "", "charm-profile": "",
        "base": base_doc(app.base, with_risk=True),
        "can-upgrade-to": f"ch:{app.charm.arch}/{app.charm.name}-{newer}" if newer else "",
        "exposed": app.exposed, "life": "", "relations": relations,
        "subordinate-to": subordinate_to,
        "units": {} if app.subordinate else
        {u.name: unit_status(model, u, app.leader == u.name) for u in units},
        "status": detailed(status, "application"),
        "workload-version": app_workload_version(model, app),
        "endpoint-bindings": {"": "alpha", **{name: "alpha" for name in app.endpoints}},
        "int": len(all_units), "provider-id": "", "public-address": "",
        "meter-statuses": {}, "exposed-endpoints": {}}


def full_status(model: ModelState, patterns: list[str], version: str) -> dict[str, Any]:
    """The ``FullStatus`` result for ``patterns`` (all when empty)."""
    def wanted(*names: str) -> bool:
        return not patterns or any(fnmatch.fnmatch(n, p) for n in names for p in patterns)

    units = {name: u for name, u in model.units.items()
             if wanted(name, u.application, u.machine_id)}
    principal_units = [u for u in units.values() if not u.principal]
    apps = {a.name: a for a in model.applications.values()
            if wanted(a.name) or any(u.application == a.name for u in units.values())}
    machine_ids = {u.machine_id.split("/")[0] for u in units.values()}
    children = containers_by_host(model)
    machines = {mid: machine_status(model, m, children) for mid, m in model.machines.items()
                if not m.parent and (mid in machine_ids or wanted(mid))}
    return {
        "model": {"name": model.name, "type": "iaas", "cloud-tag": f"cloud-{model.cloud}",
                  "region": model.region, "version": version, "available-version": "",
                  "sla": "unsupported", "meter-status": {"color": "", "message": ""},
                  "model-status": detailed(model.status, "model")},
        "machines": machines,
        "applications": {name: application_status(
            model, app, [u for u in principal_units if u.application == name])
            for name, app in apps.items()},
        "remote-applications": {r.name: {
            "offer-url": r.offer_url, "offer-name": r.offer_name, "life": "",
            "endpoints": [{"name": e.name, "role": e.role, "interface": e.interface,
                           "limit": e.limit} for e in r.endpoints],
            "relations": {}, "status": detailed(r.status, "saas")}
            for r in model.remote_apps.values() if wanted(r.name)},
        "offers": {o.name: {
            "offer-name": o.name, "application-name": o.application,
            "charm": model.applications[o.application].charm_url,
            "endpoints": {e.name: {"name": e.name, "role": e.role, "interface": e.interface,
                                   "limit": e.limit} for e in offer_endpoints(model, o)},
            "total-connected-count": 0, "active-connected-count": 0}
            for o in model.offers.values()},
        "relations": [{"id": r.id, "key": r.key,
                       "interface": r.endpoints[0][1].interface,
                       "scope": "container" if any(e.scope == "container"
                                                   for _, e in r.endpoints) else "global",
                       "status": detailed(StatusValue(r.status, "", model.now()),
                                          "relation"),
                       "endpoints": [{"application": n, "name": e.name, "role": e.role,
                                      "subordinate": bool(model.applications.get(n)
                                                          and model.applications[n].subordinate)}
                                     for n, e in r.endpoints]}
                      for r in model.relations.values()],
        "branches": {}, "controller-timestamp": iso(model.now()),
        "storage": [], "filesystems": [], "volumes": [],
    }
