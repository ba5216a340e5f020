"""Bundle (v6): export the model as a bundle; plan a flat bundle's deployment.

``ExportBundle`` is what ``juju export-bundle`` (and an upgrade baseline) reads.
``GetChangesMapArgs`` computes the deploy plan on the server (real Juju uses its Go
bundlechanges library, reference notes §2); the twin plans *flat* bundles — charms,
top-level machines, applications, units with ``to:`` placement on bundle machines or
``lxd:N``, relations and expose — with the change names and argument keys libjuju's
``bundle.py`` change classes read. Overlays, offers and storage in bundles are not
planned (errors say so).
"""

from __future__ import annotations

from typing import Any

import yaml

from octane.twin.state.model import ModelState
from octane.twin.wire.routing import COMMON, Call, Facade


def export(model: ModelState) -> dict[str, Any]:
    """The model as a bundle document."""
    apps: dict[str, Any] = {}
    for app in model.applications.values():
        doc: dict[str, Any] = {"charm": app.charm.name, "channel": app.charm.channel,
                               "revision": app.charm.revision}
        units = [u for u in model.units_of(app.name) if not u.principal]
        if not app.subordinate:
            doc["num_units"] = len(units)
            doc["to"] = [u.machine_id.replace("/lxd/", ":lxd:").split(":", 1)[-1]
                         if "/" not in u.machine_id else
                         f"lxd:{u.machine_id.split('/')[0]}" for u in units]
        if app.config:
            doc["options"] = dict(sorted(app.config.items()))
        if str(app.base) != model.default_base:
            doc["base"] = str(app.base)
        if app.exposed:
            doc["expose"] = True
        apps[app.name] = doc
    machines = {m.id: ({"constraints": m.constraints} if m.constraints else {})
                for m in model.machines.values() if not m.parent}
    relations = [[f"{n}:{e.name}" for n, e in r.endpoints] for r in model.relations.values()]
    bundle: dict[str, Any] = {"default-base": model.default_base, "applications": apps,
                              "machines": machines, "relations": relations}
    if model.offers:
        bundle["--- # overlay.yaml"] = None
    return bundle


async def export_bundle(call: Call) -> dict[str, Any]:
    """``juju export-bundle``."""
    doc = export(call.model)
    doc.pop("--- # overlay.yaml", None)
    return {"result": yaml.safe_dump(doc, sort_keys=False)}


def plan(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """(changes, errors) for a flat bundle."""
    try:
        doc = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        return [], [f"cannot parse bundle: {exc}"]
    if not isinstance(doc, dict):
        return [], ["bundle must be a mapping"]
    errors = [f"bundle key {k!r} is not supported by the twin" for k in ("saas", "offers")
              if k in doc]
    changes: list[dict[str, Any]] = []

    def add(method: str, args: dict[str, Any], requires: list[str]) -> str:
        change_id = f"{method}-{len(changes)}"
        changes.append({"id": change_id, "method": method, "args": args,
                        "requires": requires})
        return change_id

    apps = doc.get("applications") or doc.get("services") or {}
    charms: dict[str, str] = {}
    deploys: dict[str, str] = {}
    for name, app in apps.items():
        charm = str(app.get("charm", name))
        if charm not in charms:
            args: dict[str, Any] = {"charm": charm}
            if app.get("channel"):
                args["channel"] = app["channel"]
            if app.get("revision") is not None:
                args["revision"] = app["revision"]
            charms[charm] = add("addCharm", args, [])
        deploys[name] = add("deploy", {
            "charm": f"${charms[charm]}", "application": name,
            "options": app.get("options") or {}, "constraints": app.get("constraints", ""),
            "channel": app.get("channel", ""), "num-units": 0}, [charms[charm]])
    machines = {str(mid): add("addMachines", {"constraints": (m or {}).get("constraints", "")},
                              []) for mid, m in (doc.get("machines") or {}).items()}
    for name, app in apps.items():
        targets = [str(t) for t in app.get("to") or []]
        for index in range(int(app.get("num_units", 0) or 0)):
            target = targets[index] if index < len(targets) else ""
            requires = [deploys[name]]
            args = {"application": f"${deploys[name]}"}
            if target.startswith("lxd:"):
                host = machines.get(target[4:])
                if host is None:
                    errors.append(f"application {name}: unknown machine {target[4:]}")
                    continue
                container = add("addMachines", {"container-type": "lxd",
                                                "parent-id": f"${host}"}, [host])
                args["to"] = f"${container}"
                requires.append(container)
            elif target:
                if target not in machines:
                    errors.append(f"application {name}: unknown machine {target}")
                    continue
                args["to"] = f"${machines[target]}"
                requires.append(machines[target])
            add("addUnit", args, requires)
        if app.get("expose"):
            add("expose", {"application": f"${deploys[name]}"}, [deploys[name]])
    for pair in doc.get("relations") or []:
        ends = []
        for end in pair:
            app_name, _, ep = str(end).partition(":")
            if app_name not in deploys:
                errors.append(f"relation {pair}: application {app_name} is not in the bundle")
                break
            ends.append(f"${deploys[app_name]}" + (f":{ep}" if ep else ""))
        if len(ends) == 2:
            add("addRelation", {"endpoint1": ends[0], "endpoint2": ends[1]},
                [e.split(":")[0][1:] for e in ends])
    return changes, errors


async def changes_map_args(call: Call) -> dict[str, Any]:
    """The deploy plan with named arguments."""
    changes, errors = plan(call.params.text("yaml"))
    return {"changes": changes, "errors": errors}


async def changes_positional(call: Call) -> dict[str, Any]:
    """The deploy plan with positional arguments (old clients)."""
    changes, errors = plan(call.params.text("yaml"))
    return {"changes": [dict(c, args=list(c["args"].values())) for c in changes],
            "errors": errors}


FACADE = Facade("Bundle", (6,), {
    "ExportBundle": export_bundle, "GetChangesMapArgs": changes_map_args,
    "GetChanges": changes_positional,
}, scope=COMMON)
