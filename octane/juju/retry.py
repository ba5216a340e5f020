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


async def retrying(call: Callable[[], Awaitable[T]], *, what: str, timeout: float,
                   clock: Callable[[], float] = time.monotonic,
                   sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> T:
    """Run ``call``; retry transient failures with 1.1**attempt backoff for ``timeout`` s."""
    start = clock()
    attempt = 0
    while True:
        try:
            return await call()
        except TRANSIENT as exc:
            attempt += 1
            if clock() - start >= timeout:
                raise translate(exc, what) from exc
            delay = 1.1 ** attempt
            LOG.debug("%s failed (%s); retry %d in %.1fs", what, one_line(exc), attempt, delay)
            await sleep(delay)
        except (JujuError, ssl.SSLError) as exc:
            raise translate(exc, what) from exc
