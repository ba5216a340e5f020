"""Unmodified openstacksdk / raw HTTP against the twin's Keystone and API gatekeeping."""

from __future__ import annotations

from typing import Any

import aiohttp
import openstack.exceptions
import pytest

from octane.twin.openstack import OpenStackServer

from .conftest import blocking, issue_token, sdk_connection


async def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, Any, Any]:
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers or {}) as resp:
        return resp.status, await resp.json(), resp.headers


async def test_catalog_sends_every_service_back_to_the_twin(twin: OpenStackServer) -> None:
    conn = sdk_connection(twin)

    def endpoints() -> dict[str, str | None]:
        conn.authorize()
        return {"compute": conn.compute.get_endpoint(), "network": conn.network.get_endpoint(),
                "block-storage": conn.block_storage.get_endpoint()}

    found = await blocking(endpoints)
    urls = {name: url for name, url in found.items() if url is not None}
    assert urls == found and all(url.startswith(twin.url) for url in urls.values()), found
    project = next(p for p in twin.state.projects.values() if p.name == "admin")
    assert urls["block-storage"].rstrip("/").endswith(project.id)


async def test_a_request_without_a_valid_token_gets_401(twin: OpenStackServer) -> None:
    url = f"{twin.url}/compute/v2.1/os-services"
    for headers in ({}, {"X-Auth-Token": "not-a-token"}):
        status, body, resp_headers = await _get(url, headers)
        assert status == 401
        assert body["error"]["message"] == "The request you have made requires authentication."
        assert resp_headers["WWW-Authenticate"].startswith("Keystone uri=")
    status, _, _ = await _get(url, {"X-Auth-Token": await issue_token(twin)})
    assert status == 200


async def test_unknown_paths_get_the_services_json_404(twin: OpenStackServer) -> None:
    token = {"X-Auth-Token": await issue_token(twin)}
    status, body, _ = await _get(f"{twin.url}/compute/v2.1/os-flavor-access", token)
    assert status == 404 and body["itemNotFound"]["code"] == 404
    status, body, _ = await _get(f"{twin.url}/network/v2.0/routers", token)
    assert status == 404 and "NeutronError" in body


async def test_version_discovery_needs_no_token(twin: OpenStackServer) -> None:
    status, body, _ = await _get(f"{twin.url}/compute/v2.1/")
    assert status == 200
    assert body["version"]["version"] == "2.87"  # ussuri's maximum
    status, body, _ = await _get(f"{twin.url}/identity/")
    assert status == 300 and body["versions"]["values"][0]["id"].startswith("v3")


async def test_a_wrong_password_is_refused_by_the_sdk(twin: OpenStackServer) -> None:
    conn = sdk_connection(twin, password="wrong")
    with pytest.raises(openstack.exceptions.SDKException, match="401"):
        await blocking(conn.authorize)


async def test_token_is_validated_and_revoked(twin: OpenStackServer) -> None:
    token = await issue_token(twin)
    url = f"{twin.auth_url}/auth/tokens"
    headers = {"X-Auth-Token": token, "X-Subject-Token": token}
    status, body, _ = await _get(url, headers)
    assert status == 200 and body["token"]["project"]["name"] == "admin"
    assert {r["name"] for r in body["token"]["roles"]} >= {"Admin"}
    async with aiohttp.ClientSession() as http, http.delete(url, headers=headers) as resp:
        assert resp.status == 204
    status, _, _ = await _get(f"{twin.url}/compute/v2.1/os-services", {"X-Auth-Token": token})
    assert status == 401


async def test_a_microversion_beyond_the_release_is_refused_406(twin: OpenStackServer) -> None:
    token = await issue_token(twin)
    status, body, _ = await _get(f"{twin.url}/compute/v2.1/os-services",
                                 {"X-Auth-Token": token, "OpenStack-API-Version": "compute 2.96"})
    assert status == 406
    assert "maximum is 2.87" in body["notAcceptable"]["message"]
    status, _, headers = await _get(f"{twin.url}/compute/v2.1/os-services",
                                    {"X-Auth-Token": token, "OpenStack-API-Version":
                                     "compute latest"})
    assert status == 200 and headers["OpenStack-API-Version"] == "compute 2.87"


async def test_writes_get_503_in_maintenance_and_reads_keep_working(
        twin: OpenStackServer) -> None:
    conn = sdk_connection(twin)
    twin.state.set_maintenance(True)

    def disable() -> None:
        conn.compute.disable_service(None, host="node-1", binary="nova-compute",
                                     disabled_reason="upgrade")

    with pytest.raises(openstack.exceptions.HttpException) as caught:
        await blocking(disable)
    assert caught.value.status_code == 503
    services = await blocking(lambda: list(conn.compute.services(binary="nova-compute")))
    assert len(services) == 3 and all(s.status == "enabled" for s in services)
    assert twin.state.compute_hosts["node-1"].service.disabled is False
    twin.state.set_maintenance(False)
    await blocking(disable)
    assert twin.state.compute_hosts["node-1"].service.disabled is True
