"""Cloud (v7): the one cloud the twin's controller runs on (MAAS by default).

libjuju's ``Controller.add_model`` reads ``Clouds`` to pick the controller's cloud."""

from __future__ import annotations

from typing import Any

from octane.twin.facades.common import untag
from octane.twin.state.controller import ControllerState
from octane.twin.wire.params import Params
from octane.twin.wire.routing import CONTROLLER, Call, Facade, bulk


def cloud_doc(controller: ControllerState) -> dict[str, Any]:
    """A ``Cloud`` document."""
    return {"type": controller.provider, "auth-types": ["oauth1"],
            "endpoint": "http://127.0.0.1/MAAS", "regions": [{"name": controller.region}]}


async def clouds(call: Call) -> dict[str, Any]:
    """Every cloud (one)."""
    return {"clouds": {f"cloud-{call.controller.cloud}": cloud_doc(call.controller)}}


async def cloud(call: Call) -> dict[str, Any]:
    """Each named cloud."""
    def one(entity: Params) -> dict[str, Any]:
        name = untag(entity.text("tag"), "cloud")
        if name != call.controller.cloud:
            from octane.twin.errors import not_found
            raise not_found(f'cloud "{name}"')
        return {"cloud": cloud_doc(call.controller)}
    return bulk(call.params.objs("entities"), one)


async def cloud_info(call: Call) -> dict[str, Any]:
    """Cloud details with the admin's access."""
    def one(entity: Params) -> dict[str, Any]:
        doc = cloud_doc(call.controller)
        doc.update(name=call.controller.cloud,
                   users=[{"user": "admin", "display-name": "admin", "access": "admin"}])
        return {"result": doc}
    return bulk(call.params.objs("entities"), one)


async def list_info(call: Call) -> dict[str, Any]:
    """Clouds the user can see."""
    doc = cloud_doc(call.controller)
    doc.update(name=call.controller.cloud, **{"user-access": "admin"})
    return {"results": [{"result": doc}]}


async def user_credentials(call: Call) -> dict[str, Any]:
    """The admin's credential for the cloud."""
    ctl = call.controller
    return {"results": [{"result": [f"cloudcred-{ctl.cloud}_admin_{ctl.cloud}"]}
                        for _ in call.params.seq("user-clouds")]}


async def credential(call: Call) -> dict[str, Any]:
    """Each credential (no secrets in the twin)."""
    return {"results": [{"result": {"auth-type": "oauth1", "attrs": {}, "redacted": []}}
                        for _ in call.params.seq("entities")]}


async def update_credentials(call: Call) -> dict[str, Any]:
    """Credentials are accepted and ignored."""
    return {"results": [{"credential-tag": c.get("tag", "") if isinstance(c, dict) else ""}
                        for c in call.params.seq("credentials")]}


FACADE = Facade("Cloud", (7,), {
    "Clouds": clouds, "Cloud": cloud, "CloudInfo": cloud_info, "ListCloudInfo": list_info,
    "UserCredentials": user_credentials, "Credential": credential,
    "UpdateCredentialsCheckModels": update_credentials,
}, scope=CONTROLLER)
