"""Nova's rules: enabling and disabling compute services, scheduling, live migration.

Each rule says where its behaviour comes from. The sources are Nova's API reference and
the code paths openstacksdk exercises (``openstack/compute/v2/service.py``,
``server.py``): the SDK's branches on 2.25, 2.30 and 2.53 are the real API's.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from octane.twin.openstack.errors import ApiError
from octane.twin.openstack.microversions import Microversion
from octane.twin.openstack.model import IN_PROGRESS, ComputeHost, Migration, Service, Vm
from octane.twin.openstack.state import OpenStackState

# vm_state for each status the twin models (``OS-EXT-STS:vm_state``).
VM_STATES = {"ACTIVE": "active", "MIGRATING": "active", "SHUTOFF": "stopped",
             "PAUSED": "paused", "SUSPENDED": "suspended", "ERROR": "error"}


def find_service(state: OpenStackState, service_id: str, mv: Microversion) -> Service:
    """A service by UUID (2.53 and later) or integer id (before), like ``PUT /os-services``."""
    if mv.at_least("2.53"):
        try:
            uuid.UUID(service_id)
        except ValueError:
            raise ApiError(400, f"Invalid uuid {service_id}") from None
        found = [s for s in state.all_services() if s.uuid == service_id]
    else:
        found = [s for s in state.all_services() if str(s.id) == service_id]
    if not found:
        raise ApiError(404, f"Service {service_id} could not be found.")
    return found[0]


def update_service(state: OpenStackState, service: Service, body: Mapping[str, Any]) -> None:
    """``PUT /os-services/{uuid}`` (2.53+): status, disabled_reason, forced_down.

    Only nova-compute services can be updated that way, ``disabled_reason`` only together
    with ``status: disabled`` (Nova's API reference for "Update Compute Service").
    """
    unknown = sorted(set(body) - {"status", "disabled_reason", "forced_down"})
    if unknown:
        raise ApiError(400, f"Additional properties are not allowed ('{unknown[0]}' was "
                            "unexpected)")
    if "status" not in body and "forced_down" not in body:
        raise ApiError(400, "At least one of 'status' or 'forced_down' must be specified in "
                            "the update request.")
    if service.binary != "nova-compute":
        raise ApiError(400, f"Updating a {service.binary} service is not supported. Only "
                            "nova-compute services can be updated.")
    status = body.get("status")
    if status is not None and status not in ("enabled", "disabled"):
        raise ApiError(400, f"Invalid input for field/attribute status. Value: {status}.")
    reason = body.get("disabled_reason")
    if reason is not None and status != "disabled":
        raise ApiError(400, "Specifying 'disabled_reason' with status 'enabled' is invalid.")
    if status is not None:
        service.disabled = status == "disabled"
        service.disabled_reason = reason if service.disabled else None
    if "forced_down" in body:
        if not isinstance(body["forced_down"], bool):
            raise ApiError(400, "Invalid input for field/attribute forced_down.")
        service.forced_down = body["forced_down"]
    service.updated_at = state.now()


def legacy_service_action(state: OpenStackState, action: str,
                          body: Mapping[str, Any]) -> Service:
    """``PUT /os-services/{enable,disable,disable-log-reason,force-down}`` (before 2.53)."""
    host, binary = body.get("host"), body.get("binary")
    if not isinstance(host, str) or not isinstance(binary, str):
        raise ApiError(400, "Invalid input: 'host' and 'binary' are required.")
    matches = [s for s in state.all_services() if s.host == host and s.binary == binary]
    if not matches:
        raise ApiError(404, f"Service {binary} on host {host} could not be found.")
    service = matches[0]
    if action == "enable":
        service.disabled, service.disabled_reason = False, None
    elif action in ("disable", "disable-log-reason"):
        service.disabled = True
        reason = body.get("disabled_reason")
        if action == "disable-log-reason" and not isinstance(reason, str):
            raise ApiError(400, "Missing disabled reason field")
        service.disabled_reason = reason if action == "disable-log-reason" else None
    elif action == "force-down":
        service.forced_down = bool(body.get("forced_down"))
    else:
        raise ApiError(404, f"Unknown action {action}")
    service.updated_at = state.now()
    return service


def _usable(state: OpenStackState, host: ComputeHost) -> bool:
    return not host.service.disabled and host.service.is_up(state.now())


def _destination(state: OpenStackState, vm: Vm, requested: str | None,
                 force: bool) -> tuple[ComputeHost | None, str | None]:
    """Where the scheduler would send ``vm``, or why it cannot.

    Candidates are the enabled, up compute hosts other than the source (ComputeFilter); a
    VM booted into an availability zone stays in it (AvailabilityZoneFilter); the least
    loaded host wins, ties by name. ``force`` with a host bypasses the scheduler but not the
    conductor's check that the destination is up.
    """
    source = state.compute_hosts[vm.host]
    if requested is not None:
        target = state.host(requested)
        if target.hostname == source.hostname:
            return None, (f"Unable to migrate instance ({vm.id}) to current host "
                          f"({source.hostname}).")
        if not target.service.is_up(state.now()):
            return None, f"Compute service of {target.hostname} is unavailable at this time."
        if force:
            return target, None
        candidates = [target]
    else:
        candidates = list(state.compute_hosts.values())
    candidates = [h for h in candidates if h.hostname != source.hostname and _usable(state, h)
                  and (vm.requested_az is None or h.availability_zone == vm.requested_az)]
    if not candidates:
        return None, "No valid host was found. There are not enough hosts available."
    return min(candidates, key=lambda h: (len(state.vms_on(h.hostname)), h.hostname)), None


def live_migrate(state: OpenStackState, vm: Vm, action: Mapping[str, Any],
                 mv: Microversion, user_id: str) -> None:
    """``POST /servers/{id}/action {"os-migrateLive": ...}``.

    Body schema by microversion (what the SDK's ``_live_migrate``, ``_live_migrate_25`` and
    ``_live_migrate_30`` send): ``disk_over_commit`` until 2.25, ``block_migration: auto``
    from 2.25, ``force`` from 2.30 until 2.68. From 2.34 scheduling is asynchronous: a
    destination problem ends the migration in ``error`` instead of a 400.
    """
    allowed = {"host", "block_migration"}
    if not mv.at_least("2.25"):
        allowed.add("disk_over_commit")
    if mv.at_least("2.30") and not mv.at_least("2.68"):
        allowed.add("force")
    unknown = sorted(set(action) - allowed)
    if unknown:
        raise ApiError(400, f"Additional properties are not allowed ('{unknown[0]}' was "
                            "unexpected)")
    if "host" not in action or "block_migration" not in action:
        raise ApiError(400, "Invalid input for field/attribute os-migrateLive: 'host' and "
                            "'block_migration' are required properties")
    if vm.task_state is not None:
        raise ApiError(409, f"Cannot 'os-migrateLive' instance {vm.id} while it is in "
                            f"task_state {vm.task_state}")
    if vm.status not in ("ACTIVE", "PAUSED"):
        raise ApiError(409, f"Cannot 'os-migrateLive' instance {vm.id} while it is in "
                            f"vm_state {VM_STATES.get(vm.status, vm.status.lower())}")
    source = state.compute_hosts[vm.host]
    if not source.service.is_up(state.now()):
        raise ApiError(409, f"Compute service of {source.hostname} is unavailable at this "
                            "time.")
    requested = action.get("host")
    if requested is not None and not isinstance(requested, str):
        raise ApiError(400, "Invalid input for field/attribute host.")
    if requested is not None and requested not in state.compute_hosts:
        try:
            requested = state.host(requested).hostname
        except ApiError:
            raise ApiError(400, f"Compute host {requested} could not be found.") from None
    target, problem = _destination(state, vm, requested, bool(action.get("force")))
    if problem is not None and not mv.at_least("2.34"):
        raise ApiError(400, problem)
    now = state.now()
    migration = Migration(
        id=state.next_id(), uuid=state.new_uuid(), server_id=vm.id,
        project_id=vm.project_id, user_id=user_id, source=source.hostname,
        source_node=source.node, dest=target.hostname if target else None,
        dest_node=target.node if target else None, created_at=now,
        duration=state.migration_seconds, memory_total=vm.ram_mb * 1024 * 1024,
        fails=vm.fail_next_migration, prior_status=vm.status)
    state.migrations.append(migration)
    if problem is not None:
        migration.final, migration.finished_at = "error", now
        return
    vm.fail_next_migration = False
    vm.status, vm.task_state = "MIGRATING", "migrating"


def in_progress(state: OpenStackState, vm: Vm) -> list[Migration]:
    """The VM's live migrations that have not finished yet."""
    now = state.now()
    return [m for m in state.migrations if m.server_id == vm.id and m.status(now) in IN_PROGRESS]
