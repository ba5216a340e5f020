"""The data files agree with themselves: no gaps, no unexpected overlaps, every charm mapped.

These tests are what a maintainer runs after editing ``octane/releases/data``; each failure
names the service, charm or release to fix.
"""

from __future__ import annotations

import itertools

import pytest
import yaml

from octane.releases import CharmKind, catalogue, loader

CAT = catalogue()
SUPPORTED = CAT.supported_series
UPGRADABLE = [k for k in CharmKind if k is not CharmKind.UNSUPPORTED]


def test_supported_series_are_focal_and_jammy_with_their_releases() -> None:
    spans = {s.name: [r.codename for r in s.releases] for s in SUPPORTED}
    assert spans == {
        "focal": ["ussuri", "victoria", "wallaby", "xena", "yoga"],
        "jammy": ["yoga", "zed", "antelope", "bobcat", "caracal"],
    }
    assert [r.codename for r in CAT.series("noble").releases] == ["caracal"]
    assert not CAT.series("noble").supported
    assert not CAT.series("bionic").supported


@pytest.mark.parametrize("service", CAT.services)
def test_every_service_covers_every_supported_release(service: str) -> None:
    needed = {r for s in SUPPORTED for r in s.releases}
    have = {r.release for r in CAT.ranges(service)}
    assert needed <= have, f"{service}: no range for {sorted(needed - have)}"


@pytest.mark.parametrize("service", CAT.services)
def test_ranges_have_no_gaps_and_move_forward(service: str) -> None:
    ranges = CAT.ranges(service)
    for older, newer in itertools.pairwise(ranges):
        pair = f"{service}: {older.release} -> {newer.release}"
        assert newer.release.index == older.release.index + 1, f"{pair}: missing release"
        assert older.lower <= newer.lower, f"{pair}: starts earlier"
        assert older.upper <= newer.upper, f"{pair}: ends earlier"
        assert newer.lower <= older.upper, f"{pair}: gap"


@pytest.mark.parametrize("service", CAT.services)
def test_overlaps_only_where_declared(service: str) -> None:
    overlapping = [(a.release.codename, b.release.codename)
                   for a, b in itertools.combinations(CAT.ranges(service), 2) if a.overlaps(b)]
    if service in CAT.raw.overlapping:
        return
    assert overlapping == [], f"{service}: undeclared overlaps {overlapping}"


def test_declared_overlaps_name_real_services_that_do_overlap() -> None:
    for service in CAT.raw.overlapping:
        ranges = CAT.ranges(service)
        assert ranges, f"overlapping_versions names unknown service {service!r}"
        assert any(a.overlaps(b) for a, b in itertools.combinations(ranges, 2)), (
            f"{service} is declared overlapping but is not; remove it from overlapping_versions")


@pytest.mark.parametrize("name", sorted(CAT.charms))
def test_every_charm_is_mapped(name: str) -> None:
    info = CAT.charms[name]
    if info.kind in (CharmKind.OPENSTACK, CharmKind.AUXILIARY, CharmKind.UNSUPPORTED):
        assert info.service is not None, f"{name}: principal without a version lookup row"
    if info.kind.own_tracks:
        for ubuntu in SUPPORTED:
            for rel in ubuntu.releases:
                assert CAT.tracks_for(name, ubuntu.name, rel), f"{name}: no track {ubuntu}/{rel}"


def test_every_service_row_is_used_by_a_charm() -> None:
    used = {c.service for c in CAT.charms.values()}
    assert set(CAT.services) <= used


def test_upgrade_order_lists_each_charm_once_and_marks_the_data_plane() -> None:
    order = CAT.upgrade_order
    assert len(order) == len(set(order)) == 29
    flagged = {n for n, c in CAT.charms.items() if c.data_plane}
    assert flagged == set(CAT.data_plane_order) | {"nova-compute"}
    for wave in CAT.waves:
        for name in wave.charms:
            assert not CAT.charms[name].data_plane, f"{name} is data plane but in a wave"
            assert not CAT.charms[name].kind.subordinate


def test_ceph_tracks_are_ceph_releases_inside_the_version_ranges() -> None:
    for ubuntu in SUPPORTED:
        for rel in ubuntu.releases:
            for track in CAT.tracks_for("ceph-mon", ubuntu.name, rel):
                ceph = CAT.ceph_release(track)
                assert ceph is not None, f"unknown ceph release {track}"
                version = CAT.workload_version_for("ceph-mon", rel, f"{track}/stable")
                assert version is not None and version.startswith(f"{ceph.major}."), (
                    f"{ubuntu}/{rel}: track {track} outside the ceph range")


def _paths() -> list[tuple[str, str, str]]:
    out = []
    for ubuntu in SUPPORTED:
        for current, target in itertools.pairwise(ubuntu.releases):
            out.append((ubuntu.name, current.codename, target.codename))
    return out


@pytest.mark.parametrize(("series", "current", "target"), _paths())
def test_every_supported_path_resolves_for_every_charm(series: str, current: str,
                                                       target: str) -> None:
    ubuntu = CAT.series(series)
    cur, tgt = CAT.release(current), CAT.release(target)
    assert CAT.next_release(cur) == tgt
    assert CAT.parse_origin(ubuntu.origin_for(tgt), ubuntu) == tgt
    for name, info in CAT.charms.items():
        if info.kind is CharmKind.UNSUPPORTED:
            continue
        channel = CAT.channel_for(name, series, tgt)
        assert tgt in CAT.releases_for_channel(name, series, channel), f"{name}: {channel}"
        if info.kind.release_from_channel:
            continue
        version = CAT.workload_version_for(name, tgt, channel)
        assert version is not None, f"{name}: no version for {tgt}"
        assert tgt in CAT.releases_for_version(name, version), f"{name} {version} not {tgt}"
        found = CAT.release_for_workload(name, version)
        assert found is not None and found >= tgt
        # what the analysis does: the origin lowers an ambiguous version to the target
        assert min(found, CAT.parse_origin(ubuntu.origin_for(tgt), ubuntu) or found) == tgt


def test_the_fast_yaml_loader_reads_the_same_documents() -> None:
    # the catalogue reads its YAML with libyaml's parser when PyYAML has it
    for name in ("charms.yaml", "charm_tracks.yaml"):
        text = loader._text(name)
        assert loader._yaml(name) == yaml.safe_load(text), name
