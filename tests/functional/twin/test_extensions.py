"""Extensions: other parts of the twin started from scenario sections."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import yaml

from octane.twin import scenario
from octane.twin.server import ExtensionContext, MachineInfo, serve_http
from octane.twin.testing import running_twin

SCENARIOS = Path(__file__).parent / "scenarios"


class Recorded:
    """A fake extension that records what it was given."""

    def __init__(self) -> None:
        self.contexts: list[ExtensionContext] = []
        self.stopped = False

    async def __call__(self, ctx: ExtensionContext) -> Any:
        self.contexts.append(ctx)
        recorder = self

        class Handle:
            def describe(self) -> dict[str, Any]:
                return {"hypervisors": [m.hostname for m in ctx.hypervisors()]}

            async def stop(self) -> None:
                recorder.stopped = True
        return Handle()


def test_sections_reach_their_extension(tmp_path: Path) -> None:
    doc = yaml.safe_load((SCENARIOS / "with-openstack.yaml").read_text())
    doc["models"]["openstack"]["databases"] = {"keystone": {}}
    spec = scenario.parse(doc, "with-openstack.yaml")
    fake = Recorded()
    with running_twin(spec, data_dir=tmp_path / "t",
                      extensions={"openstack": fake, "databases": fake}) as twin:
        info = json.loads((twin.data_dir / "twin.json").read_text())
        assert info["services"]["openstack"] == {"hypervisors": ["compute-0", "compute-1"]}
        openstack, databases = fake.contexts
        assert openstack.section == {} and openstack.model_sections == {}
        assert databases.section is None
        assert databases.model_sections == {"openstack": {"keystone": {}}}
        assert MachineInfo(model="openstack", id="1", hostname="compute-1", zone="az2",
                           addresses=twin.inspect(lambda c: tuple(
                               a.value for a in c.model_by_name("openstack")
                               .machines["1"].addresses)),
                           charms=("nova-compute",)) in openstack.machines
    assert fake.stopped


def test_unavailable_extension_is_reported(tmp_path: Path) -> None:
    doc = yaml.safe_load((SCENARIOS / "with-openstack.yaml").read_text())
    doc.pop("openstack")
    doc["ceph"] = {"mons": 3}
    spec = scenario.parse(doc, "x.yaml")

    async def broken(ctx: ExtensionContext) -> Any:
        raise ImportError("no module named octane.twin.services.ceph_extension")

    with running_twin(spec, data_dir=tmp_path / "t", extensions={"ceph": broken}) as twin:
        info = json.loads((twin.data_dir / "twin.json").read_text())
        assert info["services"]["ceph"]["error"].startswith("not available:")
        assert twin.admin.state("openstack")["units"]["nova-compute/0"]["agent"] == "idle"


def test_openstack_apis_start_with_the_hypervisors(tmp_path: Path) -> None:
    with running_twin(str(SCENARIOS / "with-openstack.yaml"), data_dir=tmp_path / "t") as twin:
        info = json.loads((twin.data_dir / "twin.json").read_text())
        url = info["services"]["openstack"]["url"]
        assert url.startswith("http://127.0.0.1:")
        openrc = twin.data_dir / "openrc"
        assert openrc.stat().st_mode & 0o077 == 0
        assert f"OS_AUTH_URL={url}/identity/v3" in openrc.read_text()
        with urllib.request.urlopen(f"{url}/identity/v3", timeout=10) as response:
            assert response.status == 200


async def test_serve_http_binds_loopback() -> None:
    from aiohttp import web
    app = web.Application()
    handle = await serve_http("x", app)
    try:
        assert handle.describe()["url"].startswith("http://127.0.0.1:")
    finally:
        await handle.stop()
