"""The HTTP server: every served API's routes on one loopback port, and the twin's entry point.

Everything a real deployment does around a service call is done here, once, from the route
data: settle time-derived state, refuse writes in maintenance (503), check the token (401,
as keystonemiddleware does), negotiate the microversion (406 out of range), parse JSON, call
the thin handler, render :class:`ApiError` in the service's dialect, echo the microversion
headers. Handlers never see HTTP.
"""

from __future__ import annotations

import json
import logging
import socket
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from octane.twin.clock import Clock
from octane.twin.openstack import identity, microversions
from octane.twin.openstack.cinder_api import CINDER
from octane.twin.openstack.credentials import clouds_yaml, openrc, write_clouds_yaml
from octane.twin.openstack.errors import ApiError, error_body, in_maintenance
from octane.twin.openstack.keystone_api import KEYSTONE
from octane.twin.openstack.microversions import CINDER_MIN, NOVA_MIN, Microversion
from octane.twin.openstack.neutron_api import NEUTRON
from octane.twin.openstack.nova_api import NOVA
from octane.twin.openstack.state import OpenStackState
from octane.twin.openstack.wire import Api, Reply, Request, Route

log = logging.getLogger(__name__)

APIS: tuple[Api, ...] = (KEYSTONE, NOVA, NEUTRON, CINDER)
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _range(state: OpenStackState, api: Api) -> tuple[Microversion, Microversion]:
    if api.microversion_service == "volume":
        return Microversion.parse(CINDER_MIN), state.versions.cinder_max
    return Microversion.parse(NOVA_MIN), state.versions.nova_max


async def _json(request: web.Request) -> Any:
    if not request.can_read_body:
        return None
    raw = await request.read()
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise ApiError(400, "Malformed request body") from None


def _handler(state: OpenStackState, api: Api,
             route: Route) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handle(request: web.Request) -> web.Response:
        headers: dict[str, str] = {"x-openstack-request-id": f"req-{uuid.uuid4()}"}
        try:
            state.settle()
            if route.write and state.maintenance:
                raise in_maintenance()
            token = None
            if not route.public:
                token = identity.validate(state, request.headers.get("X-Auth-Token"))
            version = None
            if api.microversion_service and not route.public:
                low, high = _range(state, api)
                version = microversions.requested(request.headers, api.microversion_service,
                                                  api.legacy_header, low, high)
                headers["OpenStack-API-Version"] = f"{api.microversion_service} {version}"
                headers["Vary"] = "OpenStack-API-Version"
                if api.legacy_header:
                    headers[api.legacy_header] = str(version)
                    headers["Vary"] += f", {api.legacy_header}"
            reply = route.handler(Request(
                state=state, token=token, microversion=version, query=request.query,
                body=await _json(request), match=request.match_info,
                headers=request.headers,
                service_url=f"{state.base_url}{api.prefix}{api.version_path}"))
        except ApiError as err:
            reply = Reply(err.status, error_body(api.dialect, err))
            if err.status == 401:
                headers["WWW-Authenticate"] = f'Keystone uri="{state.base_url}/identity/v3"'
        except Exception:  # a twin bug: answer like a service would, keep serving
            log.exception("twin OpenStack handler failed: %s %s", request.method, request.path)
            reply = Reply(500, error_body(api.dialect, ApiError(500, "Unexpected error.")))
        headers.update(reply.headers)
        if reply.body is None:
            return web.Response(status=reply.status, headers=headers)
        return web.json_response(reply.body, status=reply.status, headers=headers)

    return handle


def _not_found(req: Request) -> Reply:
    raise ApiError(404, "The resource could not be found.")


def build_app(state: OpenStackState) -> web.Application:
    """The aiohttp application serving every API of ``APIS`` under its prefix.

    Anything else under a prefix is the service's own JSON 404 (after the token check,
    as behind keystonemiddleware), so a client never parses an HTML error page.
    """
    app = web.Application()
    for api in APIS:
        for route in (*api.routes, Route("*", "/{tail:.*}", _not_found)):
            app.router.add_route(route.method, api.prefix + route.path,
                                 _handler(state, api, route))
    return app


class OpenStackServer:
    """A running twin OpenStack endpoint: its URL, its state, its credentials."""

    def __init__(self, state: OpenStackState, runner: web.AppRunner, url: str) -> None:
        self.state = state
        self.url = url
        self.auth_url = f"{url}/identity/v3"
        self._runner = runner

    def environ(self) -> dict[str, str]:
        """The ``OS_*`` variables an operator would get from sourcing an admin openrc."""
        return openrc(self.state, self.auth_url)

    def clouds_yaml(self, cloud: str = "octane-twin") -> str:
        """A clouds.yaml text with one cloud, for ``--os-cloud``."""
        return clouds_yaml(self.state, self.auth_url, cloud)

    def write_clouds_yaml(self, path: Path, cloud: str = "octane-twin") -> Path:
        """Write :meth:`clouds_yaml` 0600 (it holds the admin password)."""
        return write_clouds_yaml(path, self.clouds_yaml(cloud))

    async def close(self) -> None:
        """Stop serving; open connections are closed."""
        await self._runner.cleanup()

    async def __aenter__(self) -> OpenStackServer:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


async def start_openstack(state: OpenStackState, clock: Clock | None = None,
                          host: str = "127.0.0.1", port: int = 0) -> OpenStackServer:
    """Serve ``state`` on ``host`` (loopback) at ``port`` (0: a free one) on the twin's clock.

    The state adopts ``clock`` so migrations and heartbeats run on the same scenario time as
    the Juju side; the catalog points back at the URL actually bound.
    """
    if clock is not None:
        state.use_clock(clock)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound = sock.getsockname()[1]
    url = f"http://[{host}]:{bound}" if family == socket.AF_INET6 else f"http://{host}:{bound}"
    state.base_url = url
    runner = web.AppRunner(build_app(state), access_log=None)
    await runner.setup()
    try:
        await web.SockSite(runner, sock).start()
    except BaseException:
        await runner.cleanup()
        sock.close()
        raise
    return OpenStackServer(state, runner, url)
