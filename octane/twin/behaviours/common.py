"""What the OpenStack charms share: versions from origin and channel, pause and resume,
action-managed upgrades, apt on the unit, and their Charmhub catalogue.

The rules, and where they were learnt:

- The workload version is the version of the payload packages, installed from the
  ``openstack-origin`` (OpenStack charms) or ``source`` (auxiliary charms) pocket: a unit
  whose origin moves to ``cloud:focal-victoria`` reports victoria's version once its
  config-changed hook has run (charm-guide "upgrade-openstack"; COU's verify step reads it).
  Auxiliary charms with their own tracks report their track's version when the origin's
  release carries it (ceph ``quincy`` -> 17.2.x, OVN ``22.03``); ``octane.releases`` knows
  both (``workload_version_for``). A unit whose version already belongs to the origin's
  release keeps it: a config change that moves no package leaves the patch level alone.
- ``action-managed-upgrade=true``: config-changed does not upgrade; the ``openstack-upgrade``
  action does, unit by unit, answering ``outcome`` as charm-helpers'
  ``do_action_openstack_upgrade`` does ("success, upgrade completed.", "no upgrade
  available.", "action-managed-upgrade config is False, skipped upgrade.").
- ``pause`` stops the unit's services and leaves the workload in ``maintenance`` with
  "Paused. Use 'resume' action to resume normal service." until ``resume`` (charm-helpers'
  ``pause_unit``); an upgrade on a paused unit leaves it paused.
- A payload upgrade makes config-changed long (minutes; COU waits up to 2,400 s) and shows
  "Performing OpenStack upgrade" while it runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from octane import releases
from octane.twin.behaviours import charmhub
from octane.twin.behaviours.base import (
    ActionOutcome,
    ActionSpec,
    CharmBehaviour,
    CharmhubEntry,
    ExecResult,
    UnitContext,
)
from octane.twin.behaviours.shell import Handler, Outcome, Shell

PAUSED = ("maintenance", "Paused. Use 'resume' action to resume normal service.")
UPGRADING = "Performing OpenStack upgrade"
#: Services every Ubuntu machine runs (systemctl answers for them).
COMMON_SERVICES = ("ssh", "cron", "rsyslog", "snapd", "chrony", "systemd-journald",
                   "jujud")
ACTION_MANAGED = "action-managed-upgrade"


def spec(description: str, params: Mapping[str, Any] | None = None,
         duration: float = 5.0) -> ActionSpec:
    """An action as ``actions.yaml`` declares it: description and a JSON-schema ``params``."""
    return ActionSpec(description=description, params=dict(params or {}), duration=duration)


PAUSE = spec("Pause the unit's services; the unit stays paused across hooks until resumed.",
             duration=10.0)
RESUME = spec("Resume the unit's services after a pause.", duration=10.0)
SECURITY_CHECKLIST = spec("Validate the running configuration against the OpenStack "
                          "security guides checklist.")
OPENSTACK_UPGRADE = spec("Perform openstack upgrades. Config option action-managed-upgrade "
                         "must be set to True.", duration=300.0)
#: The security-checklist checks the twin reports (charms.openstack's audit names).
CHECKS = ("validate-file-ownership", "validate-file-permissions", "validate-uses-tls-for-"
          "keystone", "validate-uses-keystone")

PAUSE_RESUME = {"pause": PAUSE, "resume": RESUME}

#: Options every OpenStack service charm declares (charm-helpers' and charms.openstack's
#: common config), so ``juju config keystone debug=true`` works as on a real cloud.
OPENSTACK_OPTIONS: dict[str, Mapping[str, Any]] = {
    "debug": {"type": "boolean", "default": False, "description": "Enable debug logging."},
    "verbose": {"type": "boolean", "default": False, "description": "Verbose logging."},
    "use-syslog": {"type": "boolean", "default": False, "description": "Log to syslog."},
    "worker-multiplier": {"type": "float", "description": "Workers per CPU core."},
    "region": {"type": "string", "default": "RegionOne", "description": "Keystone region."},
    "vip": {"type": "string", "description": "Virtual IP(s) fronted by hacluster."},
    "use-internal-endpoints": {"type": "boolean", "default": False,
                               "description": "Use internal endpoints between services."},
    "ssl_cert": {"type": "string", "description": "SSL certificate (base64)."},
    "ssl_key": {"type": "string", "description": "SSL key (base64)."},
    "ssl_ca": {"type": "string", "description": "SSL CA certificate (base64)."},
}


@dataclass(frozen=True)
class Profile:
    """One charm as data: where its payload comes from, what it runs, what it offers."""

    charm: str
    #: Config key of the package origin; None when the release comes from the channel.
    origin: str | None = "openstack-origin"
    ready: str = "Unit is ready"
    services: tuple[str, ...] = ()
    actions: Mapping[str, ActionSpec] = field(default_factory=lambda: dict(PAUSE_RESUME))
    #: Scenario seconds of a config-changed hook that upgrades the payload.
    upgrade_seconds: float = 300.0
    subordinate: bool = False
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    quirks: Mapping[str, str] = field(default_factory=dict)


class UbuntuCharm(CharmBehaviour):
    """Any charm on an Ubuntu machine: apt and systemd answer ``juju exec``.

    The registry's default, so an unknown charm's units still take the package upgrade.
    """

    services: tuple[str, ...] = ()

    def exec(self, command: str, ctx: UnitContext | None) -> ExecResult | None:
        """apt, apt-mark, systemctl and the charm's own commands (see :mod:`.shell`)."""
        if ctx is None:
            return None
        shell = Shell(ctx, services=(*self.services, *COMMON_SERVICES),
                      handlers=self.commands(), on_restart=self.restarted)
        return shell.run(command)

    def commands(self) -> Mapping[str, Handler]:
        """Charm-specific commands (``ceph``, ``vault``) by name."""
        return {}

    def restarted(self, service: str, ctx: UnitContext) -> Outcome:
        """What a ``systemctl restart`` of one of the unit's services changes."""
        return Outcome()


class Charm(UbuntuCharm):
    """A charm described by a :class:`Profile` (versions, statuses, pause/resume)."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.charm = profile.charm
        self.services = profile.services

    # -- catalogue and schema ----------------------------------------------------------------

    def charmhub(self) -> CharmhubEntry | None:
        """Channels per track, revisions growing release after release."""
        return charmhub.entry(self.charm, subordinate=self.profile.subordinate)

    def config_options(self) -> Mapping[str, Mapping[str, Any]]:
        """The origin option and the profile's own."""
        options: dict[str, Mapping[str, Any]] = {}
        if self.profile.origin:
            options[self.profile.origin] = {
                "type": "string", "default": "distro",
                "description": "Repository from which to install the payload packages."}
        options.update(self.profile.options)
        return options

    def quirks(self) -> Mapping[str, str]:
        """Opt-in misbehaviours of this charm."""
        return self.profile.quirks

    def actions(self) -> Mapping[str, ActionSpec]:
        """The charm's actions."""
        return self.profile.actions

    # -- versions ----------------------------------------------------------------------------

    def payload_release(self, ctx: UnitContext) -> releases.OpenStackRelease | None:
        """The release the unit's packages come from: its origin, else its channel."""
        cat = releases.catalogue()
        series = cat.find_series(ctx.series)
        if series is None:
            return None
        if self.profile.origin:
            return cat.parse_origin(str(ctx.config.get(self.profile.origin) or ""), series)
        found = cat.releases_for_channel(self.charm, series.name, ctx.channel)
        return found[-1] if found else None

    def payload_version(self, ctx: UnitContext) -> str:
        """The version the origin (and the channel's track) installs ("" if none)."""
        release = self.payload_release(ctx)
        if release is None:
            return ""
        return releases.workload_version_for(self.charm, release, ctx.channel) or ""

    def settles_to(self, ctx: UnitContext) -> str:
        """The version after config-changed: the current one while it still belongs to
        the payload release (and, for own-track charms, to the same track)."""
        current, target = ctx.workload_version, self.payload_version(ctx)
        if not target:
            return current
        if current and self.still_valid(current, target, ctx):
            return current
        return target

    def still_valid(self, current: str, target: str, ctx: UnitContext) -> bool:
        """Whether packages at ``current`` already are what the origin installs."""
        cat = releases.catalogue()
        release = self.payload_release(ctx)
        if release is None or release not in cat.releases_for_version(self.charm, current):
            return False
        info = cat.charm(self.charm)
        if info is not None and info.kind.own_tracks:
            return current.split(".")[:2] == target.split(".")[:2]
        return True

    def explicit_version(self, ctx: UnitContext) -> str:
        """A version the scenario mapped to the channel or its track."""
        versions = ctx.scenario_versions
        return versions.get(ctx.channel) or versions.get(ctx.channel.split("/")[0]) or ""

    def workload_version(self, ctx: UnitContext) -> str:
        """The scenario's mapping if any, else what the packages settle to."""
        return self.explicit_version(ctx) or self.settles_to(ctx)

    def upgrading(self, ctx: UnitContext) -> bool:
        """Whether the next config-changed moves the payload to another version.

        A scenario's explicit version map overrides the charm's rules, timing included:
        its versions follow the channel with the generic hook durations.
        """
        if self.explicit_version(ctx) or not ctx.workload_version:
            return False
        return self.workload_version(ctx) != ctx.workload_version

    # -- hooks and statuses -------------------------------------------------------------------

    def hook_duration(self, hook: str, ctx: UnitContext) -> float:
        """An upgrading config-changed takes the profile's upgrade time."""
        if hook == "config-changed" and self.upgrading(ctx):
            return self.profile.upgrade_seconds
        return super().hook_duration(hook, ctx)

    def busy_status(self, hook: str, ctx: UnitContext) -> tuple[str, str] | None:
        """A paused unit stays paused; an upgrade says so."""
        if ctx.charm_state.get("paused"):
            return None
        if hook == "config-changed" and self.upgrading(ctx):
            return ("maintenance", UPGRADING)
        return super().busy_status(hook, ctx)

    def settled_status(self, ctx: UnitContext) -> tuple[str, str]:
        """Paused, or the charm's ready message."""
        if ctx.charm_state.get("paused"):
            return PAUSED
        return ("active", self.ready_message(ctx))

    def ready_message(self, ctx: UnitContext) -> str:
        """What an active unit says."""
        return self.profile.ready

    # -- actions -----------------------------------------------------------------------------

    def run_action(self, name: str, params: Mapping[str, Any],
                   ctx: UnitContext) -> ActionOutcome:
        """Dispatch to ``action_<name>``; a catalogued action without rules just completes."""
        problem = check_params(self.actions().get(name), params)
        if problem:
            return ActionOutcome(status="failed", message=problem)
        handler: Callable[[Mapping[str, Any], UnitContext], ActionOutcome] | None = getattr(
            self, "action_" + name.replace("-", "_"), None)
        return handler(params, ctx) if handler is not None else ActionOutcome()

    def action_pause(self, params: Mapping[str, Any], ctx: UnitContext) -> ActionOutcome:
        """Services stop; the unit says it is paused until resumed."""
        return ActionOutcome(charm_state={"paused": True})

    def action_resume(self, params: Mapping[str, Any], ctx: UnitContext) -> ActionOutcome:
        """Services start again (a unit that was not paused is left as it is)."""
        return ActionOutcome(charm_state={"paused": None})

    def action_security_checklist(self, params: Mapping[str, Any],
                                  ctx: UnitContext) -> ActionOutcome:
        """Every check passes on the twin; the results name them as the charm does."""
        return ActionOutcome(output={c: "PASS" for c in CHECKS},
                             log=tuple(f"{c}: PASS" for c in CHECKS))


class OpenStackCharm(Charm):
    """An OpenStack service charm: ``action-managed-upgrade`` and ``openstack-upgrade``."""

    def config_options(self) -> Mapping[str, Mapping[str, Any]]:
        """Adds ``action-managed-upgrade`` (default false)."""
        return {**OPENSTACK_OPTIONS, **super().config_options(), ACTION_MANAGED: {
            "type": "boolean", "default": False,
            "description": "If true, an origin change upgrades only through the "
                           "openstack-upgrade action."}}

    def actions(self) -> Mapping[str, ActionSpec]:
        """pause, resume, openstack-upgrade, security-checklist and the profile's own."""
        duration = self.profile.upgrade_seconds
        return {"openstack-upgrade": spec(OPENSTACK_UPGRADE.description, duration=duration),
                "security-checklist": SECURITY_CHECKLIST, **self.profile.actions}

    def action_managed(self, ctx: UnitContext) -> bool:
        """Whether upgrades wait for the action."""
        return ctx.config.get(ACTION_MANAGED) is True

    def workload_version(self, ctx: UnitContext) -> str:
        """With action-managed upgrades a hook never moves the payload."""
        if self.action_managed(ctx) and ctx.workload_version:
            return self.explicit_version(ctx) or ctx.workload_version
        return super().workload_version(ctx)

    def action_openstack_upgrade(self, params: Mapping[str, Any],
                                 ctx: UnitContext) -> ActionOutcome:
        """Upgrade this unit to its origin's release (charm-helpers' outcomes)."""
        target = self.explicit_version(ctx) or self.settles_to(ctx)
        if not target or target == ctx.workload_version:
            return ActionOutcome(output={"outcome": "no upgrade available."})
        if not self.action_managed(ctx):
            return ActionOutcome(output={
                "outcome": "action-managed-upgrade config is False, skipped upgrade."})
        return ActionOutcome(output={"outcome": "success, upgrade completed."},
                             workload_version=target,
                             log=(f"Upgrading to {self.payload_release(ctx)}",))


def check_params(action: ActionSpec | None, params: Mapping[str, Any]) -> str:
    """A params problem as Juju's schema validation reports it ("" when fine)."""
    if action is None:
        return ""
    schema = action.params
    kinds: dict[str, type | tuple[type, ...]] = {
        "integer": int, "string": str, "boolean": bool, "number": (int, float)}
    for name, value in params.items():
        declared = schema.get(name)
        if not isinstance(declared, Mapping):
            continue  # undeclared keys: most charms' schemas allow them
        expected = kinds.get(str(declared.get("type", "")))
        if expected is not None and (not isinstance(value, expected) or (
                expected is int and isinstance(value, bool))):
            return (f"validation failed: (root).{name} : must be of type "
                    f"{declared.get('type')}, given {value!r}")
    return ""
