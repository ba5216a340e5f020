"""Per-charm rules: what each charm's quirk puts in (or keeps out of) its plan."""

from __future__ import annotations

from typing import Any

import pytest

from octane.apps.base import AppRules, AuxiliaryRules, SubordinateRules, UnsupportedRules
from octane.apps.context import Level, Probes
from octane.apps.infra import RabbitMQServer
from octane.apps.registry import DEFAULTS, RulesRegistry
from octane.errors import OctaneError
from octane.releases import CharmKind
from tests.golden.scenarios import CloudBuilder, jammy_yoga
from tests.unit.apps.helpers import REGISTRY, actions, descriptions, rules


def _cloud(app: str, n: int = 3, series: str = "focal", release: str = "ussuri",
           **kw: Any) -> CloudBuilder:
    b = CloudBuilder("openstack", series, release)
    b.app(app, machines=[b.machine(f"az{i + 1}") for i in range(n)], **kw)
    return b


def test_registry_maps_entry_points_and_defaults_by_kind() -> None:
    assert REGISTRY.rules_class("rabbitmq-server", CharmKind.AUXILIARY) is RabbitMQServer
    assert REGISTRY.rules_class("glance", CharmKind.OPENSTACK) is AppRules
    assert REGISTRY.rules_class("ceph-fs", CharmKind.AUXILIARY) is AuxiliaryRules
    assert REGISTRY.rules_class("keystone-ldap", CharmKind.SUBORDINATE) is SubordinateRules
    assert REGISTRY.rules_class("swift-proxy", CharmKind.UNSUPPORTED) is UnsupportedRules
    assert set(DEFAULTS) == set(CharmKind)


def test_registry_refuses_a_plugin_that_is_not_rules() -> None:
    with pytest.raises(OctaneError, match="not an AppRules"):
        RulesRegistry({"keystone": dict})  # type: ignore[dict-item]  # the wrong type on purpose


def test_default_openstack_plan_in_cou_order() -> None:
    cloud = _cloud("glance", config={"action-managed-upgrade": True},
                   can_upgrade_to="ch:glance-9").build()
    plan = rules(cloud, "glance", "victoria").plan("cp/glance")
    assert descriptions(plan) == [
        "Upgrade plan for 'glance' to 'victoria'",
        "Upgrade software packages of 'glance' from the current APT repositories",
        "Upgrade software packages on unit 'glance/0'",
        "Upgrade software packages on unit 'glance/1'",
        "Upgrade software packages on unit 'glance/2'",
        "Refresh 'glance' to the latest revision of 'ussuri/stable'",
        "Change charm config of 'glance' 'action-managed-upgrade' to 'False'",
        "Upgrade 'glance' to the new channel: 'victoria/stable'",
        "Change charm config of 'glance' 'openstack-origin' to 'cloud:focal-victoria'",
        "Wait for up to 300s for app 'glance' to reach the idle state",
        "Verify that the workload of 'glance' has been upgraded on units: glance/0, glance/1, "
        "glance/2",
    ]
    assert plan is not None and plan.prompt and plan.children[0].parallel


def test_up_to_date_application_has_no_plan() -> None:
    cloud = _cloud("glance", release="victoria").build()
    assert rules(cloud, "glance", "victoria").plan("cp/glance") is None


def test_half_done_application_only_gets_what_is_missing() -> None:
    cloud = _cloud("glance", channel="victoria/stable").build()  # channel moved, origin not
    names = [a for a, _ in actions(rules(cloud, "glance", "victoria").plan("cp/glance"))]
    assert "app.refresh" not in names and "app.set_config" in names


def test_keystone_waits_long_for_the_whole_model() -> None:
    plan = rules(_cloud("keystone").build(), "keystone", "victoria").plan("cp/keystone")
    wait = [p for a, p in actions(plan) if a == "model.wait_idle"]
    assert wait == [{"timeout": 2400, "applications": None, "raise_on_blocked": False}]
    refresh = [p for a, p in actions(plan) if a == "app.refresh"]
    assert refresh[0]["timeout"] == 1200


def test_octavia_waits_long_for_itself_only() -> None:
    plan = rules(_cloud("octavia").build(), "octavia", "victoria").plan("cp/octavia")
    wait = [p for a, p in actions(plan) if a == "model.wait_idle"]
    assert wait == [{"timeout": 2400, "applications": ["octavia"], "raise_on_blocked": False}]


def test_rabbitmq_refuses_auto_restarts_and_brackets_deferred_hooks() -> None:
    on = rules(_cloud("rabbitmq-server", config={"enable-auto-restarts": True}).build(),
               "rabbitmq-server", "victoria")
    assert [f.level for f in on.checks()] == [Level.ERROR]
    assert "LP 2046381" in on.checks()[0].message
    off = rules(_cloud("rabbitmq-server", channel="3.8/stable").build(), "rabbitmq-server",
                "victoria")
    assert off.checks() == []
    plan = actions(off.plan("cp/rabbitmq-server"))
    names = [a for a, _ in plan]
    assert names[0] == "app.verify_config"
    hooks = [i for i, (a, p) in enumerate(plan) if p.get("action") == "run-deferred-hooks"]
    channel = names.index("app.refresh")
    assert len(hooks) == 6 and hooks[2] < channel < hooks[3]
    assert ("app.refresh", {"application": "rabbitmq-server", "channel": "3.9/stable",
                            "switch": None, "timeout": 300}) in plan


def test_mysql_holds_the_server_package() -> None:
    plan = rules(_cloud("mysql-innodb-cluster").build(), "mysql-innodb-cluster", "victoria")
    packages = [p for a, p in actions(plan.plan("cp/m")) if a == "unit.upgrade_packages"]
    assert packages and all(p["hold"] == ["mysql-server-core-8.0"] for p in packages)


def test_ceph_mon_checks_require_osd_release_first_and_warns_on_mixed_versions() -> None:
    mixed = Probes(ceph_versions={"overall": {"ceph version 15.2.17 (x) octopus": 3,
                                              "ceph version 16.2.9 (y) pacific": 6}})
    r = rules(_cloud("ceph-mon").build(), "ceph-mon", "victoria", probes=mixed)
    assert actions(r.plan("cp/ceph-mon"))[0][0] == "ceph.ensure_require_osd_release"
    assert [f.level for f in r.checks()] == [Level.WARNING]
    assert "LP 2068151" in r.checks()[0].message


def test_ceph_osd_after_the_computes_and_never_with_noout() -> None:
    b = _cloud("nova-compute")
    b.app("ceph-osd", machines=["0", "1", "2"])
    r = rules(b.build(), "ceph-osd", "victoria", probes=Probes(ceph_flags=("noout",)))
    assert actions(r.plan("dp/ceph-osd"))[0] == (
        "app.verify_release", {"application": "nova-compute", "release": "victoria"})
    assert [f.level for f in r.checks()] == [Level.ERROR]


@pytest.mark.parametrize("app", ["ovn-central", "ovn-dedicated-chassis"])
def test_ovn_needs_22_03_and_no_version_pinning(app: str) -> None:
    old = rules(_cloud(app, versions=["20.03.2"] * 3, channel="20.03/stable").build(), app,
                "victoria")
    assert any("older than 22.03" in f.message for f in old.checks())
    pinned = rules(_cloud(app, config={"enable-version-pinning": True}).build(), app, "victoria")
    assert any("enable-version-pinning" in f.message for f in pinned.checks())
    good = rules(_cloud(app).build(), app, "victoria")
    assert good.checks() == []
    names = [a for a, _ in actions(good.plan("x"))]
    assert "ovn.verify_version" in names and "app.verify_config" in names


def test_ovn_chassis_subordinate_checks_its_units_versions() -> None:
    b = _cloud("nova-compute")
    b.sub("ovn-chassis", to=["nova-compute"], channel="20.03/stable")
    for unit in b.apps["ovn-chassis"]["units"]:
        unit["workload_version"] = "20.03.2"
    r = rules(b.build(), "ovn-chassis", "victoria")
    assert [f.level for f in r.checks()] == [Level.ERROR]


def test_vault_sealed_is_refused_and_a_channel_change_needs_unsealing() -> None:
    sealed = rules(_cloud("vault", series="jammy", release="yoga", channel="1.7/stable",
                          status="blocked", message="Unit is sealed").build(), "vault", "zed")
    assert "--skip-apps vault" in sealed.checks()[0].message
    ok = rules(jammy_yoga(), "vault", "zed")
    assert ok.checks() == []
    plan = ok.plan("cp/vault")
    steps = [s for s in plan.walk() if s.action] if plan else []
    assert steps[0].action == "vault.verify_unsealed"
    unseal = [s for s in steps if s.action == "vault.unseal"]
    assert unseal and unseal[0].prompt
    assert [s.action for s in steps].index("app.refresh") < steps.index(unseal[0])


def test_swift_is_refused_with_a_clear_message() -> None:
    r = rules(_cloud("swift-proxy").build(), "swift-proxy", "victoria")
    assert r.plan("dp/swift-proxy") is None
    assert "not upgraded in place" in r.checks()[0].message


def test_nova_cloud_controller_az_filter_blocks_bobcat() -> None:
    cfg = {"scheduler-default-filters": "AvailabilityZoneFilter,ComputeFilter"}
    r = rules(_cloud("nova-cloud-controller", series="jammy", release="antelope",
                     config=cfg).build(), "nova-cloud-controller", "bobcat")
    assert r.checks()[0].level is Level.ERROR and "AvailabilityZoneFilter" in r.checks()[0].message
    earlier = rules(_cloud("nova-cloud-controller", series="jammy", release="zed",
                           config=cfg).build(), "nova-cloud-controller", "antelope")
    assert earlier.checks() == []


def test_known_issue_warnings() -> None:
    designate = rules(_cloud("designate", series="jammy", release="yoga").build(), "designate",
                      "zed")
    assert "LP 2114254" in designate.checks()[0].message
    b = _cloud("ceph-mon", series="jammy", release="antelope")
    b.sub("ceph-dashboard", to=["ceph-mon"])
    assert "LP 2111793" in rules(b.build(), "ceph-dashboard", "bobcat").checks()[0].message


def test_subordinates_only_move_the_charm() -> None:
    b = _cloud("keystone")
    b.sub("keystone-ldap", to=["keystone"], can_upgrade_to="ch:keystone-ldap-9")
    r = rules(b.build(), "keystone-ldap", "victoria")
    assert [a for a, _ in actions(r.plan("cp/keystone-ldap"))] == ["app.refresh", "app.refresh"]
    b2 = _cloud("keystone")
    b2.sub("keystone-ldap", to=["keystone"], release="victoria")
    assert rules(b2.build(), "keystone-ldap", "victoria").plan("x") is None


def test_auxiliary_tracks_move_to_the_last_track_but_never_back() -> None:
    b = _cloud("keystone")
    b.sub("keystone-hacluster", "hacluster", to=["keystone"], channel="2.0.3/stable")
    r = rules(b.build(), "keystone-hacluster", "victoria")
    assert ("app.refresh", {"application": "keystone-hacluster", "channel": "2.4/stable",
                            "switch": None, "timeout": 300}) in actions(r.plan("x"))
    ahead = _cloud("ceph-mon", channel="pacific/stable")
    names = [p.get("channel") for _, p in actions(rules(ahead.build(), "ceph-mon",
                                                        "victoria").plan("x"))]
    assert "octopus/stable" not in names


def test_nova_compute_unit_steps_verify_emptiness_unless_forced() -> None:
    b = _cloud("nova-compute", n=1)
    b.sub("ceilometer-agent", to=["nova-compute"])
    cloud = b.build()
    unit = cloud.applications["nova-compute"].units[0]
    steps = rules(cloud, "nova-compute", "victoria").hypervisor_unit_steps("hv/az1/n", unit)
    assert [s.action for s in steps] == ["nova.verify_empty", "unit.pause",
                                         "unit.openstack_upgrade", "unit.resume"]
    assert steps[0].params["hostname"] == "node-0"
    # LP 1947585: ceilometer-agent-compute is restarted after resume
    assert steps[-1].params["restart_services"] == ["ceilometer-agent-compute"]
    forced = rules(cloud, "nova-compute", "victoria", force=True)
    assert forced.hypervisor_unit_steps("x", unit)[0].action == "unit.pause"
