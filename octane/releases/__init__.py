"""Release knowledge: OpenStack releases, Ubuntu series, workload versions, charm tracks.

Pure knowledge, no I/O beyond reading the package's own data files (``data/``), which a
maintainer updates without touching code (see ``docs/releases.md``). Analysis, planning and
the twin all ask the same questions here, so a new release is taught to octane in one place.

Typical use::

    from octane import releases
    ussuri = releases.release("ussuri")
    releases.next_release(ussuri)                        # victoria
    releases.channel_for("ceph-mon", "jammy", "2023.2")  # "reef/stable"
    releases.workload_version_for("keystone", "yoga")    # "21.0.0"
    releases.release_for_workload("keystone", "18.0.1")  # victoria
"""

from __future__ import annotations

from functools import cache

from octane.releases.catalogue import LATEST_CHANNELS, Catalogue, UnknownRelease, split_channel
from octane.releases.loader import CatalogueDataError, load
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

__all__ = [
    "LATEST_CHANNELS",
    "Catalogue",
    "CatalogueDataError",
    "CephRelease",
    "CharmInfo",
    "CharmKind",
    "OpenStackRelease",
    "UbuntuSeries",
    "UnknownRelease",
    "Version",
    "VersionRange",
    "Wave",
    "catalogue",
    "channel_for",
    "charm",
    "next_release",
    "release",
    "release_for_workload",
    "series",
    "split_channel",
    "workload_version_for",
]


@cache
def catalogue() -> Catalogue:
    """The catalogue built from the package data (parsed once per process)."""
    return Catalogue(load())


def release(name: str) -> OpenStackRelease:
    """A release by codename or id; raises :class:`UnknownRelease`."""
    return catalogue().release(name)


def next_release(current: OpenStackRelease) -> OpenStackRelease | None:
    """The release an in-place upgrade moves to from ``current`` (None after the last)."""
    return catalogue().next_release(current)


def series(name: str) -> UbuntuSeries:
    """An Ubuntu series by name; raises :class:`UnknownRelease`."""
    return catalogue().series(name)


def charm(name: str) -> CharmInfo | None:
    """What octane knows about a charm, or None for a charm it does not know."""
    return catalogue().charm(name)


def release_for_workload(charm_name: str, version: str) -> OpenStackRelease | None:
    """A unit's release from its workload version (newest match), or None."""
    return catalogue().release_for_workload(charm_name, version)


def workload_version_for(charm_name: str, release_name: OpenStackRelease | str,
                         channel: str | None = None) -> str | None:
    """A realistic workload version of ``charm_name`` on a release (for simulators)."""
    return catalogue().workload_version_for(charm_name, release_name, channel)


def channel_for(charm_name: str, series_name: str, release_name: OpenStackRelease | str,
                risk: str = "stable") -> str:
    """The channel an upgrade to ``release_name`` moves the charm to on ``series_name``."""
    return catalogue().channel_for(charm_name, series_name, release_name, risk)
