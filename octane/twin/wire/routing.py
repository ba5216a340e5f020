"""Routing as data: which facades, at which versions, with which methods.

Every facade module declares one :class:`Facade` (name, versions, methods); this module
dispatches a request to it and produces Juju's errors for everything else:

- unknown facade: ``unknown object type "X"`` (code ``not implemented``);
- version not served: ``unknown version (N) of interface "X"`` (``not implemented``);
- unknown method: ``no such request - method X(N).M is not implemented``
  (``not implemented``; reference notes §5, "Error paths");
- a model facade on a controller-only connection, or the reverse:
  ``facade "X" not supported for controller|model API connection`` (``not supported``;
  juju apiserver ``restrictRoot``).

The advertised list (``Admin.Login`` → ``facades``) is built from the same declarations,
so the twin can never advertise a version it does not serve.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from octane.twin.errors import NOT_IMPLEMENTED, NOT_SUPPORTED, UNAUTHORIZED, ApiError
from octane.twin.wire.params import Params

if TYPE_CHECKING:
    from octane.twin.state.controller import ControllerState
    from octane.twin.state.model import ModelState
    from octane.twin.wire.session import Session

Handler = Callable[["Call"], Awaitable[dict[str, Any]]]

#: Facades served on both connection kinds.
COMMON = "common"
#: Facades served only on a model connection (``/model/<uuid>/api``).
MODEL = "model"
#: Facades served only on a controller connection (``/api``).
CONTROLLER = "controller"


@dataclass(frozen=True)
class Method:
    """A method, optionally limited to some versions of its facade."""

    handler: Handler
    versions: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Facade:
    """A facade: name, served versions, methods, and which connections may use it."""

    name: str
    versions: tuple[int, ...]
    methods: dict[str, Method | Handler]
    scope: str = MODEL

    def method(self, name: str, version: int) -> Handler | None:
        """The handler of ``name`` at ``version``, or None."""
        entry = self.methods.get(name)
        if entry is None:
            return None
        if isinstance(entry, Method):
            if entry.versions is not None and version not in entry.versions:
                return None
            return entry.handler
        return entry


@dataclass
class Call:
    """One request as a handler sees it."""

    controller: ControllerState
    session: Session
    facade: str
    version: int
    method: str
    params: Params
    watcher_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def model(self) -> ModelState:
        """The connection's model (facades of scope MODEL only)."""
        uuid = self.session.model_uuid
        assert uuid is not None, "model facade on a controller connection"
        return self.controller.model(uuid)


class Router:
    """Dispatches requests to the declared facades."""

    def __init__(self, facades: list[Facade]) -> None:
        self.facades = {f.name: f for f in facades}

    def advertised(self) -> list[dict[str, Any]]:
        """The ``facades`` list of a Login result, sorted by name."""
        return [{"name": f.name, "versions": list(f.versions)}
                for f in sorted(self.facades.values(), key=lambda f: f.name)]

    def lookup(self, facade: str, version: int, method: str, *,
               controller_only: bool, logged_in: bool) -> Handler:
        """The handler for a request, or Juju's error for it."""
        spec = self.facades.get(facade)
        if spec is None:
            raise ApiError(f'unknown object type "{facade}"', NOT_IMPLEMENTED)
        if version not in spec.versions:
            raise ApiError(f'unknown version ({version}) of interface "{facade}"',
                           NOT_IMPLEMENTED)
        if not logged_in and facade not in ("Admin", "Pinger"):
            raise ApiError("not logged in", UNAUTHORIZED)
        if controller_only and spec.scope == MODEL:
            raise ApiError(f'facade "{facade}" not supported for controller API connection',
                           NOT_SUPPORTED)
        if not controller_only and spec.scope == CONTROLLER:
            raise ApiError(f'facade "{facade}" not supported for model API connection',
                           NOT_SUPPORTED)
        handler = spec.method(method, version)
        if handler is None:
            raise ApiError(f"no such request - method {facade}({version}).{method} is not "
                           "implemented", NOT_IMPLEMENTED)
        return handler


def bulk(items: list[Any], each: Callable[[Any], dict[str, Any] | None],
         key: str = "results") -> dict[str, Any]:
    """Run ``each`` per item; an :class:`ApiError` becomes that item's ``error``.

    Juju's bulk facades report errors per item, so libjuju raises ``JujuError`` (from
    ``results[*].error``), not ``JujuAPIError`` (reference notes §5.13).
    """
    results: list[dict[str, Any]] = []
    for item in items:
        try:
            results.append(each(item) or {})
        except ApiError as exc:
            results.append({"error": exc.as_item()})
    return {key: results}
