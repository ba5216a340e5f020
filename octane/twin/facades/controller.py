"""Controller (v11, v12): all models, model status, config, API info, WatchAllModels.

v12 dropped ``ModelConfig`` (libjuju ``_client12``)."""

from __future__ import annotations

from typing import Any

from octane.twin.facades import allwatcher
from octane.twin.facades.common import model_status, untag, user_model
from octane.twin.state.controller import SERVER_VERSION
from octane.twin.wire.params import Params
from octane.twin.wire.routing import CONTROLLER, Call, Facade, Method, bulk


async def all_models(call: Call) -> dict[str, Any]:
    """Every model (libjuju uses it when a model is missing from models.yaml)."""
    return {"user-models": [user_model(m) for m in call.controller.models.values()]}


async def status(call: Call) -> dict[str, Any]:
    """ModelStatus for each entity."""
    def one(entity: Params) -> dict[str, Any]:
        uuid = untag(entity.text("tag"), "model")
        return model_status(call.controller, call.controller.model(uuid))
    return bulk(call.params.objs("entities"), one, key="models")


async def config(call: Call) -> dict[str, Any]:
    """Controller config."""
    ctl = call.controller
    return {"config": {"controller-uuid": ctl.uuid, "controller-name": ctl.name,
                       "api-port": int((ctl.api_endpoints or ["127.0.0.1:0"])[0]
                                       .rsplit(":", 1)[1]),
                       "ca-cert": ctl.ca_cert}}


async def version(call: Call) -> dict[str, Any]:
    """The controller's version."""
    return {"version": SERVER_VERSION, "git-commit": "twin"}


async def api_info(call: Call) -> dict[str, Any]:
    """Addresses and CA for each model."""
    def one(entity: Params) -> dict[str, Any]:
        call.controller.model(untag(entity.text("tag"), "model"))
        return {"addresses": list(call.controller.api_endpoints),
                "cacert": call.controller.ca_cert}
    return bulk(call.params.objs("entities"), one)


async def watch_all_models(call: Call) -> dict[str, Any]:
    """Start an AllModelWatcher."""
    return {"watcher-id": allwatcher.watch_all_models(call)}


async def model_config(call: Call) -> dict[str, Any]:
    """The controller model's config (v11 only)."""
    model = next(m for m in call.controller.models.values() if m.is_controller)
    return {"config": {k: {"value": v, "source": "model"} for k, v in model.config.items()}}


async def access(call: Call) -> dict[str, Any]:
    """Every known user is a superuser."""
    return {"results": [{"result": {"access": "superuser"}}
                        for _ in call.params.seq("entities")]}


async def blocked(call: Call) -> dict[str, Any]:
    """No model has blocks."""
    return {"models": []}


async def identity_url(call: Call) -> dict[str, Any]:
    """No external identity provider."""
    return {"result": ""}


async def hosted_configs(call: Call) -> dict[str, Any]:
    """Config of every hosted model."""
    return {"models": [{"name": m.name, "owner": f"user-{m.owner}", "config": dict(m.config)}
                       for m in call.controller.models.values() if not m.is_controller]}


FACADE = Facade("Controller", (11, 12), {
    "AllModels": all_models, "ModelStatus": status, "ControllerConfig": config,
    "ControllerVersion": version, "ControllerAPIInfoForModels": api_info,
    "WatchAllModels": watch_all_models, "ModelConfig": Method(model_config, versions=(11,)),
    "GetControllerAccess": access, "ListBlockedModels": blocked,
    "IdentityProviderURL": identity_url, "HostedModelConfigs": hosted_configs,
}, scope=CONTROLLER)
