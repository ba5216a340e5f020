"""What a wire handler receives and returns, and what a route is.

Handlers are plain functions ``(Request) -> Reply``: parse the request, call the backend,
shape the result. Everything HTTP-specific (tokens, maintenance, microversion negotiation,
JSON, error bodies) is done once by the server around them, driven by the route's data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from octane.twin.openstack.errors import ApiError, Dialect
from octane.twin.openstack.identity import is_admin
from octane.twin.openstack.microversions import Microversion
from octane.twin.openstack.model import Token
from octane.twin.openstack.state import OpenStackState

TRUE_WORDS = frozenset({"1", "true", "yes", "on", "t", "y", ""})


@dataclass
class Request:
    """One parsed request: who sent it, at which microversion, with which inputs."""

    state: OpenStackState
    token: Token | None
    microversion: Microversion | None
    query: Mapping[str, str]
    body: Any
    match: Mapping[str, str]
    headers: Mapping[str, str]
    service_url: str

    @property
    def mv(self) -> Microversion:
        """The negotiated microversion (routes of microversioned services always have one)."""
        assert self.microversion is not None, "route has no microversions"
        return self.microversion

    def require_admin(self, rule: str) -> Token:
        """The token, if it carries the admin role; else the 403 oslo.policy produces."""
        if self.token is None or not is_admin(self.token):
            raise ApiError(403, f"Policy doesn't allow {rule} to be performed.")
        return self.token

    def flag(self, name: str) -> bool:
        """A boolean query parameter the way Nova reads them (present and not false)."""
        value = self.query.get(name)
        return value is not None and value.strip().lower() in TRUE_WORDS

    def body_object(self, key: str) -> Mapping[str, Any]:
        """``body[key]`` as a mapping, or the 400 a schema validator sends."""
        value = self.body.get(key) if isinstance(self.body, Mapping) else None
        if not isinstance(value, Mapping):
            raise ApiError(400, f"Invalid input for field/attribute {key}. "
                                f"Value: {value}. {value!r} is not of type 'object'")
        return value


@dataclass
class Reply:
    """Status, JSON body (``None`` for an empty body) and extra headers."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Request], Reply]


@dataclass(frozen=True)
class Route:
    """One API operation as data: method, path under the service, handler, and policy.

    ``public`` routes (version discovery, token issue) need no token; ``write`` routes are
    refused with 503 while the state is in maintenance.
    """

    method: str
    path: str
    handler: Handler
    public: bool = False
    write: bool = False


@dataclass(frozen=True)
class Api:
    """A served OpenStack service: URL prefix, error dialect, microversion header, routes.

    ``version_path`` is the versioned root links are built from (Nova's ``/v2.1``).
    """

    prefix: str
    dialect: Dialect
    routes: tuple[Route, ...]
    microversion_service: str | None = None
    legacy_header: str | None = None
    version_path: str = ""
