"""Secrets (v1, v2): user secrets kept in memory per model.

v1 has only ``ListSecrets``; v2 adds create, update, remove, grant and revoke
(libjuju ``_client1``/``_client2``)."""

from __future__ import annotations

from typing import Any

from octane.twin.errors import not_found
from octane.twin.state.entities import iso
from octane.twin.wire.params import Params
from octane.twin.wire.routing import Call, Facade, Method, bulk


async def list_secrets(call: Call) -> dict[str, Any]:
    """``juju secrets``."""
    model = call.model
    show = call.params.flag("show-secrets")
    results = []
    for uri, secret in model.secrets.items():
        doc = {"uri": uri, "label": secret.get("label", ""), "version": 1,
               "owner-tag": f"model-{model.uuid}", "latest-revision": secret["revision"],
               "description": secret.get("description", ""), "rotate-policy": "",
               "create-time": iso(secret["created"]), "update-time": iso(secret["created"]),
               "revisions": [{"revision": secret["revision"]}], "access": []}
        if show:
            doc["value"] = {"data": dict(secret["data"])}
        results.append(doc)
    return {"results": results}


async def create(call: Call) -> dict[str, Any]:
    """``juju add-secret``."""
    model = call.model

    def one(arg: Params) -> dict[str, Any]:
        uri = f"secret:{model.runtime.ids.hex(20)}"
        model.secrets[uri] = {"label": arg.text("label"), "description": arg.text("description"),
                              "data": arg.obj("content").mapping("data"), "revision": 1,
                              "created": model.now()}
        return {"result": uri}
    return bulk(call.params.objs("args"), one)


def _secret(call: Call, uri: str) -> dict[str, Any]:
    for key, secret in call.model.secrets.items():
        if key == uri or secret.get("label") == uri:
            return secret
    raise not_found(f'secret "{uri}"')


async def update(call: Call) -> dict[str, Any]:
    """``juju update-secret``: a new revision."""
    def one(arg: Params) -> None:
        secret = _secret(call, arg.text("uri") or arg.text("existing-label"))
        data = arg.obj("content").mapping("data")
        if data:
            secret["data"] = data
            secret["revision"] += 1
    return bulk(call.params.objs("args"), one)


async def remove(call: Call) -> dict[str, Any]:
    """``juju remove-secret``."""
    def one(arg: Params) -> None:
        uri = arg.text("uri")
        _secret(call, uri)
        call.model.secrets.pop(uri, None)
    return bulk(call.params.objs("args"), one)


async def grant(call: Call) -> dict[str, Any]:
    """``juju grant-secret`` / ``revoke-secret``: access is not modelled."""
    _secret(call, call.params.text("uri"))
    return {"results": [{} for _ in call.params.seq("applications")]}


FACADE = Facade("Secrets", (1, 2), {
    "ListSecrets": list_secrets,
    "CreateSecrets": Method(create, versions=(2,)), "UpdateSecrets": Method(update, (2,)),
    "RemoveSecrets": Method(remove, (2,)), "GrantSecret": Method(grant, (2,)),
    "RevokeSecret": Method(grant, (2,)),
})
