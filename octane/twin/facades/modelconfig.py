"""ModelConfig (v3): model config and constraints.

libjuju reads ``mode`` and ``charmhub-url`` from ModelGet before the first AllWatcher
Next, and uses ``charmhub-url`` for its direct Charmhub HTTP calls (charmhub.py), so the
twin points it at its own Charmhub port (reference notes §5.6)."""

from __future__ import annotations

from typing import Any

from octane.twin.errors import NOT_SUPPORTED, ApiError
from octane.twin.wire.routing import Call, Facade

#: Keys a model carries from creation ("model") rather than from defaults.
MODEL_SOURCED = ("name", "uuid", "type", "charmhub-url")


async def model_get(call: Call) -> dict[str, Any]:
    """``juju model-config``."""
    model = call.model
    return {"config": {k: {"value": v, "source": "model" if k in MODEL_SOURCED
                           or k in model.config_set else "default"}
                       for k, v in model.config.items()}}


async def model_set(call: Call) -> dict[str, Any]:
    """``juju model-config k=v``."""
    model = call.model
    values = call.params.mapping("config")
    for key in ("name", "uuid", "type", "agent-version"):
        if key in values:
            raise ApiError(f'cannot change "{key}" via model-config', "")
    model.config.update(values)
    model.config_set.update(values)
    model.touch("model", model.uuid)
    return {}


async def model_unset(call: Call) -> dict[str, Any]:
    """``juju model-config --reset k``."""
    model = call.model
    for key in call.params.seq("keys"):
        model.config.pop(str(key), None)
    model.touch("model", model.uuid)
    return {}


async def get_constraints(call: Call) -> dict[str, Any]:
    """Model constraints (libjuju reads ``arch`` before deploying)."""
    return {"constraints": dict(call.model.constraints)}


async def set_constraints(call: Call) -> dict[str, Any]:
    """Replace the model constraints."""
    call.model.constraints = dict(call.params.mapping("constraints"))
    return {}


async def sequences(call: Call) -> dict[str, Any]:
    """The model's sequences."""
    return {"sequences": dict(call.model.sequences)}


async def sla_level(call: Call) -> dict[str, Any]:
    """Always "unsupported" (no support contract)."""
    return {"result": "unsupported"}


async def set_sla_level(call: Call) -> dict[str, Any]:
    """SLAs need a support contract the twin cannot have."""
    raise ApiError("setting SLA level is not supported", NOT_SUPPORTED)


FACADE = Facade("ModelConfig", (3,), {
    "ModelGet": model_get, "ModelSet": model_set, "ModelUnset": model_unset,
    "GetModelConstraints": get_constraints, "SetModelConstraints": set_constraints,
    "Sequences": sequences, "SLALevel": sla_level, "SetSLALevel": set_sla_level,
})
