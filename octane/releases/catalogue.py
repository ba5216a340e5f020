"""Queries over the release catalogue: the answers analysis, planning and the twin share.

One :class:`Catalogue` is built from the data files (see :mod:`octane.releases.loader`) and
indexed once; every question ("which release is keystone 18.0.1?", "which channel does
ceph-mon take on jammy for 2023.2?") is then a dictionary lookup or a scan of a handful of
ranges, so analysing a thousand units costs nothing noticeable.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from octane.releases.loader import RawCatalogue
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


class UnknownRelease(LookupError):
    """A release, series or charm the catalogue does not know; the message says which."""


#: Channels that name no track; COU treats them as "needs a crossgrade" (assumed ussuri).
LATEST_CHANNELS = frozenset({"stable", "latest/stable", "candidate", "latest/candidate",
                             "edge", "latest/edge", "beta", "latest/beta"})

_UCA = re.compile(r"^cloud:(?P<series>[a-z]+)-(?P<name>[a-z]+)(?:/(?P<pocket>[a-z]+))?$")
_UCA_POCKET_FIRST = re.compile(r"^cloud:(?P<series>[a-z]+)-(?:updates|proposed|staging)/"
                               r"(?P<name>[a-z]+)$")
_MIRROR = re.compile(r"\b(?P<series>[a-z]+)-(?P<name>[a-z]+)\b")


def split_channel(channel: str) -> tuple[str | None, str]:
    """``"victoria/stable"`` -> ``("victoria", "stable")``; ``"stable"`` -> ``(None, "stable")``.

    A branch (``track/risk/branch``) is dropped: it never changes the release.
    """
    parts = [p for p in channel.strip().split("/") if p]
    if not parts:
        return None, "stable"
    if len(parts) == 1:
        return None, parts[0]
    track = None if parts[0] == "latest" else parts[0]
    return track, parts[1]


class Catalogue:
    """The indexed catalogue; build it with :func:`octane.releases.catalogue`."""

    def __init__(self, raw: RawCatalogue) -> None:
        self.raw = raw
        self._releases = raw.releases
        self._by_name: dict[str, OpenStackRelease] = {}
        for release in raw.releases:
            self._by_name[release.codename] = release
            self._by_name[release.release_id] = release
        self._series = {s.name: s for s in raw.series}
        self._ceph = {c.name: c for c in raw.ceph}
        self._ceph_by_major = {c.major: c for c in raw.ceph}
        self._matches: dict[tuple[str, str], tuple[OpenStackRelease, ...]] = {}
        self._order: dict[str, int] = {}
        for charm in [c for w in raw.waves for c in w.charms] + list(raw.data_plane_order):
            self._order.setdefault(charm, len(self._order))

    # -- releases and series ---------------------------------------------------------------

    @property
    def releases(self) -> tuple[OpenStackRelease, ...]:
        """Every known release, oldest first."""
        return self._releases

    def release(self, name: str) -> OpenStackRelease:
        """A release by codename or id (``"caracal"`` and ``"2024.1"`` are the same)."""
        try:
            return self._by_name[name.strip().lower()]
        except KeyError:
            raise UnknownRelease(f"unknown OpenStack release {name!r}") from None

    def find_release(self, name: str) -> OpenStackRelease | None:
        """Like :meth:`release` but None for an unknown name."""
        return self._by_name.get(name.strip().lower())

    def next_release(self, release: OpenStackRelease) -> OpenStackRelease | None:
        """The release after ``release`` (upgrades are N -> N+1 only), or None for the last."""
        nxt = release.index + 1
        return self._releases[nxt] if nxt < len(self._releases) else None

    @property
    def all_series(self) -> tuple[UbuntuSeries, ...]:
        """Every known Ubuntu series, oldest first."""
        return self.raw.series

    def series(self, name: str) -> UbuntuSeries:
        """A series by name (``focal``)."""
        try:
            return self._series[name.strip().lower()]
        except KeyError:
            raise UnknownRelease(f"unknown Ubuntu series {name!r}") from None

    def find_series(self, name: str) -> UbuntuSeries | None:
        """Like :meth:`series` but None for an unknown name."""
        return self._series.get(name.strip().lower())

    @property
    def supported_series(self) -> tuple[UbuntuSeries, ...]:
        """The series the in-place upgrade works on (at least one upgrade path)."""
        return tuple(s for s in self.raw.series if s.supported)

    def series_for_version(self, version: str) -> UbuntuSeries | None:
        """The series of a distro version (``"22.04"`` -> jammy), as Juju bases carry it."""
        return next((s for s in self.raw.series if s.version == version.strip()), None)

    def parse_origin(self, origin: str, series: UbuntuSeries) -> OpenStackRelease | None:
        """The release an ``openstack-origin``/``source`` value installs, or None if unknown.

        Understands ``distro`` and empty (the series' own release), ``cloud:focal-victoria``
        with an optional ``/updates`` or ``/proposed`` pocket, the older
        ``cloud:focal-updates/victoria``, and mirror lines (``deb <uri> focal-victoria main``,
        as Landscape-managed clouds use).
        """
        text = origin.strip()
        if text in ("", "distro", "distro-proposed", "distro-updates"):
            return series.distro_release
        for pattern in (_UCA_POCKET_FIRST, _UCA):
            match = pattern.match(text)
            if match:
                return self.find_release(match.group("name"))
        if text.startswith("deb "):
            for match in _MIRROR.finditer(text):
                if match.group("series") == series.name:
                    found = self.find_release(match.group("name"))
                    if found is not None:
                        return found
        return None

    # -- charms ------------------------------------------------------------------------------

    @property
    def charms(self) -> Mapping[str, CharmInfo]:
        """Every known charm by name."""
        return self.raw.charms

    def charm(self, name: str) -> CharmInfo | None:
        """What the catalogue knows about a charm, or None for an unknown one."""
        return self.raw.charms.get(name)

    @property
    def waves(self) -> tuple[Wave, ...]:
        """Control-plane upgrade waves, in order."""
        return self.raw.waves

    def wave_of(self, charm: str) -> Wave | None:
        """The control-plane wave a charm belongs to, if any."""
        return next((w for w in self.raw.waves if charm in w.charms), None)

    @property
    def data_plane_order(self) -> tuple[str, ...]:
        """Data-plane principals after the hypervisors, in order."""
        return self.raw.data_plane_order

    @property
    def upgrade_order(self) -> tuple[str, ...]:
        """COU's flat upgrade order: the waves, then nova-compute, then the data plane."""
        waves = [c for w in self.raw.waves for c in w.charms]
        return (*waves, "nova-compute", *self.raw.data_plane_order)

    def order_key(self, charm: str, app: str) -> tuple[int, str, str]:
        """Sort key: listed charms in upgrade order, the others after them by name."""
        return (self._order.get(charm, len(self._order)), charm, app)

    # -- workload versions ---------------------------------------------------------------------

    def ranges(self, service: str) -> tuple[VersionRange, ...]:
        """The version ranges of a lookup row, oldest release first (empty if unknown)."""
        return self.raw.ranges.get(service, ())

    @property
    def services(self) -> tuple[str, ...]:
        """Every lookup row (service) with version ranges."""
        return tuple(self.raw.ranges)

    def releases_for_version(self, charm: str, version: str) -> tuple[OpenStackRelease, ...]:
        """Every release whose range holds ``version`` for the charm's service, oldest first."""
        info = self.charm(charm)
        if info is None or info.service is None:
            return ()
        key = (info.service, version)
        found = self._matches.get(key)
        if found is None:  # a thousand units report a handful of versions: compute each once
            parsed = Version.parse(version)
            found = () if parsed is None else tuple(
                r.release for r in self.ranges(info.service) if parsed in r)
            self._matches[key] = found
        return found

    def release_for_workload(self, charm: str, version: str) -> OpenStackRelease | None:
        """A unit's release from its workload version: the newest matching release."""
        found = self.releases_for_version(charm, version)
        return found[-1] if found else None

    def workload_version_for(self, charm: str, release: OpenStackRelease | str,
                             channel: str | None = None) -> str | None:
        """A realistic workload version for a unit of ``charm`` on ``release``.

        For simulators: the lower bound of the release's range, with three components. For an
        auxiliary charm whose ``channel`` names a version-like track inside that range
        (``22.03``, ``3.9``, ``quincy``), the track's version instead, as the track installs it.
        None when the charm reports no version octane reads (subordinates, unknown charms).
        """
        rel = release if isinstance(release, OpenStackRelease) else self.release(release)
        info = self.charm(charm)
        if info is None or info.service is None or info.versionless:
            return None
        found = next((r for r in self.ranges(info.service) if r.release == rel), None)
        if found is None:
            return None
        if channel and info.kind.own_tracks:
            track, _ = split_channel(channel)
            candidate = self._track_version(track) if track else None
            if candidate is not None and candidate in found:
                return _three(candidate)
        return _three(found.lower)

    def _track_version(self, track: str) -> Version | None:
        ceph = self._ceph.get(track)
        if ceph is not None:
            return Version((ceph.major, 2, 0), f"{ceph.major}.2.0")
        return Version.parse(track)

    # -- tracks and channels ---------------------------------------------------------------------

    def tracks_for(self, charm: str, series: str, release: OpenStackRelease | str
                   ) -> tuple[str, ...]:
        """The valid Charmhub tracks of ``charm`` on ``series`` for ``release``.

        OpenStack charms have one: the release's own track. Auxiliary charms have theirs from
        ``charm_tracks.yaml`` (possibly several, possibly none on a series without data).
        """
        rel = release if isinstance(release, OpenStackRelease) else self.release(release)
        info = self.charm(charm)
        if info is None:
            raise UnknownRelease(f"unknown charm {charm!r}")
        if info.kind.own_tracks:
            return self.raw.tracks.get((charm, series, rel.codename), ())
        return (rel.track,)

    def channel_for(self, charm: str, series: str, release: OpenStackRelease | str,
                    risk: str = "stable") -> str:
        """The channel an upgrade moves ``charm`` to: the last valid track, ``/stable``."""
        tracks = self.tracks_for(charm, series, release)
        if not tracks:
            raise UnknownRelease(f"no Charmhub track of {charm!r} on {series} for "
                                 f"{release}")
        return f"{tracks[-1]}/{risk}"

    def releases_for_channel(self, charm: str, series: str, channel: str
                             ) -> tuple[OpenStackRelease, ...]:
        """The releases of ``series`` a channel is valid for, oldest first (empty if none)."""
        track, _ = split_channel(channel)
        if track is None:
            return ()
        info = self.charm(charm)
        if info is None:
            return ()
        ubuntu = self.find_series(series)
        pool = ubuntu.releases if ubuntu and ubuntu.releases else self._releases
        if info.kind.own_tracks:
            return tuple(r for r in pool
                         if track in self.raw.tracks.get((charm, series, r.codename), ()))
        return tuple(r for r in pool if r.track == track)

    # -- ceph ----------------------------------------------------------------------------------

    @property
    def ceph_releases(self) -> tuple[CephRelease, ...]:
        """Known Ceph releases, oldest first."""
        return self.raw.ceph

    def ceph_release(self, name: str) -> CephRelease | None:
        """A Ceph release by name (``quincy``), or None."""
        return self._ceph.get(name.strip().lower())

    def ceph_release_for_version(self, version: str) -> CephRelease | None:
        """The Ceph release of a daemon version (``17.2.7`` -> quincy), or None."""
        parsed = Version.parse(version)
        return self._ceph_by_major.get(parsed.parts[0]) if parsed else None

    def kinds(self, kind: CharmKind) -> tuple[str, ...]:
        """Names of the charms of one kind, sorted."""
        return tuple(sorted(n for n, c in self.raw.charms.items() if c.kind is kind))


def _three(version: Version) -> str:
    """The version as text with at least three components, keeping ``22.03``'s zero."""
    parts = str(version).split(".")
    return ".".join(parts + ["0"] * (3 - len(parts)))
