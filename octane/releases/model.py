"""Value objects of the release catalogue: releases, series, versions, ranges, charms.

They are small, frozen and ordered so the rest of octane can compare releases with ``<`` and
ask a range whether it holds a version, instead of passing strings around and re-deriving the
rules (track naming, numeric version order) in every module.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from functools import total_ordering

_LEADING_NUMBERS = re.compile(r"\d+(?:\.\d+)*")


@total_ordering
@dataclass(frozen=True, eq=False)
class OpenStackRelease:
    """One OpenStack release; ordered by its place in the catalogue, not by its name.

    ``index`` is the position in ``openstack_releases.csv``: releases compare by it, so
    ``ussuri < victoria`` and ``zed < antelope`` hold whatever the alphabet says.
    """

    codename: str
    release_id: str
    index: int

    @property
    def track(self) -> str:
        """The Charmhub track: the codename up to zed, the release id from 2023.1 on."""
        year = int(self.release_id.split(".", 1)[0])
        return self.release_id if year >= 2023 else self.codename

    def __eq__(self, other: object) -> bool:
        if isinstance(other, OpenStackRelease):
            return self.index == other.index
        return NotImplemented

    def __lt__(self, other: object) -> bool:
        if isinstance(other, OpenStackRelease):
            return self.index < other.index
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.index)

    def __str__(self) -> str:
        return self.codename

    def __repr__(self) -> str:
        return f"OpenStackRelease({self.codename!r})"


@dataclass(frozen=True)
class UbuntuSeries:
    """An Ubuntu series and the OpenStack releases the in-place upgrade operates on it.

    ``releases`` is empty for a series octane does not upgrade on (bionic, interim series);
    for an LTS it runs from the distro release to the last release the Cloud Archive serves.
    """

    name: str
    version: str
    distro_release: OpenStackRelease
    lts: bool
    releases: tuple[OpenStackRelease, ...] = ()

    @property
    def supported(self) -> bool:
        """True when octane can upgrade a cloud on this series in place."""
        return len(self.releases) > 1

    @property
    def last_release(self) -> OpenStackRelease | None:
        """The newest release on this series; past it only a series upgrade helps."""
        return self.releases[-1] if self.releases else None

    def origin_for(self, release: OpenStackRelease) -> str:
        """The origin setting that installs ``release``: ``distro`` or ``cloud:<series>-<name>``."""
        if release == self.distro_release:
            return "distro"
        return f"cloud:{self.name}-{release.codename}"

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Version:
    """A workload version compared numerically, component by component.

    Charms report versions such as ``17.0.1``, ``22.03.0``, ``3.9.13`` or ``8.0.36-0ubuntu0``;
    only the leading dotted numbers count, and missing components are zero, so ``3.10 > 3.9``
    and ``8 == 8.0.0``. Comparing the parts with trailing zeros stripped is the same as
    comparing them zero-padded, so that key is computed once (analysis compares thousands).
    """

    parts: tuple[int, ...]
    text: str = field(default="", compare=False)
    key: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        key = list(self.parts)
        while key and key[-1] == 0:
            key.pop()
        object.__setattr__(self, "key", tuple(key))

    @classmethod
    def parse(cls, text: str) -> Version | None:
        """The version at the start of ``text`` (an epoch ``2:`` is skipped), or None."""
        raw = text.strip()
        if ":" in raw and raw.split(":", 1)[0].isdigit():
            raw = raw.split(":", 1)[1]
        match = _LEADING_NUMBERS.match(raw)
        if not match:
            return None
        return cls(tuple(int(p) for p in match.group(0).split(".")), text.strip())

    def __eq__(self, other: object) -> bool:
        return self.key == other.key if isinstance(other, Version) else NotImplemented

    def __lt__(self, other: Version) -> bool:
        return self.key < other.key

    def __le__(self, other: Version) -> bool:
        return self.key <= other.key

    def __gt__(self, other: Version) -> bool:
        return self.key > other.key

    def __ge__(self, other: Version) -> bool:
        return self.key >= other.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __str__(self) -> str:
        return self.text or ".".join(str(p) for p in self.parts)


@dataclass(frozen=True)
class VersionRange:
    """Workload versions of one service in one release: ``lower <= v < upper``."""

    service: str
    release: OpenStackRelease
    lower: Version
    upper: Version

    def __contains__(self, version: object) -> bool:
        if not isinstance(version, Version):
            return False
        return self.lower.key <= version.key < self.upper.key

    def overlaps(self, other: VersionRange) -> bool:
        """True when some version lies in both ranges."""
        return self.lower < other.upper and other.lower < self.upper


class CharmKind(str, enum.Enum):
    """How a charm's release is read and how it is upgraded (see ``charms.yaml``)."""

    OPENSTACK = "openstack"
    AUXILIARY = "auxiliary"
    SUBORDINATE = "subordinate"
    AUXILIARY_SUBORDINATE = "auxiliary-subordinate"
    CHANNEL_BASED = "channel-based"
    UNSUPPORTED = "unsupported"

    @property
    def subordinate(self) -> bool:
        """True for the kinds that only ever exist as subordinates."""
        return self in (CharmKind.SUBORDINATE, CharmKind.AUXILIARY_SUBORDINATE)

    @property
    def release_from_channel(self) -> bool:
        """True when the release is read from the channel, not from workload versions."""
        return self in (CharmKind.SUBORDINATE, CharmKind.AUXILIARY_SUBORDINATE,
                        CharmKind.CHANNEL_BASED)

    @property
    def own_tracks(self) -> bool:
        """True when the charm's tracks are not OpenStack releases (charm_tracks.yaml)."""
        return self in (CharmKind.AUXILIARY, CharmKind.AUXILIARY_SUBORDINATE)


@dataclass(frozen=True)
class CharmInfo:
    """What the catalogue knows about one charm."""

    name: str
    kind: CharmKind
    service: str | None
    data_plane: bool = False
    versionless: bool = False
    family: str | None = None


@dataclass(frozen=True)
class CephRelease:
    """A Ceph release: its name (``ceph osd require-osd-release``) and major version."""

    name: str
    major: int
    index: int

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Wave:
    """Control-plane charms that may be upgraded concurrently (one wave after another)."""

    name: str
    charms: tuple[str, ...]
