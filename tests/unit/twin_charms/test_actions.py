"""The actions octane runs: their parameters, results and failures, and what they change."""

from __future__ import annotations

import json

import pytest

from octane.twin.clock import Clock
from octane.twin.errors import ApiError
from octane.twin.openstack import OpenStackState
from octane.twin.state import actions
from tests.unit.twin_charms.helpers import Cloud, cloud

ORIGIN = {"openstack-origin": "distro"}


def controller_cloud() -> Cloud:
    return cloud({
        "nova-cloud-controller": {"channel": "ussuri/stable", "config": ORIGIN, "to": ["0"]},
        "mysql-innodb-cluster": {"channel": "8.0/stable", "config": {"source": "distro"},
                                 "to": ["0", "1", "2"]},
        "nova-compute": {"channel": "ussuri/stable", "config": ORIGIN, "to": ["1", "2"]}},
        state={"nova-compute/1": {"charm-state": {"instances": 2}}})


def test_unknown_action_fails_at_enqueue_as_juju_does() -> None:
    c = controller_cloud()
    op = actions.new_operation(c.model, "nope")
    with pytest.raises(ApiError) as refused:
        actions.enqueue_action(c.model, op, "unit-nova-compute-0", "no-such-action", {})
    assert refused.value.message == 'action "no-such-action" not defined on unit ' \
                                    '"nova-compute/0"'
    assert refused.value.code == "not found"


def test_archive_data_runs_batches_until_nothing_is_archived() -> None:
    c = controller_cloud()
    outputs = []
    for _ in range(5):
        done = c.run("nova-cloud-controller/0", "archive-data", **{"batch-size": 100})
        assert done.status == "completed"
        outputs.append(done.output["archive-deleted-rows"])
        if outputs[-1] == "Nothing was archived.":
            break
    assert len(outputs) == 4  # 240 instances at 100 a batch, then nothing
    assert "| instances" in outputs[0] and "Number of Rows Archived" in outputs[0]
    database = c.model.runtime.services["openstack"]["database"]
    assert database.shadow["instances"] == 240 and database.deleted["instances"] == 0


def test_purge_data_deletes_shadow_rows_then_reports_nothing() -> None:
    c = controller_cloud()
    c.run("nova-cloud-controller/0", "archive-data")
    assert c.run("nova-cloud-controller/0", "purge-data", before="2000-01-02").output == {
        "output": "Purging stale soft-deleted rows and no data was deleted"}
    assert c.run("nova-cloud-controller/0", "purge-data").output == {
        "output": "Purging stale soft-deleted rows succeeded."}
    bad = c.run("nova-cloud-controller/0", "purge-data", before="yesterday")
    assert (bad.status, bad.message) == ("failed", "Invalid value for --before: yesterday")


def test_action_parameters_are_checked_against_the_schema() -> None:
    c = controller_cloud()
    done = c.run("nova-cloud-controller/0", "archive-data", **{"batch-size": "many"})
    assert (done.status, done.message) == (
        "failed", "validation failed: (root).batch-size : must be of type integer, "
                  "given 'many'")


def test_mysqldump_names_its_file_as_the_charm_does() -> None:
    c = controller_cloud()
    done = c.run("mysql-innodb-cluster/0", "mysqldump", databases="keystone,nova")
    assert done.status == "completed"
    assert done.output["mysqldump-file"].startswith("/var/backups/mysql/mysqldump-keystone-"
                                                    "nova-2023")
    everything = c.run("mysql-innodb-cluster/1", "mysqldump", basedir="/srv/backup")
    assert "/srv/backup/mysqldump-all-databases-" in everything.output["mysqldump-file"]
    assert c.status("mysql-innodb-cluster/0")[1].startswith("Unit is ready: Mode: R/W")
    assert c.status("mysql-innodb-cluster/1")[1].startswith("Unit is ready: Mode: R/O")


def test_instance_count_without_the_openstack_apis_reads_the_unit() -> None:
    c = controller_cloud()
    counts = [c.run(f"nova-compute/{i}", "instance-count").output for i in range(2)]
    assert counts == [{"instance-count": "0"}, {"instance-count": "2"}]


def test_nova_compute_actions_act_on_the_openstack_state() -> None:
    c = controller_cloud()
    state = OpenStackState.from_scenario(
        {"vms": {"node-1": ["web-1", "web-2", "web-3"]}},
        [{"hostname": "node-1", "availability_zone": "az2"},
         {"hostname": "node-2", "availability_zone": "az3"}], clock=Clock(scale=1.0))
    c.model.runtime.services["openstack"]["openstack"] = state
    assert c.run("nova-compute/0", "instance-count").output == {"instance-count": "3"}
    c.run("nova-compute/0", "disable")
    assert state.host("node-1").service.disabled
    assert c.status("nova-compute/0") == ("active",
                                          "Unit is ready (nova-compute service disabled)")
    state.vms_on("node-1")[0].host = "node-2"  # a live migration moved one
    assert c.run("nova-compute/0", "instance-count").output == {"instance-count": "2"}
    c.run("nova-compute/0", "enable")
    assert not state.host("node-1").service.disabled
    assert c.run("nova-compute/1", "node-name").output == {"node-name": "node-2"}


def test_ceph_mon_noout_and_the_ceph_commands_octane_reads() -> None:
    c = cloud({"ceph-mon": {"channel": "octopus/stable", "config": {"source": "distro"},
                            "to": ["0", "1", "2"]},
               "ceph-osd": {"channel": "octopus/stable", "config": {"source": "distro"},
                            "to": ["0", "1"]}})
    assert c.run("ceph-mon/0", "set-noout").output == {"message": "Ceph osd noout has been set"}
    dump = c.exec("ceph-mon/1", "ceph osd dump --format json")
    assert "noout" in json.loads(dump.output["stdout"])["flags_set"]
    assert json.loads(dump.output["stdout"])["require_osd_release"] == "octopus"
    versions = json.loads(c.exec("ceph-mon/0", "ceph versions").output["stdout"])
    line = next(iter(versions["overall"]))
    assert line.startswith("ceph version 15.2.0 (") and line.endswith(") octopus (stable)")
    assert versions["osd"] == {line: 6} and versions["mon"] == {line: 3}
    c.run("ceph-mon/2", "unset-noout")
    health = c.exec("ceph-mon/0", "sudo ceph health")
    assert health.output["stdout"] == "HEALTH_OK\n"
    assert c.exec("ceph-mon/0", "ceph osd require-osd-release pacific").status == "completed"
    dump = json.loads(c.exec("ceph-mon/0", "ceph osd dump -f json").output["stdout"])
    assert dump["require_osd_release"] == "pacific"


def test_pause_and_resume_every_openstack_charm() -> None:
    c = cloud({"glance": {"channel": "ussuri/stable", "config": ORIGIN, "to": ["0"]},
               "rabbitmq-server": {"channel": "3.8/stable", "to": ["1"]}})
    for unit in ("glance/0", "rabbitmq-server/0"):
        c.run(unit, "pause")
        assert c.status(unit) == ("maintenance",
                                  "Paused. Use 'resume' action to resume normal service.")
        c.run(unit, "resume")
        assert c.status(unit)[0] == "active"


def test_security_checklist_reports_each_check() -> None:
    c = cloud({"keystone": {"channel": "ussuri/stable", "config": ORIGIN, "to": ["0"]}})
    done = c.run("keystone/0", "security-checklist")
    assert done.status == "completed"
    assert done.output["validate-file-permissions"] == "PASS"


def test_apt_commands_succeed_and_are_recorded_on_the_unit() -> None:
    c = cloud({"mysql-innodb-cluster": {"channel": "8.0/stable", "to": ["0"]}})
    held = c.exec("mysql-innodb-cluster/0", "sudo apt-mark hold mysql-server-core-8.0")
    assert held.output["stdout"] == "mysql-server-core-8.0 set on hold.\n"
    upgrade = c.exec("mysql-innodb-cluster/0", (
        "apt-get update && apt-get dist-upgrade -o Dpkg::Options::=--force-confnew -o "
        "Dpkg::Options::=--force-confdef -y && apt-get autoremove -y"))
    assert (upgrade.status, upgrade.output["return-code"]) == ("completed", 0)
    assert "kept back:\n  mysql-server-core-8.0\n" in upgrade.output["stdout"]
    assert c.unit("mysql-innodb-cluster/0").charm_state == {
        "apt-held": ["mysql-server-core-8.0"], "apt-upgrades": 1}
    c.exec("mysql-innodb-cluster/0", "apt-mark unhold mysql-server-core-8.0")
    assert c.unit("mysql-innodb-cluster/0").charm_state == {"apt-upgrades": 1}


def test_commands_fail_the_way_a_shell_would() -> None:
    c = cloud({"glance": {"channel": "ussuri/stable", "config": ORIGIN, "to": ["0"]}})
    missing = c.exec("glance/0", "systemctl restart nova-compute")
    assert (missing.status, missing.message) == ("failed", "exit status 5")
    assert missing.output["stderr"] == ("Failed to restart nova-compute.service: Unit "
                                        "nova-compute.service not found.\n")
    chained = c.exec("glance/0", "false && apt-get update; echo done")
    assert (chained.status, chained.output["stdout"]) == ("completed", "done\n")
    piped = c.exec("glance/0", "apt list --upgradable | wc -l")
    assert piped.output["return-code"] == 127  # pipes are not interpreted
    assert c.exec("glance/0", "systemctl restart glance-api").status == "completed"
