"""Snapshots: JSON round trip, tolerance of unknown keys, indexes, fingerprints."""

from __future__ import annotations

import json

import pytest

from octane.cloud.model import Application, Cloud, Unit
from tests.golden.scenarios import CloudBuilder, focal_ussuri


def test_round_trip_through_json_keeps_everything() -> None:
    cloud = focal_ussuri()
    again = Cloud.from_dict(json.loads(json.dumps(cloud.to_dict())))
    assert again == cloud
    assert again.fingerprint() == cloud.fingerprint()


def test_unknown_keys_are_ignored_at_every_level() -> None:
    doc = {"model": "m", "new-top-level": 1,
           "machines": {"0": {"az": "az1", "gpu": "yes"}},
           "applications": {"keystone": {
               "charm": "keystone", "exposed": True,
               "units": [{"name": "keystone/0", "machine": "0", "ports": [443]}]}}}
    cloud = Cloud.from_dict(doc)
    assert cloud.machines["0"].az == "az1"
    assert cloud.applications["keystone"].units[0].machine == "0"


def test_units_sort_naturally_and_machine_index_covers_subordinates() -> None:
    b = CloudBuilder("m", "focal", "ussuri")
    hosts = [b.machine("az1") for _ in range(11)]
    b.app("nova-compute", machines=hosts)
    b.sub("ovn-chassis", to=["nova-compute"])
    cloud = b.build()
    names = [u.name for u in cloud.applications["nova-compute"].units]
    assert names[9:] == ["nova-compute/9", "nova-compute/10"]
    assert cloud.machine_apps["10"] == ("nova-compute", "ovn-chassis")
    assert cloud.applications["ovn-chassis"].units[3].principal == "nova-compute/3"


def test_origin_prefers_openstack_origin_and_tolerates_absence() -> None:
    app = Application("a", "keystone", config={"openstack-origin": "cloud:focal-victoria"})
    assert (app.origin_key, app.origin) == ("openstack-origin", "cloud:focal-victoria")
    assert Application("v", "vault").origin is None
    assert Application("c", "ceph-mon", config={"source": None}).origin == ""


def test_config_is_read_only() -> None:
    app = Application("a", "keystone", config={"debug": False})
    with pytest.raises(TypeError):
        app.config["debug"] = True  # type: ignore[index]  # read-only: what is tested


def test_fingerprint_ignores_status_but_not_versions() -> None:
    cloud = focal_ussuri()
    doc = cloud.to_dict()
    doc["applications"]["keystone"]["units"][0]["agent_status"] = "executing"
    assert Cloud.from_dict(doc).fingerprint() == cloud.fingerprint()
    doc["applications"]["keystone"]["units"][0]["workload_version"] = "18.0.0"
    assert Cloud.from_dict(doc).fingerprint() != cloud.fingerprint()


def test_unit_number_and_application() -> None:
    unit = Unit("nova-compute/12")
    assert (unit.application, unit.number) == ("nova-compute", 12)
