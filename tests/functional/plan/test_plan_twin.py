"""``octane plan`` and the Juju port over the wire, against the twin (unmodified libjuju).

Reads must leave the twin exactly as it was; writes must change exactly what they say.
Every wait here is bounded by the port's own timeouts.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

import octane.commands.plan as plan_command
from octane.cli import main
from octane.errors import NotFound, OctaneError
from octane.juju.model import JujuModel
from octane.juju.settings import JujuSettings
from octane.plan import actions
from octane.plan.step import Plan
from octane.twin import scenario as scenario_mod
from octane.twin.testing import RunningTwin, running_twin
from tests.golden import scenarios as sc
from tests.golden import twin as twin_doc
from tests.golden.session import SnapshotSession, opener

FAST = JujuSettings(timeout=5, model_retries=0, model_retry_backoff=0)


def _apps(twin: RunningTwin) -> dict[str, Any]:
    return dict(twin.admin.state("openstack")["applications"])


@pytest.fixture(autouse=True)
def _no_openstack(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OS_CLOUD", "OS_AUTH_URL"):
        monkeypatch.delenv(name, raising=False)


def test_plan_over_the_wire_changes_nothing(twin: RunningTwin,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    before = twin.admin.state("openstack")
    assert main(["plan", "--model", twin.model_name("openstack"), "-f", "json"]) == 0
    plan = Plan.from_dict(json.loads(capsys.readouterr().out))
    assert plan.meta["from"] == "yoga" and plan.meta["to"] == "zed"
    refresh = plan.root.find("cp/keystone/channel")
    assert refresh is not None and refresh.params["channel"] == "zed/stable"
    assert plan.root.find("cp/keystone/refresh") is not None  # 600 > 588 in yoga/stable
    for step in plan.root.walk():
        if step.action:
            assert actions.validate(step.action, step.params) == []
    after = twin.admin.state("openstack")
    assert after["applications"] == before["applications"]
    assert after["units"] == before["units"]


def test_plan_text_and_analyze(twin: RunningTwin, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "control-plane", "--model", twin.model_name("openstack")]) == 0
    out = capsys.readouterr().out
    assert "Upgrade 'keystone' to the new channel: 'zed/stable'" in out
    assert main(["analyze", "--model", twin.model_name("openstack"), "-f", "json"]) == 0
    rows = {r["Application"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["keystone"]["Release"] == "yoga"
    assert rows["keystone-hacluster"]["Kind"] == "auxiliary-subordinate"


def test_unknown_model_over_the_wire(twin: RunningTwin,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--model", twin.model_name("nope")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "model 'admin/nope'" in err[0] and "not found" in err[0]


def test_port_reads_and_writes(twin: RunningTwin) -> None:
    async def scenario() -> None:
        model = await JujuModel.connect(twin.model_name("openstack"), FAST)
        try:
            cloud = await model.read_cloud()
            keystone = cloud.applications["keystone"]
            assert keystone.config["openstack-origin"] == "cloud:jammy-yoga"
            assert {m.az for m in cloud.machines.values()} == {"az1", "az2"}
            hacluster = cloud.applications["keystone-hacluster"]
            assert [u.machine for u in hacluster.units] == ["0", "1", "2"]

            await model.set_config("keystone", {"debug": True})
            assert await model.get_config("keystone") == {
                **keystone.config, "debug": True}

            assert await model.latest_revision("keystone", "zed/stable") == 610
            await model.refresh("keystone", channel="zed/stable")
            ran = await model.run_command(["keystone/0", "mysql/0"], "echo hi", timeout=30)
            assert {u: r.stdout.strip() for u, r in ran.items()} == {
                "keystone/0": "hi", "mysql/0": "hi"}
            settled = await model.wait_for_idle(apps=["keystone"], timeout=60,
                                                idle_period=0.2, poll=0.1)
            assert settled.applications["keystone"].channel == "zed/stable"
            with pytest.raises(NotFound):
                await model.set_config("nope", {"a": "b"})
            with pytest.raises(OctaneError, match="not defined"):
                await model.run_action("keystone/0", "no-such-action")
        finally:
            await model.close()

    asyncio.run(scenario())
    keystone = _apps(twin)["keystone"]
    assert keystone["channel"] == "zed/stable" and keystone["revision"] == 610
    assert str(keystone["config"]["debug"]).lower() == "true"


@pytest.mark.parametrize("name", ["focal-ussuri", "awkward"])
def test_plan_over_the_wire_equals_the_snapshot_plan(
        name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The same cloud, served by the twin and read through libjuju, plans exactly as its
    snapshot does: the port loses nothing the planner needs."""
    cloud = sc.SCENARIOS[name]()
    vms = sc.AWKWARD_VMS if name == "awkward" else {}
    spec = scenario_mod.parse(twin_doc.scenario(cloud), name)
    with running_twin(spec, data_dir=tmp_path / "twin",
                      behaviours=twin_doc.behaviours(vms)) as running:
        monkeypatch.setenv("JUJU_DATA", str(running.juju_data))
        assert main(["plan", "--model", running.model_name(cloud.model), "-f", "json"]) == 0
        wire = json.loads(capsys.readouterr().out)
    served = twin_doc.as_served(cloud)
    monkeypatch.setattr(plan_command, "open_model",
                        opener({None: SnapshotSession(served, instance_counts=vms)}))
    assert main(["plan", "-f", "json"]) == 0
    snapshot = json.loads(capsys.readouterr().out)
    assert wire["plan"] == snapshot["plan"]
    assert wire["meta"]["from"] == snapshot["meta"]["from"]


def _copy_juju_data(twin: RunningTwin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                    edit: str, change: Any) -> None:
    import shutil

    import yaml

    data = tmp_path / "juju-data"
    shutil.copytree(twin.juju_data, data)
    doc = yaml.safe_load((data / edit).read_text())
    change(doc)
    (data / edit).write_text(yaml.safe_dump(doc))
    monkeypatch.setenv("JUJU_DATA", str(data))


def test_model_missing_from_models_yaml_is_found_through_the_controller(
        twin: RunningTwin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def forget(doc: dict[str, Any]) -> None:
        for controller in doc["controllers"].values():
            controller["models"].pop("admin/openstack", None)

    _copy_juju_data(twin, tmp_path, monkeypatch, "models.yaml", forget)

    async def read() -> int:
        model = await JujuModel.connect(twin.model_name("openstack"), FAST)
        try:
            return len((await model.status()).applications)
        finally:
            await model.close()

    assert asyncio.run(read()) == 4


def test_bad_credentials_are_one_line(twin: RunningTwin, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    def wrong(doc: dict[str, Any]) -> None:
        for account in doc["controllers"].values():
            account["password"] = "not-the-password"

    _copy_juju_data(twin, tmp_path, monkeypatch, "accounts.yaml", wrong)
    monkeypatch.setenv("OCTANE_MODEL_RETRIES", "0")
    assert main(["plan", "--model", twin.model_name("openstack")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "refused the credentials" in err[0]


@pytest.mark.parametrize("cut", ["Admin.Login", "AllWatcher.Next"])
def test_port_opens_again_a_connection_cut_while_opening(twin: RunningTwin, cut: str) -> None:
    """A link that fails after the socket opened and before the connection is usable (the
    login answer, the model's first AllWatcher delta) is tried again like any transient
    failure; libjuju's own ``retries`` only cover a socket that does not open. Both the
    read connection and the full ``Model`` a refresh opens must survive two such cuts."""
    async def scenario() -> None:
        twin.admin.cut_on("Admin.Login", 2)
        model = await JujuModel.connect(twin.model_name("openstack"), FAST)
        try:
            twin.admin.cut_on(cut, 2)
            await model.refresh("keystone", channel="zed/stable")
        finally:
            await model.close()

    asyncio.run(scenario())
    assert _apps(twin)["keystone"]["channel"] == "zed/stable"
    calls = [(f"{c['facade']}.{c['method']}", bool(c.get("cut"))) for c in twin.admin.calls()]
    assert calls.count((cut, True)) == (4 if cut == "Admin.Login" else 2)  # really cut
    assert calls.count((cut, False)) >= 2  # then served: both connections were opened again


def test_port_carries_on_when_libjujus_own_reconnect_is_cut_too(twin: RunningTwin) -> None:
    """A drop whose automatic reconnect (libjuju's receiver) has its login cut as well: the
    next call must still get through on both connections, not fail on a dead socket."""
    async def scenario() -> None:
        model = await JujuModel.connect(twin.model_name("openstack"), FAST)
        try:
            await model.refresh("keystone", channel="yoga/stable")  # opens the full Model
            twin.admin.cut_on("Admin.Login", 2)
            assert twin.admin.drop_connections() >= 2
            assert (await model.get_config("keystone"))["openstack-origin"] == (
                "cloud:jammy-yoga")
            twin.admin.cut_on("Admin.Login", 2)
            assert twin.admin.drop_connections() >= 1  # the full Model's may be dead already
            await model.refresh("keystone", channel="zed/stable")
        finally:
            await model.close()

    asyncio.run(scenario())
    assert _apps(twin)["keystone"]["channel"] == "zed/stable"
    cut = [c for c in twin.admin.calls() if c.get("cut")]
    assert len(cut) == 4, cut
