"""Analysis: each rule of the module docstring, on small clouds built for it."""

from __future__ import annotations

from typing import Any

from octane.cloud.analysis import CONTROL_PLANE, DATA_PLANE, analyse
from tests.golden.scenarios import CloudBuilder, awkward, focal_ussuri


def _one(app: str = "keystone", **kwargs: Any) -> CloudBuilder:
    b = CloudBuilder("m", "focal", "ussuri")
    b.app(app, machines=[b.machine("az1") for _ in range(3)], **kwargs)
    return b


def test_application_release_is_the_oldest_unit_release() -> None:
    b = _one(versions=["18.0.1", "17.0.2", "18.0.0"],
             config={"openstack-origin": "cloud:focal-victoria"})
    app = analyse(b.build()).apps["keystone"]
    assert str(app.release) == "ussuri"
    assert [str(u.release) for u in app.units] == ["victoria", "ussuri", "victoria"]
    assert any("different releases" in p for p in app.problems)


def test_origin_lowers_an_ambiguous_workload_version() -> None:
    b = _one("ceph-mon")  # 15.2.0 matches ussuri and victoria; source distro = ussuri
    app = analyse(b.build()).apps["ceph-mon"]
    assert str(app.release) == "ussuri"
    assert "lowered to the origin's ussuri" in app.reasons


def test_origin_ahead_of_the_workload_does_not_raise_the_release() -> None:
    b = _one("nova-compute", config={"openstack-origin": "cloud:focal-victoria",
                                     "action-managed-upgrade": True})
    assert str(analyse(b.build()).apps["nova-compute"].release) == "ussuri"


def test_unit_release_is_limited_to_the_series() -> None:
    b = _one("rabbitmq-server", config={"source": "cloud:focal-yoga"})
    # 3.8.0 matches ussuri..yoga on focal; newer releases are not focal's
    app = analyse(b.build()).apps["rabbitmq-server"]
    assert str(app.units[0].release) == "yoga"


def test_workload_without_release_is_a_problem_with_the_known_quirk() -> None:
    b = _one("manila-ganesha", versions=["17.1.0"] * 3)
    app = analyse(b.build()).apps["manila-ganesha"]
    assert app.release is not None  # the origin still names ussuri
    assert any("LP 2060751" in p for p in app.problems)


def test_subordinates_read_the_channel() -> None:
    b = _one()
    b.sub("keystone-ldap", to=["keystone"], channel="victoria/stable")
    b.sub("keystone-hacluster", "hacluster", to=["keystone"], channel="2.0.3/stable")
    apps = analyse(b.build()).apps
    assert str(apps["keystone-ldap"].release) == "victoria"
    assert str(apps["keystone-hacluster"].release) == "yoga"
    assert str(apps["keystone-hacluster"].channel_releases[0]) == "ussuri"


def test_latest_stable_is_assumed_and_does_not_decide_the_cloud() -> None:
    cloud = awkward()
    result = analyse(cloud)
    gss = result.apps["glance-simplestreams-sync"]
    assert gss.assumed and gss.needs_crossgrade and str(gss.release) == "ussuri"
    assert str(result.release) == "wallaby"


def test_groups_hypervisors_and_colocation() -> None:
    result = analyse(awkward())
    assert result.hypervisor_machines == ("3", "4", "5", "6")
    assert result.apps["cinder"].group == DATA_PLANE and result.apps["cinder"].on_hypervisors
    assert result.apps["cinder-ceph"].group == DATA_PLANE
    assert not result.apps["cinder-ceph"].on_hypervisors  # subordinates follow principals
    assert result.apps["neutron-api"].group == DATA_PLANE  # by charm, not placement
    assert result.apps["keystone"].group == CONTROL_PLANE
    assert result.apps["keystone-hacluster"].group == CONTROL_PLANE


def test_containers_on_a_hypervisor_are_not_colocated() -> None:
    b = CloudBuilder("m", "focal", "ussuri")
    host = b.machine("az1")
    b.app("nova-compute", machines=[host])
    b.app("glance", machines=[b.container(host)])
    assert analyse(b.build()).apps["glance"].group == CONTROL_PLANE


def test_unknown_charms_are_listed_not_dropped() -> None:
    result = analyse(awkward())
    assert [a.name for a in result.unknown] == ["memcached"]
    assert "memcached" not in result.apps
    assert any("memcached" in p for p in result.problems)


def test_cloud_release_and_groups_of_a_half_upgraded_cloud() -> None:
    b = CloudBuilder("m", "focal", "ussuri")
    ctl, hv = b.machine("az1"), b.machine("az1")
    b.app("keystone", machines=[b.container(ctl)], release="victoria")
    b.app("nova-compute", machines=[hv])
    result = analyse(b.build())
    assert str(result.control_plane_release) == "victoria"
    assert str(result.data_plane_release) == "ussuri"
    assert str(result.release) == "ussuri"


def test_mixed_series_is_reported() -> None:
    b = CloudBuilder("m", "focal", "ussuri")
    b.app("keystone", machines=[b.machine()])
    b.series = "jammy"
    b.app("glance", machines=[b.machine()], release="yoga")
    result = analyse(b.build())
    assert result.series is None
    assert any("several Ubuntu series" in p for p in result.problems)


def test_reference_cloud_is_consistent() -> None:
    result = analyse(focal_ussuri())
    assert str(result.release) == "ussuri" and result.series == "focal"
    assert not [p for a in result.apps.values() for p in a.problems]
    assert not result.unknown
