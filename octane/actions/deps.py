"""What the in-place actions need from the outside, as small typed interfaces.

Actions never import libjuju or openstacksdk: they receive ``ctx.deps``, an
:class:`UpgradeDeps` holding the Juju port (anything shaped like
:class:`~octane.juju.model.JujuModel`), the OpenStack port when credentials were given, and
the run-time settings. Keeping the ports behind protocols lets the unit tests drive every
action against a small in-memory model, and the same code run against the twin or a real
controller.

Timeouts are read at run time: the plan carries the seconds it was built with, but an
operator who hit a settle that never ends resumes with ``OCTANE_LONG_IDLE_TIMEOUT=4800`` and
expects the *resumed* run (whose journaled plan still says 2400) to wait longer. So a step's
timeout that equals the plan's standard (long) value is replaced by the current
``OCTANE_STANDARD_IDLE_TIMEOUT`` (``OCTANE_LONG_IDLE_TIMEOUT``) when that variable is set.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from octane.actions.notes import RunNotes
from octane.cloud.model import Cloud
from octane.errors import UsageError

#: COU's jubilant wait needs 10 consecutive idle polls 1 s apart; libjuju's idle_period is 10.
DEFAULT_IDLE_PERIOD = 10.0


class ActionOutcome(Protocol):
    """A charm action's result (the Juju port's ``ActionResult``)."""

    @property
    def ok(self) -> bool: ...  # noqa: D102 - protocol member

    @property
    def status(self) -> str: ...  # noqa: D102 - protocol member

    @property
    def output(self) -> Mapping[str, Any]: ...  # noqa: D102 - protocol member

    @property
    def message(self) -> str: ...  # noqa: D102 - protocol member


class CommandOutcome(Protocol):
    """A shell command's result on a unit (the Juju port's ``CommandResult``)."""

    @property
    def return_code(self) -> int: ...  # noqa: D102 - protocol member

    @property
    def stdout(self) -> str: ...  # noqa: D102 - protocol member

    @property
    def stderr(self) -> str: ...  # noqa: D102 - protocol member


class JujuPort(Protocol):
    """The part of the Juju port the actions use (``octane.juju.model.JujuModel``)."""

    @property
    def name(self) -> str:
        """The model's name (for messages and the backup folder)."""
        ...

    async def status(self) -> Cloud:
        """A status-only snapshot, read through FullStatus (never the watcher)."""
        ...

    async def get_config(self, application: str) -> dict[str, Any]:
        """The effective option values of one application."""
        ...

    async def set_config(self, application: str, config: Mapping[str, Any]) -> None:
        """Set charm options."""
        ...

    async def latest_revision(self, application: str, channel: str) -> int | None:
        """The newest revision of the application's charm in ``channel``."""
        ...

    async def refresh(self, application: str, *, channel: str | None = None,
                      switch: str | None = None, revision: int | None = None) -> None:
        """Refresh the charm."""
        ...

    async def run_action(self, unit: str, action: str,
                         params: Mapping[str, Any] | None = None, *,
                         timeout: float | None = None) -> ActionOutcome:
        """Run a charm action on one unit and wait for its result."""
        ...

    async def run_command(self, units: Sequence[str], command: str, *,
                          timeout: float | None = None) -> Mapping[str, CommandOutcome]:
        """Run a shell command on units (``juju exec``)."""
        ...


class ComputeServiceView(Protocol):
    """What the actions read of a Nova compute service."""

    @property
    def enabled(self) -> bool: ...  # noqa: D102 - protocol member


class NovaPort(Protocol):
    """The part of the OpenStack port the actions use (``octane.openstack.OpenStackClient``)."""

    async def hypervisor_servers(self, name: str) -> Sequence[Any]:
        """The VMs on the hypervisor called ``name``."""
        ...

    async def compute_service(self, host: str, binary: str = "nova-compute"
                              ) -> ComputeServiceView:
        """The nova-compute service of ``host``."""
        ...


class FileFetcher(Protocol):
    """Copies a file from a unit to this machine (the SSH port, once it exists)."""

    async def fetch(self, unit: str, remote: str, local: Path) -> Path:
        """Copy ``remote`` from ``unit`` to ``local`` (0600); the local path."""
        ...


class Unsealer(Protocol):
    """Gives vault an unseal key share on one unit."""

    async def unseal(self, unit: str, key: str) -> bool:
        """Submit ``key`` on ``unit``; True once that unit reports unsealed."""
        ...


def _env_seconds(env: Mapping[str, str], name: str) -> int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) <= 0:
        raise UsageError(f"{name}={raw!r} must be a positive number of seconds")
    return int(raw)


def _env_float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise UsageError(f"{name}={raw!r} is not a number of seconds") from None
    if value < 0:
        raise UsageError(f"{name}={raw!r} must not be negative")
    return value


@dataclass(frozen=True)
class Timeouts:
    """The plan's standard/long timeouts and the ones the environment says now."""

    plan_standard: int = 300
    plan_long: int = 2400
    standard: int | None = None
    long: int | None = None

    @classmethod
    def from_env(cls, plan_options: Mapping[str, Any] | None = None,
                 env: Mapping[str, str] | None = None) -> Timeouts:
        """The plan's values (``meta.options``) and the variables set at run time."""
        source = os.environ if env is None else env
        options = plan_options or {}
        return cls(plan_standard=int(options.get("standard_timeout") or 300),
                   plan_long=int(options.get("long_timeout") or 2400),
                   standard=_env_seconds(source, "OCTANE_STANDARD_IDLE_TIMEOUT"),
                   long=_env_seconds(source, "OCTANE_LONG_IDLE_TIMEOUT"))

    def effective(self, seconds: int | float) -> float:
        """A step's timeout, replaced by the run-time value of its class when set."""
        if seconds == self.plan_long and self.long is not None:
            return float(self.long)
        if seconds == self.plan_standard and self.standard is not None:
            return float(self.standard)
        return float(seconds)


@dataclass(frozen=True)
class Settings:
    """Run-time knobs the actions share (see docs/upgrade.md)."""

    timeouts: Timeouts = field(default_factory=Timeouts)
    #: Seconds units must stay idle before a wait ends (``OCTANE_IDLE_PERIOD``).
    idle_period: float = DEFAULT_IDLE_PERIOD
    #: Seconds between two status reads of a wait.
    poll: float = 1.0
    #: ``--force``: hypervisors that run instances are upgraded anyway.
    force: bool = False
    #: Applications the plan leaves alone (``--skip-apps``, vault unless asked, unknown
    #: charms): the cloud-wide idle check does not judge them.
    excluded: frozenset[str] = frozenset()

    @classmethod
    def from_env(cls, plan_meta: Mapping[str, Any], *, force: bool = False,
                 env: Mapping[str, str] | None = None) -> Settings:
        """Settings for a run of a plan with ``plan_meta``."""
        source = os.environ if env is None else env
        options = plan_meta.get("options") or {}
        idle = _env_float(source, "OCTANE_IDLE_PERIOD", DEFAULT_IDLE_PERIOD)
        excluded = {*options.get("skip_apps", ()), *plan_meta.get("left_out", ()),
                    *plan_meta.get("unknown_applications", ())}
        return cls(timeouts=Timeouts.from_env(options, source), idle_period=idle,
                   poll=min(1.0, max(idle / 5, 0.02)),
                   force=force or bool(options.get("force")), excluded=frozenset(excluded))


@dataclass
class UpgradeDeps:
    """``ctx.deps`` of every in-place action."""

    juju: JujuPort
    notes: RunNotes
    settings: Settings = field(default_factory=Settings)
    nova: NovaPort | None = None
    #: Where database dumps land (0700; files 0600).
    backups: Path | None = None
    fetcher: FileFetcher | None = None
    unsealer: Unsealer | None = None

    def timeout(self, seconds: int | float) -> float:
        """A step's timeout as it applies now (see the module docstring)."""
        return self.settings.timeouts.effective(seconds)


def names(units: Collection[str]) -> str:
    """``a/0, a/1`` for messages."""
    return ", ".join(sorted(units, key=_unit_key))


def _unit_key(unit: str) -> tuple[str, int]:
    app, _, number = unit.rpartition("/")
    return (app, int(number) if number.isdigit() else 0)
