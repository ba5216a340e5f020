"""The admin side channel: faults, the clock, state snapshots — never the Juju API.

Plain HTTP on loopback, on its own port, guarded by a random bearer token written 0600
into the twin's data dir (moto's "admin side channel ... never mixed into the real API",
STYLE.md). Tests and demos use :class:`octane.twin.testing.AdminClient`; the ``juju``
shim uses the ``/cli/*`` routes (``admin_cli.py``).

Routes (JSON in, JSON out):

- ``GET  /health``                       → ``{"ok": true}`` (no token needed)
- ``GET  /clock``                        → ``{"now", "scale"}``
- ``POST /clock/advance {seconds}``      → move scenario time forward
- ``GET  /state[?model=]``               → models, units, statuses, versions
- ``POST /faults/drop-connections``      → cut every API connection (no close frame)
- ``POST /faults/cut-on {call, count}``  → the next ``count`` requests ``call``
  (``"Admin.Login"``, ``"AllWatcher.Next"``) cut their connection instead of an answer
- ``POST /faults/hook-fails {model, unit}``     → the unit's (or app's units') next hook fails
- ``POST /faults/never-settles {model, unit}``  → the next hook never finishes
- ``POST /faults/action-fails {model, unit, action, message}`` → the next run fails
- ``POST /config {model, application, values}`` → config changed behind octane's back
- ``GET  /calls``                        → the API calls served (facade, version, method,
  model uuid; ``cut: true`` for one a ``cut-on`` fault left unanswered), oldest first —
  a recording to assert what a client did
- ``POST /reset``                        → back to the scenario's initial state (same
  uuids and password; every API connection is cut)
"""

from __future__ import annotations

import hmac
import math
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from octane.twin.errors import ApiError
from octane.twin.state import applications
from octane.twin.state.entities import iso

if TYPE_CHECKING:
    from octane.twin.server import TwinServer

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def application(server: TwinServer, token: str) -> web.Application:
    """The admin app for ``server``."""
    from octane.twin import admin_cli

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path != "/health":
            sent = request.headers.get("Authorization", "").removeprefix("Bearer ")
            if not hmac.compare_digest(sent.encode(), token.encode()):
                return web.json_response({"error": "bad or missing admin token"}, status=401)
        try:
            return await handler(request)
        except ApiError as exc:
            return web.json_response({"error": exc.message, "code": exc.code}, status=400)
        except (KeyError, ValueError, TypeError) as exc:
            return web.json_response({"error": f"bad request: {exc}"}, status=400)

    app = web.Application(middlewares=[guard])
    routes = Routes(server)
    app.router.add_get("/health", routes.health)
    app.router.add_get("/clock", routes.clock)
    app.router.add_post("/clock/advance", routes.advance)
    app.router.add_get("/state", routes.state)
    app.router.add_post("/faults/drop-connections", routes.drop)
    app.router.add_post("/faults/cut-on", routes.cut_on)
    app.router.add_post("/faults/hook-fails", routes.hook_fails)
    app.router.add_post("/faults/never-settles", routes.never_settles)
    app.router.add_post("/faults/action-fails", routes.action_fails)
    app.router.add_post("/config", routes.config)
    app.router.add_get("/calls", routes.calls)
    app.router.add_post("/reset", routes.reset)
    admin_cli.add_routes(app, server)
    return app


class Routes:
    """Handlers of the admin routes."""

    def __init__(self, server: TwinServer) -> None:
        self.server = server

    @property
    def controller(self) -> Any:
        """The live controller state."""
        return self.server.controller

    async def health(self, request: web.Request) -> web.Response:
        """Liveness."""
        return web.json_response({"ok": True})

    async def clock(self, request: web.Request) -> web.Response:
        """Scenario time."""
        clock = self.controller.runtime.clock
        return web.json_response({"now": clock.now(), "iso": iso(clock.now()),
                                  "scale": clock.scale})

    async def advance(self, request: web.Request) -> web.Response:
        """Move scenario time forward and wake watchers."""
        body = await request.json()
        self.controller.runtime.clock.advance(float(body["seconds"]))
        self.server.poke()
        return await self.clock(request)

    async def state(self, request: web.Request) -> web.Response:
        """A snapshot for assertions: per model, apps and units with statuses."""
        self.controller.advance()
        wanted = request.query.get("model")
        out = {}
        for model in self.controller.models.values():
            if wanted and model.name != wanted:
                continue
            out[model.name] = {
                "uuid": model.uuid,
                "machines": {m.id: {"zone": m.zone, "hostname": m.hostname,
                                    "base": str(m.base),
                                    "addresses": [a.value for a in m.addresses]}
                             for m in model.machines.values()},
                "applications": {a.name: {"charm": a.charm.name, "channel": a.charm.channel,
                                          "revision": a.charm.revision,
                                          "charm-url": a.charm_url,
                                          "config": a.effective_config(), "leader": a.leader,
                                          "base": str(a.base)}
                                 for a in model.applications.values()},
                "units": {u.name: {"workload": u.workload.current,
                                   "message": u.workload.message, "agent": u.agent.current,
                                   "workload-version": u.workload_version,
                                   "machine": u.machine_id, "queue": [
                                       op.name for op in u.queue],
                                   "busy-until": max((op.end or 0.0 for op in u.queue),
                                                     default=0.0)}
                          for u in model.units.values()},
                "relations": sorted(model.relations),
                "offers": sorted(model.offers),
                "saas": sorted(model.remote_apps),
            }
        return web.json_response(out, dumps=_dumps)

    async def drop(self, request: web.Request) -> web.Response:
        """Cut every API connection."""
        return web.json_response({"dropped": self.server.api.drop_connections()})

    async def cut_on(self, request: web.Request) -> web.Response:
        """Cut the connection of the next ``count`` requests ``call``."""
        body = await request.json()
        call, count = str(body["call"]), int(body.get("count", 1))
        if "." not in call or count < 1:
            raise ValueError("call is 'Facade.Method' and count at least 1")
        self.server.api.cut_on(call, count)
        return web.json_response({"call": call, "pending": self.server.api.cuts[call]})

    def _units(self, body: dict[str, Any]) -> tuple[str, list[str]]:
        model = self.controller.model_by_name(body["model"])
        target = str(body["unit"])
        if "/" in target:
            model.unit(target)
            return model.name, [target]
        return model.name, [u.name for u in model.units_of(model.application(target).name)]

    async def hook_fails(self, request: web.Request) -> web.Response:
        """Arm a hook failure."""
        model, units = self._units(await request.json())
        for unit in units:
            self.controller.runtime.faults.fail_next_hook.add((model, unit))
        return web.json_response({"armed": units})

    async def never_settles(self, request: web.Request) -> web.Response:
        """Arm a settle that never finishes."""
        model, units = self._units(await request.json())
        for unit in units:
            self.controller.runtime.faults.never_settle.add((model, unit))
        return web.json_response({"armed": units})

    async def action_fails(self, request: web.Request) -> web.Response:
        """Arm an action failure."""
        body = await request.json()
        model, _ = self._units(body)
        message = str(body.get("message") or "action failed (injected by the twin)")
        self.controller.runtime.faults.fail_action[(model, str(body["unit"]),
                                                    str(body["action"]))] = message
        return web.json_response({"armed": [body["unit"]]})

    async def config(self, request: web.Request) -> web.Response:
        """Change config as an operator would with ``juju config``, outside octane."""
        body = await request.json()
        model = self.controller.model_by_name(body["model"])
        app = model.application(body["application"])
        values = {str(k): v if isinstance(v, str) else _as_text(v)
                  for k, v in dict(body["values"]).items()}
        changed = applications.set_config(model, app, values)
        self.server.poke()
        return web.json_response({"changed": changed})


    async def calls(self, request: web.Request) -> web.Response:
        """The recording of API calls."""
        return web.json_response({"calls": list(self.server.api.calls)})

    async def reset(self, request: web.Request) -> web.Response:
        """Rebuild the state from the scenario."""
        self.server.reset()
        return web.json_response({"reset": True})


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _dumps(obj: Any) -> str:
    import json

    def clean(value: Any) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value
    return json.dumps(clean(obj))
