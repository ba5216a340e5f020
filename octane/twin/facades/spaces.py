"""Spaces (v6): one space, ``alpha``, Juju's default, holding every address."""

from __future__ import annotations

from typing import Any

from octane.twin.errors import NOT_SUPPORTED, ApiError
from octane.twin.wire.params import Params
from octane.twin.wire.routing import Call, Facade, bulk


def _space() -> dict[str, Any]:
    return {"id": "0", "name": "alpha", "subnets": []}


async def list_spaces(call: Call) -> dict[str, Any]:
    """``juju spaces``."""
    return {"results": [_space()]}


async def show_space(call: Call) -> dict[str, Any]:
    """``juju show-space alpha``."""
    def one(entity: Params) -> dict[str, Any]:
        if entity.text("tag") != "space-alpha":
            raise ApiError(f'space "{entity.text("tag")[6:]}" not found', "not found")
        return {"space": _space(), "applications": sorted(call.model.applications),
                "machine-count": len(call.model.machines)}
    return bulk(call.params.objs("entities"), one)


async def change(call: Call) -> dict[str, Any]:
    """The twin's network is fixed."""
    raise ApiError("changing spaces is not supported by the twin", NOT_SUPPORTED)


FACADE = Facade("Spaces", (6,), {
    "ListSpaces": list_spaces, "ShowSpace": show_space, "CreateSpaces": change,
    "RemoveSpace": change, "RenameSpace": change, "MoveSubnets": change,
    "ReloadSpaces": change,
})
