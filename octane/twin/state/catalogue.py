"""The Charmhub catalogue the twin serves: charms, channels and revisions.

It answers two kinds of client: the controller side (``Charms.ResolveCharms`` resolving a
charm and channel to a revision) and libjuju's direct HTTP calls to ``{charmhub-url}/v2/
charms/info/<name>`` (``octane/twin/charmhub.py``). The scenario's ``charmhub:`` section
fills it; every deployed application's own charm, channel and revision are added too, so
a scenario without that section still refreshes in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from octane.twin.errors import NOT_FOUND, ApiError

#: Charmhub's risk levels, safest first. Asking for a risk with no release falls back to
#: the next safer one ("closed" channels follow the safer risk: Charmhub channel docs).
RISKS = ("stable", "candidate", "beta", "edge")


@dataclass
class CharmInfo:
    """One charm in the catalogue."""

    name: str
    charm_id: str
    subordinate: bool = False
    #: "track/risk" -> revisions released there, ascending.
    channels: dict[str, list[int]] = field(default_factory=dict)
    #: revision -> the version string the charm's metadata carries.
    versions: dict[int, str] = field(default_factory=dict)
    bases: list[str] = field(default_factory=lambda: ["22.04"])
    resources: list[dict[str, Any]] = field(default_factory=list)
    #: Relation endpoints a newly deployed application of this charm gets.
    endpoints: dict[str, dict[str, Any]] = field(default_factory=dict)
    summary: str = ""

    def add(self, channel: str, revision: int) -> None:
        """Release ``revision`` to ``channel``."""
        revisions = self.channels.setdefault(channel, [])
        if revision not in revisions:
            revisions.append(revision)
            revisions.sort()

    def latest(self, track: str, risk: str) -> int | None:
        """The newest revision in ``track/risk``, following closed risks to safer ones."""
        start = RISKS.index(risk) if risk in RISKS else 0
        for candidate in reversed(RISKS[: start + 1]):
            revisions = self.channels.get(f"{track}/{candidate}")
            if revisions:
                return revisions[-1]
        return None

    def known_revision(self, revision: int) -> bool:
        """Whether ``revision`` was ever released in any channel."""
        return any(revision in revs for revs in self.channels.values())


class Catalogue:
    """All charms by name."""

    def __init__(self) -> None:
        self.charms: dict[str, CharmInfo] = {}

    def ensure(self, name: str, charm_id: str) -> CharmInfo:
        """The charm ``name``, created with ``charm_id`` if new."""
        if name not in self.charms:
            self.charms[name] = CharmInfo(name=name, charm_id=charm_id)
        return self.charms[name]

    def get(self, name: str) -> CharmInfo:
        """The charm ``name`` or Juju's not-found error."""
        info = self.charms.get(name)
        if info is None:
            raise ApiError(f'resolving with preferred channel: charm or bundle "{name}" '
                           "not found", NOT_FOUND)
        return info

    def resolve(self, name: str, track: str, risk: str, revision: int | None,
                has_id: bool) -> int:
        """The revision Juju 3.6 picks when resolving ``name`` in ``track/risk``.

        The rule (reference notes §5.7, python-libjuju issue #1083): an origin that carries
        the charm ``id`` is a Charmhub *refresh* and gets the latest revision of the
        requested channel; otherwise an origin that carries a ``revision`` gets exactly
        that revision (libjuju >= 3.5 strips the id but keeps the current revision, so
        ``refresh(channel=...)`` alone changes the channel and keeps the revision);
        otherwise the latest revision of the channel.
        """
        info = self.get(name)
        if not has_id and revision is not None:
            if not info.known_revision(revision):
                raise ApiError(f'resolving with preferred channel: charm "{name}" '
                               f"revision {revision} not found", NOT_FOUND)
            return revision
        latest = info.latest(track, risk)
        if latest is None:
            raise ApiError(f"selecting releases: charm or bundle not found for channel "
                           f'"{track}/{risk}", base "amd64/ubuntu"', NOT_FOUND)
        return latest

    def newer_in_channel(self, name: str, track: str, risk: str, revision: int) -> int | None:
        """A revision newer than ``revision`` in the same channel (status ``can-upgrade-to``)."""
        info = self.charms.get(name)
        if info is None:
            return None
        latest = info.latest(track, risk)
        return latest if latest is not None and latest > revision else None
