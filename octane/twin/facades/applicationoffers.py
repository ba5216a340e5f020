"""ApplicationOffers (v4, v5): offer, list, consume details, destroy.

libjuju calls these on a short-lived controller connection (reference notes §1).
``GetConsumeDetails`` must carry a macaroon in Juju's JSON v1 shape (``caveats``,
``location``, ``identifier``, ``signature``) and ``external-controller`` even for a local
offer: libjuju's ``_create_consume_args`` reads both unconditionally (model/__init__.py).
Params use Go field names (``Offers``, ``Filters``) — read case-insensitively.
"""

from __future__ import annotations

import base64
from typing import Any

from octane.twin.facades.common import untag
from octane.twin.state import offers
from octane.twin.state.controller import ControllerState
from octane.twin.state.entities import Offer
from octane.twin.state.model import ModelState
from octane.twin.wire.params import Params
from octane.twin.wire.routing import COMMON, Call, Facade, bulk


def details(controller: ControllerState, model: ModelState, offer: Offer) -> dict[str, Any]:
    """An ``ApplicationOfferAdminDetailsV5``."""
    app = model.application(offer.application)
    consumers = list(controller.models.values())
    connections = [{"source-model-tag": f"model-{m.uuid}", "relation-id": rel.id,
                    "username": "admin", "endpoint": ep.name,
                    "status": {"status": "joined", "info": "", "since": None},
                    "ingress-subnets": []}
                   for m in consumers for r in m.remote_apps.values()
                   if r.offer_uuid == offer.uuid
                   for rel in m.relations_of(r.name) for n, ep in rel.endpoints if n == r.name]
    return {
        "source-model-tag": f"model-{model.uuid}", "offer-uuid": offer.uuid,
        "offer-url": offers.offer_url(model, offer), "offer-name": offer.name,
        "application-description": offer.description,
        "endpoints": [{"name": e.name, "role": e.role, "interface": e.interface,
                       "limit": e.limit} for e in offers.offer_endpoints(model, offer)],
        "users": [{"user": "admin", "display-name": "admin", "access": "admin"},
                  {"user": "everyone@external", "display-name": "", "access": "read"}],
        "application-name": app.name, "charm-url": app.charm_url,
        "connections": connections}


async def offer(call: Call) -> dict[str, Any]:
    """``juju offer``: one result per offer."""
    controller = call.controller

    def one(item: Params) -> None:
        model = controller.model(untag(item.text("model-tag"), "model"))
        endpoints = {str(k): str(v) for k, v in item.mapping("endpoints").items()}
        offers.create_offer(model, item.text("application-name"), item.text("offer-name"),
                            endpoints, item.text("application-description"))
    return bulk(call.params.objs("Offers"), one)


def _matches(model: ModelState, offer: Offer, flt: Params) -> bool:
    checks = {"model-name": model.name, "owner-name": model.owner,
              "application-name": offer.application, "offer-name": offer.name}
    return all(not flt.text(k) or flt.text(k) == v for k, v in checks.items())


async def list_offers(call: Call) -> dict[str, Any]:
    """``juju offers`` (ListApplicationOffers / FindApplicationOffers)."""
    controller = call.controller
    filters = call.params.objs("Filters") or [Params({})]
    results = []
    for model in controller.models.values():
        for o in model.offers.values():
            if any(_matches(model, o, f) for f in filters):
                results.append(details(controller, model, o))
    return {"results": results}


async def by_url(call: Call) -> dict[str, Any]:
    """ApplicationOffers: details of each URL."""
    controller = call.controller

    def one(url: Any) -> dict[str, Any]:
        model, name = controller.find_offer(str(url))
        return {"result": details(controller, model, model.offers[name])}
    return bulk(call.params.seq("offer-urls"), one)


def macaroon(offer_uuid: str, location: str) -> dict[str, Any]:
    """A macaroon in JSON v1 shape (the twin does not verify it)."""
    ident = base64.b64encode(f"offer-{offer_uuid}".encode()).decode()
    return {"caveats": [{"cid": f"declared offer-uuid {offer_uuid}"}], "location": location,
            "identifier": ident, "signature": base64.b16encode(ident.encode()).decode()}


async def consume_details(call: Call) -> dict[str, Any]:
    """What a consuming model needs: offer details, a macaroon, the controller info."""
    controller = call.controller

    def one(url: Any) -> dict[str, Any]:
        model, name = controller.find_offer(str(url))
        doc = details(controller, model, model.offers[name])
        for key in ("application-name", "charm-url", "connections"):
            doc.pop(key)
        return {"offer": doc, "macaroon": macaroon(doc["offer-uuid"], controller.uuid),
                "external-controller": {"controller-tag": f"controller-{controller.uuid}",
                                        "controller-alias": controller.name,
                                        "addrs": list(controller.api_endpoints),
                                        "ca-cert": controller.ca_cert}}
    return bulk(call.params.obj("offer-urls").seq("offer-urls"), one)


async def destroy(call: Call) -> dict[str, Any]:
    """``juju remove-offer [--force]``."""
    controller = call.controller

    def one(url: Any) -> None:
        model, name = controller.find_offer(str(url))
        offers.destroy_offer(model, name, list(controller.models.values()),
                             call.params.flag("force"))
    return bulk(call.params.seq("offer-urls"), one)


async def modify_access(call: Call) -> dict[str, Any]:
    """Only admin exists; grants succeed without effect."""
    return {"results": [{} for _ in call.params.seq("changes")]}


async def remote_info(call: Call) -> dict[str, Any]:
    """Remote application info of each offer URL."""
    controller = call.controller

    def one(url: Any) -> dict[str, Any]:
        model, name = controller.find_offer(str(url))
        o = model.offers[name]
        return {"result": {"model-tag": f"model-{model.uuid}", "name": o.name,
                           "description": o.description,
                           "offer-url": offers.offer_url(model, o),
                           "endpoints": [{"name": e.name, "role": e.role,
                                          "interface": e.interface, "limit": e.limit}
                                         for e in offers.offer_endpoints(model, o)],
                           "icon-url-path": ""}}
    return bulk(call.params.seq("offer-urls"), one)


FACADE = Facade("ApplicationOffers", (4, 5), {
    "Offer": offer, "ListApplicationOffers": list_offers,
    "FindApplicationOffers": list_offers, "ApplicationOffers": by_url,
    "GetConsumeDetails": consume_details, "DestroyOffers": destroy,
    "ModifyOfferAccess": modify_access, "RemoteApplicationInfo": remote_info,
}, scope=COMMON)
