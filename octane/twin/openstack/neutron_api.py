"""Neutron's wire handlers and routes: what a health gate reads (agents, networks).

The operators' runbook checks ``openstack network agent list`` after every control-plane
refresh; with OVN each chassis reports an "OVN Controller agent" and an "OVN Metadata
agent", which the twin creates for every hypervisor.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from octane.twin.openstack.errors import ApiError
from octane.twin.openstack.identity import is_admin
from octane.twin.openstack.model import Agent, Network
from octane.twin.openstack.wire import TRUE_WORDS, Api, Reply, Request, Route


def _time(seconds: float) -> str:
    """Neutron's timestamp format (no ``T``, no fraction)."""
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def versions(req: Request) -> Reply:
    """``GET /``: the one major version, v2.0."""
    return Reply(200, {"versions": [{
        "id": "v2.0", "status": "CURRENT",
        "links": [{"rel": "self", "href": f"{req.state.base_url}/network/v2.0/"}]}]})


def resources(req: Request) -> Reply:
    """``GET /v2.0``: the collections served."""
    base = f"{req.state.base_url}/network/v2.0"
    return Reply(200, {"resources": [
        {"name": name, "collection": f"{name}s",
         "links": [{"rel": "self", "href": f"{base}/{name}s"}]} for name in ("agent", "network")]})


def _agent(agent: Agent, now: float) -> dict[str, Any]:
    return {"id": agent.id, "agent_type": agent.agent_type, "binary": agent.binary,
            "host": agent.host, "topic": "n/a", "admin_state_up": agent.admin_state_up,
            "alive": agent.alive, "availability_zone": agent.availability_zone,
            "configurations": {}, "description": None, "resources_synced": None,
            "created_at": _time(agent.created_at), "started_at": _time(agent.created_at),
            "heartbeat_timestamp": _time(now if agent.alive else agent.created_at)}


def _matches(req: Request, item: dict[str, Any], keys: tuple[str, ...]) -> bool:
    for key in keys:
        wanted = req.query.get(key)
        if wanted is None:
            continue
        value = item.get(key)
        if isinstance(value, bool):
            if value != (wanted.strip().lower() in TRUE_WORDS):
                return False
        elif str(value) != wanted:
            return False
    return True


def list_agents(req: Request) -> Reply:
    """``GET /v2.0/agents`` (admin) with Neutron's attribute filters."""
    req.require_admin("get_agent")
    now = req.state.now()
    rows = [_agent(a, now) for a in req.state.agents]
    keys = ("host", "binary", "agent_type", "alive", "admin_state_up", "availability_zone")
    return Reply(200, {"agents": [row for row in rows if _matches(req, row, keys)]})


def show_agent(req: Request) -> Reply:
    """``GET /v2.0/agents/{id}``."""
    req.require_admin("get_agent")
    for agent in req.state.agents:
        if agent.id == req.match["agent_id"]:
            return Reply(200, {"agent": _agent(agent, req.state.now())})
    raise ApiError(404, f"Agent {req.match['agent_id']} could not be found.",
                   kind="AgentNotFound")


def _network(net: Network) -> dict[str, Any]:
    return {"id": net.id, "name": net.name, "tenant_id": net.project_id,
            "project_id": net.project_id, "status": net.status, "admin_state_up": True,
            "shared": net.shared, "router:external": net.external, "subnets": [],
            "mtu": 1500, "availability_zones": ["nova"], "tags": [], "description": ""}


def list_networks(req: Request) -> Reply:
    """``GET /v2.0/networks``: the admin sees every project's networks."""
    token = req.token
    assert token is not None
    rows = [_network(n) for n in req.state.networks
            if n.shared or n.external or n.project_id == token.project_id
            or is_admin(token)]
    keys = ("name", "status", "shared", "router:external", "project_id")
    return Reply(200, {"networks": [row for row in rows if _matches(req, row, keys)]})


NEUTRON = Api(prefix="/network", dialect="network", routes=(
    Route("GET", "", versions, public=True),
    Route("GET", "/", versions, public=True),
    Route("GET", "/v2.0", resources),
    Route("GET", "/v2.0/", resources),
    Route("GET", "/v2.0/agents", list_agents),
    Route("GET", "/v2.0/agents/{agent_id}", show_agent),
    Route("GET", "/v2.0/networks", list_networks),
))
