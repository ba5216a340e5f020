"""Interrupts: the first asks for a safe stop, the second for an immediate one.

A step half-done can leave the cloud inconsistent (a unit paused, a charm refreshed without
its origin moved), so the first SIGINT or SIGTERM only stops octane from *starting* steps:
what runs finishes and is journaled, then the run ends "stopped safely". The operator who
cannot wait sends a second one, and running steps are cancelled at once ("terminated without
waiting"); the journal then records them as cancelled so a resume verifies and redoes them.

:class:`StopController` counts the requests; it is plain state plus an :class:`asyncio.Event`
so the runner can be tested without signals, and :meth:`StopController.installed` wires it to
the real signals for the duration of a run, restoring the previous handlers afterwards.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

LOG = logging.getLogger(__name__)

SAFE_STOP = 1
TERMINATE = 2


class StopController:
    """How far the operator has asked octane to stop: 0 no, 1 safely, 2 at once."""

    def __init__(self, on_request: Callable[[int, str], None] | None = None) -> None:
        self.level = 0
        self.reason = ""
        self.changed = asyncio.Event()
        #: Called with the new level and the reason (the runner prints "Canceling...").
        self.on_request = on_request

    @property
    def stopping(self) -> bool:
        """True once a stop (safe or immediate) was asked for."""
        return self.level >= SAFE_STOP

    @property
    def terminating(self) -> bool:
        """True once an immediate stop was asked for."""
        return self.level >= TERMINATE

    def request(self, reason: str) -> None:
        """One more interrupt (a signal, or the operator declining a prompt counts as one)."""
        if self.level >= TERMINATE:
            return
        self.level += 1
        self.reason = self.reason or reason
        LOG.warning("stop requested (%s), level %d", reason, self.level)
        self.changed.set()
        if self.on_request is not None:
            self.on_request(self.level, reason)

    async def wait_beyond(self, level: int) -> int:
        """Return the new level once it is above ``level`` (at once if it already is)."""
        while self.level <= level:
            self.changed.clear()
            await self.changed.wait()
        return self.level

    @contextmanager
    def installed(self, signals: tuple[signal.Signals, ...] = (signal.SIGINT, signal.SIGTERM)
                  ) -> Iterator[StopController]:
        """Route ``signals`` to :meth:`request` in the running loop, then restore them."""
        loop = asyncio.get_running_loop()
        previous: dict[signal.Signals, Any] = {}
        for sig in signals:
            previous[sig] = signal.getsignal(sig)
            loop.add_signal_handler(sig, self.request, sig.name)
        try:
            yield self
        finally:
            for sig, handler in previous.items():
                loop.remove_signal_handler(sig)
                signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
