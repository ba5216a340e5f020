"""What Charmhub publishes for the charms the twin knows: tracks, channels and revisions.

Tracks come from ``octane.releases`` (the same facts octane plans with): an OpenStack charm
has one track per release from ussuri to the last one the catalogue knows (``ussuri`` ...
``zed``, then ``2023.1`` ...), an auxiliary charm the tracks of ``charm_tracks.yaml``
(``octopus`` ... ``squid``, ``20.03`` ... ``24.03``, ``3.8``/``3.9``...). Every charm also
has ``latest/stable``, where Charmhub keeps an old revision (the "crossgrade" case).

Revisions are made up but plausible, and stable across runs: each charm starts at its own
number (derived from its name), and they grow with every track, as real charms gain
revisions release after release. Per track, ``stable`` holds an older and a newer revision
(so "refresh to the latest revision of the current channel" has something to do when a
scenario deploys the older one), ``candidate`` and ``edge`` one newer each.
"""

from __future__ import annotations

import zlib
from functools import cache

from octane import releases
from octane.twin.behaviours.base import CharmhubEntry

#: The oldest release whose track the twin serves (octane upgrades from ussuri on).
FIRST_RELEASE = "ussuri"
#: Revisions between one track's first stable revision and the next track's.
STEP = 12


def base_revision(charm: str) -> int:
    """The charm's revision on ``latest/stable``: 100..499, fixed by its name."""
    return 100 + zlib.crc32(charm.encode()) % 400


@cache
def openstack_tracks() -> tuple[str, ...]:
    """``ussuri`` ... ``zed``, ``2023.1`` ... : one track per release from ussuri on."""
    cat = releases.catalogue()
    first = cat.release(FIRST_RELEASE)
    return tuple(r.track for r in cat.releases if r >= first)


@cache
def own_tracks(charm: str) -> tuple[str, ...]:
    """The tracks ``charm_tracks.yaml`` lists for an auxiliary charm, oldest first."""
    cat = releases.catalogue()
    found = {track for (name, _, _), tracks in cat.raw.tracks.items() if name == charm
             for track in tracks}
    return tuple(sorted(found, key=_track_key))


def _track_key(track: str) -> tuple[int, ...]:
    ceph = releases.catalogue().ceph_release(track)
    if ceph is not None:
        return (ceph.major,)
    version = releases.Version.parse(track)
    return version.parts if version is not None else (0,)


def tracks_for(charm: str) -> tuple[str, ...]:
    """The tracks Charmhub serves for ``charm`` (auxiliary tracks or OpenStack releases)."""
    info = releases.charm(charm)
    if info is not None and info.kind.own_tracks:
        return own_tracks(charm)
    return openstack_tracks()


def channels(charm: str, tracks: tuple[str, ...]) -> dict[str, tuple[int, ...]]:
    """``track/risk`` -> revisions, ascending, for ``charm`` on ``tracks`` (oldest first)."""
    start = base_revision(charm)
    out: dict[str, tuple[int, ...]] = {"latest/stable": (start,)}
    for index, track in enumerate(tracks):
        first = start + STEP * (index + 1)
        out[f"{track}/stable"] = (first, first + 4)
        out[f"{track}/candidate"] = (first + 5,)
        out[f"{track}/edge"] = (first + 6,)
    return out


def entry(charm: str, *, subordinate: bool = False,
          tracks: tuple[str, ...] | None = None) -> CharmhubEntry:
    """The catalogue entry a charm behaviour publishes."""
    return CharmhubEntry(channels=channels(charm, tracks or tracks_for(charm)),
                         subordinate=subordinate)


def latest(charm: str, channel: str) -> int | None:
    """The newest revision of ``charm`` in ``channel`` (None if the twin serves none)."""
    if "/" not in channel:
        channel = f"{channel}/stable"
    revisions = channels(charm, tracks_for(charm)).get(channel)
    return revisions[-1] if revisions else None
