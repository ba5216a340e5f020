"""Application (v19, v20): config, charm origin and refresh, units, relations, consume.

v19 and v20 have the same methods (libjuju ``_client19``/``_client20``); the twin serves
both from the same handlers. Unit, relation and deploy handlers are in
``application_units.py``. Config errors from ``SetConfigs`` are per item (libjuju raises
``JujuError``; reference notes §5.13); ``SetCharm``, ``AddUnits`` and ``AddRelation``
fail at call level as Juju's single-entity methods do.
"""

from __future__ import annotations

from typing import Any

from octane.twin.errors import ApiError
from octane.twin.facades import application_units as units
from octane.twin.facades.common import untag
from octane.twin.state import applications
from octane.twin.state.entities import Application, Base
from octane.twin.wire.params import Params
from octane.twin.wire.routing import Call, Facade, bulk


def config_doc(app: Application) -> dict[str, Any]:
    """Each option as ``{value?, source, type, description, default?}``.

    ``source`` is ``user`` for a value the operator set, ``default`` for a charm default,
    and ``unset`` (no value) for an option with neither.
    """
    out: dict[str, Any] = {}
    for name, option in sorted(app.options.items()):
        doc: dict[str, Any] = {"type": option.type, "description": option.description}
        if option.default is not None:
            doc["default"] = option.default
        if name in app.config:
            doc.update(value=app.config[name], source="user")
        elif option.default is not None:
            doc.update(value=option.default, source="default")
        else:
            doc["source"] = "unset"
        out[name] = doc
    return out


def origin_doc(app: Application) -> dict[str, Any]:
    """The application's ``CharmOrigin``."""
    charm = app.charm
    return {"source": charm.source, "type": "charm", "id": charm.charm_id, "hash": charm.hash,
            "revision": charm.revision, "track": charm.track, "risk": charm.risk,
            "architecture": charm.arch,
            "base": {"name": app.base.name, "channel": f"{app.base.channel}/stable"}}


async def get(call: Call) -> dict[str, Any]:
    """``juju config <app>`` (libjuju ``Application.get_config``)."""
    app = call.model.application(call.params.text("application"))
    return {"application": app.name, "charm": app.charm.name, "config": config_doc(app),
            "application-config": {"trust": {"value": False, "source": "default",
                                             "type": "bool", "default": False,
                                             "description": "Does this application have "
                                             "access to trusted credentials"}},
            "constraints": {}, "base": {"name": app.base.name,
                                        "channel": f"{app.base.channel}/stable"},
            "channel": app.charm.channel,
            "endpoint-bindings": {"": "alpha", **{n: "alpha" for n in app.endpoints}}}


async def set_configs(call: Call) -> dict[str, Any]:
    """``juju config <app> k=v`` for each application (per-item errors)."""
    model = call.model

    def one(arg: Params) -> None:
        app = model.application(arg.text("application"))
        applications.set_config(model, app, arg.mapping("config"))
    return bulk(call.params.objs("args"), one)


async def unset_configs(call: Call) -> dict[str, Any]:
    """``juju config <app> --reset k`` for each application."""
    model = call.model

    def one(arg: Params) -> None:
        app = model.application(arg.text("application"))
        applications.unset_config(model, app, [str(o) for o in arg.seq("options")])
    return bulk(call.params.objs("args"), one)


async def charm_config(call: Call) -> dict[str, Any]:
    """CharmConfig / GetConfig: the config of each application (``Results``, capital R,
    as the Go struct has no json tag)."""
    model = call.model
    items = call.params.objs("args") or call.params.objs("entities")

    def one(arg: Params) -> dict[str, Any]:
        name = arg.text("application") or untag(arg.text("tag"), "application")
        return {"config": config_doc(model.application(name))}
    return bulk(items, one, key="Results")


async def charm_url_origin(call: Call) -> dict[str, Any]:
    """The current charm URL and origin (first step of libjuju ``refresh``)."""
    app = call.model.application(call.params.text("application"))
    return {"url": app.charm_url, "charm-origin": origin_doc(app)}


async def set_charm(call: Call) -> dict[str, Any]:
    """``juju refresh``: switch the application's charm (added first via AddCharm)."""
    model = call.model
    app = model.application(call.params.text("application"))
    url = call.params.text("charm-url")
    if not url:
        raise ApiError("charm url is required", "not valid")
    applications.set_charm(model, app, url, call.params.mapping("charm-origin"),
                           force_units=call.params.flag("force-units"))
    return {}


async def leader(call: Call) -> dict[str, Any]:
    """The leader unit of an application."""
    name = untag(call.params.text("tag"), "application")
    return {"result": call.model.application(name).leader}


async def expose(call: Call) -> dict[str, Any]:
    """``juju expose``."""
    app = call.model.application(call.params.text("application"))
    app.exposed = True
    call.model.touch("application", app.name)
    return {}


async def unexpose(call: Call) -> dict[str, Any]:
    """``juju unexpose``."""
    app = call.model.application(call.params.text("application"))
    app.exposed = False
    call.model.touch("application", app.name)
    return {}


async def get_constraints(call: Call) -> dict[str, Any]:
    """Constraints of each application."""
    model = call.model

    def one(entity: Params) -> dict[str, Any]:
        model.application(untag(entity.text("tag"), "application"))
        return {"constraints": {}}
    return bulk(call.params.objs("entities"), one)


async def set_constraints(call: Call) -> dict[str, Any]:
    """Constraints are recorded but change nothing in the twin."""
    call.model.application(call.params.text("application"))
    return {}


async def charm_relations(call: Call) -> dict[str, Any]:
    """The charm's relation endpoint names."""
    app = call.model.application(call.params.text("application"))
    return {"charm-relations": sorted(app.endpoints)}


async def update_base(call: Call) -> dict[str, Any]:
    """``juju set-application-base``: new units get the new base."""
    model = call.model

    def one(arg: Params) -> None:
        app = model.application(untag(arg.obj("entity").text("tag"), "application"))
        base = arg.obj("base")
        app.base = Base(name=base.text("name", "ubuntu"),
                        channel=base.text("channel").split("/")[0])
        model.touch("application", app.name)
    return bulk(call.params.objs("args"), one)


async def scale(call: Call) -> dict[str, Any]:
    """Scaling is for Kubernetes models; an IaaS model refuses it per item."""
    def one(arg: Params) -> None:
        raise ApiError("scaling applications on a non-container model not supported",
                       "not supported")
    return bulk(call.params.objs("applications"), one)


async def set_suspended(call: Call) -> dict[str, Any]:
    """Only cross-model relations can be suspended (the twin models none as suspendable)."""
    def one(arg: Params) -> None:
        raise ApiError(f"cannot set status for relation {arg.num('relation-id')}: "
                       "relation is not a cross model relation", "not supported")
    return bulk(call.params.objs("args"), one)


async def merge_bindings(call: Call) -> dict[str, Any]:
    """Every endpoint is bound to the default space already."""
    return {"results": [{} for _ in call.params.seq("args")]}


FACADE = Facade("Application", (19, 20), {
    "Get": get, "SetConfigs": set_configs, "UnsetApplicationsConfig": unset_configs,
    "CharmConfig": charm_config, "GetConfig": charm_config,
    "GetCharmURLOrigin": charm_url_origin, "SetCharm": set_charm, "Leader": leader,
    "Expose": expose, "Unexpose": unexpose, "GetConstraints": get_constraints,
    "SetConstraints": set_constraints, "CharmRelations": charm_relations,
    "UpdateApplicationBase": update_base, "ScaleApplications": scale,
    "SetRelationsSuspended": set_suspended, "MergeBindings": merge_bindings,
    "Deploy": units.deploy, "DeployFromRepository": units.deploy_from_repository,
    "AddUnits": units.add_units, "DestroyUnit": units.destroy_unit,
    "DestroyApplication": units.destroy_application,
    "ResolveUnitErrors": units.resolve_errors, "AddRelation": units.add_relation,
    "DestroyRelation": units.destroy_relation, "Consume": units.consume,
    "DestroyConsumedApplications": units.destroy_consumed, "UnitsInfo": units.units_info,
    "ApplicationsInfo": units.applications_info,
})
