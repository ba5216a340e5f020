"""A twin OpenStack on loopback (free port) for each test, and clients for it.

The server runs on the test's event loop; blocking openstacksdk calls therefore go through
``asyncio.to_thread`` (as the port does), bounded by the SDK's own request timeout.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import openstack
import pytest

from octane.twin.clock import Clock
from octane.twin.openstack import OpenStackServer, OpenStackState, start_openstack

T = TypeVar("T")

HYPERVISORS = [
    {"hostname": "node-1", "availability_zone": "az1"},
    {"hostname": "node-2", "availability_zone": "az1"},
    {"hostname": "node-3", "availability_zone": "az2"},
]
SCENARIO: dict[str, Any] = {
    "release": "ussuri",
    "vms": {"node-1": ["web-1", {"name": "db-1", "availability_zone": "az1"}], "node-2": 1},
}


async def start(section: dict[str, Any] | None = None, *, scale: float = 1000.0,
                hypervisors: list[dict[str, str]] | None = None) -> OpenStackServer:
    """A twin OpenStack from a scenario section, on a fresh clock."""
    clock = Clock(scale=scale)
    state = OpenStackState.from_scenario(SCENARIO if section is None else section,
                                         hypervisors or HYPERVISORS, clock=clock)
    return await start_openstack(state, clock)


@pytest.fixture
async def twin() -> AsyncIterator[OpenStackServer]:
    server = await start()
    yield server
    await server.close()


def sdk_connection(server: OpenStackServer, **overrides: Any) -> openstack.connection.Connection:
    """An unmodified openstacksdk connection with the twin's admin credentials only."""
    env = server.environ()
    auth = {"auth_url": env["OS_AUTH_URL"], "username": env["OS_USERNAME"],
            "password": env["OS_PASSWORD"], "project_name": env["OS_PROJECT_NAME"],
            "user_domain_name": env["OS_USER_DOMAIN_NAME"],
            "project_domain_name": env["OS_PROJECT_DOMAIN_NAME"]}
    auth.update(overrides)
    return openstack.connect(auth=auth, region_name=env["OS_REGION_NAME"],
                             identity_api_version="3", api_timeout=10,
                             load_yaml_config=False, load_envvars=False)


async def blocking(fn: Callable[[], T]) -> T:
    """Run blocking client code off the loop that serves the twin."""
    return await asyncio.wait_for(asyncio.to_thread(fn), timeout=30)


@pytest.fixture
def os_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Callable[..., Path]]:
    """Clear every ``OS_*`` variable, then set the twin's; returns a missing clouds.yaml path.

    The returned path (never created) is passed as ``config_file`` so a developer's own
    ``~/.config/openstack/clouds.yaml`` can never leak into a test.
    """
    import os

    for name in list(os.environ):
        if name.startswith("OS_"):
            monkeypatch.delenv(name)

    def apply(server: OpenStackServer | None = None, **changes: str) -> Path:
        variables = server.environ() if server is not None else {}
        variables.update(changes)
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return tmp_path / "no-clouds.yaml"

    yield apply


async def issue_token(server: OpenStackServer, password: str | None = None) -> str:
    """A project-scoped admin token, the way keystoneauth asks for one."""
    import aiohttp

    env = server.environ()
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "admin", "domain": {"name": env["OS_USER_DOMAIN_NAME"]},
        "password": password or env["OS_PASSWORD"]}}},
        "scope": {"project": {"name": "admin",
                              "domain": {"name": env["OS_PROJECT_DOMAIN_NAME"]}}}}}
    async with aiohttp.ClientSession() as http, \
            http.post(f"{server.auth_url}/auth/tokens", json=body) as resp:
        assert resp.status == 201, await resp.text()
        return resp.headers["X-Subject-Token"]
