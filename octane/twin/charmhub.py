"""The Charmhub HTTP API that libjuju calls directly, served on the model's charmhub-url.

libjuju reads ``charmhub-url`` from the model config and calls
``GET {charmhub-url}/v2/charms/info/<name>`` with plain ``requests`` during refresh
(``fields=default-release.resources``), deploy (``default-release.revision.subordinate``)
and ``CharmHub.info`` (``channel-map``) (juju/charmhub.py). Every other call goes through
the controller. An unknown charm answers 404 with Charmhub's ``error-list`` (libjuju then
retries five times, 5 s apart — a known cost of asking for a charm that does not exist).
The catalogue and the revision rule are :mod:`octane.twin.state.catalogue`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from octane.twin.state.catalogue import Catalogue, CharmInfo

RELEASED_AT = "2024-04-01T00:00:00.000000+00:00"


def _channel_entry(info: CharmInfo, channel: str, revision: int) -> dict[str, Any]:
    track, _, risk = channel.partition("/")
    bases = [{"name": "ubuntu", "channel": b, "architecture": "amd64"} for b in info.bases]
    return {"channel": {"name": channel, "track": track, "risk": risk,
                        "released-at": RELEASED_AT,
                        "base": {"name": "ubuntu", "channel": info.bases[-1],
                                 "architecture": "amd64"}},
            "revision": {"revision": revision, "version": info.versions.get(revision, ""),
                         "bases": bases, "subordinate": info.subordinate,
                         "created-at": RELEASED_AT}}


def info_document(info: CharmInfo) -> dict[str, Any]:
    """``/v2/charms/info/<name>`` for one charm."""
    channel_map = [_channel_entry(info, channel, revisions[-1])
                   for channel, revisions in sorted(info.channels.items()) if revisions]
    default = max(channel_map, key=lambda c: c["revision"]["revision"]) if channel_map \
        else None
    release: dict[str, Any] = {"resources": []}
    if default is not None:
        release.update(channel=default["channel"], revision=default["revision"])
    return {"type": "charm", "id": info.charm_id, "name": info.name,
            "result": {"summary": info.summary, "publisher": {"display-name": "OpenStack "
                                                                               "Charmers"}},
            "default-release": release, "channel-map": channel_map}


def application(catalogue_of: Callable[[], Catalogue]) -> web.Application:
    """The Charmhub app over the catalogue ``catalogue_of()`` returns when asked."""
    app = web.Application()

    async def info(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        charm = catalogue_of().charms.get(name)
        if charm is None:
            return web.json_response({"error-list": [{
                "code": "not-found", "message": f"No charm or bundle with name '{name}'."}]},
                status=404)
        return web.json_response(info_document(charm))

    async def find(request: web.Request) -> web.Response:
        query = request.query.get("q", "")
        return web.json_response({"results": [
            {"type": "charm", "id": c.charm_id, "name": c.name}
            for c in catalogue_of().charms.values() if query in c.name]})

    app.router.add_get("/v2/charms/info/{name}", info)
    app.router.add_get("/v2/charms/find", find)
    return app
