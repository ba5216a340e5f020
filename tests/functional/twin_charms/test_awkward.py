"""The awkward cloud: VMs on a hypervisor, Nova and Juju agreeing, and quirks switched on."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from octane.openstack import connect
from octane.twin.behaviours import charmhub
from octane.twin.testing import RunningTwin
from tests.functional.twin_charms.helpers import SETTLE, connected, fast_copy, versions

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def with_quirks(document: dict[str, Any]) -> None:
    """manila-ganesha on an old revision with LP 2060751; ceph-osd with LP 2068151."""
    apps = document["models"]["awkward"]["applications"]
    ganesha = apps["manila-ganesha"]
    ganesha["revision"] = charmhub.channels(
        "manila-ganesha", charmhub.tracks_for("manila-ganesha"))[ganesha["channel"]][0]
    ganesha["quirks"] = ["wrong-workload-version"]
    apps["ceph-osd"]["quirks"] = ["daemons-keep-old-version"]


@pytest.fixture
def twin_scenario(tmp_path: Path) -> str:
    return fast_copy("awkward", tmp_path, with_quirks)


def load_openrc(twin: RunningTwin, monkeypatch: pytest.MonkeyPatch) -> None:
    for line in (twin.data_dir / "openrc").read_text().splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        monkeypatch.setenv(key, value)


async def test_live_migration_empties_the_hypervisor_juju_reports(
        twin: RunningTwin, monkeypatch: pytest.MonkeyPatch) -> None:
    load_openrc(twin, monkeypatch)
    async with asyncio.timeout(90), connected(twin, "awkward") as juju:
        units = {u.name: u for u in juju.applications["nova-compute"].units}
        counts = {}
        for name, unit in sorted(units.items()):
            done = await (await unit.run_action("instance-count")).wait()
            counts[name] = done.results["instance-count"]
        assert counts == {"nova-compute/0": "0", "nova-compute/1": "3",
                          "nova-compute/2": "0", "nova-compute/3": "0"}
        disabled = await (await units["nova-compute/1"].run_action("disable")).wait()
        assert disabled.status == "completed"
        async with await connect() as cloud:
            service = await cloud.compute_service("hv-1")
            assert service.status == "disabled"
            for server in await cloud.servers_on_host("hv-1"):
                moved = await cloud.live_migrate(server.id, timeout=SETTLE,
                                                 poll_interval=0.05)
                assert moved.host != "hv-1"
        emptied = await (await units["nova-compute/1"].run_action("instance-count")).wait()
        assert emptied.results["instance-count"] == "0"


async def test_quirks_show_through_juju_status_until_their_fix(twin: RunningTwin) -> None:
    async with asyncio.timeout(90), connected(twin, "awkward") as juju:
        assert set((await versions(juju, "manila-ganesha")).values()) == {"3.4.0"}
        ganesha = juju.applications["manila-ganesha"]
        newest = charmhub.latest("manila-ganesha", "wallaby/stable")
        await ganesha.refresh(channel="wallaby/stable", revision=newest)
        await juju.wait_for_idle(apps=["manila-ganesha"], idle_period=0.5, timeout=SETTLE)
        assert set((await versions(juju, "manila-ganesha")).values()) == {"12.0.0"}

        osd = juju.applications["ceph-osd"]
        await osd.refresh(channel="quincy/stable",
                          revision=charmhub.latest("ceph-osd", "quincy/stable"))
        await osd.set_config({"source": "cloud:focal-yoga"})
        await juju.wait_for_idle(apps=["ceph-osd"], idle_period=0.5, timeout=SETTLE)
        assert set((await versions(juju, "ceph-osd")).values()) == {"16.2.0"}  # not restarted
        first = next(u for u in osd.units if u.name == "ceph-osd/0")
        restart = await (await first.run("systemctl restart ceph-osd.target", timeout=60)).wait()
        assert restart.status == "completed"
        assert (await versions(juju, "ceph-osd"))["ceph-osd/0"] == "17.2.0"
        mon = juju.applications["ceph-mon"].units[0]
        mixed = await (await mon.run("ceph versions", timeout=60)).wait()
        assert "17.2.0" in mixed.results["stdout"] and "16.2.0" in mixed.results["stdout"]
