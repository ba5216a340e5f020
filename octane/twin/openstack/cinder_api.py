"""Cinder's wire handlers and routes: version discovery and ``os-services`` (block-storage v3).

The runbook's ``openstack volume service list`` probe after a cinder refresh reads this.
"""

from __future__ import annotations

from typing import Any

from octane.twin.openstack.errors import ApiError
from octane.twin.openstack.identity import isotime
from octane.twin.openstack.microversions import CINDER_MIN
from octane.twin.openstack.model import Service
from octane.twin.openstack.wire import Api, Reply, Request, Route


def _version_doc(req: Request) -> dict[str, Any]:
    return {"id": "v3.0", "status": "CURRENT", "version": str(req.state.versions.cinder_max),
            "min_version": CINDER_MIN, "updated": "2023-08-31T00:00:00Z",
            "links": [{"rel": "self", "href": f"{req.state.base_url}/volume/v3/"}],
            "media-types": [{"base": "application/json",
                             "type": "application/vnd.openstack.volume+json;version=3"}]}


def versions(req: Request) -> Reply:
    """``GET /`` and ``GET /v3/``: Cinder lists its versions in both places."""
    return Reply(200, {"versions": [_version_doc(req)]})


def _service(req: Request, svc: Service, now: float) -> dict[str, Any]:
    up = svc.is_up(now)
    body: dict[str, Any] = {
        "binary": svc.binary, "host": svc.host, "zone": svc.zone,
        "status": "disabled" if svc.disabled else "enabled", "state": "up" if up else "down",
        "updated_at": isotime(svc.heartbeat(now)), "disabled_reason": svc.disabled_reason,
    }
    if svc.binary == "cinder-volume":
        body.update({"replication_status": "disabled", "active_backend_id": None,
                     "frozen": False})
        if req.mv.at_least("3.49"):
            body["backend_state"] = "up" if up else "down"
    if req.mv.at_least("3.7"):
        body["cluster"] = None
    return body


def list_services(req: Request) -> Reply:
    """``GET /v3/{project_id}/os-services`` (admin) with ``host`` and ``binary`` filters."""
    req.require_admin("volume_extension:services:index")
    project = req.match.get("project_id")
    token = req.token
    if project is not None and token is not None and project != token.project_id:
        raise ApiError(400, "Malformed request url")
    now = req.state.now()
    rows = [s for s in req.state.volume_services
            if req.query.get("host") in (None, s.host)
            and req.query.get("binary") in (None, s.binary)]
    return Reply(200, {"services": [_service(req, s, now) for s in rows]})


CINDER = Api(prefix="/volume", dialect="volume", microversion_service="volume", routes=(
    Route("GET", "", versions, public=True),
    Route("GET", "/", versions, public=True),
    Route("GET", "/v3", versions, public=True),
    Route("GET", "/v3/", versions, public=True),
    Route("GET", "/v3/os-services", list_services),
    Route("GET", "/v3/{project_id}/os-services", list_services),
))
