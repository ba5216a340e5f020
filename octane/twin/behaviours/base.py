"""What a charm does inside the twin: the interface every charm behaviour implements.

A real controller only records what the charm reports; the charm decides its workload
version, how long its hooks take, which actions it has and what they return, and what a
command run on its unit prints. The twin asks a :class:`CharmBehaviour` for each of these,
so per-charm knowledge (issue 3: keystone, nova-compute, ceph-mon, ...) is a small class
registered by charm name (``behaviours/__init__.py``), while the controller rules stay in
``state/``. A behaviour is pure: it reads a :class:`UnitContext` and returns values; it
never mutates twin state and never sleeps (time is the twin's clock).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class UnitContext:
    """A read-only view of one unit as its charm sees it."""

    model: str
    application: str
    unit: str
    charm: str
    channel: str
    revision: int
    config: Mapping[str, Any]
    leader: bool
    base: str
    series: str
    machine: str
    hostname: str
    workload_version: str
    #: Versions the scenario declared for this application, keyed by channel or track.
    scenario_versions: Mapping[str, str] = field(default_factory=dict)
    #: What the charm keeps on this unit between hooks (its unitdata store): paused,
    #: deferred restarts, a daemon still running an old binary. Changed only through
    #: ``ActionOutcome.charm_state`` / ``ExecResult.charm_state`` (issue 3).
    charm_state: Mapping[str, Any] = field(default_factory=dict)
    #: Opt-in quirks the scenario declared for the application (``quirks:``).
    quirks: frozenset[str] = frozenset()
    #: Services of this model the charm talks to, by kind ("database", "ceph",
    #: "openstack"): a real backend an extension attached, else a simulated stand-in.
    services: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ActionSpec:
    """An action in the charm's catalogue (``actions.yaml``): description and params schema."""

    description: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    #: Scenario seconds the action takes when it succeeds.
    duration: float = 5.0


@dataclass(frozen=True)
class ActionOutcome:
    """What an action did: ``completed`` or ``failed``, its results and message."""

    status: str = "completed"
    output: Mapping[str, Any] = field(default_factory=dict)
    message: str = ""
    log: tuple[str, ...] = ()
    #: A config change the action makes (e.g. openstack-upgrade moving the origin).
    config_changes: Mapping[str, Any] = field(default_factory=dict)
    #: A workload version the unit reports once the action completed ("" = unchanged).
    workload_version: str = ""
    #: Changes to the unit's ``charm_state`` once the action completed (None removes a key).
    charm_state: Mapping[str, Any] = field(default_factory=dict)
    #: When the outcome comes from a real service (a MariaDB dump, a ceph command): called
    #: when the action is enqueued; the task stays ``running`` until it answers.
    pending: Callable[[], Awaitable[ActionOutcome]] | None = field(default=None,
                                                                  compare=False)


@dataclass(frozen=True)
class ExecResult:
    """The outcome of a command run with ``juju exec`` / ``Action.Run`` on a unit or machine."""

    return_code: int = 0
    stdout: str = ""
    stderr: str = ""
    #: Changes to the unit's ``charm_state`` (a restarted daemon, a package hold).
    charm_state: Mapping[str, Any] = field(default_factory=dict)
    #: A workload version the unit reports once the command finished ("" = unchanged).
    workload_version: str = ""


@dataclass(frozen=True)
class CharmhubEntry:
    """What Charmhub publishes for a charm: channels with their revisions, ascending."""

    channels: Mapping[str, tuple[int, ...]]
    subordinate: bool = False
    bases: tuple[str, ...] = ("20.04", "22.04")


class CharmBehaviour:
    """The generic charm; subclasses override only what their charm does differently."""

    #: The charm names this behaviour is registered for by default (informational).
    charm: str = "*"

    def config_options(self) -> Mapping[str, Mapping[str, Any]]:
        """Config options the charm declares beyond the scenario's (type, default, description)."""
        return {}

    def workload_version(self, ctx: UnitContext) -> str:
        """The version the unit reports once its hooks settle.

        Generic rule: the scenario may map channels (``yoga/stable``) or tracks (``yoga``)
        to versions; otherwise the unit keeps the version it had.
        """
        versions = ctx.scenario_versions
        track = ctx.channel.split("/")[0]
        return versions.get(ctx.channel) or versions.get(track) or ctx.workload_version

    def hook_duration(self, hook: str, ctx: UnitContext) -> float:
        """Scenario seconds a hook runs; an OpenStack upgrade hook can take 2,400 s."""
        return {"upgrade-charm": 120.0, "config-changed": 60.0}.get(hook, 30.0)

    def hooks_for_config_change(self, changed: Mapping[str, Any]) -> list[str]:
        """Hooks the agent runs after ``juju config`` changed these options."""
        return ["config-changed"] if changed else []

    def hooks_for_refresh(self) -> list[str]:
        """Hooks the agent runs after ``juju refresh`` (upgrade-charm, then config-changed)."""
        return ["upgrade-charm", "config-changed"]

    def hook_changes(self, hook: str, ctx: UnitContext) -> Mapping[str, Any]:
        """Changes to the unit's ``charm_state`` when ``hook`` completes (before the version
        and status are read): e.g. a restart the charm deferred."""
        return {}

    def busy_status(self, hook: str, ctx: UnitContext) -> tuple[str, str] | None:
        """Workload status while ``hook`` runs, or None to leave it as it is."""
        return ("maintenance", f"running {hook} hook")

    def settled_status(self, ctx: UnitContext) -> tuple[str, str]:
        """Workload status once the queue is empty."""
        return ("active", "Unit is ready")

    def actions(self) -> Mapping[str, ActionSpec]:
        """The charm's action catalogue."""
        return {}

    def run_action(self, name: str, params: Mapping[str, Any],
                   ctx: UnitContext) -> ActionOutcome:
        """Run a catalogued action; the generic charm's actions succeed with no output."""
        return ActionOutcome()

    def exec(self, command: str, ctx: UnitContext | None) -> ExecResult | None:
        """Answer a command run on the unit (or its machine when ``ctx`` is None).

        Return None to let the machine's executor fall back to its built-ins.
        """
        return None

    def charmhub(self) -> CharmhubEntry | None:
        """The charm's Charmhub catalogue (None: only the scenario's revisions exist)."""
        return None

    def quirks(self) -> Mapping[str, str]:
        """Opt-in quirks a scenario may enable for this charm: name -> what goes wrong."""
        return {}
