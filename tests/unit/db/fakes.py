"""A base for fake database sessions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from octane.db.endpoint import Endpoint
from octane.db.session import Row, Session


class FakeSession(Session):
    """A :class:`Session` without a server: a subclass answers ``execute`` as a server would.

    It subclasses the real session, so mypy checks every override against it: a fake that
    drifts from the session fails the type check instead of letting production code crash.
    The base answers no query, so a test that passes it proves none is made.
    """

    def __init__(self, endpoint: Endpoint | None = None) -> None:  # no connection to open
        self.endpoint = endpoint or Endpoint("fake", 0)
        self.last_warnings = 0
        self.last_rowcount = 0

    def execute(self, statement: str, args: Sequence[Any] | None = None) -> list[Row]:
        raise AssertionError(f"no query expected: {statement}")

    def close(self) -> None:
        pass
