"""Annotations (v2): key/value notes on models, machines, applications and units."""

from __future__ import annotations

from typing import Any

from octane.twin.errors import ApiError
from octane.twin.facades.common import machine_id
from octane.twin.state.model import ModelState
from octane.twin.wire.routing import Call, Facade


def _store(model: ModelState, tag: str) -> dict[str, str]:
    kind, _, rest = tag.partition("-")
    if kind == "model":
        return model.annotations
    if kind == "application":
        return model.application(rest).annotations
    if kind == "unit":
        return model.unit_by_tag(tag).annotations
    if kind == "machine":
        return model.machine(machine_id(tag)).annotations
    raise ApiError(f'"{tag}" is not a valid tag', "")


async def get(call: Call) -> dict[str, Any]:
    """Annotations of each entity."""
    results = []
    for entity in call.params.objs("entities"):
        tag = entity.text("tag")
        try:
            results.append({"entity": tag, "annotations": dict(_store(call.model, tag))})
        except ApiError as exc:
            results.append({"entity": tag, "annotations": {},
                            "error": {"error": exc.as_item()}})
    return {"results": results}


async def set_(call: Call) -> dict[str, Any]:
    """Set annotations; an empty value removes the key (Juju's rule)."""
    results: list[dict[str, Any]] = []
    for item in call.params.objs("annotations"):
        try:
            store = _store(call.model, item.text("entity"))
            for key, value in item.mapping("annotations").items():
                if value == "":
                    store.pop(str(key), None)
                else:
                    store[str(key)] = str(value)
            results.append({})
        except ApiError as exc:
            results.append({"error": exc.as_item()})
    return {"results": results}


FACADE = Facade("Annotations", (2,), {"Get": get, "Set": set_})
