"""Behaviour of the catalogue's queries: the answers analysis and the twin rely on."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from octane import releases
from octane.releases import UnknownRelease, Version, catalogue, split_channel

CAT = catalogue()


def test_releases_are_ordered_by_catalogue_position_not_name() -> None:
    zed, antelope = releases.release("zed"), releases.release("antelope")
    assert zed < antelope
    assert releases.release("2023.1") == antelope
    assert releases.next_release(releases.release("caracal")) is None


@pytest.mark.parametrize(("name", "track"), [("ussuri", "ussuri"), ("zed", "zed"),
                                             ("antelope", "2023.1"), ("caracal", "2024.1")])
def test_track_naming_switches_to_release_ids_from_2023_1(name: str, track: str) -> None:
    assert releases.release(name).track == track


def test_unknown_names_raise_lookup_errors() -> None:
    with pytest.raises(UnknownRelease, match="dalmatian"):
        releases.release("dalmatian")
    with pytest.raises(UnknownRelease):
        releases.series("trusty")
    with pytest.raises(UnknownRelease):
        releases.channel_for("not-a-charm", "focal", "victoria")


@pytest.mark.parametrize(("charm", "version", "expected"), [
    ("keystone", "17.0.1", "ussuri"),
    ("keystone", "18.0.0", "victoria"),
    ("nova-compute", "2:21.2.4-0ubuntu2", "ussuri"),
    ("openstack-dashboard", "23.2.0", "bobcat"),      # antelope/bobcat overlap: newest wins
    ("openstack-dashboard", "23.1.0", "antelope"),
    ("ceph-osd", "15.2.17", "victoria"),               # ambiguous: the origin lowers it later
    ("rabbitmq-server", "3.9.13", "caracal"),
    ("ovn-central", "22.03.2", "yoga"),
    ("mysql-innodb-cluster", "8.0.36", "caracal"),
])
def test_unit_release_is_the_newest_matching_release(charm: str, version: str,
                                                     expected: str) -> None:
    assert str(releases.release_for_workload(charm, version)) == expected


@pytest.mark.parametrize(("charm", "version"), [("keystone", "16.0.0"), ("keystone", "26.0.0"),
                                                ("keystone", ""), ("hacluster", "2.4"),
                                                ("unknown-charm", "1.0")])
def test_versions_outside_every_range_have_no_release(charm: str, version: str) -> None:
    assert releases.release_for_workload(charm, version) is None


def test_upper_bound_is_exclusive() -> None:
    assert [str(r) for r in CAT.releases_for_version("keystone", "18.0.0")] == ["victoria"]
    assert [str(r) for r in CAT.releases_for_version("ceph-mon", "16.2.0")] == [
        "wallaby", "xena"]


@pytest.mark.parametrize(("charm", "series", "release", "channel"), [
    ("keystone", "focal", "victoria", "victoria/stable"),
    ("keystone", "jammy", "2023.2", "2023.2/stable"),
    ("keystone-ldap", "jammy", "zed", "zed/stable"),
    ("ceph-mon", "focal", "wallaby", "pacific/stable"),
    ("ceph-mon", "jammy", "caracal", "squid/stable"),
    ("ovn-chassis", "focal", "ussuri", "22.03/stable"),   # last listed track wins
    ("hacluster", "focal", "victoria", "2.4/stable"),
    ("rabbitmq-server", "focal", "victoria", "3.9/stable"),
    ("vault", "jammy", "zed", "1.8/stable"),
    ("mysql-router", "jammy", "bobcat", "8.0/stable"),
    ("gnocchi", "jammy", "antelope", "2023.1/stable"),
])
def test_channel_for(charm: str, series: str, release: str, channel: str) -> None:
    assert releases.channel_for(charm, series, release) == channel


def test_channel_release_sets_for_auxiliary_tracks() -> None:
    names = [str(r) for r in CAT.releases_for_channel("ovn-chassis", "focal", "20.03/stable")]
    assert names == ["ussuri", "victoria"]
    assert CAT.releases_for_channel("keystone", "focal", "latest/stable") == ()
    assert [str(r) for r in CAT.releases_for_channel("vault", "jammy", "1.7/stable")] == ["yoga"]


@pytest.mark.parametrize(("origin", "series", "expected"), [
    ("distro", "focal", "ussuri"), ("", "jammy", "yoga"),
    ("cloud:focal-victoria", "focal", "victoria"),
    ("cloud:focal-wallaby/proposed", "focal", "wallaby"),
    ("cloud:focal-updates/xena", "focal", "xena"),
    ("cloud:jammy-bobcat", "jammy", "bobcat"),
    ("deb http://mirror.example/ubuntu-cloud focal-yoga main", "focal", "yoga"),
])
def test_parse_origin(origin: str, series: str, expected: str) -> None:
    assert str(CAT.parse_origin(origin, CAT.series(series))) == expected


def test_unparseable_origin_is_none() -> None:
    assert CAT.parse_origin("ppa:someone/thing", CAT.series("focal")) is None
    assert CAT.parse_origin("cloud:focal-notarelease", CAT.series("focal")) is None


def test_origin_for_uses_distro_for_the_series_own_release() -> None:
    focal = CAT.series("focal")
    assert focal.origin_for(releases.release("ussuri")) == "distro"
    assert focal.origin_for(releases.release("victoria")) == "cloud:focal-victoria"


def test_workload_version_for_follows_a_version_track_inside_the_range() -> None:
    assert releases.workload_version_for("keystone", "yoga") == "21.0.0"
    assert releases.workload_version_for("ovn-central", "ussuri", "22.03/stable") == "22.03.0"
    assert releases.workload_version_for("ovn-central", "ussuri") == "20.03.0"
    assert releases.workload_version_for("ceph-mon", "bobcat", "reef/stable") == "18.2.0"
    assert releases.workload_version_for("keystone-ldap", "yoga") is None
    assert releases.workload_version_for("hacluster", "yoga") is None


def test_split_channel() -> None:
    assert split_channel("victoria/stable") == ("victoria", "stable")
    assert split_channel("latest/stable") == (None, "stable")
    assert split_channel("stable") == (None, "stable")
    assert split_channel("2023.1/candidate/hotfix") == ("2023.1", "candidate")


def test_ceph_release_lookup() -> None:
    ceph = CAT.ceph_release_for_version("17.2.7")
    assert ceph is not None and ceph.name == "quincy"
    assert CAT.ceph_release_for_version("14.2.0") is None


def test_series_for_juju_base_version() -> None:
    found = CAT.series_for_version("22.04")
    assert found is not None and found.name == "jammy"


versions = st.lists(st.integers(0, 40), min_size=1, max_size=4)


@given(versions, versions)
def test_version_order_is_numeric_with_zero_padding(a: list[int], b: list[int]) -> None:
    va = Version.parse(".".join(map(str, a)))
    vb = Version.parse(".".join(map(str, b)))
    assert va is not None and vb is not None
    width = max(len(a), len(b))
    pa, pb = a + [0] * (width - len(a)), b + [0] * (width - len(b))
    assert (va < vb) == (pa < pb)
    assert (va == vb) == (pa == pb)
    assert (va == vb) <= (hash(va) == hash(vb))


def test_text_that_is_not_a_version() -> None:
    assert Version.parse("") is None
    assert Version.parse("unknown") is None
