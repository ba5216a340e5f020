"""Building the twin's OpenStack state from a scenario: defaults, faults, impossible states."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from octane.twin.clock import Clock
from octane.twin.openstack import (
    InvalidScenario,
    OpenStackState,
    clouds_yaml,
    identity,
    openrc_text,
)

HYPERVISORS = [{"hostname": "node-1", "availability_zone": "az1"},
               {"hostname": "node-2", "availability_zone": "az2"}]


def build(section: dict[str, Any] | None, **kwargs: Any) -> OpenStackState:
    return OpenStackState.from_scenario(section, HYPERVISORS, **kwargs)


def test_an_empty_section_gives_a_quiet_charmed_cloud() -> None:
    state = build(None)
    assert sorted(state.compute_hosts) == ["node-1", "node-2"]
    assert state.compute_hosts["node-2"].service.zone == "az2"
    assert state.summary() == {"node-1": [], "node-2": []}
    assert sorted(p.name for p in state.projects.values()) == ["admin", "demo"]
    assert {a.binary for a in state.agents} == {"ovn-controller", "neutron-ovn-metadata-agent"}
    assert len(state.agents) == 4
    assert {s.binary for s in state.nova_services} == {"nova-conductor", "nova-scheduler"}
    assert state.versions.release == "ussuri" and str(state.versions.nova_max) == "2.87"


def test_each_twin_gets_its_own_password_but_the_same_ids() -> None:
    first, second = build({"vms": {"node-1": 2}}), build({"vms": {"node-1": 2}})
    assert first.users.keys() == second.users.keys()
    assert first.vms.keys() == second.vms.keys()
    password = next(iter(first.users.values())).password
    assert password != next(iter(second.users.values())).password
    assert len(password) >= 20


def test_vms_by_count_by_name_and_in_full() -> None:
    state = build({"projects": ["demo", "shop"], "vms": {
        "node-1": 2, "node-2": ["web", {"name": "db", "project": "shop", "status": "shutoff",
                                        "availability_zone": "az2"}]}})
    assert state.summary() == {"node-1": ["vm-1", "vm-2"], "node-2": ["web", "db"]}
    db = state.find_vm("db")
    assert db.status == "SHUTOFF" and db.requested_az == "az2"
    assert state.projects[db.project_id].name == "shop"


def test_faults_are_in_place_from_the_start() -> None:
    clock = Clock(scale=1.0, start=1_000.0, wall=lambda: 0.0)
    state = build({"faults": {"compute_down": ["node-2"], "disabled": {"node-1": "broken"},
                              "agents_down": ["node-1"], "maintenance": True,
                              "vm_appears": [{"host": "node-2", "after": 120}]}}, clock=clock)
    now = clock.now()
    assert not state.compute_hosts["node-2"].service.is_up(now)
    node1 = state.compute_hosts["node-1"].service
    assert node1.disabled and node1.disabled_reason == "broken"
    assert not any(a.alive for a in state.agents if a.host == "node-1")
    assert state.maintenance is True
    assert state.summary()["node-2"] == []
    clock.advance(121)
    assert state.summary()["node-2"] == ["surprise-1"]


def test_reset_goes_back_to_the_scenario_and_keeps_tokens() -> None:
    state = build({"vms": {"node-1": 1}}, admin_password="pw")
    token = identity.authenticate(state, {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": "admin", "domain": {"name": "admin_domain"}, "password": "pw"}}},
        "scope": {"project": {"name": "admin", "domain": {"name": "admin_domain"}}}}})
    state.add_vm("node-2", name="extra")
    state.set_maintenance(True)
    state.reset()
    assert state.summary() == {"node-1": ["vm-1"], "node-2": []}
    assert state.maintenance is False
    assert identity.validate(state, token.id).project_id == token.project_id


@pytest.mark.parametrize(("section", "message"), [
    ({"colour": "blue"}, "openstack.<section>: unknown key 'colour'"),
    ({"vms": {"node-9": 1}}, "openstack.vms.node-9: 'node-9' is not a nova-compute host of the "
                             "model (known: node-1, node-2)"),
    ({"vms": {"node-1": -1}}, "a VM count cannot be negative"),
    ({"vms": {"node-1": [{"name": "a", "availability_zone": "az2"}]}},
     "a VM pinned to 'az2' cannot live on 'node-1' in 'az1'"),
    ({"vms": {"node-1": ["a"], "node-2": ["a"]}}, "VM name 'a' is used twice"),
    ({"vms": {"node-1": [{"project": "nobody"}]}}, "unknown project 'nobody'"),
    ({"release": "folsom"}, "unknown OpenStack release 'folsom'"),
    ({"migration_seconds": 0}, "must be a positive number"),
    ({"faults": {"failing_migrations": ["ghost"]}}, "no VM named 'ghost'"),
    ({"faults": {"compute_down": ["node-7"]}}, "'node-7' is not a nova-compute host"),
    ({"faults": {"vm_appears": [{"host": "node-1", "after": -5}]}}, "'after' must be"),
    ({"faults": {"earthquake": True}}, "openstack.faults: unknown key 'earthquake'"),
    ({"nova_services": [{"binary": "nova-scheduler"}]}, "needs 'binary' and 'host'"),
])
def test_impossible_states_are_refused_in_one_line(section: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidScenario) as caught:
        build(section)
    line = caught.value.one_line()
    assert message in line and "\n" not in line
    assert line.startswith("scenario openstack.")


def test_a_hypervisor_listed_twice_is_refused() -> None:
    with pytest.raises(InvalidScenario, match="'node-1' is listed twice"):
        OpenStackState.from_scenario(None, [*HYPERVISORS, HYPERVISORS[0]])


def test_credentials_for_the_operator() -> None:
    state = build(None, admin_password="s3cret 'quoted'")
    text = clouds_yaml(state, "http://127.0.0.1:5000/identity/v3", "twin")
    cloud = yaml.safe_load(text)["clouds"]["twin"]
    assert cloud["auth"]["password"] == "s3cret 'quoted'"
    assert cloud["auth"]["user_domain_name"] == "admin_domain"
    exported = openrc_text({"OS_PASSWORD": "s3cret 'quoted'"})
    assert exported == "export OS_PASSWORD='s3cret '\"'\"'quoted'\"'\"''\n"


def test_handing_over_the_twin_clock_keeps_pending_faults_relative() -> None:
    early = Clock(scale=1.0, start=0.0, wall=lambda: 0.0)
    state = build({"projects": ["shop"],
                   "faults": {"vm_appears": [{"host": "node-1", "after": 600}]}}, clock=early)
    shared = Clock(scale=1.0, start=5_000_000.0, wall=lambda: 0.0)
    state.use_clock(shared)
    shared.advance(599)
    assert state.summary()["node-1"] == []
    shared.advance(2)
    assert state.summary()["node-1"] == ["surprise-1"]
    vm = state.find_vm("surprise-1")
    assert state.projects[vm.project_id].name == "shop"  # the first tenant project
    assert state.add_vm("node-2").project_id == vm.project_id
