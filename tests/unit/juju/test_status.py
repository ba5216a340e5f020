"""Raw Juju documents -> snapshots: a captured FullStatus, nesting, odd or missing keys."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from octane.juju.status import (
    action_names,
    charm_name,
    cloud_from_status,
    config_values,
    parse_hardware,
)

DATA = Path(__file__).parent / "data"


def _captured() -> dict[str, Any]:
    # FullStatus as libjuju 3.6.1.3 received it (shared/reference/juju-api-transcript.log)
    status: dict[str, Any] = json.loads((DATA / "fullstatus-keystone.json").read_text())
    return status


def test_captured_full_status() -> None:
    cloud = cloud_from_status(_captured(), model="fallback", controller="ctl",
                              configs={"keystone": {"openstack-origin": "distro"}},
                              actions={"keystone": ("pause", "resume")})
    assert cloud.model == "openstack" and cloud.juju_version == "3.6.1"
    app = cloud.applications["keystone"]
    assert (app.charm, app.channel, app.revision, app.series) == (
        "keystone", "yoga/stable", 588, "jammy")
    assert app.origin == "distro" and app.actions == ("pause", "resume")
    unit = app.units[0]
    assert (unit.name, unit.machine, unit.workload_version, unit.leader) == (
        "keystone/0", "0", "21.0.0", True)
    assert (unit.agent_status, unit.workload_status) == ("idle", "active")
    machine = cloud.machines["0"]
    assert (machine.az, machine.hostname, machine.series) == ("az1", "juju-0", "jammy")


def _status_with_subordinates_and_containers() -> dict[str, Any]:
    return {
        "model": {"name": "m"},
        "machines": {"0": {"hostname": "host-0", "series": "focal",
                           "hardware": "arch=amd64 availability-zone=zone-a",
                           "containers": {"0/lxd/0": {"hostname": "c0", "base": {
                               "name": "ubuntu", "channel": "20.04/stable"}}}}},
        "applications": {
            "nova-compute": {"charm": "ch:amd64/focal/nova-compute-700", "charm-rev": 700,
                             "charm-channel": "ussuri/stable", "series": "focal",
                             "units": {"nova-compute/0": {
                                 "machine": "0", "workload-version": "21.2.4",
                                 "agent-status": {"status": "idle"},
                                 "workload-status": {"status": "active", "info": "ready"},
                                 "subordinates": {"ovn-chassis/7": {
                                     "workload-version": "22.03.0",
                                     "agent-status": {"status": "executing"},
                                     "workload-status": {"status": "active"}}}}}},
            "ovn-chassis": {"charm": "ovn-chassis", "charm-channel": "22.03/stable",
                            "subordinate-to": ["nova-compute"], "units": None},
            "glance": {"charm": "ch:glance-1", "units": {"glance/0": {"machine": "0/lxd/0"}}},
        },
    }


def test_subordinates_are_collected_on_their_principals_machines() -> None:
    cloud = cloud_from_status(_status_with_subordinates_and_containers(), model="m",
                              azs={"0": "zone-b"})
    sub = cloud.applications["ovn-chassis"]
    assert sub.is_subordinate and [u.name for u in sub.units] == ["ovn-chassis/7"]
    assert (sub.units[0].machine, sub.units[0].principal) == ("0", "nova-compute/0")
    assert sub.units[0].agent_status == "executing"
    assert cloud.applications["nova-compute"].units[0].subordinates == ("ovn-chassis/7",)
    # the watcher's AZ wins over the hardware string; containers are machines too
    assert cloud.machines["0"].az == "zone-b"
    assert cloud.machines["0/lxd/0"].series == "focal"
    assert cloud.machine_apps["0"] == ("nova-compute", "ovn-chassis")


def test_missing_keys_degrade_to_empty_values() -> None:
    cloud = cloud_from_status({"applications": {"x": {}}}, model="fallback")
    app = cloud.applications["x"]
    assert cloud.model == "fallback"
    assert (app.charm, app.channel, app.revision, app.units) == ("x", "", None, ())


def test_charm_names_from_urls() -> None:
    assert charm_name("ch:amd64/focal/keystone-561") == "keystone"
    assert charm_name("cs:~openstack-charmers/nova-compute-3") == "nova-compute"
    assert charm_name("local:jammy/my-charm-0") == "my-charm"
    assert charm_name("ovn-chassis") == "ovn-chassis"


def test_config_values_and_action_names() -> None:
    get = {"config": {"debug": {"value": False, "source": "default"},
                      "openstack-origin": {"value": "distro"}, "unset": {"source": "unset"}}}
    assert config_values(get) == {"debug": False, "openstack-origin": "distro", "unset": None}
    listing = {"results": [{"application-tag": "application-nova-compute",
                            "actions": {"resume": {}, "pause": {}}},
                           {"error": {"message": "gone"}}]}
    assert action_names(listing) == {"nova-compute": ("pause", "resume")}


def test_parse_hardware() -> None:
    assert parse_hardware("arch=amd64 cpu-cores=4 availability-zone=az1 junk") == {
        "arch": "amd64", "cpu-cores": "4", "availability-zone": "az1"}
