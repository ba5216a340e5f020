"""Admin (v3): Login with user and password.

Login facts (reference notes §1): ``server-version`` must have major 3 or libjuju refuses
the server; ``facades`` drives version negotiation; ``user-info.identity`` names the user.
A model connection to an unknown uuid fails with ``unknown model: "<uuid>"`` (code
``model not found``); a wrong password with ``invalid entity name or password`` (code
``unauthorized access``, Juju's ``ErrBadCreds``). Macaroon logins are not supported: the
twin always has a password in accounts.yaml.
"""

from __future__ import annotations

from typing import Any

from octane.twin.errors import UNAUTHORIZED, ApiError
from octane.twin.state.controller import SERVER_VERSION
from octane.twin.wire.routing import COMMON, Call, Facade


async def login(call: Call) -> dict[str, Any]:
    """Check the credentials and describe the controller."""
    controller = call.controller
    session = call.session
    if session.model_uuid is not None:
        model = controller.model(session.model_uuid)
    else:
        model = next(m for m in controller.models.values() if m.is_controller)
    tag = call.params.text("auth-tag")
    user = tag[len("user-"):] if tag.startswith("user-") else ""
    password = call.params.text("credentials")
    if not user or controller.users.get(user) != password or not password:
        raise ApiError("invalid entity name or password", UNAUTHORIZED)
    session.user = user
    session.logged_in = True
    servers = [[{"value": host, "port": int(port), "type": "ipv4", "scope": "local-machine"}]
               for host, port in (e.rsplit(":", 1) for e in controller_endpoints(call))]
    return {
        "servers": servers, "model-tag": f"model-{model.uuid}",
        "controller-tag": f"controller-{controller.uuid}",
        "user-info": {"display-name": user, "identity": f"user-{user}",
                      "controller-access": "superuser",
                      "model-access": "" if session.controller_only else "admin"},
        "facades": call.extra["advertised"], "server-version": SERVER_VERSION,
        "public-dns-name": "",
    }


def controller_endpoints(call: Call) -> list[str]:
    """The API addresses (``host:port``) the server listens on."""
    return list(call.controller.api_endpoints)


async def redirect_info(call: Call) -> dict[str, Any]:
    """The twin never redirects."""
    raise ApiError("not redirected", "not found")


FACADE = Facade("Admin", (3,), {"Login": login, "RedirectInfo": redirect_info}, scope=COMMON)
