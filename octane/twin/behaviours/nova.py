"""nova-compute and nova-cloud-controller: hypervisor actions and nova's database actions.

nova-compute (charm-nova-compute ``actions.yaml``): ``instance-count`` answers how many
VMs the hypervisor runs (``{"instance-count": "3"}``; COU's emptiness check), ``disable`` /
``enable`` switch its Nova service so the scheduler places nothing there (COU's "Disable
nova-compute scheduler from unit"), ``node-name`` and ``list-compute-nodes`` name it. With
the twin's OpenStack APIs running (an ``openstack:`` section) these read and change the
OpenStack state, so a live migration that empties a hypervisor also empties
``instance-count``; without them the unit's own state answers (``charm-state: {instances:
N}`` in a scenario).

nova-cloud-controller: ``archive-data`` runs one ``nova-manage db archive_deleted_rows
--max_rows N`` batch and answers ``archive-deleted-rows`` with nova-manage's table, or
"Nothing was archived." when done (COU repeats it until then); ``purge-data`` answers
``output`` as the charm does ("Purging stale soft-deleted rows succeeded." / "... and no
data was deleted"). Both go to the model's database service (a real MariaDB when attached,
row counts otherwise; :mod:`.services`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from octane.twin.behaviours.base import ActionOutcome, ActionSpec, UnitContext
from octane.twin.behaviours.common import PAUSE_RESUME, OpenStackCharm, Profile, spec
from octane.twin.behaviours.services import DatabaseService, compute_of

#: COU's --archive-batch-size default is 1000; the charm's own default is 10000.
CHARM_BATCH = 10000

COMPUTE_ACTIONS: dict[str, ActionSpec] = {
    **PAUSE_RESUME,
    "disable": spec("Disable nova-compute unit, preventing nova scheduler to run new VMs on "
                    "this unit."),
    "enable": spec("Enable nova-compute unit, allowing nova scheduler to run new VMs on this "
                   "unit."),
    "instance-count": spec("Return number of VMs managed by this nova-compute unit.",
                           duration=1.0),
    "node-name": spec("Return the hypervisor name of this nova-compute unit.", duration=1.0),
    "list-compute-nodes": spec("Return the compute nodes known to nova for this unit.",
                               duration=1.0),
    "hugepagereport": spec("Report the hugepage usage of this host.", duration=1.0),
    "register-to-cloud": spec("Start the nova-compute services and enable the unit in nova."),
    "remove-from-cloud": spec("Stop and disable the nova-compute services and remove the "
                              "unit from nova."),
}

CONTROLLER_ACTIONS: dict[str, ActionSpec] = {
    **PAUSE_RESUME,
    "archive-data": spec("Run job to archive deleted rows in database", {
        "batch-size": {"type": "integer", "default": CHARM_BATCH,
                       "description": "Maximum number of rows to archive per table."}},
        duration=30.0),
    "purge-data": spec("Run job to purge stale soft deleted rows in database", {
        "before": {"type": "string", "description": "Delete data from all shadow tables "
                   "that is older than the date provided. Format YYYY-MM-DD[HH:mm][:ss]"}},
        duration=30.0),
    "clear-unit-knownhost-cache": spec("Clear the knownhost cache for a unit or all units.", {
        "target": {"type": "string"}}),
    "sync-compute-availability-zones": spec("Sync compute nodes' availability zones with "
                                            "the Juju availability zones."),
}


class NovaCompute(OpenStackCharm):
    """The hypervisor charm."""

    def __init__(self) -> None:
        super().__init__(Profile(
            charm="nova-compute", services=("nova-compute", "libvirtd", "nova-api-metadata",
                                            "ceilometer-agent-compute", "ovn-controller",
                                            "neutron-ovn-metadata-agent",
                                            "openvswitch-switch"),
            upgrade_seconds=600.0, actions=COMPUTE_ACTIONS))

    def ready_message(self, ctx: UnitContext) -> str:
        """COU reads nothing here, but operators do: a disabled unit says so."""
        if ctx.charm_state.get("nova-service") == "disabled":
            return "Unit is ready (nova-compute service disabled)"
        return "Unit is ready"

    def action_instance_count(self, params: Mapping[str, Any],
                              ctx: UnitContext) -> ActionOutcome:
        """VMs on this hypervisor: Nova's view when the twin serves it, else the unit's."""
        compute = compute_of(ctx.services)
        count = compute.instance_count(ctx.hostname) if compute is not None else int(
            ctx.charm_state.get("instances", 0))
        return ActionOutcome(output={"instance-count": str(count)})

    def action_disable(self, params: Mapping[str, Any], ctx: UnitContext) -> ActionOutcome:
        """The scheduler stops placing VMs here."""
        compute = compute_of(ctx.services)
        if compute is not None:
            compute.set_enabled(ctx.hostname, False, "disabled by the charm's disable action")
        return ActionOutcome(charm_state={"nova-service": "disabled"})

    def action_enable(self, params: Mapping[str, Any], ctx: UnitContext) -> ActionOutcome:
        """The scheduler may place VMs here again."""
        compute = compute_of(ctx.services)
        if compute is not None:
            compute.set_enabled(ctx.hostname, True)
        return ActionOutcome(charm_state={"nova-service": None})

    def action_node_name(self, params: Mapping[str, Any], ctx: UnitContext) -> ActionOutcome:
        """The hypervisor hostname Nova knows."""
        return ActionOutcome(output={"node-name": ctx.hostname})

    def action_list_compute_nodes(self, params: Mapping[str, Any],
                                  ctx: UnitContext) -> ActionOutcome:
        """This unit's compute node."""
        return ActionOutcome(output={"compute-nodes": json.dumps([ctx.hostname])})


class NovaCloudController(OpenStackCharm):
    """nova's API and scheduler charm, owner of the nova databases' maintenance."""

    def __init__(self) -> None:
        super().__init__(Profile(
            charm="nova-cloud-controller",
            services=("nova-api-os-compute", "nova-conductor", "nova-scheduler",
                      "nova-novncproxy", "apache2", "haproxy", "memcached"),
            upgrade_seconds=600.0, actions=CONTROLLER_ACTIONS))

    def action_archive_data(self, params: Mapping[str, Any],
                            ctx: UnitContext) -> ActionOutcome:
        """One archive batch against the model's database."""
        database: DatabaseService | None = ctx.services.get("database")
        batch = int(params.get("batch-size", CHARM_BATCH))
        if batch < 1:
            return ActionOutcome(status="failed", message="batch-size must be positive")
        if database is None:
            return ActionOutcome(output={"archive-deleted-rows": "Nothing was archived."})

        async def archive() -> ActionOutcome:
            text = await database.archive_deleted_rows(batch)
            return ActionOutcome(output={"archive-deleted-rows": text})
        return ActionOutcome(pending=archive)

    def action_purge_data(self, params: Mapping[str, Any], ctx: UnitContext) -> ActionOutcome:
        """Delete shadow rows (older than ``before`` when given)."""
        database: DatabaseService | None = ctx.services.get("database")
        before = params.get("before") or None

        async def purge() -> ActionOutcome:
            try:
                deleted = await database.purge(before) if database is not None else 0
            except ValueError as exc:
                return ActionOutcome(status="failed", message=str(exc), output={
                    "output": "Purging stale soft-deleted rows failed"})
            if not deleted:
                return ActionOutcome(output={
                    "output": "Purging stale soft-deleted rows and no data was deleted"})
            return ActionOutcome(output={
                "output": "Purging stale soft-deleted rows succeeded."})
        return ActionOutcome(pending=purge)
