"""Typed reads of a libjuju ``FullStatus``, for the tests that drive unmodified libjuju.

libjuju builds every nested status with ``Type.from_json``, typed ``Self | None``, and types
its string fields ``bytes | str | None`` (what its own checks accept). A controller always
sends these entries, as strings: the accessors fail the test where the twin leaves one out
and give the caller the type the controller sends.
"""

from __future__ import annotations

from typing import TypeVar

from juju.client.client import ApplicationStatus, FullStatus, UnitStatus

T = TypeVar("T")


def present(value: T | None) -> T:
    """``value``, which the controller always sends (the test fails if it is missing)."""
    assert value is not None
    return value


def text(value: object) -> str:
    """A string field of a status (the test fails on anything else)."""
    assert isinstance(value, str), value
    return value


def application(status: FullStatus, name: str) -> ApplicationStatus:
    """Application ``name`` of the status."""
    return present(status.applications[name])


def units(status: FullStatus, app: str) -> dict[str, UnitStatus]:
    """The principal units of ``app`` by name (subordinates are nested under them)."""
    return {name: present(unit) for name, unit in application(status, app).units.items()}


def subordinates(unit: UnitStatus) -> dict[str, UnitStatus]:
    """The subordinate units on ``unit`` by name."""
    return {name: present(sub) for name, sub in unit.subordinates.items()}
