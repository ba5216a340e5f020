"""Where units live and how applications relate, plus the cross-model writes a seed needs.

Why a module of its own: the side-by-side flows (``octane upgrade-ceph`` first) need what
the cloud snapshots leave out — each unit's machine hostname and address (a ceph monitor is
named after its host and listens on the unit's address), the relations between
applications, the offers and consumed offers — and three writes the in-place port has no
use for: offer an application's endpoints, consume an offer in another model, relate and
unrelate. :class:`TopologyModel` is a :class:`~octane.juju.model.JujuModel` with these
added, over the same raw RPC (FullStatus, ApplicationOffers, Application facades), so
nothing libjuju-typed leaves the port and errors stay octane's one-liners.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from octane.errors import OctaneError
from octane.juju.model import JujuModel
from octane.juju.settings import JujuSettings

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class UnitPlace:
    """A unit and the machine under it, as ``juju status`` shows them."""

    unit: str
    application: str
    machine: str
    hostname: str
    address: str
    leader: bool = False


@dataclass(frozen=True)
class RelationEnd:
    """One end of a relation: application (or consumed offer) and endpoint."""

    application: str
    endpoint: str
    role: str

    @property
    def spec(self) -> str:
        """``app:endpoint``, as ``juju integrate`` takes it."""
        return f"{self.application}:{self.endpoint}"


@dataclass(frozen=True)
class Relation:
    """A relation between two ends (a peer relation has one)."""

    id: int
    interface: str
    ends: tuple[RelationEnd, ...]

    def other(self, application: str) -> RelationEnd | None:
        """The end that is not ``application`` (None for a peer relation)."""
        return next((e for e in self.ends if e.application != application), None)

    def end(self, application: str) -> RelationEnd | None:
        """``application``'s own end."""
        return next((e for e in self.ends if e.application == application), None)


@dataclass(frozen=True)
class Topology:
    """One reading of a model: charms, unit places, relations, offers, consumed offers."""

    model: str
    charms: Mapping[str, str]                    # application -> charm name
    places: tuple[UnitPlace, ...]
    relations: tuple[Relation, ...]
    offers: Mapping[str, str]                    # offer name -> application
    consumed: Mapping[str, str]                  # alias -> offer URL

    def applications_of(self, charm: str) -> list[str]:
        """Applications running ``charm``, sorted."""
        return sorted(a for a, c in self.charms.items() if c == charm)

    def units_of(self, application: str) -> list[UnitPlace]:
        """Units of ``application`` in unit-number order."""
        return sorted((p for p in self.places if p.application == application),
                      key=lambda p: int(p.unit.rsplit("/", 1)[1]))

    def relations_of(self, application: str) -> list[Relation]:
        """Relations with an end on ``application``."""
        return [r for r in self.relations if r.end(application) is not None]


def _charm_name(url: str) -> str:
    """``ch:amd64/ceph-mon-201`` -> ``ceph-mon``."""
    name = url.split(":", 1)[-1].rsplit("/", 1)[-1]
    head, _, tail = name.rpartition("-")
    return head if tail.isdigit() and head else name


def _hostnames(machines: Mapping[str, Any], out: dict[str, tuple[str, str]]) -> None:
    for mid, doc in machines.items():
        out[str(mid)] = (str(doc.get("hostname") or ""), str(doc.get("dns-name") or ""))
        _hostnames(doc.get("containers") or {}, out)


def topology_from_status(model: str, doc: Mapping[str, Any]) -> Topology:
    """A :class:`Topology` from a FullStatus document (pure: tested on captured JSON)."""
    hosts: dict[str, tuple[str, str]] = {}
    _hostnames(doc.get("machines") or {}, hosts)
    charms: dict[str, str] = {}
    places: list[UnitPlace] = []
    for app, adoc in (doc.get("applications") or {}).items():
        charms[app] = _charm_name(str(adoc.get("charm", "")))
        for unit, udoc in (adoc.get("units") or {}).items():
            machine = str(udoc.get("machine", ""))
            hostname, dns = hosts.get(machine, ("", ""))
            address = str(udoc.get("public-address") or udoc.get("address") or dns)
            places.append(UnitPlace(unit, app, machine, hostname, address,
                                    bool(udoc.get("leader"))))
    relations = tuple(
        Relation(int(r.get("id", 0)), str(r.get("interface", "")),
                 tuple(RelationEnd(str(e["application"]), str(e["name"]), str(e["role"]))
                       for e in r.get("endpoints") or ()))
        for r in doc.get("relations") or ())
    offers = {str(k): str(v.get("application-name", ""))
              for k, v in (doc.get("offers") or {}).items()}
    consumed = {str(k): str(v.get("offer-url", ""))
                for k, v in (doc.get("remote-applications") or {}).items()}
    return Topology(model, charms, tuple(places), relations, offers, consumed)


def _item_error(doc: Mapping[str, Any], what: str, tolerate: str = "") -> None:
    """Raise the first per-item error of a bulk answer, unless it says ``tolerate``."""
    for item in doc.get("results") or ():
        message = str((item.get("error") or {}).get("message") or "")
        if message and not (tolerate and tolerate in message):
            raise OctaneError(f"{what}: {message}")


class TopologyModel(JujuModel):
    """A model connection that also reads topology and makes cross-model relations."""

    @classmethod
    async def connect(cls, model: str | None = None,
                      settings: JujuSettings | None = None) -> TopologyModel:
        """As :meth:`JujuModel.connect`, typed for this class."""
        connected = await super().connect(model, settings)
        assert isinstance(connected, TopologyModel)
        return connected

    @property
    def uuid(self) -> str:
        """The model's uuid (as the connection logged in with it)."""
        return str(getattr(self._conn, "uuid", "") or self._target.uuid or "")

    @property
    def qualified_name(self) -> str:
        """``admin/seed``: what offer URLs start with."""
        return self._target.model

    async def topology(self) -> Topology:
        """Read units, machines, relations and offers in one FullStatus call."""
        doc = await self._full_status()
        return topology_from_status(self.name, doc)

    async def offer(self, application: str, endpoints: Sequence[str], name: str) -> str:
        """``juju offer app:ep1,ep2 name``; idempotent. Returns the offer URL."""
        what = f"offering {application}:{','.join(endpoints)} as '{name}'"
        await self._tolerant("ApplicationOffers", "Offer", {"Offers": [{
            "model-tag": f"model-{self.uuid}", "application-name": application,
            "application-description": "", "offer-name": name,
            "owner-tag": f"user-{self._target.user}",
            "endpoints": {ep: ep for ep in endpoints}}]}, what, "already exists")
        return f"{self.qualified_name}.{name}"

    async def _tolerant(self, facade: str, request: str, params: Mapping[str, Any],
                        what: str, tolerate: str) -> Mapping[str, Any]:
        """A bulk call whose one item may fail with ``tolerate`` (libjuju raises on any
        item error, so the message is checked on the raised error as well)."""
        try:
            doc = await self._rpc(facade, request, params, what)
        except OctaneError as exc:
            if tolerate not in exc.message:
                raise
            LOG.debug("%s: %s", what, tolerate)
            return {}
        _item_error(doc, what, tolerate=tolerate)
        return doc

    async def consume(self, url: str, alias: str) -> None:
        """``juju consume URL alias``; idempotent for the same offer."""
        what = f"consuming '{url}' as '{alias}'"
        details = await self._rpc("ApplicationOffers", "GetConsumeDetails",
                                  {"offer-urls": {"offer-urls": [url]}}, what)
        results = details.get("results") or [{}]
        found = results[0]
        if (found.get("error") or {}).get("message"):
            raise OctaneError(f"{what}: {found['error']['message']}")
        arg = dict(found.get("offer") or {})
        arg.update({"application-alias": alias, "macaroon": found.get("macaroon"),
                    "controller-info": found.get("external-controller")})
        await self._tolerant("Application", "Consume", {"args": [arg]}, what, "already exists")

    async def relate(self, one: str, other: str) -> None:
        """``juju integrate one other``; an existing relation is success."""
        what = f"relating '{one}' and '{other}'"
        try:
            await self._rpc("Application", "AddRelation",
                            {"endpoints": [one, other], "via-cidrs": []}, what)
        except OctaneError as exc:
            if "already exists" not in exc.message:
                raise
            LOG.debug("%s: already related", what)

    async def unrelate(self, one: str, other: str) -> None:
        """``juju remove-relation one other``; a missing relation is success."""
        what = f"removing the relation of '{one}' and '{other}'"
        try:
            await self._rpc("Application", "DestroyRelation",
                            {"endpoints": [one, other], "force": False}, what)
        except OctaneError as exc:
            if "not found" not in exc.message.lower():
                raise
            LOG.debug("%s: not related", what)
