"""Keystone's wire handlers and routes: version discovery, tokens, projects."""

from __future__ import annotations

from typing import Any

from octane.twin.openstack import identity
from octane.twin.openstack.errors import ApiError
from octane.twin.openstack.model import Token
from octane.twin.openstack.wire import Api, Reply, Request, Route


def _version_doc(req: Request) -> dict[str, Any]:
    return {"id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
            "links": [{"rel": "self", "href": f"{req.state.base_url}/identity/v3/"}],
            "media-types": [{"base": "application/json",
                             "type": "application/vnd.openstack.identity-v3+json"}]}


def versions(req: Request) -> Reply:
    """``GET /``: Keystone answers 300 Multiple Choices with ``versions.values``."""
    return Reply(300, {"versions": {"values": [_version_doc(req)]}})


def version(req: Request) -> Reply:
    """``GET /v3``: the version document keystoneauth's discovery reads."""
    return Reply(200, {"version": _version_doc(req)})


def issue_token(req: Request) -> Reply:
    """``POST /v3/auth/tokens``: 201, the token id in ``X-Subject-Token``."""
    token = identity.authenticate(req.state, req.body)
    return Reply(201, {"token": identity.token_body(req.state, token)},
                 {"X-Subject-Token": token.id})


def _subject(req: Request) -> Token:
    subject = req.headers.get("X-Subject-Token", "")
    try:
        return identity.validate(req.state, subject)
    except ApiError:
        raise ApiError(404, f"Could not find token: {subject}.") from None


def check_token(req: Request) -> Reply:
    """``GET /v3/auth/tokens``: validate the token named in ``X-Subject-Token``."""
    token = _subject(req)
    return Reply(200, {"token": identity.token_body(req.state, token)},
                 {"X-Subject-Token": token.id})


def revoke_token(req: Request) -> Reply:
    """``DELETE /v3/auth/tokens``: the subject token stops working at once."""
    token = _subject(req)
    del req.state.tokens[token.id]
    return Reply(204, None)


def list_projects(req: Request) -> Reply:
    """``GET /v3/projects`` (admin): the projects VMs may belong to."""
    req.require_admin("identity:list_projects")
    name = req.query.get("name")
    url = f"{req.state.base_url}/identity/v3/projects"
    return Reply(200, {"projects": [
        {"id": p.id, "name": p.name, "domain_id": p.domain_id, "enabled": True,
         "is_domain": False, "parent_id": p.domain_id, "description": "", "tags": [],
         "links": {"self": f"{url}/{p.id}"}}
        for p in req.state.projects.values() if name in (None, p.name)],
        "links": {"self": url, "next": None, "previous": None}})


KEYSTONE = Api(prefix="/identity", dialect="identity", routes=(
    Route("GET", "", versions, public=True),
    Route("GET", "/", versions, public=True),
    Route("GET", "/v3", version, public=True),
    Route("GET", "/v3/", version, public=True),
    # Issuing a token writes nothing a maintenance window protects (fernet tokens), and
    # without tokens the reads that must keep working would fail too.
    Route("POST", "/v3/auth/tokens", issue_token, public=True),
    Route("GET", "/v3/auth/tokens", check_token),
    Route("DELETE", "/v3/auth/tokens", revoke_token),
    Route("GET", "/v3/projects", list_projects),
))
