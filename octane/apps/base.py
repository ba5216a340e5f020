"""Per-charm upgrade rules over a template method, with one default per kind of charm.

:meth:`AppRules.plan` is the template: pre-upgrade, upgrade and post-upgrade steps, each a
method a charm's class overrides or extends (COU's ``generate_upgrade_plan`` shape). The
defaults encode the Charmed OpenStack procedure for a principal OpenStack charm: packages,
charm refresh, ``action-managed-upgrade`` off, new channel, new origin, wait, verify. The
hypervisor methods (``hypervisor_*``) give the paused-single-unit flavour used AZ by AZ for
charms colocated with nova-compute.
"""

from __future__ import annotations

from collections.abc import Sequence

from octane.apps import steps as s
from octane.apps.context import Finding, PlanContext
from octane.cloud.analysis import AppAnalysis
from octane.cloud.model import Unit
from octane.plan.step import Step
from octane.releases import CharmKind, catalogue
from octane.releases.catalogue import LATEST_CHANNELS

ACTION_MANAGED = "action-managed-upgrade"


class AppRules:
    """Default rules: a principal OpenStack charm upgraded all units at once."""

    #: Wait with the long timeout (COU_LONG_IDLE_TIMEOUT) after the upgrade.
    long_wait = False
    #: Wait for the whole model instead of the application alone.
    wait_for_model = False
    #: Packages kept back (``apt-mark hold``) while the unit's packages are upgraded.
    hold_packages: tuple[str, ...] = ()
    #: Seconds a charm refresh may take; None means the standard idle timeout.
    refresh_timeout: int | None = None

    def __init__(self, app: AppAnalysis, ctx: PlanContext) -> None:
        self.app = app
        self.ctx = ctx
        self.name = app.name
        self.target = ctx.target

    # -- what the application needs ----------------------------------------------------------

    @property
    def channel(self) -> str:
        """The channel the application follows now."""
        return self.app.app.channel.strip()

    @property
    def target_channel(self) -> str:
        """The channel of the target release for this charm on the cloud's series."""
        return catalogue().channel_for(self.app.charm, self.ctx.series.name, self.target)

    def channel_ahead(self) -> bool:
        """True when the current channel only serves releases newer than the target."""
        served = catalogue().releases_for_channel(self.app.charm, self.ctx.series.name,
                                                  self.channel)
        return bool(served) and min(served) > self.target

    def needs_crossgrade(self) -> bool:
        """True when the channel names no track (``latest/stable``)."""
        return self.channel in LATEST_CHANNELS or not self.channel

    def needs_channel(self) -> bool:
        """True when the charm must move to the target channel."""
        return self.channel != self.target_channel and not self.channel_ahead()

    def needs_origin(self) -> bool:
        """True when the origin option exists and does not install the target yet."""
        if self.app.app.origin_key is None:
            return False
        installed = catalogue().parse_origin(self.app.app.origin or "", self.ctx.series)
        return installed is None or installed < self.target

    def up_to_date(self) -> bool:
        """True when the application needs no step for the target."""
        release = self.app.release
        return (release is not None and release >= self.target and not self.needs_channel()
                and not self.needs_origin())

    @property
    def units(self) -> tuple[Unit, ...]:
        """The application's units, in unit-number order."""
        return self.app.app.units

    def wait_timeout(self) -> int:
        """Seconds to wait for the model or the application after the upgrade."""
        return self.ctx.long_timeout if self.long_wait else self.ctx.standard_timeout

    def charm_timeout(self) -> int:
        """Seconds a refresh of this charm may take."""
        return self.refresh_timeout or self.ctx.standard_timeout

    # -- checks ------------------------------------------------------------------------------

    def checks(self) -> list[Finding]:
        """Plan-time checks for this application (read-only, from the snapshot and probes)."""
        return []

    # -- the template ------------------------------------------------------------------------

    def plan(self, base: str) -> Step | None:
        """The application's plan under id ``base``, or None when it is up to date."""
        if self.up_to_date():
            return None
        children = [*self.pre_upgrade_steps(base), *self.upgrade_steps(base),
                    *self.post_upgrade_steps(base)]
        return s.group(base, f"Upgrade plan for '{self.name}' to '{self.target}'", children,
                       prompt=True)

    def refresh_steps(self, base: str) -> list[Step]:
        """Crossgrade off ``latest/stable``, or take the newest revision of the channel."""
        if self.needs_crossgrade():
            return [s.crossgrade(base, self.name, self.channel or "none",
                                 self.current_channel(), self.charm_timeout())]
        if self.app.app.can_upgrade_to:
            return [s.refresh_current(base, self.name, self.channel, self.charm_timeout())]
        return []

    def current_channel(self) -> str:
        """The channel of the release the cloud is leaving (crossgrade destination).

        An application on ``latest/stable`` has only an assumed release (COU assumes the
        series' first); it is crossgraded to the channel of the release before the target.
        """
        cat = catalogue()
        current = self.app.release
        if current is None or self.app.assumed:
            current = cat.releases[self.target.index - 1]
        return cat.channel_for(self.app.charm, self.ctx.series.name, current)

    def pre_upgrade_steps(self, base: str) -> list[Step]:
        """Packages, charm refresh, and action-managed-upgrade off (all units at once)."""
        out = [s.packages(base, self.name, self.units, self.hold_packages)]
        out += self.refresh_steps(base)
        if _truthy(self.app.app.config.get(ACTION_MANAGED)):
            out.append(s.set_config(base, self.name, ACTION_MANAGED, "False"))
        return out

    def upgrade_steps(self, base: str) -> list[Step]:
        """New channel, then the origin that installs the target release."""
        out = []
        if self.needs_channel():
            out.append(s.new_channel(base, self.name, self.target_channel, self.charm_timeout()))
        key = self.app.app.origin_key
        if key is not None and self.needs_origin():
            out.append(s.set_config(base, self.name, key, self.ctx.target_origin, "origin"))
        return out

    def post_upgrade_steps(self, base: str) -> list[Step]:
        """Wait for the model or the application, then verify the workload moved."""
        out = [self.wait_step(base)]
        if not self.app.info.versionless and self.units:
            out.append(s.verify_workload(base, self.name, self.units, self.target.codename))
        return out

    def wait_step(self, base: str) -> Step:
        """The idle wait after the upgrade, scoped as the charm needs."""
        if self.wait_for_model:
            return s.wait_model(base, self.ctx.model, self.wait_timeout())
        return s.wait_apps(base, [self.name], self.wait_timeout())

    # -- hypervisors: paused-single-unit upgrades, one AZ at a time ---------------------------

    @property
    def action_managed(self) -> bool:
        """True when the charm supports ``openstack-upgrade`` per unit (hypervisor flavour)."""
        return ACTION_MANAGED in self.app.app.config and self.app.info.kind is CharmKind.OPENSTACK

    def hypervisor_pre_steps(self, base: str, units: Sequence[Unit]) -> list[Step]:
        """Packages on these units, refresh, and action-managed-upgrade on."""
        out = [s.packages(base, self.name, units, self.hold_packages)]
        out += self.refresh_steps(base)
        if not _truthy(self.app.app.config.get(ACTION_MANAGED)):
            out.append(s.set_config(base, self.name, ACTION_MANAGED, "True"))
        return out

    def hypervisor_unit_steps(self, base: str, unit: Unit) -> list[Step]:
        """Pause, openstack-upgrade, resume one unit."""
        ubase = s.sid(base, s.slug(unit.name))
        return [
            s.action(s.sid(ubase, "pause"), f"Pause the unit: '{unit.name}'", "unit.pause",
                     unit=unit.name),
            s.action(s.sid(ubase, "upgrade"), f"Upgrade the unit: '{unit.name}'",
                     "unit.openstack_upgrade", unit=unit.name, timeout=self.ctx.long_timeout),
            s.action(s.sid(ubase, "resume"), f"Resume the unit: '{unit.name}'", "unit.resume",
                     unit=unit.name, restart_services=self.restart_after_resume(unit)),
        ]

    def restart_after_resume(self, unit: Unit) -> list[str]:
        """Services to restart after ``resume`` (charm-specific workarounds)."""
        return []

    def hypervisor_units_step(self, base: str, units: Sequence[Unit]) -> Step:
        """Every unit's plan, units in parallel, each unit's steps in order."""
        names = ", ".join(u.name for u in units)
        plans = [s.group(s.sid(base, "units", s.slug(u.name)),
                         f"Upgrade plan for unit '{u.name}'",
                         self.hypervisor_unit_steps(s.sid(base, "units"), u))
                 for u in units]
        return s.group(s.sid(base, "units"), f"Upgrade plan for units: {names}", plans,
                       parallel=True)

    def hypervisor_upgrade_steps(self, base: str, units: Sequence[Unit]) -> list[Step]:
        """New channel and origin (no unit moves yet), then the units one by one."""
        return [*self.upgrade_steps(base), self.hypervisor_units_step(base, units)]

    def hypervisor_post_steps(self, base: str, units: Sequence[Unit]) -> list[Step]:
        """Wait, then verify the workload of these units."""
        return [self.wait_step(base),
                s.verify_workload(base, self.name, units, self.target.codename)]


class AuxiliaryRules(AppRules):
    """Auxiliary principals (ceph, ovn, mysql, rabbitmq, vault): tracks from the catalogue.

    Never upgraded unit by unit, even when colocated with nova-compute (COU's
    AuxiliaryApplication).
    """

    @property
    def action_managed(self) -> bool:
        """Auxiliary charms have no paused-single-unit flavour."""
        return False


class ChannelBasedRules(AppRules):
    """Principals whose release is their channel (designate-bind, gnocchi, ...)."""

    def up_to_date(self) -> bool:
        """Up to date once on the target channel with the target origin (if any)."""
        return not self.needs_channel() and not self.needs_origin()

    def post_upgrade_steps(self, base: str) -> list[Step]:
        """Versionless charms (glance-simplestreams-sync) only wait: nothing to verify."""
        if self.app.info.versionless:
            return [self.wait_step(base)]
        return super().post_upgrade_steps(base)


class SubordinateRules(AppRules):
    """Subordinates: only the charm moves (refresh, channel); packages follow the principal."""

    def up_to_date(self) -> bool:
        """Up to date when on the target channel (or ahead) with no newer revision."""
        return not self.needs_channel() and not self.needs_crossgrade() and \
            not (self.app.app.can_upgrade_to and not self.channel_ahead())

    def pre_upgrade_steps(self, base: str) -> list[Step]:
        """Only the refresh within the current channel."""
        return self.refresh_steps(base)

    def upgrade_steps(self, base: str) -> list[Step]:
        """Only the channel change."""
        if self.needs_channel():
            return [s.new_channel(base, self.name, self.target_channel, self.charm_timeout())]
        return []

    def post_upgrade_steps(self, base: str) -> list[Step]:
        """Nothing to wait for: the principal's wait covers its subordinates."""
        return []


class UnsupportedRules(AppRules):
    """Charms octane recognises but refuses to upgrade in place (swift)."""

    def refusal(self) -> str:
        """Why the application is left out, in one line."""
        return (f"'{self.name}' ({self.app.charm}) is not upgraded in place by octane; "
                "upgrade it manually following the charm guide's swift procedure")

    def plan(self, base: str) -> Step | None:
        """Never any step."""
        return None

    def checks(self) -> list[Finding]:
        """The refusal, as a warning the operator cannot miss."""
        return [Finding.warning(self.refusal(), self.name)]


def _truthy(value: object) -> bool:
    return str(value).strip().lower() in ("true", "yes", "1")

