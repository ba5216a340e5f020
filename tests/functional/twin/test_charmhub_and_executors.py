"""The Charmhub endpoints libjuju calls directly, and per-machine executors."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request

import pytest
from juju.model import Model

from octane.twin.behaviours import ExecResult
from octane.twin.executors import ExecRequest
from octane.twin.testing import RunningTwin

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_charm_info_and_not_found(twin: RunningTwin) -> None:
    base = twin.inspect(lambda c: c.charmhub_url)
    with urllib.request.urlopen(f"{base}/v2/charms/info/keystone?fields=channel-map",
                                timeout=10) as response:
        info = json.loads(response.read())
    channels = {c["channel"]["name"]: c["revision"]["revision"] for c in info["channel-map"]}
    assert channels == {"yoga/stable": 600, "zed/stable": 610}
    assert info["default-release"]["resources"] == []
    with urllib.request.urlopen(f"{base}/v2/charms/info/hacluster", timeout=10) as response:
        assert json.loads(response.read())["default-release"]["revision"]["subordinate"]
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{base}/v2/charms/info/nope", timeout=10)
    assert missing.value.code == 404
    assert json.loads(missing.value.read())["error-list"][0]["code"] == "not-found"


async def test_libjuju_charmhub_info(twin: RunningTwin) -> None:
    async with asyncio.timeout(30):
        model = Model()
        await model.connect(model_name=twin.model_name("openstack"))
        try:
            info = await model.charmhub.info("keystone", channel="zed/stable")
            assert list(info["channel-map"]) == ["zed/stable"]
        finally:
            await model.disconnect()


class SlowCeph:
    """An executor standing in for the real ceph CLI on one machine."""

    def __init__(self) -> None:
        self.seen: list[ExecRequest] = []

    async def run(self, request: ExecRequest) -> ExecResult:
        self.seen.append(request)
        await asyncio.sleep(0.2)
        if request.command.startswith("ceph"):
            return ExecResult(0, "HEALTH_OK\n", "")
        return ExecResult(1, "", "unsupported\n")


async def test_a_machine_s_commands_go_to_its_executor(twin: RunningTwin) -> None:
    ceph = SlowCeph()
    twin.set_executor("openstack", "3", ceph)
    async with asyncio.timeout(30):
        model = Model()
        await model.connect(model_name=twin.model_name("openstack"))
        try:
            ran = await model.units["mysql/0"].run("ceph health", block=True)
            assert (ran.status, ran.results["stdout"]) == ("completed", "HEALTH_OK\n")
            other = await model.units["keystone/0"].run("ceph health", block=True)
            assert other.results["return-code"] == 127  # machine 0 keeps the safe default
        finally:
            await model.disconnect()
    [request] = ceph.seen
    assert (request.machine, request.hostname, request.unit and request.unit.unit) == (
        "3", "node-3", "mysql/0")
