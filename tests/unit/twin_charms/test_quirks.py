"""Opt-in charm misbehaviours from COU's known-issues list, and what clears them."""

from __future__ import annotations

import json

from octane.twin.behaviours import charmhub
from tests.unit.twin_charms.helpers import Cloud, cloud


def rabbit(auto_restarts: bool) -> Cloud:
    return cloud({"rabbitmq-server": {
        "channel": "3.9/stable", "to": ["0", "1", "2"],
        "config": {"source": "cloud:focal-xena", "enable-auto-restarts": auto_restarts}}},
        series="focal")


def test_rabbitmq_with_auto_restarts_partitions_the_cluster() -> None:
    c = rabbit(auto_restarts=True)
    c.config("rabbitmq-server", source="cloud:focal-yoga")
    c.settle()
    assert c.status("rabbitmq-server/0") == ("active", "Unit is ready and clustered")
    assert c.status("rabbitmq-server/1") == ("blocked", "RabbitMQ is partitioned")
    assert c.status("rabbitmq-server/2") == ("blocked", "RabbitMQ is partitioned")
    c.exec("rabbitmq-server/1", "systemctl restart rabbitmq-server")
    assert c.status("rabbitmq-server/1") == ("active", "Unit is ready and clustered")
    assert c.status("rabbitmq-server/2") == ("blocked", "RabbitMQ is partitioned")


def test_rabbitmq_without_auto_restarts_defers_until_run_deferred_hooks() -> None:
    c = rabbit(auto_restarts=False)
    c.config("rabbitmq-server", source="cloud:focal-yoga")
    c.settle()
    queued = ("active", "Unit is ready and clustered. Services queued for restart: "
                        "rabbitmq-server")
    assert [c.status(f"rabbitmq-server/{i}") for i in range(3)] == [queued] * 3
    shown = c.run("rabbitmq-server/0", "show-deferred-events").output
    assert shown == {"deferred-events": "- restart rabbitmq-server (config-changed)\n"}
    c.run("rabbitmq-server/0", "run-deferred-hooks")
    assert c.status("rabbitmq-server/0") == ("active", "Unit is ready and clustered")
    assert c.status("rabbitmq-server/1") == queued


def ganesha(revision: int) -> Cloud:
    return cloud({"manila-ganesha": {
        "channel": "wallaby/stable", "revision": revision, "to": ["0", "1"],
        "config": {"openstack-origin": "cloud:focal-wallaby"},
        "quirks": ["wrong-workload-version"]}})


def test_manila_ganesha_reports_a_wrong_version_until_refreshed_to_the_newest() -> None:
    newest = charmhub.latest("manila-ganesha", "wallaby/stable")
    assert newest is not None
    c = ganesha(newest - 4)
    assert c.version("manila-ganesha/0") == "3.4.0"  # nfs-ganesha's, not manila's
    c.refresh("manila-ganesha", "wallaby/stable", newest)
    c.settle()
    assert c.version("manila-ganesha/0") == "12.0.0"
    assert ganesha(newest).version("manila-ganesha/1") == "12.0.0"


def test_manila_config_upgrade_does_nothing_with_the_quirk() -> None:
    c = cloud({"manila": {"channel": "yoga/stable", "to": ["0"], "quirks": [
        "no-config-upgrade"], "config": {"openstack-origin": "distro"}}}, series="jammy")
    c.refresh("manila", "zed/stable", 1000)
    c.config("manila", openstack_origin="cloud:jammy-zed")
    c.settle()
    assert c.version("manila/0") == "14.0.0"


def test_ceph_daemons_keep_the_old_version_until_restarted() -> None:
    c = cloud({"ceph-mon": {"channel": "octopus/stable", "config": {"source": "distro"},
                            "to": ["0"]},
               "ceph-osd": {"channel": "pacific/stable", "to": ["0", "1", "2"],
                            "config": {"source": "distro"},
                            "quirks": ["daemons-keep-old-version"]}})
    c.config("ceph-osd", source="cloud:focal-wallaby")
    c.settle()
    assert [c.version(f"ceph-osd/{i}") for i in range(3)] == ["15.2.0"] * 3
    restarted = c.exec("ceph-osd/0", "sudo systemctl restart ceph-osd.target")
    assert restarted.status == "completed"
    c.run("ceph-osd/1", "start", osds="all")
    assert [c.version(f"ceph-osd/{i}") for i in range(3)] == ["16.2.0", "16.2.0", "15.2.0"]
    versions = json.loads(c.exec("ceph-mon/0", "ceph versions").output["stdout"])
    assert sorted(versions["osd"].values()) == [3, 6]  # 3 OSDs a unit, mixed
    assert len(versions["overall"]) == 2


def test_ceph_dashboard_blocks_on_reef_with_the_quirk() -> None:
    c = cloud({"ceph-mon": {"channel": "quincy/stable", "config": {"source": "distro"},
                            "to": ["0"]},
               "ceph-dashboard": {"channel": "quincy/stable", "subordinate": True,
                                  "quirks": ["reef-dashboard-port"]}},
              relations=[["ceph-mon:dashboard", "ceph-dashboard:dashboard"]], series="jammy")
    assert c.version("ceph-dashboard/0") == "17.2.0"
    c.refresh("ceph-dashboard", "reef/stable", 900)
    c.settle()
    assert c.status("ceph-dashboard/0") == ("blocked", "Dashboard not responding")


def test_vault_seals_after_a_track_change_and_unseals_with_three_keys() -> None:
    c = cloud({"vault": {"channel": "1.7/stable", "to": ["0"]}}, series="jammy")
    c.refresh("vault", "1.8/stable", 800)
    c.settle()
    assert c.version("vault/0") == "1.8.0"
    assert c.status("vault/0") == ("blocked", "Unit is sealed")
    status = c.exec("vault/0", "vault status")
    assert (status.output["return-code"], status.message) == (2, "exit status 2")
    for key in ("k1", "k2", "k2"):
        progress = c.exec("vault/0", f"vault operator unseal {key}")
    assert "Unseal Progress 2/3" in progress.output["stdout"]
    c.exec("vault/0", "vault operator unseal k3")
    assert c.unit("vault/0").charm_state == {}
    assert c.status("vault/0") == ("active", "Unit is ready (active: true, mlock: disabled)")


def test_unknown_quirks_and_bad_names_are_refused_on_load() -> None:
    import pytest

    from octane.twin.scenario import ScenarioError

    with pytest.raises(ScenarioError) as refused:
        cloud({"glance": {"channel": "ussuri/stable", "to": ["0"], "quirks": ["typo"]}})
    assert str(refused.value) == ('test.yaml: models.openstack.applications.glance.'
                                  'quirks[0]: charm "glance" has no quirk "typo" (known: '
                                  'none)')
