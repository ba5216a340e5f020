"""What per-charm rules are given to plan one application, and what they report back.

The planner builds one :class:`PlanContext` per plan (the analysis, the target, the
operator's options, the read-only probe results) and hands it to each charm's rules; rules
answer with steps and with :class:`Finding` s -- errors that stop planning, warnings the
operator reads. Keeping the inputs in one frozen object keeps the rules pure functions of
the cloud: the same snapshot and options always give the same plan.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from octane.cloud.analysis import Analysis
from octane.releases import OpenStackRelease, UbuntuSeries

#: COU's STANDARD_IDLE_TIMEOUT and LONG_IDLE_TIMEOUT defaults (seconds).
STANDARD_IDLE_TIMEOUT = 300
LONG_IDLE_TIMEOUT = 2400
#: COU: keystone's charm refresh may take up to 1200 s; package upgrades up to 600 s.
LONG_REFRESH_TIMEOUT = 1200
PACKAGE_TIMEOUT = 600


class Level(str, enum.Enum):
    """How serious a finding is: errors stop the plan (exit 1), warnings are printed."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One result of a pre-check, in one line."""

    level: Level
    message: str
    application: str | None = None

    @classmethod
    def error(cls, message: str, application: str | None = None) -> Finding:
        """A finding that stops planning."""
        return cls(Level.ERROR, message, application)

    @classmethod
    def warning(cls, message: str, application: str | None = None) -> Finding:
        """A finding the operator should read before upgrading."""
        return cls(Level.WARNING, message, application)


@dataclass(frozen=True)
class Probes:
    """Read-only facts gathered from the cloud before planning (None: not gathered).

    ``instance_counts`` maps nova-compute unit names to the number of instances on their
    hypervisor; ``ceph_versions`` is ``ceph versions`` as JSON; ``ceph_flags`` the OSD map
    flags (``noout``...). ``notes`` are probe failures, shown as warnings.
    """

    instance_counts: Mapping[str, int] | None = None
    emptiness_source: str = ""
    ceph_versions: Mapping[str, Mapping[str, int]] | None = None
    ceph_flags: tuple[str, ...] | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanContext:
    """Everything rules may read while planning one cloud."""

    analysis: Analysis
    target: OpenStackRelease
    series: UbuntuSeries
    model: str
    force: bool = False
    standard_timeout: int = STANDARD_IDLE_TIMEOUT
    long_timeout: int = LONG_IDLE_TIMEOUT
    probes: Probes = field(default_factory=Probes)

    @property
    def target_origin(self) -> str:
        """The origin value that installs the target release (``cloud:focal-victoria``)."""
        return self.series.origin_for(self.target)
