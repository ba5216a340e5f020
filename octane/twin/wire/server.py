"""The API port: TLS websockets at ``/api`` and ``/model/<uuid>/api``, JSON-RPC envelopes.

Envelope facts (reference notes §1, transcript):

- a request is ``{"type", "request", "version", "params", "Id"?, "request-id"}``;
- success is ``{"request-id": N, "response": {...}}``;
- an error is ``{"request-id": N, "error": msg, "error-code": code, "response": {}}`` —
  ``response`` must be present or libjuju's ``JujuAPIError`` raises ``KeyError``;
- libjuju sends many requests at once on one socket (``AllWatcher.Next`` blocks while
  ``FullStatus`` and ``Ping`` flow), so every request runs in its own task and replies are
  written under a lock, matched by ``request-id``;
- frames up to 64 MiB (libjuju ``Connection.MAX_FRAME_SIZE``).

Charm and resource uploads (``POST /model/<uuid>/charms`` and friends) share the port in
Juju; the twin answers them ``501`` (local charms are out of scope, notes §2).
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import json
import logging
import ssl
from typing import Any

from aiohttp import WSMsgType, web

from octane.twin.errors import ApiError
from octane.twin.state.controller import ControllerState
from octane.twin.wire.params import Params
from octane.twin.wire.routing import Call, Router
from octane.twin.wire.session import Session

LOG = logging.getLogger(__name__)
MAX_FRAME = 64 * 1024 * 1024
MAX_CALLS = 10_000


class ApiServer:
    """Serves the Juju API of one controller state."""

    def __init__(self, controller: ControllerState, router: Router,
                 ssl_context: ssl.SSLContext | None) -> None:
        self.controller = controller
        self.router = router
        self.ssl_context = ssl_context
        self.app = web.Application(client_max_size=MAX_FRAME)
        self.app.router.add_get("/api", self._api)
        self.app.router.add_get("/model/{uuid}/api", self._api)
        self.app.router.add_route("*", "/model/{uuid}/{rest:.*}", self._unsupported)
        self.connections: dict[int, tuple[web.WebSocketResponse, web.Request, Session]] = {}
        self._ids = itertools.count(1)
        self.requests_served = 0
        #: The calls served, oldest first (for the admin channel's ``/calls``), bounded.
        self.calls: collections.deque[dict[str, Any]] = collections.deque(maxlen=MAX_CALLS)
        #: ``"Facade.Method"`` → how many more arrivals of it cut their connection unanswered.
        self.cuts: dict[str, int] = {}

    async def _unsupported(self, request: web.Request) -> web.Response:
        return web.json_response({"error": "the twin does not accept uploads",
                                  "error-code": "not implemented"}, status=501)

    async def _api(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=MAX_FRAME, autoping=True)
        await ws.prepare(request)
        session = Session(next(self._ids), request.match_info.get("uuid"))
        LOG.debug("twin: connection %d opened", session.id)
        self.connections[session.id] = (ws, request, session)
        lock = asyncio.Lock()
        tasks: set[asyncio.Task[None]] = set()
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    task = asyncio.create_task(self._handle(ws, lock, session, msg.data))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                elif msg.type in (WSMsgType.ERROR, WSMsgType.CLOSE):
                    break
        finally:
            session.close()
            self.connections.pop(session.id, None)
            for task in tasks:
                task.cancel()
        return ws

    async def _handle(self, ws: web.WebSocketResponse, lock: asyncio.Lock, session: Session,
                      text: str) -> None:
        try:
            request = json.loads(text)
        except ValueError:
            return
        envelope = Params(request)
        request_id = envelope.get("request-id", 0)
        if self._cut(envelope, session):
            return
        try:
            response = await self.dispatch(session, envelope)
            reply: dict[str, Any] = {"request-id": request_id, "response": response}
        except ApiError as exc:
            reply = {"request-id": request_id, "error": exc.message, "error-code": exc.code,
                     "response": {}}
            if exc.info:
                reply["error-info"] = exc.info
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a twin bug: answer like a server fault, keep serving
            LOG.exception("twin failed on %s", text[:200])
            reply = {"request-id": request_id, "error": f"internal error: {exc}",
                     "error-code": "", "response": {}}
        self.requests_served += 1
        async with lock:
            if not ws.closed:
                await ws.send_str(json.dumps(reply))

    async def dispatch(self, session: Session, envelope: Params) -> dict[str, Any]:
        """Route one decoded request and return its ``response`` object."""
        facade = envelope.text("type")
        method = envelope.text("request")
        version = envelope.num("version")
        handler = self.router.lookup(facade, version, method,
                                     controller_only=session.controller_only,
                                     logged_in=session.logged_in)
        self.calls.append({"seq": self.requests_served, "facade": facade, "version": version,
                           "method": method, "model": session.model_uuid or ""})
        call = Call(controller=self.controller, session=session, facade=facade,
                    version=version, method=method, params=envelope.obj("params"),
                    watcher_id=envelope.text("id"),
                    extra={"advertised": self.router.advertised()})
        self.controller.advance()
        return await handler(call)

    def cut_on(self, call: str, count: int) -> None:
        """The next ``count`` requests ``call`` (``"Admin.Login"``) cut their connection."""
        self.cuts[call] = self.cuts.get(call, 0) + count

    def _cut(self, envelope: Params, session: Session) -> bool:
        """Abort the socket instead of answering, as a link failing mid-call does: the
        client sees the request sent and the connection gone with no close frame."""
        call = f"{envelope.get('type', '')}.{envelope.get('request', '')}"
        if self.cuts.get(call, 0) <= 0:
            return False
        self.cuts[call] -= 1
        self.calls.append({"seq": self.requests_served, "facade": envelope.text("type"),
                           "version": envelope.num("version"),
                           "method": envelope.text("request"),
                           "model": session.model_uuid or "", "cut": True})
        entry = self.connections.get(session.id)
        session.close()
        if entry is not None and entry[1].transport is not None:
            entry[1].transport.abort()
        return True

    def drop_connections(self) -> int:
        """Cut every API connection as a network failure would (no close frame)."""
        count = 0
        for _ws, request, session in list(self.connections.values()):
            session.close()
            transport = request.transport
            if transport is not None:
                transport.abort()
                count += 1
                LOG.debug("twin: cut connection %d (logged in: %s)", session.id,
                         session.logged_in)
        return count
