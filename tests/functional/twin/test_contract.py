"""Every libjuju operation octane uses, against the twin, with every reply type-checked.

Each test drives unmodified libjuju 3.6.1.3 over the twin's TLS websocket and records the
raw replies; ``contract.check`` parses each one with libjuju's own ``_definitions`` type
for that facade method and fails on keys the type does not know.
"""

from __future__ import annotations

import asyncio

import pytest
from juju import errors as juju_errors
from juju.client import client
from juju.controller import Controller
from juju.model import Model

from octane.twin.behaviours import BehaviourRegistry
from octane.twin.testing import RunningTwin
from tests.functional import libjuju_status as jstatus
from tests.functional.twin import behaviours, contract

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def twin_behaviours() -> BehaviourRegistry:
    return behaviours.registry()


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> contract.Recorder:
    return contract.Recorder().install(monkeypatch)


async def test_model_read_and_configure(twin: RunningTwin, recorder: contract.Recorder) -> None:
    async with asyncio.timeout(60):
        model = Model()
        await model.connect(model_name=twin.model_name("openstack"))
        try:
            status = await model.get_status()
            assert jstatus.application(status, "keystone").charm_channel == "yoga/stable"
            assert jstatus.units(status, "keystone")["keystone/0"].leader is True
            subs = jstatus.units(status, "keystone")["keystone/1"].subordinates
            assert set(subs) == {"keystone-hacluster/1", "keystone-mysql-router/1"}
            assert model.machines["1"].hardware_characteristics["availability-zone"] == "az2"
            app = model.applications["keystone"]
            config = await app.get_config()
            assert config["vip"]["value"] == "10.5.0.100"
            await app.set_config({"debug": "true"})
            await model.wait_for_idle(apps=["keystone"], idle_period=0.5, timeout=30)
            assert (await app.get_config())["debug"]["value"] is True
            await app.reset_config(["debug"])
            assert (await app.get_config())["debug"]["source"] == "unset"
            assert await app.get_actions() == {"openstack-upgrade": "Upgrade the packages",
                                               "pause": "Pause the unit",
                                               "resume": "Resume the unit"}
            assert (await model.get_config())["charmhub-url"].value.startswith("http://127.")
            await model.set_config({"update-status-hook-interval": "10m"})
            assert (await model.get_config())["update-status-hook-interval"].source == "model"
            assert await model.get_constraints() == {}
            assert await app.get_resources() == {}
        finally:
            await model.disconnect()
    assert contract.check(recorder) > 10
    assert {"Client.FullStatus", "Application.Get", "Application.SetConfigs",
            "Application.UnsetApplicationsConfig", "AllWatcher.Next", "Client.WatchAll",
            "ModelManager.ModelInfo", "ModelConfig.ModelGet", "Admin.Login",
            "Action.ApplicationsCharmsActions", "Resources.ListResources",
            "ModelConfig.ModelSet"} <= recorder.methods()


async def test_refresh_follows_the_revision_rule(twin: RunningTwin,
                                                 recorder: contract.Recorder) -> None:
    async with asyncio.timeout(60):
        model = Model()
        await model.connect(model_name=twin.model_name("openstack"))
        try:
            app = model.applications["keystone"]
            # python-libjuju #1083: channel alone keeps the current revision.
            await app.refresh(channel="zed/stable")
            assert app.data["charm-url"] == "ch:amd64/keystone-588"
            await app.refresh(channel="zed/stable", revision=610)
            assert app.data["charm-url"] == "ch:amd64/keystone-610"
            await model.wait_for_idle(apps=["keystone"], idle_period=0.5, timeout=30)
            status = await model.get_status()
            assert jstatus.application(status, "keystone").charm_rev == 610
            assert jstatus.application(status, "keystone").charm_channel == "zed/stable"
            units = jstatus.units(status, "keystone")
            assert {u.workload_version for u in units.values()} == {"22.0.0"}
            charms = client.CharmsFacade.from_connection(model.connection())
            info = await charms.CharmInfo(url="ch:amd64/keystone-610")
            assert info.meta.name == "keystone"
        finally:
            await model.disconnect()
    contract.check(recorder)
    assert {"Application.GetCharmURLOrigin", "Charms.ResolveCharms", "Charms.AddCharm",
            "Application.SetCharm", "Charms.CharmInfo"} <= recorder.methods()


async def test_actions_and_exec(twin: RunningTwin, recorder: contract.Recorder) -> None:
    async with asyncio.timeout(60):
        model = Model()
        await model.connect(model_name=twin.model_name("openstack"))
        try:
            unit = model.units["keystone/1"]
            action = await unit.run_action("openstack-upgrade")
            await action.wait()
            assert action.status == "completed"
            assert action.results == {"outcome": "success, upgrade completed"}
            status = await model.get_status()
            assert jstatus.units(status, "keystone")["keystone/1"].workload_version \
                == "22.0.0"
            ran = await unit.run("keystone-manage --version", block=True)
            assert ran.results["return-code"] == 0
            assert ran.results["stdout"] == "22.0.0\n"
            missing = await unit.run("ceph -s", block=True)
            assert missing.status == "failed"
            assert missing.results["return-code"] == 127
            with pytest.raises(ValueError, match="not found"):
                await unit.run_action("no-such-action")
            twin.admin.fail_action("openstack", "keystone/2", "pause", "cannot pause: busy")
            failed = await model.units["keystone/2"].run_action("pause")
            await failed.wait()
            assert failed.status == "failed"
            output = await model.get_action_output(failed.entity_id, wait=10)
            assert output == {}
        finally:
            await model.disconnect()
    contract.check(recorder)
    assert {"Action.EnqueueOperation", "Action.Run", "Action.Actions"} <= recorder.methods()


async def test_units_relations_and_errors(twin: RunningTwin,
                                          recorder: contract.Recorder) -> None:
    async with asyncio.timeout(60):
        model = Model()
        await model.connect(model_name=twin.model_name("openstack"))
        try:
            app = model.applications["keystone"]
            units = await app.add_unit(count=1, to="4")
            assert units[0].name == "keystone/3"
            assert units[0].machine.id == "4"
            await model.wait_for_idle(apps=["keystone"], idle_period=0.5, timeout=30)
            status = await model.get_status()
            assert "keystone-hacluster/3" in jstatus.units(status, "keystone")[
                "keystone/3"].subordinates
            await app.destroy_unit("keystone/3")
            await model.block_until(lambda: "keystone/3" not in model.units, timeout=10)
            with pytest.raises(juju_errors.JujuError, match="subordinate"):
                await model.destroy_unit("keystone-hacluster/0")
            with pytest.raises(juju_errors.JujuError, match='unknown option "nope"'):
                await app.set_config({"nope": "1"})
            with pytest.raises(juju_errors.JujuError, match="expected boolean"):
                await app.set_config({"debug": "maybe"})
            await app.remove_relation("ha", "keystone-hacluster:ha", block_until_done=True)
            assert "keystone-hacluster/0" not in model.units
            await model.relate("keystone:ha", "keystone-hacluster:ha")
            # Juju never reuses unit numbers: the new subordinates are /4, /5, /6.
            await model.block_until(lambda: len(model.applications[
                "keystone-hacluster"].units) == 3, timeout=10)
            assert sorted(model.applications["keystone-hacluster"].units,
                          key=lambda u: u.name)[0].name == "keystone-hacluster/4"
            with pytest.raises(juju_errors.JujuAPIError, match="already exists"):
                await model.relate("keystone:ha", "keystone-hacluster:ha")
            twin.admin.fail_next_hook("openstack", "keystone/0")
            await app.set_config({"debug": "true"})
            unit = model.units["keystone/0"]
            await model.block_until(lambda: unit.workload_status == "error", timeout=10)
            assert unit.workload_status_message == 'hook failed: "config-changed"'
            assert unit.agent_status == "idle"
            with pytest.raises(juju_errors.JujuUnitError):
                await model.wait_for_idle(apps=["keystone"], timeout=10)
            await unit.resolved(retry=True)
            await model.wait_for_idle(apps=["keystone"], idle_period=0.5, timeout=30)
            assert unit.workload_status == "active"
            with pytest.raises(juju_errors.JujuError, match="not in an error state"):
                await unit.resolved()
        finally:
            await model.disconnect()
    contract.check(recorder)
    assert {"Application.AddUnits", "Application.DestroyUnit", "Application.AddRelation",
            "Application.DestroyRelation", "Application.ResolveUnitErrors"} \
        <= recorder.methods()


async def test_deploy_and_machines(twin: RunningTwin, recorder: contract.Recorder) -> None:
    async with asyncio.timeout(60):
        model = Model()
        await model.connect(model_name=twin.model_name("openstack"))
        try:
            app = await model.deploy("keystone", application_name="keystone-seed",
                                     channel="zed/stable", num_units=1)
            await model.wait_for_idle(apps=["keystone-seed"], idle_period=0.5, timeout=30)
            assert app.data["charm-url"] == "ch:amd64/keystone-610"
            machine = await model.add_machine()
            assert machine.id == "6"
            assert machine.hardware_characteristics["availability-zone"] in ("az1", "az2")
            await machine.destroy()
            assert "6" not in model.machines
            with pytest.raises(juju_errors.JujuError, match="has unit"):
                await model.machines["0"].destroy()
            apps = client.ApplicationFacade.from_connection(model.connection())
            with pytest.raises(juju_errors.JujuError, match="already exists"):
                await apps.Deploy(applications=[client.ApplicationDeploy(
                    application="keystone-seed", charm_url="ch:amd64/keystone-610",
                    charm_origin={"source": "charm-hub", "revision": 610, "track": "zed",
                                  "risk": "stable"}, num_units=1)])
            await apps.Deploy(applications=[client.ApplicationDeploy(
                application="keystone-extra", charm_url="ch:amd64/keystone-610",
                charm_origin={"source": "charm-hub", "revision": 610, "track": "zed",
                              "risk": "stable"}, num_units=1, placement=[
                                  client.Placement(scope="lxd", directive="0")])])
            await model.block_until(lambda: "keystone-extra/0" in model.units, timeout=10)
            assert model.units["keystone-extra/0"].machine.id == "0/lxd/0"
            keys = client.SSHClientFacade.from_connection(model.connection())
            found = await keys.PublicKeys(entities=[client.Entity("machine-0"),
                                                    client.Entity("unit-keystone-1")])
            assert found.results[0].public_keys[0].startswith("ssh-ed25519 ")
            on_disk = (twin.data_dir / "hostkeys" / "openstack" / "0" /
                       "ssh_host_ed25519_key.pub").read_text().strip()
            assert found.results[0].public_keys == [on_disk]
            address = await keys.PrivateAddress(entities=[client.Entity("unit-keystone-1")])
            assert address.results[0].address == "10.5.0.11"
            with pytest.raises(juju_errors.JujuError, match="machine 9 not found"):
                await keys.PublicAddress(entities=[client.Entity("machine-9")])
        finally:
            await model.disconnect()
    contract.check(recorder)
    assert {"Application.DeployFromRepository", "MachineManager.AddMachines",
            "MachineManager.DestroyMachineWithParams", "SSHClient.PublicKeys",
            "SSHClient.PrivateAddress", "Application.Deploy"} <= recorder.methods()


async def test_series_upgrade(twin: RunningTwin, recorder: contract.Recorder) -> None:
    async with asyncio.timeout(60):
        model = Model()
        await model.connect(model_name=twin.model_name("openstack"))
        try:
            mm = client.MachineManagerFacade.from_connection(model.connection())
            units = await mm.UpgradeSeriesValidate(args=[client.UpdateChannelArg(
                channel="24.04", tag=client.Entity("machine-3"))])
            assert units.results[0].unit_names == ["mysql/0"]
            await mm.UpgradeSeriesPrepare(channel="24.04", force=False,
                                          tag=client.Entity("machine-3"))
            with pytest.raises(juju_errors.JujuError, match="already exists"):
                await mm.UpgradeSeriesPrepare(channel="24.04", force=False,
                                              tag=client.Entity("machine-3"))
            await model.wait_for_idle(apps=["mysql"], idle_period=0.5, timeout=30)
            param = client.UpgradeSeriesNotificationParam(entity=client.Entity("machine-3"),
                                                          watcher_id="")
            messages = await mm.GetUpgradeSeriesMessages(params=[param])
            assert messages.results[0].result[-1] == "machine-3 prepare completed"
            await mm.UpgradeSeriesComplete(tag=client.Entity("machine-3"))
            await model.wait_for_idle(apps=["mysql"], idle_period=0.5, timeout=30)
            with pytest.raises(juju_errors.JujuError, match=r"lock .* not found"):
                await mm.GetUpgradeSeriesMessages(params=[param])  # released once done
            status = await model.get_status()
            machine = jstatus.present(status.machines["3"])
            assert jstatus.present(machine.base).channel == "24.04"
            with pytest.raises(juju_errors.JujuError, match="not prepared"):
                await mm.UpgradeSeriesComplete(tag=client.Entity("machine-2"))
        finally:
            await model.disconnect()
    contract.check(recorder)


async def test_controller_models(twin: RunningTwin, recorder: contract.Recorder) -> None:
    async with asyncio.timeout(60):
        controller = Controller()
        await controller.connect()
        try:
            assert await controller.list_models() == ["controller", "openstack"]
            seed = await controller.add_model("seed")
            try:
                assert seed.info.name == "seed"
                assert (await seed.get_status()).applications == {}
            finally:
                await seed.disconnect()
            facade = client.ControllerFacade.from_connection(controller.connection())
            names = [m.model.name for m in (await facade.AllModels()).user_models]
            assert names == ["controller", "openstack", "seed"]
            uuid = (await controller.model_uuids())["openstack"]
            state = await facade.ModelStatus(entities=[client.Entity(f"model-{uuid}")])
            assert state.models[0].application_count == 4
            manager = client.ModelManagerFacade.from_connection(controller.connection())
            listed = await manager.ListModels(tag="user-admin")
            assert len(listed.user_models) == 3
            watch = await facade.WatchAllModels()
            first = await controller.connection().rpc({
                "type": "AllModelWatcher", "request": "Next", "version": 4, "params": {},
                "Id": watch.watcher_id})
            models = {d[2]["name"] for d in first["response"]["deltas"] if d[0] == "model"}
            assert models == {"controller", "openstack", "seed"}
            await controller.connection().rpc({
                "type": "AllModelWatcher", "request": "Stop", "version": 4, "params": {},
                "Id": watch.watcher_id})
            await controller.destroy_models("seed")
            assert await controller.list_models() == ["controller", "openstack"]
            with pytest.raises(juju_errors.JujuError, match="unknown model"):
                await manager.ModelInfo(entities=[client.Entity(
                    "model-00000000-0000-4000-8000-000000000000")])
        finally:
            await controller.disconnect()
    contract.check(recorder)
    assert {"ModelManager.CreateModel", "ModelManager.DestroyModels", "Controller.AllModels",
            "Controller.ModelStatus", "ModelManager.ListModels",
            "ModelManager.ListModelSummaries", "Cloud.Clouds"} <= recorder.methods()


async def test_unknown_method_is_juju_s_error(twin: RunningTwin,
                                             recorder: contract.Recorder) -> None:
    async with asyncio.timeout(30):
        model = Model()
        await model.connect(model_name=twin.model_name("openstack"))
        try:
            with pytest.raises(juju_errors.JujuAPIError) as caught:
                await model.connection().rpc({"type": "Client", "request": "NoSuchThing",
                                              "version": 8, "params": {}})
            assert caught.value.error_code == "not implemented"
            assert "Client(8).NoSuchThing" in caught.value.message
            with pytest.raises(juju_errors.JujuAPIError) as other:
                await model.connection().rpc({"type": "ModelManager", "request": "ListModels",
                                              "version": 10, "params": {}})
            assert other.value.error_code == "not supported"
            with pytest.raises(juju_errors.JujuAPIError) as version:
                await model.connection().rpc({"type": "Client", "request": "FullStatus",
                                              "version": 99, "params": {}})
            assert "unknown version (99)" in version.value.message
        finally:
            await model.disconnect()
    contract.check(recorder)
