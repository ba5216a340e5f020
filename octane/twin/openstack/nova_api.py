"""Nova's wire handlers and routes: thin functions from a parsed request to a reply.

Served: version discovery; ``os-services`` (list, update / legacy actions);
``os-hypervisors`` (list, detail, show, search, servers); ``servers`` (list, detail, show,
``os-migrateLive``); ``/servers/{id}/migrations`` (list, show, abort); ``os-migrations``;
``os-availability-zone``. Admin-only operations answer 403 to other roles, with the policy
rule names Nova uses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from octane.twin.openstack import compute, nova_views
from octane.twin.openstack.errors import ApiError
from octane.twin.openstack.identity import is_admin
from octane.twin.openstack.microversions import NOVA_MIN
from octane.twin.openstack.model import LISTED_IN_PROGRESS, ComputeHost, Migration, Vm
from octane.twin.openstack.wire import Api, Reply, Request, Route


def _version_doc(req: Request) -> dict[str, Any]:
    base = req.state.base_url + "/compute"
    return {"id": "v2.1", "status": "CURRENT", "version": str(req.state.versions.nova_max),
            "min_version": NOVA_MIN, "updated": "2013-07-23T11:33:21Z",
            "links": [{"rel": "self", "href": f"{base}/v2.1/"}],
            "media-types": [{"base": "application/json",
                             "type": "application/vnd.openstack.compute+json;version=2.1"}]}


def versions(req: Request) -> Reply:
    """``GET /`` of the compute endpoint: the major versions and their microversion range."""
    return Reply(200, {"versions": [_version_doc(req)]})


def version(req: Request) -> Reply:
    """``GET /v2.1``: the one version document keystoneauth reads the range from."""
    return Reply(200, {"version": _version_doc(req)})


# ----------------------------------------------------------------------------- services
def list_services(req: Request) -> Reply:
    """``GET /os-services`` with the ``binary`` and ``host`` filters."""
    req.require_admin("os_compute_api:os-services:list")
    now = req.state.now()
    rows = [s for s in req.state.all_services()
            if req.query.get("binary") in (None, s.binary)
            and req.query.get("host") in (None, s.host)]
    return Reply(200, {"services": [nova_views.service(s, req.mv, now) for s in rows]})


def update_service(req: Request) -> Reply:
    """``PUT /os-services/{id}``: 2.53+ updates by UUID, older versions name an action."""
    req.require_admin("os_compute_api:os-services:update")
    body = req.body if isinstance(req.body, dict) else {}
    target = req.match["service_id"]
    if not req.mv.at_least("2.53") and target in ("enable", "disable", "disable-log-reason",
                                                   "force-down"):
        svc = compute.legacy_service_action(req.state, target, body)
        short: dict[str, Any] = {"host": svc.host, "binary": svc.binary}
        if target == "force-down":
            short["forced_down"] = svc.forced_down
        else:
            short["status"] = "disabled" if svc.disabled else "enabled"
        if target == "disable-log-reason":
            short["disabled_reason"] = svc.disabled_reason
        return Reply(200, {"service": short})
    svc = compute.find_service(req.state, target, req.mv)
    if not req.mv.at_least("2.53"):
        raise ApiError(404, f"Unknown action {target}")
    compute.update_service(req.state, svc, body)
    return Reply(200, {"service": nova_views.service(svc, req.mv, req.state.now())})


# ----------------------------------------------------------------------------- hypervisors
def _hypervisor(req: Request, ident: str) -> ComputeHost:
    for host in req.state.compute_hosts.values():
        if ident in (host.hypervisor_uuid, str(host.hypervisor_id)):
            return host
    raise ApiError(404, f"Hypervisor with ID '{ident}' could not be found.")


def _hypervisors(req: Request, *, detail: bool) -> Reply:
    req.require_admin("os_compute_api:os-hypervisors:list")
    with_servers = req.mv.at_least("2.53") and req.flag("with_servers")
    pattern = req.query.get("hypervisor_hostname_pattern") if req.mv.at_least("2.53") else None
    hosts = [h for h in req.state.compute_hosts.values() if pattern is None or pattern in h.node]
    if pattern is not None and not hosts:
        raise ApiError(404, f"No hypervisor matching '{pattern}' could be found.")
    return Reply(200, {"hypervisors": [
        nova_views.hypervisor(req.state, h, req.mv, detail=detail, with_servers=with_servers)
        for h in hosts]})


def list_hypervisors(req: Request) -> Reply:
    """``GET /os-hypervisors`` (``with_servers`` and ``hypervisor_hostname_pattern``)."""
    return _hypervisors(req, detail=False)


def list_hypervisors_detail(req: Request) -> Reply:
    """``GET /os-hypervisors/detail``."""
    return _hypervisors(req, detail=True)


def show_hypervisor(req: Request) -> Reply:
    """``GET /os-hypervisors/{id}``."""
    req.require_admin("os_compute_api:os-hypervisors:show")
    host = _hypervisor(req, req.match["hypervisor_id"])
    with_servers = req.mv.at_least("2.53") and req.flag("with_servers")
    return Reply(200, {"hypervisor": nova_views.hypervisor(req.state, host, req.mv, detail=True,
                                                           with_servers=with_servers)})


def search_hypervisors(req: Request) -> Reply:
    """``GET /os-hypervisors/{pattern}/search`` (before 2.53; removed after)."""
    req.require_admin("os_compute_api:os-hypervisors:search")
    if req.mv.at_least("2.53"):
        raise ApiError(404, "The resource could not be found.")
    pattern = req.match["pattern"]
    hosts = [h for h in req.state.compute_hosts.values() if pattern in h.node]
    if not hosts:
        raise ApiError(404, f"No hypervisor matching '{pattern}' could be found.")
    return Reply(200, {"hypervisors": [nova_views.hypervisor(req.state, h, req.mv, detail=False)
                                       for h in hosts]})


# ----------------------------------------------------------------------------- servers
def _visible(req: Request) -> list[Vm]:
    token = req.token
    assert token is not None
    if req.flag("all_tenants"):
        req.require_admin("os_compute_api:servers:index:get_all_tenants")
        project = req.query.get("project_id") or req.query.get("tenant_id")
        vms = [vm for vm in req.state.vms.values() if project in (None, vm.project_id)]
    else:
        vms = [vm for vm in req.state.vms.values() if vm.project_id == token.project_id]
    name = req.query.get("name")
    node = req.query.get("node")
    filters: tuple[tuple[str, Callable[[Vm], str]], ...] = (
        ("host", lambda vm: vm.host), ("status", lambda vm: vm.status))
    for key, get in filters:
        wanted = req.query.get(key)
        if wanted is not None:
            if key == "host":
                req.require_admin("os_compute_api:servers:index")
            vms = [vm for vm in vms if get(vm) == (wanted.upper() if key == "status" else wanted)]
    if node is not None:
        vms = [vm for vm in vms if req.state.compute_hosts[vm.host].node == node]
    if name is not None:
        vms = [vm for vm in vms if re.search(name, vm.name)]
    vms.sort(key=lambda vm: (vm.created_at, vm.id), reverse=True)
    marker = req.query.get("marker")
    if marker is not None:
        ids = [vm.id for vm in vms]
        if marker not in ids:
            raise ApiError(400, f"marker [{marker}] not found")
        vms = vms[ids.index(marker) + 1:]
    return vms


def _server_page(req: Request, *, detail: bool) -> Reply:
    vms = _visible(req)
    body: dict[str, Any] = {}
    limit = req.query.get("limit")
    if limit is not None:
        if not limit.isdigit():
            raise ApiError(400, "limit param must be an integer")
        if len(vms) > int(limit):
            vms = vms[:int(limit)]
            body["servers_links"] = [{"rel": "next", "href": f"{req.service_url}/servers"
                                      f"{'/detail' if detail else ''}?limit={limit}"
                                      f"&marker={vms[-1].id}"}]
    url = req.service_url
    body["servers"] = [nova_views.server(req.state, vm, req.mv, url, detail=detail) for vm in vms]
    return Reply(200, body)


def list_servers(req: Request) -> Reply:
    """``GET /servers``: ids, names and links."""
    return _server_page(req, detail=False)


def list_servers_detail(req: Request) -> Reply:
    """``GET /servers/detail`` (``all_tenants``, ``host``, ``node``, ``status``, ``name``)."""
    return _server_page(req, detail=True)


def _server(req: Request) -> Vm:
    vm = req.state.vms.get(req.match["server_id"])
    token = req.token
    assert token is not None
    if vm is None or (vm.project_id != token.project_id and not is_admin(token)):
        raise ApiError(404, f"Instance {req.match['server_id']} could not be found.")
    return vm


def show_server(req: Request) -> Reply:
    """``GET /servers/{id}``."""
    vm = _server(req)
    return Reply(200, {"server": nova_views.server(req.state, vm, req.mv, req.service_url,
                                                   detail=True)})


def server_action(req: Request) -> Reply:
    """``POST /servers/{id}/action``: only ``os-migrateLive`` is modelled."""
    vm = _server(req)
    if not isinstance(req.body, dict) or len(req.body) != 1:
        raise ApiError(400, "There is no such action: None")
    action = next(iter(req.body))
    if action != "os-migrateLive":
        raise ApiError(400, f"There is no such action: {action}")
    token = req.require_admin("os_compute_api:os-migrate-server:migrate_live")
    compute.live_migrate(req.state, vm, req.body_object(action), req.mv, token.user_id)
    return Reply(202, None)


# ----------------------------------------------------------------------------- migrations
def _require_server_migrations(req: Request) -> None:
    if not req.mv.at_least("2.23"):
        raise ApiError(404, "The resource could not be found.")


def list_server_migrations(req: Request) -> Reply:
    """``GET /servers/{id}/migrations``: the in-progress live migrations (2.23+)."""
    req.require_admin("os_compute_api:servers:migrations:index")
    _require_server_migrations(req)
    vm = _server(req)
    now = req.state.now()
    rows = [m for m in compute.in_progress(req.state, vm) if m.status(now) in LISTED_IN_PROGRESS]
    return Reply(200, {"migrations": [nova_views.server_migration(req.state, m, req.mv)
                                      for m in rows]})


def _server_migration(req: Request) -> Migration:
    _require_server_migrations(req)
    vm = _server(req)
    ident = req.match["migration_id"]
    now = req.state.now()
    for mig in compute.in_progress(req.state, vm):
        if str(mig.id) == ident and mig.status(now) in LISTED_IN_PROGRESS:
            return mig
    raise ApiError(404, f"In-progress live migration {ident} is not found for server "
                        f"{vm.id}.")


def show_server_migration(req: Request) -> Reply:
    """``GET /servers/{id}/migrations/{migration_id}`` (404 once it is over)."""
    req.require_admin("os_compute_api:servers:migrations:show")
    mig = _server_migration(req)
    return Reply(200, {"migration": nova_views.server_migration(req.state, mig, req.mv)})


def abort_server_migration(req: Request) -> Reply:
    """``DELETE /servers/{id}/migrations/{migration_id}``: the VM stays on its source."""
    req.require_admin("os_compute_api:servers:migrations:delete")
    mig = _server_migration(req)
    mig.final, mig.finished_at = "cancelled", req.state.now()
    vm = req.state.vms[mig.server_id]
    vm.status, vm.task_state = mig.prior_status, None
    return Reply(202, None)


def list_migrations(req: Request) -> Reply:
    """``GET /os-migrations``, newest first, with Nova's filters."""
    req.require_admin("os_compute_api:os-migrations:index")
    now = req.state.now()
    rows = list(req.state.migrations)
    host = req.query.get("host")
    if host is not None:
        rows = [m for m in rows if host in (m.source, m.dest)]
    filters: tuple[tuple[str, Callable[[Migration], str | None]], ...] = (
        ("status", lambda m: m.status(now)), ("source_compute", lambda m: m.source),
        ("instance_uuid", lambda m: m.server_id), ("project_id", lambda m: m.project_id),
        ("user_id", lambda m: m.user_id))
    for key, get in filters:
        wanted = req.query.get(key)
        if wanted is not None:
            rows = [m for m in rows if get(m) == wanted]
    kind = req.query.get("migration_type")
    if kind is not None and kind != "live-migration":
        rows = []
    rows.sort(key=lambda m: (m.created_at, m.id), reverse=True)
    return Reply(200, {"migrations": [nova_views.migration(req.state, m, req.mv, req.service_url)
                                      for m in rows]})


# ----------------------------------------------------------------------------- zones
def list_zones(req: Request) -> Reply:
    """``GET /os-availability-zone``: zones with an available nova-compute."""
    return Reply(200, {"availabilityZoneInfo": nova_views.availability_zones(req.state,
                                                                             detail=False)})


def list_zones_detail(req: Request) -> Reply:
    """``GET /os-availability-zone/detail``: every zone with its hosts and services."""
    req.require_admin("os_compute_api:os-availability-zone:detail")
    return Reply(200, {"availabilityZoneInfo": nova_views.availability_zones(req.state,
                                                                             detail=True)})


V = "/v2.1"
NOVA = Api(prefix="/compute", dialect="compute", microversion_service="compute",
           legacy_header="X-OpenStack-Nova-API-Version", version_path="/v2.1", routes=(
    Route("GET", "", versions, public=True),
    Route("GET", "/", versions, public=True),
    Route("GET", V, version, public=True),
    Route("GET", V + "/", version, public=True),
    Route("GET", V + "/os-services", list_services),
    Route("PUT", V + "/os-services/{service_id}", update_service, write=True),
    Route("GET", V + "/os-hypervisors", list_hypervisors),
    Route("GET", V + "/os-hypervisors/detail", list_hypervisors_detail),
    Route("GET", V + "/os-hypervisors/{pattern}/search", search_hypervisors),
    Route("GET", V + "/os-hypervisors/{hypervisor_id}", show_hypervisor),
    Route("GET", V + "/servers", list_servers),
    Route("GET", V + "/servers/detail", list_servers_detail),
    Route("GET", V + "/servers/{server_id}", show_server),
    Route("POST", V + "/servers/{server_id}/action", server_action, write=True),
    Route("GET", V + "/servers/{server_id}/migrations", list_server_migrations),
    Route("GET", V + "/servers/{server_id}/migrations/{migration_id}", show_server_migration),
    Route("DELETE", V + "/servers/{server_id}/migrations/{migration_id}",
          abort_server_migration, write=True),
    Route("GET", V + "/os-migrations", list_migrations),
    Route("GET", V + "/os-availability-zone", list_zones),
    Route("GET", V + "/os-availability-zone/detail", list_zones_detail),
))
