"""libjuju's log records of failures it (or the port) handles, kept off the terminal.

They stay in the run's log file at DEBUG; anything else libjuju or asyncio logs at ERROR
still reaches the operator.
"""

from __future__ import annotations

import logging


class _KnownNoise(logging.Filter):
    """Demote libjuju's harmless pinger noise to DEBUG (python-libjuju #1112).

    When libjuju drops its short-lived controller connection, its pinger task is collected
    while pending and asyncio logs "Task was destroyed but it is pending" at ERROR, followed
    by "cannot reuse already awaited coroutine". Every call still succeeds (juju-api.md,
    section 5, item 14); the records stay in the run's log file, off the operator's screen.

    Likewise a reconnect libjuju starts by itself after a drop and that fails (its login cut
    too) ends as an unretrieved task exception, logged at ERROR with a traceback when the
    task is collected; the port replaces that connection
    (:func:`octane.juju.connect.given_up`), so it is handled, not an error of the run.
    """

    MARKERS = ("_pinger", "cannot reuse already awaited coroutine",
               "coro=<Connection.reconnect()")

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if record.levelno >= logging.ERROR and any(m in text for m in self.MARKERS):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


_NOISE = _KnownNoise()


def install_noise_filter() -> None:
    """Keep libjuju's known, handled failures off the terminal (idempotent)."""
    for name in ("asyncio", "juju.client.connection", "juju._jasyncio"):
        logger = logging.getLogger(name)
        if _NOISE not in logger.filters:
            logger.addFilter(_NOISE)
