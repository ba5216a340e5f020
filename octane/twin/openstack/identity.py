"""Keystone's backend: password and token authentication, scoping, tokens, the catalog.

Only what keystoneauth (behind openstacksdk and python-openstackclient) does: ``POST
/v3/auth/tokens`` with the ``password`` (or ``token``) method and a project, domain or no
scope, then every other call carries ``X-Auth-Token``. Tokens live in wall-clock time, not
scenario time: keystoneauth compares ``expires_at`` with the real clock, and a twin clock
running 1,000 times faster would expire a one-hour token every 3.6 seconds.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from octane.twin.openstack.errors import ApiError, unauthorized
from octane.twin.openstack.model import Domain, Project, Token, User
from octane.twin.openstack.state import OpenStackState

TOKEN_LIFETIME = 3600.0  # keystone's default [token] expiration


def isotime(seconds: float, *, zulu: bool = False) -> str:
    """The timestamp format OpenStack APIs use (microseconds; Keystone adds a ``Z``)."""
    text = datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")
    return text + "Z" if zulu else text


def _bad_request(what: str) -> ApiError:
    return ApiError(400, f"Expecting to find {what} in auth - the server could not comply "
                         "with the request since it is either malformed or otherwise "
                         "incorrect. The client is assumed to be in error.")


def _get(mapping: Any, key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, Mapping) else None


def _domain(state: OpenStackState, ref: Any) -> Domain:
    if isinstance(ref, Mapping):
        for domain in state.domains.values():
            if ref.get("id") == domain.id or ref.get("name") == domain.name:
                return domain
    raise unauthorized()


def _user(state: OpenStackState, ref: Any) -> User:
    if not isinstance(ref, Mapping):
        raise _bad_request("user")
    if "id" in ref:
        user = state.users.get(str(ref["id"]))
        if user is None:
            raise unauthorized()
        return user
    domain = _domain(state, ref.get("domain"))
    for user in state.users.values():
        if user.name == ref.get("name") and user.domain_id == domain.id:
            return user
    raise unauthorized()


def _project(state: OpenStackState, ref: Mapping[str, Any]) -> Project:
    if "id" in ref:
        project = state.projects.get(str(ref["id"]))
    else:
        domain = _domain(state, ref.get("domain"))
        project = next((p for p in state.projects.values()
                        if p.name == ref.get("name") and p.domain_id == domain.id), None)
    if project is None:
        raise unauthorized()
    return project


def authenticate(state: OpenStackState, body: Any) -> Token:
    """Issue a token for an ``auth`` request body, or refuse it like Keystone (401/400)."""
    auth = _get(body, "auth")
    identity = _get(auth, "identity")
    methods = _get(identity, "methods")
    if not isinstance(methods, list) or not methods:
        raise _bad_request("identity")
    if "password" in methods:
        password = _get(identity, "password")
        user = _user(state, _get(password, "user"))
        given = _get(_get(password, "user"), "password")
        if not isinstance(given, str) or not secrets.compare_digest(given, user.password):
            raise unauthorized()
    elif "token" in methods:
        previous = validate(state, str(_get(_get(identity, "token"), "id")))
        user = state.users[previous.user_id]
    else:
        raise ApiError(401, f"Attempted to authenticate with an unsupported method: {methods}")
    scope = _get(auth, "scope")
    project_id = domain_id = None
    roles: tuple[str, ...] = ()
    if isinstance(scope, Mapping) and "project" in scope:
        project = _project(state, scope["project"])
        project_id, roles = project.id, user.roles.get(project.id, ())
    elif isinstance(scope, Mapping) and "domain" in scope:
        domain = _domain(state, scope["domain"])
        domain_id, roles = domain.id, user.roles.get(domain.id, ())
    elif scope not in (None, "unscoped"):
        raise ApiError(400, "Invalid input for field 'scope'.")
    if (project_id or domain_id) and not roles:
        raise unauthorized()
    now = state.wall()
    token = Token(secrets.token_hex(16), user.id, project_id, domain_id, roles, now,
                  now + TOKEN_LIFETIME, tuple(m for m in methods if isinstance(m, str)))
    state.tokens[token.id] = token
    return token


def validate(state: OpenStackState, token_id: str | None) -> Token:
    """The token behind an ``X-Auth-Token``; a missing, unknown or expired one is a 401."""
    token = state.tokens.get(token_id or "")
    if token is None or token.expires_at <= state.wall():
        raise unauthorized()
    return token


def is_admin(token: Token) -> bool:
    """Whether the token carries the admin role (role names are case-insensitive)."""
    return any(role.lower() == "admin" for role in token.roles)


def catalog(state: OpenStackState, project_id: str | None) -> list[dict[str, Any]]:
    """The service catalog: every served API, on every interface, pointing at the twin."""
    base = state.base_url
    services = [("identity", "keystone", f"{base}/identity/v3"),
                ("compute", "nova", f"{base}/compute/v2.1"),
                ("network", "neutron", f"{base}/network")]
    if project_id:  # Cinder's URL carries the project, so unscoped tokens omit it
        services.append(("volumev3", "cinderv3", f"{base}/volume/v3/{project_id}"))
    entries = []
    for number, (kind, name, url) in enumerate(services, start=1):
        endpoints = [{"id": f"{number:02d}{interface[:2]}", "interface": interface,
                      "region": state.region, "region_id": state.region, "url": url}
                     for interface in ("public", "internal", "admin")]
        entries.append({"id": f"{number:032x}", "type": kind, "name": name,
                        "endpoints": endpoints})
    return entries


def token_body(state: OpenStackState, token: Token) -> dict[str, Any]:
    """The ``token`` document Keystone returns with ``X-Subject-Token``."""
    user = state.users[token.user_id]
    user_domain = state.domains[user.domain_id]
    body: dict[str, Any] = {
        "methods": list(token.methods),
        "user": {"id": user.id, "name": user.name, "password_expires_at": None,
                 "domain": {"id": user_domain.id, "name": user_domain.name}},
        "audit_ids": [token.id[:22]],
        "issued_at": isotime(token.issued_at, zulu=True),
        "expires_at": isotime(token.expires_at, zulu=True),
    }
    if token.project_id or token.domain_id:
        body["roles"] = [{"id": uuid.uuid5(uuid.NAMESPACE_URL, r).hex, "name": r}
                         for r in token.roles]
        body["catalog"] = catalog(state, token.project_id)
    if token.project_id:
        project = state.projects[token.project_id]
        domain = state.domains[project.domain_id]
        body["project"] = {"id": project.id, "name": project.name,
                           "domain": {"id": domain.id, "name": domain.name}}
        body["is_domain"] = False
    elif token.domain_id:
        domain = state.domains[token.domain_id]
        body["domain"] = {"id": domain.id, "name": domain.name}
    return body
