"""Resources (v3): the twin's charms carry no resources.

libjuju's refresh lists resources (``ListResources``) and compares them with Charmhub's
``default-release.resources`` (empty in the twin's Charmhub), so no upload is attempted.
"""

from __future__ import annotations

from typing import Any

from octane.twin.facades.common import untag
from octane.twin.wire.params import Params
from octane.twin.wire.routing import Call, Facade, bulk


async def list_resources(call: Call) -> dict[str, Any]:
    """Resources of each application."""
    model = call.model

    def one(entity: Params) -> dict[str, Any]:
        model.application(untag(entity.text("tag"), "application"))
        return {"resources": [], "charm-store-resources": [], "unit-resources": []}
    return bulk(call.params.objs("entities"), one)


async def add_pending(call: Call) -> dict[str, Any]:
    """Pending ids for resources a client uploads next."""
    resources = call.params.seq("resources")
    return {"pending-ids": [call.model.runtime.ids.uuid() for _ in resources]}


FACADE = Facade("Resources", (3,), {"ListResources": list_resources,
                                    "AddPendingResources": add_pending})
