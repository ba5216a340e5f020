"""Reading a whole model as raw documents, for ``octane twin capture``.

The port's :class:`~octane.juju.model.JujuModel` reads what planning needs (effective config
values, status) into frozen snapshots. A copy of a cloud needs more: which option values an
operator set (``source: user`` in ``Application.Get``) as opposed to charm defaults, every
option's type, relation endpoints with their interfaces, offers, and the model's own config.
This module fetches those documents as they come from the controller -- FullStatus,
``Application.Get`` per application (concurrently) and ``ModelConfig.ModelGet`` -- with the
port's connection, retries and one-line errors; ``octane/twin/capture.py`` turns them into a
scenario. Reads only: nothing here changes the model.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from octane.juju.connect import open_model_connection
from octane.juju.retry import retrying
from octane.juju.settings import JujuSettings

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelDocuments:
    """A model as the controller describes it (plain JSON documents)."""

    controller: str
    model: str
    status: Mapping[str, Any]
    #: application -> ``Application.Get`` result (``config`` holds value, source, type...).
    applications: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: ``ModelConfig.ModelGet`` ``config``: key -> {value, source}.
    model_config: Mapping[str, Any] = field(default_factory=dict)
    #: charm URL -> ``Charms.CharmInfo`` result (``meta`` holds provides/requires/peers).
    charms: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


async def read_model_documents(model: str | None = None,
                               settings: JujuSettings | None = None) -> ModelDocuments:
    """Status, every application's config and the model config of ``model`` (None: the
    current one). Raises the port's one-line ``NotFound`` / ``ConnectionFailed``."""
    conf = settings or JujuSettings.from_env()
    conn, target = await open_model_connection(model, conf)
    name = target.model.split("/", 1)[-1]

    async def rpc(facade: str, request: str, params: Mapping[str, Any],
                  what: str) -> Mapping[str, Any]:
        async def call() -> Mapping[str, Any]:
            result = await conn.rpc({"type": facade, "request": request,
                                     "version": conn.facades[facade],
                                     "params": dict(params)})
            response = result.get("response")
            return response if isinstance(response, Mapping) else {}
        return await retrying(call, what=what, timeout=conf.timeout)

    try:
        status = await rpc("Client", "FullStatus", {"patterns": None},
                           f"reading the status of model '{name}'")
        status = {**status, "applications": dict(status.get("applications") or {})}
        apps = sorted(status["applications"])
        gets = await asyncio.gather(*(
            rpc("Application", "Get", {"application": app, "branch": None},
                f"reading the config of '{app}'") for app in apps))
        model_config = await rpc("ModelConfig", "ModelGet", {},
                                 f"reading the config of model '{name}'")
        urls = sorted({str(doc.get("charm")) for doc in status["applications"].values()
                       if isinstance(doc, Mapping) and doc.get("charm")})
        infos = await asyncio.gather(*(
            rpc("Charms", "CharmInfo", {"url": url}, f"reading charm {url}")
            for url in urls), return_exceptions=True)
    finally:
        try:
            await conn.close()
        except Exception as exc:  # closing must not hide what was read or the real error
            LOG.debug("close: %s", exc)
    return ModelDocuments(controller=target.controller, model=name, status=status,
                          applications=dict(zip(apps, gets, strict=True)),
                          model_config=dict(model_config.get("config") or {}),
                          charms={u: i for u, i in zip(urls, infos, strict=True)
                                  if isinstance(i, Mapping)})
