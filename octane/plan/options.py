"""The operator's choices for a plan, validated once, with COU's flag names and meanings.

Commands parse flags into :class:`PlanOptions`; the planner reads nothing else, so a saved
plan's ``meta.options`` says exactly what it was built with, and ``octane upgrade`` can
rebuild the same plan from the same options.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict

from octane.apps.context import LONG_IDLE_TIMEOUT, STANDARD_IDLE_TIMEOUT
from octane.errors import UsageError

GROUPS = ("control-plane", "data-plane", "hypervisors")
_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")


def parse_purge_date(text: str) -> str:
    """Validate ``--purge-before-date`` (``YYYY-MM-DD[ HH:mm[:ss]]``, COU's format)."""
    for fmt in _DATE_FORMATS:
        try:
            datetime.datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
        return text.strip()
    raise UsageError(f"--purge-before-date {text!r} is not a date: use YYYY-MM-DD[ HH:mm[:ss]]")


def split_list(values: Iterable[str] | None) -> tuple[str, ...]:
    """``["0, 1", "4"]`` -> ``("0", "1", "4")``: repeatable, comma-separated flags."""
    out: list[str] = []
    for value in values or ():
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return tuple(dict.fromkeys(out))


def _timeout(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) <= 0:
        raise UsageError(f"{name}={raw!r} must be a positive number of seconds")
    return int(raw)


class IdleTimeouts(TypedDict):
    """The two idle timeouts, as keyword arguments of :class:`PlanOptions`."""

    standard_timeout: int
    long_timeout: int


@dataclass(frozen=True)
class PlanOptions:
    """What the operator asked for (see ``octane plan --help``)."""

    group: str | None = None
    backup: bool = True
    archive: bool = True
    archive_batch_size: int = 1000
    purge: bool = False
    purge_before: str | None = None
    skip_apps: frozenset[str] = field(default_factory=frozenset)
    force: bool = False
    machines: tuple[str, ...] = ()
    azs: tuple[str, ...] = ()
    #: Vault is left out unless asked (``--upgrade-vault``): its refresh needs unseal keys.
    upgrade_vault: bool = False
    #: Hypervisors: after a canary AZ, this many AZs at a time (1: one AZ at a time, COU).
    az_batch: int = 1
    standard_timeout: int = STANDARD_IDLE_TIMEOUT
    long_timeout: int = LONG_IDLE_TIMEOUT

    def __post_init__(self) -> None:
        if self.group is not None and self.group not in GROUPS:
            raise UsageError(f"unknown upgrade group {self.group!r}; choose one of "
                             f"{', '.join(GROUPS)}")
        if self.archive_batch_size <= 0:
            raise UsageError(f"--archive-batch-size must be a positive integer, not "
                             f"{self.archive_batch_size}")
        if self.az_batch < 1:
            raise UsageError(f"--az-batch must be a positive integer, not {self.az_batch}")
        if self.machines and self.azs:
            raise UsageError("--machine and --availability-zone cannot be used together")
        if (self.machines or self.azs) and self.group != "hypervisors":
            raise UsageError("--machine and --availability-zone only apply to the "
                             "'hypervisors' group")
        if self.purge_before is not None:
            if not self.purge:
                raise UsageError("--purge-before-date needs --purge")
            object.__setattr__(self, "purge_before", parse_purge_date(self.purge_before))

    @staticmethod
    def timeouts_from_env(env: Mapping[str, str] | None = None) -> IdleTimeouts:
        """``OCTANE_STANDARD_IDLE_TIMEOUT`` / ``OCTANE_LONG_IDLE_TIMEOUT`` (COU's names)."""
        source = os.environ if env is None else env
        return {"standard_timeout": _timeout(source, "OCTANE_STANDARD_IDLE_TIMEOUT",
                                             STANDARD_IDLE_TIMEOUT),
                "long_timeout": _timeout(source, "OCTANE_LONG_IDLE_TIMEOUT", LONG_IDLE_TIMEOUT)}

    def to_dict(self) -> dict[str, Any]:
        """JSON form for ``meta.options``."""
        return {"group": self.group, "backup": self.backup, "archive": self.archive,
                "archive_batch_size": self.archive_batch_size, "purge": self.purge,
                "purge_before": self.purge_before, "skip_apps": sorted(self.skip_apps),
                "force": self.force, "machines": list(self.machines), "azs": list(self.azs),
                "upgrade_vault": self.upgrade_vault, "az_batch": self.az_batch,
                "standard_timeout": self.standard_timeout, "long_timeout": self.long_timeout}
