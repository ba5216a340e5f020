"""UserManager (v3): the controller's users (``admin`` plus any added)."""

from __future__ import annotations

import secrets
from typing import Any

from octane.twin.errors import ApiError, not_found
from octane.twin.facades.common import untag
from octane.twin.state.entities import iso
from octane.twin.wire.params import Params
from octane.twin.wire.routing import CONTROLLER, Call, Facade, bulk


def _info(call: Call, user: str) -> dict[str, Any]:
    if user not in call.controller.users:
        raise not_found(f'user "{user}"')
    return {"username": user, "display-name": user,
            "access": "superuser" if user == "admin" else "login", "created-by": "admin",
            "date-created": iso(0), "disabled": False,
            "last-connection": iso(call.controller.runtime.clock.now())}


async def user_info(call: Call) -> dict[str, Any]:
    """``juju show-user`` / ``juju users``."""
    entities = call.params.objs("entities")
    if not entities:
        return {"results": [{"result": _info(call, u)} for u in call.controller.users]}

    def one(entity: Params) -> dict[str, Any]:
        return {"result": _info(call, untag(entity.text("tag"), "user"))}
    return bulk(entities, one)


async def add_user(call: Call) -> dict[str, Any]:
    """``juju add-user``."""
    def one(item: Params) -> dict[str, Any]:
        name = item.text("username")
        if name in call.controller.users:
            raise ApiError(f'failed to create user: user "{name}" already exists',
                           "already exists")
        call.controller.users[name] = item.text("password") or secrets.token_urlsafe(12)
        return {"tag": f"user-{name}"}
    return bulk(call.params.objs("users"), one)


async def remove_user(call: Call) -> dict[str, Any]:
    """``juju remove-user`` (admin cannot be removed)."""
    def one(entity: Params) -> None:
        name = untag(entity.text("tag"), "user")
        if name == "admin":
            raise ApiError("cannot remove controller admin", "")
        if call.controller.users.pop(name, None) is None:
            raise not_found(f'user "{name}"')
    return bulk(call.params.objs("entities"), one)


async def set_password(call: Call) -> dict[str, Any]:
    """``juju change-user-password``."""
    def one(change: Params) -> None:
        name = untag(change.text("tag"), "user")
        _info(call, name)
        call.controller.users[name] = change.text("password")
    return bulk(call.params.objs("changes"), one)


async def accepted(call: Call) -> dict[str, Any]:
    """Enable/disable/reset are accepted per entity."""
    def one(entity: Params) -> None:
        _info(call, untag(entity.text("tag"), "user"))
    return bulk(call.params.objs("entities"), one)


async def model_user_info(call: Call) -> dict[str, Any]:
    """Users of each model."""
    return {"results": [{"result": {"user": "admin", "display-name": "admin",
                                    "access": "admin", "last-connection": None}}
                        for _ in call.params.seq("entities")]}


FACADE = Facade("UserManager", (3,), {
    "UserInfo": user_info, "AddUser": add_user, "RemoveUser": remove_user,
    "SetPassword": set_password, "EnableUser": accepted, "DisableUser": accepted,
    "ResetPassword": accepted, "ModelUserInfo": model_user_info,
}, scope=CONTROLLER)
