"""Nova's JSON views, shaped by microversion.

The fields and the versions that add or drop them are those openstacksdk's resource
classes read (``openstack/compute/v2/{service,hypervisor,server,migration,
server_migration}.py``) and Nova's API reference states: integer ids before 2.53 and UUIDs
after, ``running_vms`` and the other usage counters gone from 2.88, migration ``uuid``
from 2.59 and ``user_id``/``project_id`` from 2.80.
"""

from __future__ import annotations

import hashlib
from typing import Any

from octane.twin.openstack.compute import VM_STATES
from octane.twin.openstack.identity import isotime
from octane.twin.openstack.microversions import Microversion
from octane.twin.openstack.model import ComputeHost, Migration, Service, Vm
from octane.twin.openstack.state import OpenStackState


def service(svc: Service, mv: Microversion, now: float) -> dict[str, Any]:
    """One ``os-services`` entry."""
    body: dict[str, Any] = {
        "id": svc.uuid if mv.at_least("2.53") else svc.id,
        "binary": svc.binary, "host": svc.host, "zone": svc.zone,
        "status": "disabled" if svc.disabled else "enabled",
        "state": "up" if svc.is_up(now) else "down",
        "updated_at": isotime(svc.heartbeat(now)),
        "disabled_reason": svc.disabled_reason,
    }
    if mv.at_least("2.11"):
        body["forced_down"] = svc.forced_down
    return body


def hypervisor(state: OpenStackState, host: ComputeHost, mv: Microversion, *, detail: bool,
               with_servers: bool = False) -> dict[str, Any]:
    """One ``os-hypervisors`` entry (summary or detail)."""
    now = state.now()
    svc = host.service
    body: dict[str, Any] = {
        "id": host.hypervisor_uuid if mv.at_least("2.53") else host.hypervisor_id,
        "hypervisor_hostname": host.node,
        "state": "up" if svc.is_up(now) else "down",
        "status": "disabled" if svc.disabled else "enabled",
    }
    vms = state.vms_on(host.hostname)
    if with_servers and vms:
        body["servers"] = [{"name": vm.instance_name, "uuid": vm.id} for vm in vms]
    if not detail:
        return body
    body.update({
        "host_ip": host.host_ip, "hypervisor_type": "QEMU", "hypervisor_version": 4002000,
        "service": {"host": host.hostname, "id": svc.uuid if mv.at_least("2.53") else svc.id,
                    "disabled_reason": svc.disabled_reason},
    })
    if mv.at_least("2.88"):
        body["uptime"] = " 10:00:00 up 10 days,  1 user,  load average: 0.10, 0.10, 0.10"
        return body
    used_vcpus = sum(vm.vcpus for vm in vms)
    used_ram = 512 + sum(vm.ram_mb for vm in vms)
    used_disk = sum(vm.disk_gb for vm in vms)
    cpu_info: Any = {"arch": "x86_64", "model": "host-model", "vendor": "Intel",
                     "topology": {"cores": host.vcpus // 2, "threads": 2, "sockets": 1},
                     "features": []}
    body.update({
        "vcpus": host.vcpus, "vcpus_used": used_vcpus,
        "memory_mb": host.memory_mb, "memory_mb_used": used_ram,
        "free_ram_mb": host.memory_mb - used_ram,
        "local_gb": host.local_gb, "local_gb_used": used_disk,
        "free_disk_gb": host.local_gb - used_disk,
        "disk_available_least": host.local_gb - used_disk,
        "current_workload": sum(1 for vm in vms if vm.task_state),
        "running_vms": len(vms),
        "cpu_info": cpu_info if mv.at_least("2.28") else str(cpu_info),
    })
    return body


def _host_status(state: OpenStackState, host: ComputeHost) -> str:
    if not host.service.is_up(state.now()):
        return "DOWN"
    return "MAINTENANCE" if host.service.disabled else "UP"


def server(state: OpenStackState, vm: Vm, mv: Microversion, url: str, *,
           detail: bool) -> dict[str, Any]:
    """One server; the summary is id, name and links, the detail everything an admin sees."""
    links = [{"rel": "self", "href": f"{url}/servers/{vm.id}"},
             {"rel": "bookmark", "href": f"{url}/servers/{vm.id}"}]
    if not detail:
        return {"id": vm.id, "name": vm.name, "links": links}
    host = state.compute_hosts[vm.host]
    host_id = hashlib.sha224((vm.project_id + vm.host).encode()).hexdigest()
    flavor: dict[str, Any] = {"id": "m1.small", "links": []}
    if mv.at_least("2.47"):
        flavor = {"original_name": "m1.small", "vcpus": vm.vcpus, "ram": vm.ram_mb,
                  "disk": vm.disk_gb, "ephemeral": 0, "swap": 0, "extra_specs": {}}
    body: dict[str, Any] = {
        "id": vm.id, "name": vm.name, "status": vm.status, "tenant_id": vm.project_id,
        "user_id": vm.user_id, "metadata": {}, "hostId": host_id,
        "image": {"id": "00000000-0000-4000-8000-000000000001", "links": []},
        "flavor": flavor, "created": isotime(vm.created_at) + "Z",
        "updated": isotime(state.now()) + "Z", "addresses": {}, "accessIPv4": "",
        "accessIPv6": "", "links": links, "OS-DCF:diskConfig": "MANUAL", "progress": 0,
        "OS-EXT-AZ:availability_zone": host.availability_zone, "config_drive": "",
        "key_name": None, "OS-SRV-USG:launched_at": isotime(vm.created_at),
        "OS-SRV-USG:terminated_at": None, "OS-EXT-SRV-ATTR:host": vm.host,
        "OS-EXT-SRV-ATTR:instance_name": vm.instance_name,
        "OS-EXT-SRV-ATTR:hypervisor_hostname": host.node,
        "OS-EXT-STS:task_state": vm.task_state,
        "OS-EXT-STS:vm_state": VM_STATES.get(vm.status, vm.status.lower()),
        "OS-EXT-STS:power_state": 1 if vm.status in ("ACTIVE", "MIGRATING") else 4,
        "os-extended-volumes:volumes_attached": [], "security_groups": [{"name": "default"}],
    }
    if mv.at_least("2.3"):
        body.update({"OS-EXT-SRV-ATTR:hostname": vm.name, "OS-EXT-SRV-ATTR:launch_index": 0,
                     "OS-EXT-SRV-ATTR:reservation_id": f"r-{vm.id[:8]}",
                     "OS-EXT-SRV-ATTR:root_device_name": "/dev/vda",
                     "OS-EXT-SRV-ATTR:kernel_id": "", "OS-EXT-SRV-ATTR:ramdisk_id": ""})
    if mv.at_least("2.9"):
        body["locked"] = False
    if mv.at_least("2.16"):
        body["host_status"] = _host_status(state, host)
    if mv.at_least("2.19"):
        body["description"] = None
    if mv.at_least("2.26"):
        body["tags"] = []
    if mv.at_least("2.63"):
        body["trusted_image_certificates"] = None
    if mv.at_least("2.71"):
        body["server_groups"] = []
    if mv.at_least("2.73"):
        body["locked_reason"] = None
    if mv.at_least("2.96"):
        body["pinned_availability_zone"] = vm.requested_az
    return body


def migration(state: OpenStackState, mig: Migration, mv: Microversion, url: str) -> dict[str, Any]:
    """One ``os-migrations`` entry."""
    now = state.now()
    status = mig.status(now)
    body: dict[str, Any] = {
        "id": mig.id, "instance_uuid": mig.server_id, "status": status,
        "source_compute": mig.source, "source_node": mig.source_node,
        "dest_compute": mig.dest, "dest_node": mig.dest_node,
        "dest_host": state.compute_hosts[mig.dest].host_ip if mig.dest else None,
        "source_region": state.region, "dest_region": state.region,
        "old_instance_type_id": 1, "new_instance_type_id": 1,
        "created_at": isotime(mig.created_at), "updated_at": isotime(mig.updated_at(now)),
    }
    if mv.at_least("2.23"):
        body["migration_type"] = "live-migration"
        if status in ("queued", "preparing", "running"):
            href = f"{url}/servers/{mig.server_id}/migrations/{mig.id}"
            body["links"] = [{"rel": "self", "href": href}, {"rel": "bookmark", "href": href}]
    if mv.at_least("2.59"):
        body["uuid"] = mig.uuid
    if mv.at_least("2.80"):
        body["user_id"], body["project_id"] = mig.user_id, mig.project_id
    return body


def server_migration(state: OpenStackState, mig: Migration, mv: Microversion) -> dict[str, Any]:
    """One in-progress live migration under ``/servers/{id}/migrations``, with progress."""
    now = state.now()
    processed = mig.memory_processed(now)
    body: dict[str, Any] = {
        "id": mig.id, "server_uuid": mig.server_id, "status": mig.status(now),
        "source_compute": mig.source, "source_node": mig.source_node,
        "dest_compute": mig.dest, "dest_node": mig.dest_node,
        "dest_host": state.compute_hosts[mig.dest].host_ip if mig.dest else None,
        "memory_total_bytes": mig.memory_total, "memory_processed_bytes": processed,
        "memory_remaining_bytes": mig.memory_total - processed,
        "disk_total_bytes": 0, "disk_processed_bytes": 0, "disk_remaining_bytes": 0,
        "created_at": isotime(mig.created_at), "updated_at": isotime(mig.updated_at(now)),
    }
    if mv.at_least("2.59"):
        body["uuid"] = mig.uuid
    if mv.at_least("2.80"):
        body["user_id"], body["project_id"] = mig.user_id, mig.project_id
    return body


def availability_zones(state: OpenStackState, *, detail: bool) -> list[dict[str, Any]]:
    """``os-availability-zone``: compute zones, plus ``internal`` and hosts in the detail."""
    now = state.now()
    zones: dict[str, dict[str, Any]] = {}
    services = state.all_services() if detail else [h.service for h in
                                                    state.compute_hosts.values()]
    for svc in services:
        zone = zones.setdefault(svc.zone, {"zoneName": svc.zone,
                                           "zoneState": {"available": False}, "hosts": None})
        if svc.binary == "nova-compute" and not svc.disabled and svc.is_up(now):
            zone["zoneState"]["available"] = True
        if svc.zone == "internal":
            zone["zoneState"]["available"] = True
        if detail:
            hosts = zone["hosts"] = zone["hosts"] or {}
            hosts.setdefault(svc.host, {})[svc.binary] = {
                "available": svc.is_up(now), "active": not svc.disabled,
                "updated_at": isotime(svc.heartbeat(now))}
    return sorted(zones.values(), key=lambda z: str(z["zoneName"]))
