"""Retrying calls to the controller the way COU does, and naming failures in one line.

A call that fails because the network blinked is retried with a backoff of 1.1**attempt
seconds until ``OCTANE_TIMEOUT`` has passed; a call the controller answered with an error
(unknown application, bad config key) is not retried, because asking again cannot help.
libjuju's exceptions are translated here into octane's one-line errors so they never cross
the port's boundary.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from juju.errors import JujuAPIError, JujuAuthError, JujuConnectionError, JujuError
from websockets.exceptions import ConnectionClosed

from octane.errors import ConnectionFailed, NotFound, OctaneError

LOG = logging.getLogger(__name__)
T = TypeVar("T")

#: Failures worth another attempt: the transport, not the answer.
TRANSIENT: tuple[type[BaseException], ...] = (ConnectionClosed, ConnectionError,
                                              asyncio.TimeoutError, OSError)


#: Failures :func:`retrying` names in one line: the transport's and the controller's answers.
_NAMED: tuple[type[BaseException], ...] = (JujuError, ssl.SSLError, *TRANSIENT)


def is_transient(exc: BaseException) -> bool:
    """A failure of the transport, not an answer: worth another attempt."""
    return isinstance(exc, TRANSIENT)


def one_line(exc: BaseException) -> str:
    """The first line of an exception's message (libjuju's can span several)."""
    message = getattr(exc, "message", "") or str(exc) or type(exc).__name__
    if isinstance(message, list | tuple):
        message = "; ".join(str(m) for m in message)
    return " ".join(str(message).split())


def translate(exc: BaseException, what: str) -> OctaneError:
    """An octane error for a libjuju failure while doing ``what``."""
    text = one_line(exc)
    if isinstance(exc, OctaneError):
        return exc
    if isinstance(exc, JujuAuthError) or (isinstance(exc, JujuAPIError) and
                                          exc.error_code in ("unauthorized access",
                                                             "permission denied")):
        return ConnectionFailed(f"{what}: the controller refused the credentials ({text})",
                                hint="check accounts.yaml in JUJU_DATA or `juju login`")
    if isinstance(exc, ssl.SSLError):
        return ConnectionFailed(f"{what}: TLS verification failed ({text})",
                                hint="the controller's CA in controllers.yaml does not match")
    if isinstance(exc, JujuAPIError) and exc.error_code == "not found":
        return NotFound(f"{what}: {text}")
    if isinstance(exc, JujuConnectionError | ConnectionError | OSError | ConnectionClosed):
        return ConnectionFailed(f"{what}: cannot reach the controller ({text})")
    if isinstance(exc, JujuError):
        if "not found" in text.lower():  # per-item "application \"x\" not found" and the like
            return NotFound(f"{what}: {text}")
        return OctaneError(f"{what}: {text}")
    return OctaneError(f"{what}: {type(exc).__name__}: {text}")


async def backoff(call: Callable[[], Awaitable[T]], *, what: str, timeout: float,
                  clock: Callable[[], float] = time.monotonic,
                  sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
                  transient: Callable[[BaseException], bool] = is_transient) -> T:
    """Run ``call``; retry transient failures with 1.1**attempt backoff for ``timeout`` s.

    The last failure is raised as it is, for callers that name failures themselves (opening
    a connection tells "not found" from "unreachable"). ``transient`` says which failures
    are worth another attempt (by default the :data:`TRANSIENT` types).
    """
    start = clock()
    attempt = 0
    while True:
        try:
            return await call()
        except Exception as exc:
            if not transient(exc):
                raise
            attempt += 1
            if clock() - start >= timeout:
                raise
            delay = 1.1 ** attempt
            LOG.debug("%s failed (%s); retry %d in %.1fs", what, one_line(exc), attempt, delay)
            await sleep(delay)


async def retrying(call: Callable[[], Awaitable[T]], *, what: str, timeout: float,
                   clock: Callable[[], float] = time.monotonic,
                   sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> T:
    """:func:`backoff`, with the failure named in one line (an octane error)."""
    try:
        return await backoff(call, what=what, timeout=timeout, clock=clock, sleep=sleep)
    except _NAMED as exc:
        raise translate(exc, what) from exc
