"""OSD-side guards around a monitor move: ``noout``; at the end, every OSD on the current OSD
map, and ``require_osd_release``.

Why ``noout``: every monmap change costs an election (about 5 s with default timings), and
OSDs whose reports stall that long must not be marked out and start a rebalance. The flag is
set once before the first step and unset after the last; a marker file records that octane
set it, so a re-run after an interruption unsets it too, while a ``noout`` the operator set
before octane started is left alone.

Why ``require_osd_release``: when every OSD runs a release newer than the cluster's
``require_osd_release``, the cluster warns and the new release's features stay off; COU
checks the same thing after a ceph-mon upgrade. The check reports; it never sets it.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from octane.ceph.port import CephPort, CommandOutput
from octane.errors import StepFailed

#: Ceph releases in order (RELEASE NOTES); only the order matters here.
CEPH_RELEASES = ("luminous", "mimic", "nautilus", "octopus", "pacific", "quincy", "reef",
                 "squid", "tentacle")
_RELEASE = re.compile(r"\)\s+([a-z]+)\s+\(")    # "ceph version 16.2.15 (sha) pacific (stable)"
MARKER = "noout-set-by-octane"


def _must(result: CommandOutput, what: str) -> str:
    if result.returncode != 0:
        raise StepFailed(f"could not {what}: {result.stderr.strip() or 'no output'} "
                         f"(rc {result.returncode})")
    return result.stdout


def osd_flags(port: CephPort, *, timeout: float) -> set[str]:
    """The cluster's OSD map flags (``noout``, ``sortbitwise``, ...)."""
    dump = json.loads(_must(port.ceph(["osd", "dump", "-f", "json"], timeout=timeout),
                            "read the OSD map"))
    return {f for f in str(dump.get("flags", "")).split(",") if f}


def set_noout(port: CephPort, state_dir: Path, *, timeout: float) -> str:
    """Set ``noout`` unless it is set; returns who owns it (``octane`` or ``operator``)."""
    marker = state_dir / MARKER
    if "noout" in osd_flags(port, timeout=timeout):
        return "octane" if marker.exists() else "operator"
    marker.write_text("octane set noout before moving monitors\n")
    _must(port.ceph(["osd", "set", "noout"], timeout=timeout), "set noout")
    return "octane"


def unset_noout(port: CephPort, state_dir: Path, *, timeout: float) -> bool:
    """Unset ``noout`` if octane set it (this run or an interrupted one); True if it did."""
    marker = state_dir / MARKER
    if not marker.exists():
        return False
    _must(port.ceph(["osd", "unset", "noout"], timeout=timeout), "unset noout")
    marker.unlink()
    return True


@dataclass(frozen=True)
class ReleaseCheck:
    """``require_osd_release`` against the releases the OSDs run."""

    required: str
    osd_releases: tuple[str, ...]
    ok: bool
    message: str


def _rank(release: str) -> int:
    return CEPH_RELEASES.index(release) if release in CEPH_RELEASES else -1


def check_require_osd_release(port: CephPort, *, timeout: float) -> ReleaseCheck:
    """Whether ``require_osd_release`` matches the oldest release any OSD runs."""
    dump = json.loads(_must(port.ceph(["osd", "dump", "-f", "json"], timeout=timeout),
                            "read the OSD map"))
    required = str(dump.get("require_osd_release", ""))
    versions = json.loads(_must(port.ceph(["versions", "-f", "json"], timeout=timeout),
                                "read daemon versions"))
    found = {m.group(1) for text in versions.get("osd", {}) if (m := _RELEASE.search(text))}
    releases = tuple(sorted(found, key=_rank))
    if not releases:
        return ReleaseCheck(required, (), True, "no OSD reports a version")
    oldest = releases[0]
    if _rank(required) < _rank(oldest):
        return ReleaseCheck(required, releases, False,
                            f"require_osd_release is {required} but every OSD runs {oldest} "
                            f"or later: run 'ceph osd require-osd-release {oldest}'")
    if _rank(required) > _rank(oldest):
        return ReleaseCheck(required, releases, False,
                            f"OSDs on {oldest} are older than require_osd_release {required}")
    return ReleaseCheck(required, releases, True, f"require_osd_release {required} matches "
                        f"the OSDs ({', '.join(releases)})")


@dataclass(frozen=True)
class MapCheck:
    """Whether every running OSD has the cluster's current OSD map."""

    epoch: int
    lagging: dict[int, int]         # osd id -> the newest map epoch it has
    ok: bool
    message: str


def _osd_newest_map(port: CephPort, osd: int, *, timeout: float) -> int | None:
    answer = port.ceph(["tell", f"osd.{osd}", "status", "-f", "json"], timeout=timeout)
    if answer.returncode != 0:
        return None
    try:
        return int(json.loads(answer.stdout)["newest_map"])
    except (ValueError, KeyError, TypeError):
        return None


def check_osd_maps(port: CephPort, *, timeout: float, wait: float, poll: float,
                   clock: Callable[[], float] = time.monotonic,
                   sleep: Callable[[float], None] = time.sleep) -> MapCheck:
    """Every up OSD reports ``newest_map`` >= the cluster's OSD map epoch, within ``wait``.

    Why: measured on pacific daemons (docs/ceph.md, "Clients during the hand-over"), when the
    monitor an OSD's session is on commits its own removal and exits, the OSD can re-attach
    to a remaining monitor with its map subscription lost. It then never learns a later OSD
    map (the ``noout`` unset at the end makes one at once), and every client that has the
    newer map -- any client that connects afterwards -- waits on it forever ("slow requests
    ... delayed"). Nothing in ``ceph -s`` shows it. An OSD map normally reaches every OSD
    in well under a second, so a short bounded wait tells a lost subscription from a slow
    delivery. Read-only: the remedy (restart the OSD) is the operator's.
    """
    dump = json.loads(_must(port.ceph(["osd", "dump", "-f", "json"], timeout=timeout),
                            "read the OSD map"))
    epoch = int(dump.get("epoch", 0))
    up = [int(o["osd"]) for o in dump.get("osds", ()) if o.get("up")]
    # the map to reach is the one read now; an OSD that has it keeps it, so each later poll
    # asks only the OSDs still behind (one CLI round trip each, through juju exec)
    deadline = clock() + wait
    behind = up
    while True:
        lagging: dict[int, int] = {}
        for osd in behind:
            newest = _osd_newest_map(port, osd, timeout=timeout)
            if newest is not None and newest < epoch:
                lagging[osd] = newest
        if not lagging:
            return MapCheck(epoch, {}, True, f"{len(up)} OSD(s) on OSD map e{epoch}")
        if clock() >= deadline:
            names = ", ".join(f"osd.{o} (e{e})" for o, e in sorted(lagging.items()))
            return MapCheck(epoch, lagging, False,
                            f"{names} still behind OSD map e{epoch} after {wait:.0f}s: their "
                            "monitor session lost its map subscription when a monitor left, "
                            "and clients with the newer map will hang on them")
        behind = sorted(lagging)
        sleep(poll)
