"""The ``juju`` shim in the twin's data dir, driven by jubilant and by hand."""

from __future__ import annotations

import json
import subprocess

import jubilant
import pytest
import yaml

from octane.twin.behaviours import BehaviourRegistry
from octane.twin.testing import RunningTwin
from tests.functional.twin import behaviours


@pytest.fixture
def twin_behaviours() -> BehaviourRegistry:
    return behaviours.registry()


@pytest.fixture
def juju(twin: RunningTwin) -> jubilant.Juju:
    return jubilant.Juju(model="openstack", wait_timeout=30,
                         cli_binary=str(twin.bin_dir / "juju"))


def run(twin: RunningTwin, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(twin.bin_dir / "juju"), *args], capture_output=True,
                          text=True, timeout=60, env=twin.env(), check=False)


def test_status_through_jubilant(twin: RunningTwin, juju: jubilant.Juju) -> None:
    status = juju.status()
    keystone = status.apps["keystone"]
    assert (keystone.charm_name, keystone.charm_rev, keystone.charm_channel) == \
        ("keystone", 588, "yoga/stable")
    assert keystone.app_status.current == "active"
    assert keystone.version == "21.0.0"
    assert keystone.units["keystone/0"].leader
    assert keystone.units["keystone/1"].machine == "1"
    assert set(keystone.units["keystone/1"].subordinates) == {
        "keystone-hacluster/1", "keystone-mysql-router/1"}
    assert keystone.relations["ha"][0].related_app == "keystone-hacluster"
    assert status.machines["1"].hostname == "node-1"
    assert "availability-zone=az2" in status.machines["1"].hardware
    assert status.model.controller == "twin"
    assert jubilant.all_active(status)


def test_config_and_wait(twin: RunningTwin, juju: jubilant.Juju) -> None:
    assert juju.config("keystone")["vip"] == "10.5.0.100"
    juju.config("keystone", {"debug": True})
    assert twin.admin.state("openstack")["applications"]["keystone"]["config"]["debug"] is True
    juju.wait(lambda s: jubilant.all_active(s) and jubilant.all_agents_idle(s), delay=0.05)
    juju.config("keystone", reset="debug")
    assert "debug" not in juju.config("keystone")


def test_exec_and_run(twin: RunningTwin, juju: jubilant.Juju) -> None:
    task = juju.exec("hostname", unit="keystone/1")
    assert task.stdout == "node-1\n"
    assert juju.exec("hostname", machine=3).stdout == "node-3\n"
    with pytest.raises(jubilant.TaskError) as failed:
        juju.exec("ceph", "status", unit="keystone/leader")
    assert failed.value.task.return_code == 127
    done = juju.run("keystone/0", "pause")
    assert done.results == {"message": "pause done on keystone/0"}
    with pytest.raises(ValueError):
        juju.run("keystone/0", "no-such-action")
    twin.admin.fail_action("openstack", "keystone", "resume", "resume failed: busy")
    with pytest.raises(jubilant.TaskError) as action_failed:
        juju.run("keystone/2", "resume")
    assert action_failed.value.task.message == "resume failed: busy"


def test_plain_cli_formats(twin: RunningTwin) -> None:
    models = json.loads(run(twin, "models", "--format", "json").stdout)
    assert [m["short-name"] for m in models["models"]] == ["controller", "openstack"]
    assert models["current-model"] == "openstack"
    status = yaml.safe_load(run(twin, "status", "--format", "yaml", "-m", "openstack").stdout)
    assert status["applications"]["mysql"]["units"]["mysql/0"]["machine"] == "3"
    table = run(twin, "status").stdout
    assert "keystone/0" in table and "yoga/stable" in table
    assert run(twin, "config", "keystone", "vip").stdout == "10.5.0.100\n"
    unknown = run(twin, "deploy", "ubuntu")
    assert unknown.returncode == 2 and "not supported by the octane twin shim" in unknown.stderr
    missing = run(twin, "status", "-m", "nope")
    assert missing.returncode == 1 and "ERROR model twin:admin/nope not found" in missing.stderr
    version = json.loads(run(twin, "version", "--format", "json", "--all").stdout)
    assert version["version"].startswith("3.6.1")


def test_run_keeps_date_words_as_text_and_table_is_aligned(twin: RunningTwin) -> None:
    # `juju run ... before=2000-01-02` (COU's purge date): Go's YAML leaves it a string.
    done = run(twin, "run", "keystone/0", "pause", "before=2000-01-02", "count=3")
    assert done.returncode == 0, done.stderr
    params = twin.inspect(lambda ctl: [a.parameters for a in
                                       ctl.model_by_name("openstack").actions.values()
                                       if a.name == "pause"])
    assert params == [{"before": "2000-01-02", "count": 3}]
    table = run(twin, "status").stdout.splitlines()
    header = next(line for line in table if line.startswith("App "))
    row = next(line for line in table if line.startswith("keystone "))
    assert row.index("yoga/stable") == header.index("Channel")
