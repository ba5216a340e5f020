"""Reading every application's config: one ``CharmConfig`` call, ``Get`` where it falls short.

The controller is replaced at the RPC boundary (``JujuModel._rpc``) by documents shaped as
a Juju 3.6 controller returns them (``Results`` with a capital R, per-item errors).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, cast

from juju.errors import JujuAPIError

from octane.cloud.model import Application, Cloud
from octane.errors import OctaneError
from octane.juju.connect import Target
from octane.juju.model import JujuModel
from octane.juju.retry import translate
from octane.juju.settings import JujuSettings

CONFIGS = {
    "keystone": {"debug": {"value": True, "source": "user", "type": "boolean"},
                 "vip": {"value": None, "source": "unset", "type": "string"}},
    "glance": {"openstack-origin": {"value": "distro", "source": "user", "type": "string"}},
    "nova-compute": {"action-managed-upgrade": {"value": False, "source": "default",
                                                "type": "boolean"}},
}


class ConfigController(JujuModel):
    """Answers CharmConfig (optionally failing one item or the whole call) and Get."""

    def __init__(self, bad_item: str | None = None, no_charm_config: bool = False) -> None:
        target = Target("ctl", "admin/m", ("127.0.0.1:1",), None, "admin", "pw", "uuid")
        super().__init__(cast(Any, None), target, JujuSettings())
        self.bad_item, self.no_charm_config = bad_item, no_charm_config
        self.requests: list[tuple[str, Mapping[str, Any]]] = []

    async def _rpc(self, facade: str, request: str, params: Mapping[str, Any],
                   what: str) -> Mapping[str, Any]:
        self.requests.append((request, params))
        if request == "CharmConfig":
            if self.no_charm_config:
                raise translate(JujuAPIError({"error": "no such request - method "
                                              "Application.CharmConfig is not implemented",
                                              "error-code": "not implemented",
                                              "response": {}, "request-id": 1}), what)
            return {"Results": [
                {"error": {"message": "boom", "code": ""}} if a["application"] == self.bad_item
                else {"config": CONFIGS[a["application"]]} for a in params["args"]]}
        if request == "Get":
            return {"application": params["application"],
                    "config": CONFIGS[params["application"]]}
        assert request == "ApplicationsCharmsActions"
        return {"results": [{"application-tag": e["tag"], "actions": {"pause": {}}}
                            for e in params["entities"]]}


def _status() -> Cloud:
    apps = {name: Application(name=name, charm=name, channel="ussuri/stable", revision=1,
                              series="focal") for name in CONFIGS}
    return Cloud(model="m", applications=apps, machines={})


def _values(cloud: Cloud) -> dict[str, dict[str, Any]]:
    return {name: dict(app.config) for name, app in cloud.applications.items()}


EXPECTED = {"keystone": {"debug": True, "vip": None}, "glance": {"openstack-origin": "distro"},
            "nova-compute": {"action-managed-upgrade": False}}


def test_one_call_reads_every_config() -> None:
    model = ConfigController()
    cloud = asyncio.run(model.complete(_status()))
    assert _values(cloud) == EXPECTED
    assert cloud.applications["glance"].actions == ("pause",)
    assert sorted(r for r, _ in model.requests) == ["ApplicationsCharmsActions", "CharmConfig"]


def test_an_item_the_controller_refuses_is_read_with_get() -> None:
    model = ConfigController(bad_item="glance")
    assert _values(asyncio.run(model.complete(_status()))) == EXPECTED
    assert [p["application"] for r, p in model.requests if r == "Get"] == ["glance"]


def test_a_controller_without_charm_config_is_read_app_by_app() -> None:
    model = ConfigController(no_charm_config=True)
    assert _values(asyncio.run(model.complete(_status()))) == EXPECTED
    assert sorted(p["application"] for r, p in model.requests if r == "Get") == sorted(CONFIGS)


def test_get_errors_still_fail_the_read() -> None:
    class Broken(ConfigController):
        async def _rpc(self, facade: str, request: str, params: Mapping[str, Any],
                       what: str) -> Mapping[str, Any]:
            if request == "Get":
                raise OctaneError(f"{what}: application \"glance\" not found")
            return await super()._rpc(facade, request, params, what)

    model = Broken(bad_item="glance")
    try:
        asyncio.run(model.complete(_status()))
    except OctaneError as exc:
        assert "glance" in str(exc)
    else:
        raise AssertionError("no error")
