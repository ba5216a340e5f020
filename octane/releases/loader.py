"""Reads the data files in ``octane/releases/data`` into value objects.

Kept apart from the queries so a maintainer's typo fails here, once, with the file and line
named (``CatalogueDataError``), instead of surfacing as a wrong plan much later.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from octane.releases.model import (
    CephRelease,
    CharmInfo,
    CharmKind,
    OpenStackRelease,
    UbuntuSeries,
    Version,
    VersionRange,
    Wave,
)

#: libyaml's parser when PyYAML was built with it: ~10x faster on charms.yaml, which every
#: command that plans reads at start (same documents as the pure-Python loader).
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _yaml(name: str) -> Any:
    return yaml.load(_text(name), Loader=_LOADER)


class CatalogueDataError(ValueError):
    """A data file of the release catalogue is malformed; the message names file and row."""


@dataclass(frozen=True)
class RawCatalogue:
    """Everything the data files say, parsed and cross-checked, before any query."""

    releases: tuple[OpenStackRelease, ...]
    series: tuple[UbuntuSeries, ...]
    ranges: Mapping[str, tuple[VersionRange, ...]]
    charms: Mapping[str, CharmInfo]
    overlapping: Mapping[str, str]
    waves: tuple[Wave, ...]
    data_plane_order: tuple[str, ...]
    tracks: Mapping[tuple[str, str, str], tuple[str, ...]]
    ceph: tuple[CephRelease, ...]


def _text(name: str) -> str:
    return resources.files("octane.releases").joinpath("data", name).read_text("utf-8")


def _csv_rows(name: str) -> Iterator[tuple[int, dict[str, str]]]:
    lines = [ln for ln in _text(name).splitlines() if ln.strip() and not ln.startswith("#")]
    for number, row in enumerate(csv.DictReader(io.StringIO("\n".join(lines))), start=2):
        yield number, {k.strip(): (v or "").strip() for k, v in row.items()}


def _version(text: str, where: str) -> Version:
    version = Version.parse(text)
    if version is None:
        raise CatalogueDataError(f"{where}: {text!r} is not a version")
    return version


def _load_releases() -> tuple[OpenStackRelease, ...]:
    out = [OpenStackRelease(row["codename"], row["release_id"], i)
           for i, (_, row) in enumerate(_csv_rows("openstack_releases.csv"))]
    if len({r.codename for r in out}) != len(out):
        raise CatalogueDataError("openstack_releases.csv: a codename appears twice")
    return tuple(out)


def _load_series(by_name: Mapping[str, OpenStackRelease]) -> tuple[UbuntuSeries, ...]:
    out = []
    for line, row in _csv_rows("ubuntu_series.csv"):
        where = f"ubuntu_series.csv:{line}"
        try:
            distro = by_name[row["distro_release"]]
            last = by_name[row["last_release"]] if row["last_release"] else None
        except KeyError as exc:
            raise CatalogueDataError(f"{where}: unknown release {exc}") from None
        releases: tuple[OpenStackRelease, ...] = ()
        if last is not None:
            if last < distro:
                raise CatalogueDataError(f"{where}: last_release is older than distro_release")
            releases = tuple(r for r in by_name.values() if distro <= r <= last)
        out.append(UbuntuSeries(row["series"], row["version"], distro,
                                row["lts"] == "yes", tuple(sorted(releases))))
    return tuple(out)


def _load_ranges(by_name: Mapping[str, OpenStackRelease]
                 ) -> dict[str, tuple[VersionRange, ...]]:
    acc: dict[str, list[VersionRange]] = {}
    for line, row in _csv_rows("workload_versions.csv"):
        where = f"workload_versions.csv:{line}"
        release = by_name.get(row["release"])
        if release is None:
            raise CatalogueDataError(f"{where}: unknown release {row['release']!r}")
        lower, upper = _version(row["lower"], where), _version(row["upper"], where)
        if not lower < upper:
            raise CatalogueDataError(f"{where}: lower {lower} is not below upper {upper}")
        acc.setdefault(row["service"], []).append(VersionRange(row["service"], release,
                                                               lower, upper))
    return {svc: tuple(sorted(rs, key=lambda r: r.release)) for svc, rs in acc.items()}


def _load_charms(doc: Mapping[str, Any], services: set[str]) -> dict[str, CharmInfo]:
    out = {}
    for name, spec in doc["charms"].items():
        try:
            kind = CharmKind(spec["kind"])
        except (KeyError, ValueError):
            raise CatalogueDataError(f"charms.yaml: {name}: bad kind {spec.get('kind')!r}"
                                     ) from None
        service = spec.get("service") or (name if name in services else None)
        if service is not None and service not in services:
            raise CatalogueDataError(f"charms.yaml: {name}: no versions for service {service!r}")
        out[name] = CharmInfo(name, kind, service, bool(spec.get("data_plane", False)),
                              bool(spec.get("versionless", False)))
    return out


def _load_tracks(charms: dict[str, CharmInfo], by_name: Mapping[str, OpenStackRelease],
                 ) -> dict[tuple[str, str, str], tuple[str, ...]]:
    doc = _yaml("charm_tracks.yaml")
    by_track = {r.track: r for r in by_name.values()}
    out: dict[tuple[str, str, str], tuple[str, ...]] = {}
    for family, spec in doc.items():
        for charm in spec["charms"]:
            if charm not in charms:
                raise CatalogueDataError(f"charm_tracks.yaml: {family}: unknown charm {charm!r}")
            charms[charm] = CharmInfo(**{**charms[charm].__dict__, "family": family})
            for series, per_release in spec["tracks"].items():
                for track_name, tracks in per_release.items():
                    release = by_track.get(str(track_name))
                    if release is None:
                        raise CatalogueDataError(
                            f"charm_tracks.yaml: {family}/{series}: unknown release "
                            f"{track_name!r} (codename up to zed, id from 2023.1)")
                    out[(charm, series, release.codename)] = tuple(str(t) for t in tracks)
    return out


def load() -> RawCatalogue:
    """Parse every data file; raise :class:`CatalogueDataError` on the first problem."""
    releases = _load_releases()
    by_name: dict[str, OpenStackRelease] = {r.codename: r for r in releases}
    series = _load_series(by_name)
    ranges = _load_ranges(by_name)
    doc = _yaml("charms.yaml")
    charms = _load_charms(doc, set(ranges))
    tracks = _load_tracks(charms, by_name)
    waves = tuple(Wave(w["name"], tuple(w["charms"])) for w in doc["control_plane_waves"])
    order = tuple(doc["data_plane_order"])
    for charm in [c for w in waves for c in w.charms] + list(order):
        if charm not in charms:
            raise CatalogueDataError(f"charms.yaml: upgrade order names unknown charm {charm!r}")
    ceph = tuple(CephRelease(row["name"], int(row["major"]), i)
                 for i, (_, row) in enumerate(_csv_rows("ceph_releases.csv")))
    return RawCatalogue(releases, series, ranges, charms, dict(doc["overlapping_versions"]),
                        waves, order, tracks, ceph)
