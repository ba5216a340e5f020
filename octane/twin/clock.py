"""Simulated time for the twin.

A charm's hook can take 2,400 scenario seconds to settle; tests and demos cannot wait that
long. The twin therefore runs on a clock whose scenario seconds pass ``scale`` times faster
than wall-clock seconds, and computes time-derived state (is this unit still executing?)
from the clock when it is read, instead of sleeping in background threads (moto's rule).
The clock can also be moved by hand (``advance``) from the admin channel or a test.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class Clock:
    """Scenario time: ``now()`` advances ``scale`` scenario seconds per wall second."""

    def __init__(self, scale: float = 1000.0, start: float | None = None,
                 wall: Callable[[], float] = time.monotonic) -> None:
        if scale <= 0:
            raise ValueError("clock scale must be positive")
        self.scale = scale
        self._wall = wall
        self._wall0 = wall()
        self._start = time.time() if start is None else start
        self._offset = 0.0

    def now(self) -> float:
        """Scenario time, in seconds since the epoch."""
        return self._start + (self._wall() - self._wall0) * self.scale + self._offset

    def advance(self, seconds: float) -> None:
        """Jump forward by ``seconds`` of scenario time (never backwards)."""
        if seconds < 0:
            raise ValueError("the twin's clock never goes backwards")
        self._offset += seconds

    def wall_seconds(self, scenario_seconds: float) -> float:
        """How long ``scenario_seconds`` take in wall-clock time."""
        return max(0.0, scenario_seconds / self.scale)

    async def sleep(self, scenario_seconds: float) -> None:
        """Sleep for ``scenario_seconds`` of scenario time."""
        await asyncio.sleep(self.wall_seconds(scenario_seconds))
