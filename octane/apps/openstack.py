"""Rules of OpenStack charms that differ from the default procedure.

Each quirk sits next to where it was learnt (COU's application classes, summarised in
``shared/reference/cou-constants.md`` section 8, or the bug that caused it).
"""

from __future__ import annotations

from collections.abc import Sequence

from octane.apps import steps as s
from octane.apps.base import AppRules
from octane.apps.context import LONG_REFRESH_TIMEOUT, Finding, PlanContext
from octane.cloud.model import Unit
from octane.plan.step import Step
from octane.releases import catalogue


def verify_computes(base: str, ctx: PlanContext) -> list[Step]:
    """"Verify that all 'nova-compute' units has been upgraded", one per nova-compute app.

    Used by the charms that must follow the hypervisors (ceph-osd, ovn-central, neutron-api).
    """
    return [s.verify_release(base, app.name, ctx.target.codename)
            for app in ctx.analysis.cloud.apps_of_charm("nova-compute")]


class Keystone(AppRules):
    """keystone: every service authenticates through it, so its upgrade ripples through the
    whole model; COU waits up to LONG_IDLE_TIMEOUT (2400 s) for the model and allows a
    1200 s charm refresh."""

    long_wait = True
    wait_for_model = True
    refresh_timeout = LONG_REFRESH_TIMEOUT


class Octavia(AppRules):
    """octavia: its amphora management needs more than the standard wait (COU: LONG)."""

    long_wait = True


class NeutronApi(AppRules):
    """neutron-api: after the hypervisors (COU PR #641, OVN order chassis -> central ->
    neutron); refuses to start before every nova-compute unit is upgraded."""

    def pre_upgrade_steps(self, base: str) -> list[Step]:
        """COU's NeutronApi pre-step: verify the computes first."""
        return [*verify_computes(base, self.ctx), *super().pre_upgrade_steps(base)]


class NovaCloudController(AppRules):
    """nova-cloud-controller: nova 2023.2 (bobcat) removed AvailabilityZoneFilter; a
    scheduler still configured with it fails to start after the upgrade."""

    def checks(self) -> list[Finding]:
        """Refuse a target of bobcat or later while the filter is configured."""
        filters = str(self.app.app.config.get("scheduler-default-filters") or "")
        if self.target >= catalogue().release("bobcat") and \
                "AvailabilityZoneFilter" in filters.split(","):
            return [Finding.error(
                f"'{self.name}' config 'scheduler-default-filters' still lists "
                f"AvailabilityZoneFilter, which nova removed in 2023.2 (bobcat); remove it "
                f"before upgrading to {self.target}", self.name)]
        return []


class Designate(AppRules):
    """designate: the yoga -> zed charm refresh leaves units in error (LP 2114254)."""

    def checks(self) -> list[Finding]:
        """Warn on the affected step."""
        if self.target == catalogue().release("zed") and self.needs_channel():
            return [Finding.warning(f"'{self.name}': refreshing designate from yoga to zed "
                                    "may leave units in error (LP 2114254)", self.name)]
        return []


class Manila(AppRules):
    """manila: the config-based upgrade does not move the workload on some charm revisions
    (LP 2111738), so "Verify that the workload ... has been upgraded" fails."""

    def checks(self) -> list[Finding]:
        """Warn so the operator knows the fix before the verify step stops the run."""
        return [Finding.warning(f"'{self.name}': some {self.app.charm} charm revisions do not "
                                "upgrade the workload on origin change (LP 2111738); refresh "
                                "the charm to its latest revision first", self.name)]


class ManilaGanesha(Manila):
    """manila-ganesha: as manila, plus a refresh may mask manila-share and make hacluster
    flap (LP 2111818); its workload version may be wrong (LP 2060751, see analysis)."""

    def checks(self) -> list[Finding]:
        """Both known issues."""
        out = super().checks()
        if self.needs_channel() or self.app.app.can_upgrade_to:
            out.append(Finding.warning(f"'{self.name}': a charm refresh may mask the "
                                       "manila-share service and make hacluster flap "
                                       "(LP 2111818)", self.name))
        return out


class NovaCompute(AppRules):
    """nova-compute: upgraded AZ by AZ, unit by unit (pause -> openstack-upgrade -> resume)
    with the scheduler disabled on the unit meanwhile; the model is waited for (LONG)."""

    long_wait = True
    wait_for_model = True

    @property
    def action_managed(self) -> bool:
        """Always unit by unit: a hypervisor is never upgraded all at once, even when the
        snapshot lacks the ``action-managed-upgrade`` option (it is then set to True)."""
        return True

    def _scheduler(self, base: str, units: Sequence[Unit], verb: str) -> Step:
        """Disable/enable the scheduler on every unit of the AZ, concurrently: the units
        are independent, and a hundred one after another would cost minutes per AZ."""
        steps = [s.action(s.sid(base, verb, s.slug(u.name)),
                          f"{verb.capitalize()} nova-compute scheduler from unit: '{u.name}'",
                          f"nova.{verb}_scheduler", unit=u.name) for u in units]
        return s.group(s.sid(base, verb), f"{verb.capitalize()} nova-compute scheduler on "
                       f"units: {', '.join(u.name for u in units)}", steps, parallel=True)

    def hypervisor_pre_steps(self, base: str, units: Sequence[Unit]) -> list[Step]:
        """Disable the scheduler on each unit before touching anything."""
        return [self._scheduler(base, units, "disable"),
                *super().hypervisor_pre_steps(base, units)]

    def hypervisor_unit_steps(self, base: str, unit: Unit) -> list[Step]:
        """Refuse to pause a unit that hosts instances, unless --force."""
        out = super().hypervisor_unit_steps(base, unit)
        if self.ctx.force:
            return out
        machine = self.ctx.analysis.cloud.machines.get(unit.machine)
        verify = s.action(s.sid(base, s.slug(unit.name), "verify-empty"),
                          f"Verify that unit '{unit.name}' has no VMs running",
                          "nova.verify_empty", unit=unit.name,
                          hostname=machine.hostname if machine else None)
        return [verify, *out]

    def restart_after_resume(self, unit: Unit) -> list[str]:
        """LP 1947585: ceilometer-agent-compute stops polling after nova-compute's resume
        until it is restarted."""
        apps = self.ctx.analysis.cloud.applications
        for sub in unit.subordinates:
            app = apps.get(sub.split("/", 1)[0])
            if app is not None and app.charm == "ceilometer-agent":
                return ["ceilometer-agent-compute"]
        return []

    def hypervisor_post_steps(self, base: str, units: Sequence[Unit]) -> list[Step]:
        """Enable the scheduler again, then wait and verify."""
        return [self._scheduler(base, units, "enable"),
                *super().hypervisor_post_steps(base, units)]
