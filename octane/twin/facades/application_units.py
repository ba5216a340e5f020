"""Application facade handlers for deploy, units, relations and consumed offers.

libjuju 3.6 deploys Charmhub charms with ``DeployFromRepository`` whenever Application
v19+ is available (model/__init__.py ``deploy``: ``server_side_deploy``); its arguments
use Go field names without json tags (``ApplicationName``, ``CharmName``, ``ConfigYAML``,
``Placement``) and its results carry ``Errors``/``Info`` (capitalised, libjuju
``DeployFromRepositoryResult``).
"""

from __future__ import annotations

from typing import Any

import yaml

from octane.twin.errors import ApiError
from octane.twin.facades.common import untag
from octane.twin.state import activity, applications, offers, relations
from octane.twin.state.entities import Base, CharmRef, Endpoint
from octane.twin.state.model import ModelState
from octane.twin.wire.params import Params
from octane.twin.wire.routing import Call, bulk


def charm_name(url: str) -> str:
    """``ch:amd64/jammy/keystone-588`` or ``keystone`` -> ``keystone``."""
    name = url.split(":", 1)[-1].rsplit("/", 1)[-1]
    head, _, tail = name.rpartition("-")
    return head if tail.isdigit() and head else name


def _placements(items: list[Params]) -> list[dict[str, Any]]:
    return [{"scope": p.text("scope"), "directive": p.text("directive")} for p in items]


def _config_from_yaml(text: str, app_name: str) -> dict[str, Any]:
    if not text:
        return {}
    doc = yaml.safe_load(text) or {}
    section = doc.get(app_name, {}) if isinstance(doc, dict) else {}
    return {str(k): v for k, v in section.items() if k != "trust"}


def _deploy_one(model: ModelState, *, name: str, url: str, origin: Params,
                config: dict[str, Any], num_units: int,
                placements: list[dict[str, Any]]) -> None:
    catalogue = model.runtime.catalogue
    charm = charm_name(url)
    info = catalogue.get(charm)
    channel_track = origin.text("track") or "latest"
    channel_risk = origin.text("risk") or "stable"
    revision = origin.num("revision", -1)
    if revision < 0:
        revision = catalogue.resolve(charm, channel_track, channel_risk, None, True)
    ref = CharmRef(name=charm, revision=revision, track=channel_track, risk=channel_risk,
                   charm_id=info.charm_id, hash=model.runtime.ids.hex(64))
    base = origin.obj("base")
    app_base = Base(base.text("name", "ubuntu"), base.text("channel").split("/")[0]) \
        if base.text("channel") else Base.parse(model.default_base)
    app = applications.deploy(model, name=name, ref=ref, charm_url=ref.url, base=app_base,
                              config=config, num_units=0 if info.subordinate else num_units,
                              placements=placements, subordinate=info.subordinate)
    for ep_name, raw in info.endpoints.items():
        app.endpoints[ep_name] = Endpoint(ep_name, str(raw.get("role", "requirer")),
                                          str(raw.get("interface", ep_name)),
                                          str(raw.get("scope", "global")))


async def deploy(call: Call) -> dict[str, Any]:
    """Application.Deploy (one result per application)."""
    model = call.model

    def one(arg: Params) -> None:
        name = arg.text("application")
        config = _config_from_yaml(arg.text("config-yaml"), name)
        config.update(arg.mapping("config"))
        _deploy_one(model, name=name, url=arg.text("charm-url"), origin=arg.obj("charm-origin"),
                    config=config, num_units=arg.num("num-units"),
                    placements=_placements(arg.objs("placement")))
    return bulk(call.params.objs("applications"), one)


async def deploy_from_repository(call: Call) -> dict[str, Any]:
    """Application.DeployFromRepository: resolve and deploy in one server-side step."""
    model = call.model
    results: list[dict[str, Any]] = []
    for arg in call.params.objs("args"):
        name = arg.text("ApplicationName")
        url = arg.text("CharmName")
        charm = charm_name(url)
        channel = arg.text("channel") or "latest/stable"
        track, _, risk = channel.partition("/")
        origin = Params({"track": track, "risk": risk or "stable",
                         "revision": arg.get("revision"), "base": arg.mapping("base")})
        try:
            model.runtime.catalogue.get(charm)
            _deploy_one(model, name=name or charm, url=url, origin=origin,
                        config=_config_from_yaml(arg.text("ConfigYAML"), name or charm),
                        num_units=arg.num("num-units", 1),
                        placements=_placements(arg.objs("Placement")))
            app = model.applications[name or charm]
            results.append({"Errors": [], "PendingResourceUploads": [], "Info": {
                "name": app.charm.name, "revision": app.charm.revision,
                "channel": app.charm.channel, "effective-channel": app.charm.channel,
                "architecture": app.charm.arch,
                "base": {"name": app.base.name, "channel": app.base.channel}}})
        except ApiError as exc:
            results.append({"Errors": [exc.as_item()], "PendingResourceUploads": []})
    return {"Results": results}


async def add_units(call: Call) -> dict[str, Any]:
    """``juju add-unit``."""
    model = call.model
    app = model.application(call.params.text("application"))
    names = applications.add_units(model, app, call.params.num("num-units", 1),
                                   _placements(call.params.objs("placement")))
    return {"units": names}


async def destroy_unit(call: Call) -> dict[str, Any]:
    """``juju remove-unit``; a subordinate unit cannot be removed on its own."""
    model = call.model

    def one(arg: Params) -> dict[str, Any]:
        unit = model.unit_by_tag(arg.text("unit-tag"))
        if unit.principal:
            raise ApiError(f'unit "{unit.name}" is a subordinate, to remove use '
                           "remove-relation. Note: this will remove all units of "
                           f'"{unit.application}"', "")
        if not arg.flag("dry-run"):
            applications.remove_unit(model, unit)
        return {"info": {}}
    return bulk(call.params.objs("units"), one)


async def destroy_application(call: Call) -> dict[str, Any]:
    """``juju remove-application``."""
    model = call.model

    def one(arg: Params) -> dict[str, Any]:
        app = model.application(untag(arg.text("application-tag"), "application"))
        destroyed = [{"tag": u.tag} for u in model.units_of(app.name)]
        if not arg.flag("dry-run"):
            applications.destroy_application(model, app)
        return {"info": {"destroyed-units": destroyed}}
    return bulk(call.params.objs("applications"), one)


async def resolve_errors(call: Call) -> dict[str, Any]:
    """``juju resolved [--no-retry] <unit>`` (or every unit in error with ``all``)."""
    model = call.model
    if call.params.flag("all"):
        for unit in model.units.values():
            if unit.failed_hook:
                activity.resolve(model, unit, call.params.flag("retry"))
        return {"results": []}

    def one(entity: Params) -> None:
        activity.resolve(model, model.unit_by_tag(entity.text("tag")),
                         call.params.flag("retry"))
    return bulk(call.params.obj("tags").objs("entities"), one)


async def add_relation(call: Call) -> dict[str, Any]:
    """``juju integrate a b``: the endpoints chosen, keyed by application."""
    endpoints = [str(e) for e in call.params.seq("endpoints")]
    if len(endpoints) != 2:
        raise ApiError("a relation must involve two applications", "")
    rel = relations.add_relation(call.model, endpoints[0], endpoints[1])
    return {"endpoints": {name: ep.as_relation() for name, ep in rel.endpoints}}


async def destroy_relation(call: Call) -> dict[str, Any]:
    """``juju remove-relation a b`` (or by relation id)."""
    model = call.model
    rel_id = call.params.get("relation-id")
    if rel_id is not None and not call.params.seq("endpoints"):
        rel = next((r for r in model.relations.values() if r.id == int(rel_id)), None)
        if rel is None:
            raise ApiError(f"relation {rel_id} not found", "not found")
    else:
        endpoints = [str(e) for e in call.params.seq("endpoints")]
        rel = relations.find_relation(model, endpoints[0], endpoints[1])
    relations.remove_relation(model, rel)
    return {}


async def consume(call: Call) -> dict[str, Any]:
    """``juju consume``: add a remote application for an offer of this controller."""
    model = call.model

    def one(arg: Params) -> None:
        url = arg.text("offer-url")
        source, offer_name = call.controller.find_offer(url)
        offers.consume(model, source, source.offers[offer_name], arg.text("application-alias"))
    return bulk(call.params.objs("args"), one)


async def destroy_consumed(call: Call) -> dict[str, Any]:
    """``juju remove-saas``."""
    model = call.model

    def one(arg: Params) -> None:
        offers.remove_saas(model, untag(arg.text("application-tag"), "application"))
    return bulk(call.params.objs("applications"), one)


async def units_info(call: Call) -> dict[str, Any]:
    """UnitsInfo for each unit tag."""
    model = call.model

    def one(entity: Params) -> dict[str, Any]:
        unit = model.unit_by_tag(entity.text("tag"))
        machine = model.machines.get(unit.machine_id)
        address = machine.addresses[0].value if machine and machine.addresses else ""
        app = model.applications[unit.application]
        return {"result": {"tag": unit.tag, "workload-version": unit.workload_version,
                           "machine": unit.machine_id, "opened-ports": [],
                           "public-address": address, "address": address,
                           "charm": unit.charm_url, "leader": app.leader == unit.name,
                           "life": unit.life, "relation-data": [], "provider-id": ""}}
    return bulk(call.params.objs("entities"), one)


async def applications_info(call: Call) -> dict[str, Any]:
    """ApplicationsInfo for each application tag."""
    model = call.model

    def one(entity: Params) -> dict[str, Any]:
        app = model.application(untag(entity.text("tag"), "application"))
        return {"result": {"tag": f"application-{app.name}", "charm": app.charm.name,
                           "base": {"name": app.base.name, "channel": app.base.channel},
                           "channel": app.charm.channel, "constraints": {},
                           "principal": not app.subordinate, "exposed": app.exposed,
                           "remote": False, "life": app.life,
                           "endpoint-bindings": {"": "alpha"}}}
    return bulk(call.params.objs("entities"), one)
