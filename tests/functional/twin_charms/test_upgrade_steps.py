"""The steps of an in-place upgrade, through unmodified libjuju, on focal-ussuri."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from octane.twin.behaviours import charmhub
from octane.twin.testing import RunningTwin
from tests.functional import libjuju_status as jstatus
from tests.functional.twin_charms.helpers import SETTLE, connected, fast_copy, statuses, versions

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def twin_scenario(tmp_path: Path) -> str:
    return fast_copy("focal-ussuri", tmp_path)


async def test_refresh_and_origin_change_move_keystone_after_the_settle(
        twin: RunningTwin) -> None:
    async with asyncio.timeout(60), connected(twin, "openstack") as juju:
        keystone = juju.applications["keystone"]
        assert set((await versions(juju, "keystone")).values()) == {"17.0.0"}
        revision = charmhub.latest("keystone", "victoria/stable")
        await keystone.refresh(channel="victoria/stable", revision=revision)
        await keystone.set_config({"openstack-origin": "cloud:focal-victoria"})
        await juju.wait_for_idle(apps=["keystone"], status="active", idle_period=0.5,
                                 timeout=SETTLE)
        assert set((await versions(juju, "keystone")).values()) == {"18.0.0"}
        status = await juju.get_status()
        app = jstatus.application(status, "keystone")
        assert (app.charm_channel, app.charm_rev) == ("victoria/stable", revision)
        subordinates = jstatus.subordinates(jstatus.units(status, "keystone")["keystone/2"])
        assert {n: u.workload_version for n, u in subordinates.items()} == {
            "keystone-hacluster/2": "2.0.3", "keystone-mysql-router/2": "8.0.0",
            "keystone-ldap/2": ""}


async def test_action_managed_upgrade_needs_the_action_on_each_unit(
        twin: RunningTwin) -> None:
    async with asyncio.timeout(60), connected(twin, "openstack") as juju:
        nova = juju.applications["nova-compute"]
        await nova.set_config({"action-managed-upgrade": "true",
                               "openstack-origin": "cloud:focal-victoria"})
        await juju.wait_for_idle(apps=["nova-compute"], idle_period=0.5, timeout=SETTLE)
        assert set((await versions(juju, "nova-compute")).values()) == {"21.0.0"}
        unit = next(u for u in nova.units if u.name == "nova-compute/1")
        paused = await (await unit.run_action("pause")).wait()
        assert paused.status == "completed"
        upgrade = await (await unit.run_action("openstack-upgrade")).wait()
        assert (upgrade.status, upgrade.results["outcome"]) == (
            "completed", "success, upgrade completed.")
        assert (await statuses(juju, "nova-compute"))["nova-compute/1"] == (
            "maintenance", "Paused. Use 'resume' action to resume normal service.")
        await (await unit.run_action("resume")).wait()
        await juju.wait_for_idle(apps=["nova-compute"], status="active", idle_period=0.5,
                                 timeout=SETTLE)
        assert await versions(juju, "nova-compute") == {
            "nova-compute/0": "21.0.0", "nova-compute/1": "22.0.0",
            "nova-compute/2": "21.0.0"}


async def test_the_actions_octane_runs_answer_like_the_charms(twin: RunningTwin) -> None:
    async with asyncio.timeout(60), connected(twin, "openstack") as juju:
        mysql = juju.applications["mysql-innodb-cluster"].units[0]
        dump = await (await mysql.run_action("mysqldump", databases="keystone")).wait()
        assert dump.results["mysqldump-file"].startswith(
            "/var/backups/mysql/mysqldump-keystone-")
        ncc = juju.applications["nova-cloud-controller"].units[0]
        archived = await (await ncc.run_action("archive-data", **{"batch-size": 1000})).wait()
        assert "Number of Rows Archived" in archived.results["archive-deleted-rows"]
        again = await (await ncc.run_action("archive-data", **{"batch-size": 1000})).wait()
        assert again.results["archive-deleted-rows"] == "Nothing was archived."
        rabbit = juju.applications["rabbitmq-server"].units[0]
        deferred = await (await rabbit.run_action("run-deferred-hooks")).wait()
        assert deferred.status == "completed"
        with pytest.raises(ValueError, match="Action `dance` not found"):
            await rabbit.run_action("dance")
        names = await juju.applications["nova-compute"].get_actions()
        assert {"disable", "enable", "instance-count", "openstack-upgrade", "pause",
                "resume"} <= set(names)


async def test_package_upgrades_run_and_are_recorded(twin: RunningTwin) -> None:
    command = ("apt-get update && apt-get dist-upgrade -o Dpkg::Options::=--force-confnew -o "
               "Dpkg::Options::=--force-confdef -y && apt-get autoremove -y")
    async with asyncio.timeout(60), connected(twin, "openstack") as juju:
        unit = juju.applications["glance"].units[0]
        task = await (await unit.run(command, timeout=600)).wait()
        assert (task.status, task.results["return-code"]) == ("completed", 0)
        assert "0 upgraded, 0 newly installed" in task.results["stdout"]
    recorded = twin.inspect(lambda c: dict(c.model_by_name("openstack").units[
        "glance/0"].charm_state))
    assert recorded == {"apt-upgrades": 1}


async def test_ceph_state_octane_probes(twin: RunningTwin) -> None:
    async with asyncio.timeout(60), connected(twin, "openstack") as juju:
        mon = juju.applications["ceph-mon"].units[0]
        await (await mon.run_action("set-noout")).wait()
        dump = await (await mon.run("ceph osd dump --format json", timeout=60)).wait()
        assert '"noout"' in dump.results["stdout"]
        versions_out = await (await mon.run("ceph versions", timeout=60)).wait()
        assert '"ceph version 15.2.0' in versions_out.results["stdout"]
