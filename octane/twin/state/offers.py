"""Cross-model relations: offers in one model, consumed (SAAS) in another.

An offer URL is ``[controller:]owner/model.offer``. Consuming creates a remote
application in the consuming model whose endpoints are the offer's (named by the offer's
endpoint aliases); relations to it use the ordinary relation rules.
"""

from __future__ import annotations

from octane.twin.errors import ALREADY_EXISTS, ApiError, not_found
from octane.twin.state.applications import endpoint
from octane.twin.state.entities import Endpoint, Offer, RemoteApplication
from octane.twin.state.model import ModelState


def parse_offer_url(url: str) -> tuple[str, str, str, str]:
    """``ctrl:admin/model.offer`` -> (controller, owner, model, offer)."""
    source, _, rest = url.rpartition(":")
    owner, _, rest = rest.partition("/")
    model, _, offer = rest.partition(".")
    if not owner or not model or not offer:
        raise ApiError(f'offer URL "{url}" is not valid', "not valid")
    return source, owner, model, offer


def create_offer(model: ModelState, app_name: str, offer_name: str,
                 endpoints: dict[str, str], description: str = "") -> Offer:
    """``juju offer app:ep [name]``."""
    app = model.application(app_name)
    for local in endpoints.values():
        endpoint(app, local)
    if offer_name in model.offers:
        raise ApiError(f'cannot add application offer "{offer_name}": application offer '
                       "already exists", ALREADY_EXISTS)
    offer = Offer(uuid=model.runtime.ids.uuid(), name=offer_name, application=app_name,
                  endpoints=dict(endpoints), owner=model.owner, description=description)
    model.offers[offer_name] = offer
    model.touch("applicationOffer", offer_name)
    return offer


def offer_url(model: ModelState, offer: Offer) -> str:
    """``admin/openstack.keystone``."""
    return f"{model.qualified_name}.{offer.name}"


def offer_endpoints(model: ModelState, offer: Offer) -> list[Endpoint]:
    """The offered endpoints, renamed to their aliases."""
    app = model.application(offer.application)
    result = []
    for alias, local in sorted(offer.endpoints.items()):
        ep = endpoint(app, local)
        result.append(Endpoint(name=alias, role=ep.role, interface=ep.interface,
                               scope=ep.scope, limit=ep.limit))
    return result


def consume(model: ModelState, source: ModelState, offer: Offer, alias: str) -> RemoteApplication:
    """``juju consume <url> [alias]`` into ``model``."""
    name = alias or offer.name
    if name in model.applications:
        raise ApiError(f'saas application "{name}" already exists as an application',
                       ALREADY_EXISTS)
    existing = model.remote_apps.get(name)
    if existing is not None:
        if existing.offer_uuid == offer.uuid:
            return existing
        raise ApiError(f'saas application "{name}" already exists', ALREADY_EXISTS)
    remote = RemoteApplication(name=name, offer_uuid=offer.uuid,
                               offer_url=offer_url(source, offer), offer_name=offer.name,
                               source_model_uuid=source.uuid,
                               endpoints=offer_endpoints(source, offer))
    model.remote_apps[name] = remote
    model.touch("remoteApplication", name)
    return remote


def remove_saas(model: ModelState, name: str) -> None:
    """``juju remove-saas``: the remote application and its relations go."""
    from octane.twin.state.relations import remove_relation

    if name not in model.remote_apps:
        raise not_found(f'saas application "{name}"')
    for rel in model.relations_of(name):
        remove_relation(model, rel)
    remote = model.remote_apps.pop(name)
    model.log.remove("remoteApplication", name, remote)


def destroy_offer(model: ModelState, offer_name: str, consumers: list[ModelState],
                  force: bool) -> None:
    """``juju remove-offer``: refused while consumers relate to it, unless forced."""
    offer = model.offers.get(offer_name)
    if offer is None:
        raise not_found(f'application offer "{offer_name}"')
    related = [(m, r) for m in consumers for r in m.remote_apps.values()
               if r.offer_uuid == offer.uuid and m.relations_of(r.name)]
    if related and not force:
        raise ApiError(f'cannot delete application offer "{offer_name}": offer has '
                       f"{len(related)} relations", "")
    for consumer, remote in related:
        remove_saas(consumer, remote.name)
    del model.offers[offer_name]
    model.log.remove("applicationOffer", offer_name, offer)


def connections(offer: Offer, consumers: list[ModelState]) -> int:
    """How many relations consumers have to ``offer``."""
    return sum(len(m.relations_of(r.name)) for m in consumers
               for r in m.remote_apps.values() if r.offer_uuid == offer.uuid)
