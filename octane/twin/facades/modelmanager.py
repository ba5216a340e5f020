"""ModelManager (v9, v10): model info, listing, creation and destruction.

libjuju's ``Model.connect`` opens a short-lived controller connection just for
``ModelInfo`` (reference notes §2); ``Controller.model_uuids``/``list_models`` read
``ListModelSummaries``. Unknown models in bulk calls are per-item errors.
"""

from __future__ import annotations

from typing import Any

from octane.twin.errors import ApiError
from octane.twin.facades.common import (
    model_info,
    model_status,
    model_summary,
    untag,
    user_model,
)
from octane.twin.wire.params import Params
from octane.twin.wire.routing import CONTROLLER, Call, Facade, bulk


async def info(call: Call) -> dict[str, Any]:
    """ModelInfo for each ``model-<uuid>`` entity."""
    def one(entity: Params) -> dict[str, Any]:
        uuid = untag(entity.text("tag"), "model")
        return {"result": model_info(call.controller, call.controller.model(uuid))}
    return bulk(call.params.objs("entities"), one)


async def list_models(call: Call) -> dict[str, Any]:
    """Models the user can see."""
    return {"user-models": [user_model(m) for m in call.controller.models.values()]}


async def list_summaries(call: Call) -> dict[str, Any]:
    """Model summaries (libjuju ``Controller.model_uuids``)."""
    return {"results": [{"result": model_summary(call.controller, m)}
                        for m in call.controller.models.values()]}


async def create(call: Call) -> dict[str, Any]:
    """``juju add-model``: an empty model."""
    name = call.params.text("name")
    if not name:
        raise ApiError("model name is required", "not valid")
    owner = untag(call.params.text("owner-tag") or "user-admin", "user")
    config = {k: v for k, v in call.params.mapping("config").items() if k != "authorized-keys"}
    model = call.controller.create_model(name, owner=owner, config=config)
    return model_info(call.controller, model)


async def destroy(call: Call) -> dict[str, Any]:
    """``juju destroy-model``; each model is its own result."""
    def one(item: Params) -> None:
        call.controller.destroy_model(untag(item.text("model-tag"), "model"))
    return bulk(call.params.objs("models"), one)


async def status(call: Call) -> dict[str, Any]:
    """ModelStatus for each entity."""
    def one(entity: Params) -> dict[str, Any]:
        uuid = untag(entity.text("tag"), "model")
        return model_status(call.controller, call.controller.model(uuid))
    return bulk(call.params.objs("entities"), one, key="models")


async def modify_access(call: Call) -> dict[str, Any]:
    """Only admin exists; grants succeed without effect."""
    return {"results": [{} for _ in call.params.seq("changes")]}


async def defaults(call: Call) -> dict[str, Any]:
    """No cloud-level defaults beyond the built-in ones."""
    return {"results": [{"config": {}} for _ in call.params.seq("entities")]}


FACADE = Facade("ModelManager", (9, 10), {
    "ModelInfo": info, "ListModels": list_models, "ListModelSummaries": list_summaries,
    "CreateModel": create, "DestroyModels": destroy, "ModelStatus": status,
    "ModifyModelAccess": modify_access, "ModelDefaultsForClouds": defaults,
}, scope=CONTROLLER)
