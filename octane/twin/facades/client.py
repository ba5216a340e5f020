"""Client (v6, v7, v8): FullStatus, WatchAll, StatusHistory (FindTools until v7).

Versions differ only in methods: v8 dropped FindTools (libjuju ``_client8``)."""

from __future__ import annotations

from typing import Any

from octane.twin.facades import allwatcher
from octane.twin.facades.status import full_status
from octane.twin.state.controller import SERVER_VERSION
from octane.twin.wire.routing import Call, Facade, Method


async def status(call: Call) -> dict[str, Any]:
    """``juju status [patterns]``."""
    patterns = [str(p) for p in call.params.seq("patterns")]
    return full_status(call.model, patterns, SERVER_VERSION)


async def watch_all(call: Call) -> dict[str, Any]:
    """Start an AllWatcher over this model."""
    return {"watcher-id": allwatcher.watch_model(call)}


async def status_history(call: Call) -> dict[str, Any]:
    """The current status of each requested entity (the twin keeps no history)."""
    results = []
    for request in call.params.obj("requests").objs("requests"):
        tag = request.obj("tag").text("tag")
        results.append({"history": {"statuses": []}, "tag": tag})
    return {"results": results}


async def find_tools(call: Call) -> dict[str, Any]:
    """No agent binaries to offer."""
    return {"list": []}


FACADE = Facade("Client", (6, 7, 8), {
    "FullStatus": status,
    "WatchAll": watch_all,
    "StatusHistory": status_history,
    "FindTools": Method(find_tools, versions=(6, 7)),
})
