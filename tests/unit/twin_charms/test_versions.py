"""Workload versions follow origin and channel once the hooks settle."""

from __future__ import annotations

from tests.unit.twin_charms.helpers import cloud


def openstack(charm: str, origin: str = "distro", channel: str = "ussuri/stable",
              **extra: object) -> dict[str, object]:
    return {"charm": charm, "channel": channel, "revision": 1,
            "config": {"openstack-origin": origin, **extra}, "to": ["0", "1"]}


def test_origin_sets_the_version_at_start() -> None:
    c = cloud({"keystone": openstack("keystone", "cloud:focal-victoria", "victoria/stable"),
               "glance": openstack("glance")})
    assert c.version("keystone/0") == "18.0.0"
    assert c.version("glance/1") == "20.0.0"
    assert c.status("keystone/0") == ("active", "Unit is ready")


def test_refresh_and_origin_change_move_the_version_after_the_settle() -> None:
    c = cloud({"keystone": openstack("keystone")})
    c.refresh("keystone", "victoria/stable", 2)
    c.settle()
    assert c.version("keystone/0") == "17.0.0"  # a new channel alone moves no package
    assert c.config("keystone", openstack_origin="cloud:focal-victoria") == [
        "openstack-origin"]
    assert c.status("keystone/0") == ("maintenance", "Performing OpenStack upgrade")
    c.settle(600)
    assert c.version("keystone/0") == "17.0.0"  # keystone's upgrade takes 900 s
    c.settle(400)
    assert (c.version("keystone/0"), c.version("keystone/1")) == ("18.0.0", "18.0.0")
    assert c.status("keystone/1") == ("active", "Unit is ready")
    assert c.unit("keystone/1").agent.current == "idle"


def test_a_config_change_that_moves_no_package_keeps_the_patch_level() -> None:
    c = cloud({"nova-compute": {**openstack("nova-compute"), "workload-version": "21.2.4"}})
    c.config("nova-compute", debug=True)
    c.settle()
    assert c.version("nova-compute/0") == "21.2.4"
    assert c.unit("nova-compute/0").agent.current == "idle"


def test_ceph_follows_source_and_keeps_octopus_for_victoria() -> None:
    c = cloud({"ceph-osd": {"channel": "octopus/stable", "config": {"source": "distro"},
                            "to": ["0", "1", "2"]}})
    assert c.version("ceph-osd/0") == "15.2.0"
    c.config("ceph-osd", source="cloud:focal-victoria")
    c.settle()
    assert c.version("ceph-osd/0") == "15.2.0"  # victoria's cloud archive is octopus too
    c.refresh("ceph-osd", "pacific/stable", 5)
    c.config("ceph-osd", source="cloud:focal-wallaby")
    c.settle()
    assert c.version("ceph-osd/2") == "16.2.0"


def test_own_track_charms_report_their_track() -> None:
    c = cloud({"ovn-central": {"channel": "20.03/stable", "config": {"source": "distro"},
                               "to": ["0", "1", "2"]}})
    assert c.version("ovn-central/0") == "20.03.0"
    c.refresh("ovn-central", "22.03/stable", 9)
    c.settle()
    assert c.version("ovn-central/0") == "22.03.0"
    assert c.status("ovn-central/0") == (
        "active", "Unit is ready (leader: ovnnb_db, ovnsb_db northd: active)")
    assert c.status("ovn-central/1") == ("active", "Unit is ready")


def test_rabbitmq_38_stays_on_38_for_ussuri_and_victoria() -> None:
    c = cloud({"rabbitmq-server": {"channel": "3.8/stable", "config": {
        "source": "distro", "enable-auto-restarts": False}, "to": ["0"]}})
    c.refresh("rabbitmq-server", "3.9/stable", 7)
    c.config("rabbitmq-server", source="cloud:focal-victoria")
    c.settle()
    assert c.version("rabbitmq-server/0") == "3.8.0"


def test_subordinates_follow_their_principal_and_report_their_payload() -> None:
    c = cloud({"keystone": openstack("keystone"),
               "keystone-hacluster": {"charm": "hacluster", "channel": "2.4/stable",
                                      "subordinate": True},
               "keystone-mysql-router": {"charm": "mysql-router", "channel": "8.0/stable",
                                         "subordinate": True},
               "keystone-ldap": {"channel": "ussuri/stable", "subordinate": True}},
              relations=[["keystone:ha", "keystone-hacluster:ha"],
                         ["keystone:shared-db", "keystone-mysql-router:shared-db"],
                         ["keystone:domain-backend", "keystone-ldap:domain-backend"]])
    for sub in ("keystone-hacluster/1", "keystone-mysql-router/1", "keystone-ldap/1"):
        assert c.unit(sub).principal == "keystone/1"
        assert c.unit(sub).machine_id == "1"
    assert c.version("keystone-hacluster/0") == "2.0.3"  # focal's pacemaker
    assert c.version("keystone-mysql-router/0") == "8.0.0"
    assert c.version("keystone-ldap/0") == ""


def test_series_packages_do_not_follow_the_cloud_archive() -> None:
    focal = cloud({"designate-bind": {"channel": "wallaby/stable", "to": ["0"]}})
    jammy = cloud({"designate-bind": {"channel": "yoga/stable", "to": ["0"]}},
                  series="jammy")
    assert (focal.version("designate-bind/0"), jammy.version("designate-bind/0")) == (
        "9.16.1", "9.18.28")


def test_vault_reports_its_snap_track() -> None:
    c = cloud({"vault": {"channel": "1.7/stable", "to": ["0"]}}, series="jammy")
    assert c.version("vault/0") == "1.7.0"


def test_a_scenario_version_wins_over_the_charm_rules() -> None:
    c = cloud({"glance": {**openstack("glance"), "workload-version": "20.2.0"},
               "cinder": {**openstack("cinder"), "workload-version": {
                   "ussuri": "16.4.2", "victoria": "17.2.0"}}},
              state={"glance/1": {"workload-version": "20.0.1"}})
    assert (c.version("glance/0"), c.version("glance/1")) == ("20.2.0", "20.0.1")
    assert c.version("cinder/0") == "16.4.2"
    c.refresh("cinder", "victoria/stable", 3)
    c.settle()
    assert c.version("cinder/0") == "17.2.0"


def test_unknown_charms_keep_their_version_and_take_apt() -> None:
    c = cloud({"memcached": {"channel": "latest/stable", "workload-version": "1.5.22",
                             "config": {"size": 768}, "to": ["0"]}})
    c.config("memcached", size=512)
    c.settle()
    assert c.version("memcached/0") == "1.5.22"
    done = c.exec("memcached/0", "apt-get update && apt-get dist-upgrade -y")
    assert (done.status, done.output["return-code"]) == ("completed", 0)
