"""Relations: endpoint matching, keys, and subordinate units that follow a relation.

Juju orders a relation's endpoints requirer first, then provider, then by name; the key
is the endpoints joined by a space (juju state/relation.go, ``epSlice`` and
``relationKey``). Relating a subordinate to a principal over a container-scoped
endpoint puts one subordinate unit beside every principal unit.
"""

from __future__ import annotations

from octane.twin.errors import ALREADY_EXISTS, ApiError
from octane.twin.state.entities import Application, Endpoint, Relation, RemoteApplication
from octane.twin.state.model import ModelState

_ROLE_ORDER = {"requirer": 0, "provider": 1, "peer": 2}
_COUNTERPART = {"requirer": "provider", "provider": "requirer"}


def relation_key(endpoints: list[tuple[str, Endpoint]]) -> str:
    """Juju's relation key for ``endpoints``."""
    ordered = sorted(endpoints, key=lambda e: (_ROLE_ORDER.get(e[1].role, 3),
                                               f"{e[0]}:{e[1].name}"))
    return " ".join(f"{app}:{ep.name}" for app, ep in ordered)


def _endpoints_of(model: ModelState, app_name: str) -> dict[str, Endpoint]:
    if app_name in model.applications:
        return model.applications[app_name].endpoints
    if app_name in model.remote_apps:
        return {ep.name: ep for ep in model.remote_apps[app_name].endpoints}
    raise ApiError(f'application "{app_name}" not found', "not found")


def _parse(spec: str) -> tuple[str, str]:
    app, _, name = spec.partition(":")
    return app, name


def match_endpoints(model: ModelState, spec1: str,
                    spec2: str) -> list[tuple[str, Endpoint]]:
    """Pick the two endpoints of a relation as ``juju integrate a[:x] b[:y]`` does."""
    (app1, name1), (app2, name2) = _parse(spec1), _parse(spec2)
    eps1, eps2 = _endpoints_of(model, app1), _endpoints_of(model, app2)
    candidates = []
    for ep1 in eps1.values():
        if name1 and ep1.name != name1:
            continue
        for ep2 in eps2.values():
            if name2 and ep2.name != name2:
                continue
            if ep1.interface == ep2.interface and _COUNTERPART.get(ep1.role) == ep2.role:
                candidates.append([(app1, ep1), (app2, ep2)])
    if not candidates:
        raise ApiError(f'no relations found between "{spec1}" and "{spec2}"', "")
    if len(candidates) > 1:
        options = ", ".join(relation_key(c) for c in candidates)
        raise ApiError(f'ambiguous relation: "{spec1} {spec2}" could refer to {options}', "")
    return candidates[0]


def add_relation(model: ModelState, spec1: str, spec2: str) -> Relation:
    """``juju integrate``: a new relation, and subordinate units where it is container-scoped."""
    endpoints = match_endpoints(model, spec1, spec2)
    key = relation_key(endpoints)
    if key in model.relations:
        raise ApiError(f'relation {key} already exists', ALREADY_EXISTS)
    rel = Relation(id=model.next_seq("relation"), key=key, endpoints=endpoints)
    model.relations[key] = rel
    model.touch("relation", key)
    _follow_principals(model, rel)
    for app_name, _ in endpoints:
        if app_name in model.applications:
            model.touch("application", app_name)
    return rel


def _follow_principals(model: ModelState, rel: Relation) -> None:
    """Put a subordinate unit beside each principal unit of a container-scoped relation."""
    from octane.twin.state import activity
    from octane.twin.state.applications import new_unit

    apps = [model.applications.get(name) for name, _ in rel.endpoints]
    if not all(isinstance(a, Application) for a in apps):
        return
    sub = next((a for a in apps if a is not None and a.subordinate), None)
    principal = next((a for a in apps if a is not None and not a.subordinate), None)
    scoped = any(ep.scope == "container" for _, ep in rel.endpoints)
    if sub is None or principal is None or not scoped:
        return
    for unit in model.units_of(principal.name):
        if any(s.split("/")[0] == sub.name for s in unit.subordinates):
            continue
        sub_unit = new_unit(model, sub, unit.machine_id, principal=unit.name,
                            status=("waiting", "agent initialising"), agent="allocating")
        activity.enqueue_hooks(model, sub_unit, ["install", "config-changed", "start"])


def find_relation(model: ModelState, spec1: str, spec2: str) -> Relation:
    """The existing relation between two endpoint specs (``juju remove-relation``)."""
    endpoints = match_endpoints(model, spec1, spec2)
    key = relation_key(endpoints)
    if key not in model.relations:
        raise ApiError(f'relation "{key}" not found', "not found")
    return model.relations[key]


def remove_relation(model: ModelState, rel: Relation) -> None:
    """Remove a relation; subordinate units it brought go with it."""
    model.relations.pop(rel.key, None)
    rel.life = "dead"
    model.log.remove("relation", rel.key, rel)
    from octane.twin.state.applications import remove_unit
    names = [name for name, _ in rel.endpoints]
    for name in names:
        app = model.applications.get(name)
        if app is not None and app.subordinate:
            still_related = any(n != name and n in names for n in names)
            if still_related:
                for unit in model.units_of(app.name):
                    principal_app = unit.principal.split("/")[0]
                    if principal_app in names:
                        remove_unit(model, unit)
        if app is not None:
            model.touch("application", name)


def remote_endpoints(remote: RemoteApplication) -> dict[str, Endpoint]:
    """Endpoints of a consumed offer by name."""
    return {ep.name: ep for ep in remote.endpoints}
