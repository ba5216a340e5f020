"""Charms (v5, v6, v7): resolve a charm and channel to a revision, add it to the model.

libjuju 3.6 negotiates v6 (it excludes 7: ``facade_versions.excluded_facade_versions``);
the twin advertises 5-7 as a 3.6 controller does, so that a client that picked 7 would be
exercised too. ``ResolveCharms`` answers with ``Results`` (capital R: the Go field has no
json tag; reference notes §5.5) and includes ``supported-series`` beside
``supported-bases`` — libjuju's deploy reads ``unknown_fields["supported-series"]`` and a
real 3.6 controller sends it (python-libjuju PR #1170 transcript). The revision rule is
:meth:`Catalogue.resolve` (notes §5.7, python-libjuju issue #1083).
"""

from __future__ import annotations

from typing import Any

from octane.twin.errors import not_found
from octane.twin.facades.application_units import charm_name
from octane.twin.state import applications
from octane.twin.state.entities import SERIES_BY_CHANNEL, CharmRef
from octane.twin.wire.params import Params
from octane.twin.wire.routing import Call, Facade, bulk


def _origin(call: Call, name: str, origin: Params, revision: int) -> dict[str, Any]:
    info = call.model.runtime.catalogue.get(name)
    base = origin.obj("base")
    channel = base.text("channel") or f"{call.model.default_base.split('@')[-1]}/stable"
    return {"source": "charm-hub", "type": "charm", "id": info.charm_id,
            "hash": call.model.runtime.ids.hex(64), "revision": revision,
            "track": origin.text("track") or "latest", "risk": origin.text("risk") or "stable",
            "architecture": origin.text("architecture") or "amd64",
            "base": {"name": base.text("name") or "ubuntu", "channel": channel}}


async def resolve(call: Call) -> dict[str, Any]:
    """Resolve each reference to a URL, origin and supported bases."""
    catalogue = call.model.runtime.catalogue

    def one(item: Params) -> dict[str, Any]:
        name = charm_name(item.text("reference"))
        origin = item.obj("charm-origin")
        revision = origin.get("revision")
        chosen = catalogue.resolve(name, origin.text("track") or "latest",
                                   origin.text("risk") or "stable",
                                   int(revision) if revision is not None else None,
                                   bool(origin.text("id")))
        info = catalogue.get(name)
        doc = _origin(call, name, origin, chosen)
        return {"url": f"ch:{doc['architecture']}/{name}-{chosen}", "charm-origin": doc,
                "supported-bases": [{"name": "ubuntu", "channel": f"{b}/stable"}
                                    for b in info.bases],
                "supported-series": [SERIES_BY_CHANNEL.get(b, b) for b in info.bases]}
    return bulk(call.params.objs("resolve"), one, key="Results")


async def add_charm(call: Call) -> dict[str, Any]:
    """Download the charm into the model (refresh's second step)."""
    url = call.params.text("url")
    origin = call.params.obj("charm-origin")
    name = charm_name(url)
    info = call.model.runtime.catalogue.get(name)
    revision = origin.num("revision", -1)
    if revision < 0 or not info.known_revision(revision):
        raise not_found(f'charm "{url}"')
    ref = CharmRef(name=name, revision=revision, track=origin.text("track") or "latest",
                   risk=origin.text("risk") or "stable", charm_id=info.charm_id,
                   hash=origin.text("hash"), arch=origin.text("architecture") or "amd64")
    applications.add_charm(call.model, url, ref)
    return {"charm-origin": origin.raw}


async def charm_info(call: Call) -> dict[str, Any]:
    """Metadata, config and actions of an added charm."""
    url = call.params.text("url")
    charms = applications.model_charms(call.model)
    if url not in charms:
        raise not_found(f'charm "{url}"')
    ref = charms[url]
    info = call.model.runtime.catalogue.get(ref.name)
    behaviour = call.model.runtime.behaviours.for_charm(ref.name)
    return {"revision": ref.revision, "url": url,
            "config": {"options": {k: {"type": v.get("type", "string"),
                                       "default": v.get("default"),
                                       "description": v.get("description", "")}
                                   for k, v in behaviour.config_options().items()}},
            "meta": {"name": ref.name, "summary": info.summary, "description": info.summary,
                     "subordinate": info.subordinate, "min-juju-version": "3.1.0",
                     "resources": {}},
            "actions": {"specs": {n: {"description": s.description, "params": dict(s.params)}
                                  for n, s in behaviour.actions().items()}}}


async def list_charms(call: Call) -> dict[str, Any]:
    """Charm URLs added to the model."""
    return {"charm-urls": sorted(applications.model_charms(call.model))}


async def is_metered(call: Call) -> dict[str, Any]:
    """Charmed OpenStack charms are not metered."""
    return {"metered": False}


async def list_resources(call: Call) -> dict[str, Any]:
    """Resources of each charm (the twin's charms have none)."""
    return {"results": [{"resources": []} for _ in call.params.seq("entities")]}


async def download_infos(call: Call) -> dict[str, Any]:
    """Where each charm would be downloaded from."""
    def one(item: Params) -> dict[str, Any]:
        origin = item.obj("charm-origin")
        name = charm_name(item.text("charm-url"))
        call.model.runtime.catalogue.get(name)
        return {"url": item.text("charm-url"), "charm-origin": origin.raw,
                "download-info": {"charm-download-url":
                                  f"{call.controller.charmhub_url}/api/v1/charms/download/"
                                  f"{name}", "download-size": 0}}
    return bulk(call.params.objs("entities"), one)


async def check_placement(call: Call) -> dict[str, Any]:
    """Every placement is acceptable (no architecture constraints in the twin)."""
    return {"results": [{} for _ in call.params.seq("placements")]}


FACADE = Facade("Charms", (5, 6, 7), {
    "ResolveCharms": resolve, "AddCharm": add_charm, "CharmInfo": charm_info,
    "List": list_charms, "IsMetered": is_metered, "ListCharmResources": list_resources,
    "GetDownloadInfos": download_infos, "CheckCharmPlacement": check_placement,
})
