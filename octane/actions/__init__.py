"""The in-place upgrade's actions: every name of :mod:`octane.plan.actions`, implemented
over the Juju and OpenStack ports.

:func:`registry` builds the :class:`~octane.engine.Registry` ``octane upgrade`` runs plans
with; importing this package registers nothing anywhere. Each action is idempotent, and
each whose effect can be read back has a read-only ``verify`` the engine calls on resume for
a step that was running when the previous process died (is the channel reached? the option
set? the unit resumed? the workload on the target release?). The actions receive
:class:`~octane.actions.deps.UpgradeDeps` as ``ctx.deps``.

Modules: :mod:`.applications` (model waits, refresh, config, workload checks),
:mod:`.units` (packages, pause/upgrade/resume, charm actions), :mod:`.nova` (scheduler,
emptiness, archive, purge), :mod:`.database` (the MySQL backup), :mod:`.infra` (ceph, OVN,
vault), :mod:`.notes` (facts a resumed run needs), :mod:`.deps` (the ports' interfaces).
"""

from __future__ import annotations

from octane.actions import applications as apps
from octane.actions import database, infra, nova, units
from octane.actions.deps import Settings, Timeouts, UpgradeDeps
from octane.actions.notes import RunNotes
from octane.engine import Action, Registry
from octane.plan import actions as vocabulary


def registry() -> Registry[UpgradeDeps]:
    """A fresh registry with every action of the in-place vocabulary."""
    table: dict[str, Action[UpgradeDeps]] = {
        "model.verify_idle": Action(apps.verify_idle),
        "model.wait_idle": Action(apps.wait_idle),
        "mysql.backup": Action(database.backup, database.backed_up),
        "nova.archive": Action(nova.archive),
        "nova.purge": Action(nova.purge),
        "unit.upgrade_packages": Action(units.upgrade_packages),
        "unit.pause": Action(units.pause, units.paused),
        "unit.openstack_upgrade": Action(units.openstack_upgrade, units.unit_upgraded),
        "unit.resume": Action(units.resume, units.resumed),
        "unit.run_action": Action(units.run_action),
        "app.refresh": Action(apps.refresh, apps.refreshed),
        "app.set_config": Action(apps.set_config, apps.config_is_set),
        "app.verify_config": Action(apps.verify_config),
        "app.verify_workload": Action(apps.verify_workload),
        "app.verify_release": Action(apps.verify_release),
        "nova.disable_scheduler": Action(nova.disable_scheduler, nova.scheduler_disabled),
        "nova.enable_scheduler": Action(nova.enable_scheduler, nova.scheduler_enabled),
        "nova.verify_empty": Action(nova.verify_empty),
        "ceph.ensure_require_osd_release": Action(infra.ensure_require_osd_release,
                                                  infra.require_osd_release_ok),
        "ovn.verify_version": Action(infra.verify_ovn),
        "vault.verify_unsealed": Action(infra.verify_unsealed),
        "vault.unseal": Action(infra.unseal, infra.vault_unsealed),
    }
    summaries = {name: spec.meaning.split(";")[0] for name, spec in vocabulary.ACTIONS.items()}
    return Registry({name: Action(a.run, a.verify, summaries.get(name, ""))
                     for name, a in table.items()})


__all__ = ["RunNotes", "Settings", "Timeouts", "UpgradeDeps", "registry"]
