"""Storage (v6): the twin's machines have no Juju storage; listings are empty."""

from __future__ import annotations

from typing import Any

from octane.twin.errors import NOT_SUPPORTED, ApiError, not_found
from octane.twin.wire.params import Params
from octane.twin.wire.routing import Call, Facade, bulk


async def empty(call: Call) -> dict[str, Any]:
    """One empty result per filter."""
    return {"results": [{"result": []} for _ in (call.params.seq("filters") or [None])]}


async def pools(call: Call) -> dict[str, Any]:
    """The built-in pools of a MAAS model."""
    builtin = [{"name": "maas", "provider": "maas", "attrs": {}},
               {"name": "loop", "provider": "loop", "attrs": {}},
               {"name": "rootfs", "provider": "rootfs", "attrs": {}}]
    return {"results": [{"storage-pools": builtin}
                        for _ in (call.params.seq("filters") or [None])]}


async def details(call: Call) -> dict[str, Any]:
    """No storage instance exists."""
    def one(entity: Params) -> None:
        raise not_found(f'storage instance "{entity.text("tag")[8:]}"')
    return bulk(call.params.objs("entities"), one)


async def change(call: Call) -> dict[str, Any]:
    """Storage cannot be created in the twin."""
    raise ApiError("storage is not supported by the twin", NOT_SUPPORTED)


FACADE = Facade("Storage", (6,), {
    "ListStorageDetails": empty, "ListFilesystems": empty, "ListVolumes": empty,
    "ListPools": pools, "StorageDetails": details, "AddToUnit": change, "Attach": change,
    "CreatePool": change, "DetachStorage": change, "Import": change, "Remove": change,
    "RemovePool": change, "UpdatePool": change,
})
