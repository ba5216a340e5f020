"""Waiting for a model or some applications to settle, over polled status snapshots.

libjuju's ``wait_for_idle`` mixes watcher state with status calls and sleeps half a second
between checks of every application; octane needs COU's semantics instead, on one status
call per poll: idle means every unit in scope has an ``idle`` agent and an ``active``
workload (``blocked`` tolerated unless asked otherwise) *continuously* for ``idle_period``
seconds; a unit in ``error`` stops the wait at once; a timeout raises with the last status
attached, listing the units still busy, so the operator sees why. The loop logs only when the
set of busy units changes. Time and sleep are injectable, so tests run the loop without
waiting.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass

from octane.cloud.model import Cloud
from octane.errors import OctaneError

LOG = logging.getLogger(__name__)

#: Workload states that count as settled.
SETTLED = frozenset({"active"})
#: Agent states of a unit that has finished its hooks.
IDLE_AGENT = frozenset({"idle"})
#: States that end a wait with an error at once.
FAILED_WORKLOAD = frozenset({"error"})
FAILED_AGENT = frozenset({"error", "failed", "lost"})


class WaitTimeout(OctaneError):
    """The model did not settle in time; ``last`` is the last status seen."""

    def __init__(self, message: str, last: Cloud | None, busy: tuple[str, ...]) -> None:
        super().__init__(message)
        self.last = last
        self.busy = busy


class UnitsInError(OctaneError):
    """A unit went to error (or was blocked, when that was asked to fail) during a wait."""

    def __init__(self, message: str, last: Cloud, units: tuple[str, ...]) -> None:
        super().__init__(message)
        self.last = last
        self.units = units


@dataclass(frozen=True)
class Verdict:
    """What one status snapshot says about the units in scope."""

    busy: tuple[str, ...]
    failed: tuple[str, ...]
    blocked: tuple[str, ...]

    @property
    def settled(self) -> bool:
        """True when no unit in scope is busy or failed."""
        return not self.busy and not self.failed


def verdict(cloud: Cloud, apps: Collection[str] | None = None,
            *, raise_on_blocked: bool = False) -> Verdict:
    """Classify every unit of ``apps`` (all applications when None) in ``cloud``.

    A subordinate unit with an empty workload status (charms that never set one) counts as
    settled once its agent is idle.
    """
    busy: list[str] = []
    failed: list[str] = []
    blocked: list[str] = []
    for app in cloud.applications.values():
        if apps is not None and app.name not in apps:
            continue
        for unit in app.units:
            workload, agent = unit.workload_status, unit.agent_status
            message = f": {unit.workload_message}" if unit.workload_message else ""
            desc = f"{unit.name} ({agent}/{workload}{message})"
            if workload in FAILED_WORKLOAD or agent in FAILED_AGENT:
                failed.append(desc)
            elif workload == "blocked":
                (failed if raise_on_blocked else blocked).append(desc)
                if agent not in IDLE_AGENT:
                    busy.append(desc)
            elif agent not in IDLE_AGENT or not _settled(workload, app.is_subordinate):
                busy.append(desc)
    return Verdict(tuple(busy), tuple(failed), tuple(blocked))


def _settled(workload: str, subordinate: bool) -> bool:
    return workload in SETTLED or (subordinate and workload in ("", "unknown"))


def _scope(apps: Collection[str] | None, model: str) -> str:
    if apps is None:
        return f"model '{model}'"
    names = ", ".join(f"'{a}'" for a in sorted(apps))
    return f"app {names}" if len(apps) == 1 else f"apps {names}"


#: Longest one status read inside a wait may take before it is abandoned and read again.
FETCH_TIMEOUT = 30.0


async def wait_until_idle(fetch: Callable[[], Awaitable[Cloud]], *, model: str,
                          apps: Collection[str] | None = None, timeout: float,
                          idle_period: float = 10.0, poll: float = 1.0,
                          raise_on_blocked: bool = False,
                          clock: Callable[[], float] = time.monotonic,
                          sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> Cloud:
    """Poll ``fetch`` until the scope has been settled for ``idle_period`` seconds.

    Returns the last snapshot. Raises :class:`UnitsInError` as soon as a unit fails and
    :class:`WaitTimeout` after ``timeout`` seconds.
    """
    start = clock()
    settled_since: float | None = None
    last: Cloud | None = None
    last_busy: tuple[str, ...] | None = None
    scope = _scope(apps, model)
    while True:
        try:
            # one status read is bounded too: a reply lost while libjuju reconnects a
            # dropped websocket never arrives, and the wait must not outlive its timeout
            # (seen on the twin's dropped-connection fault); the next read goes over the
            # reconnected socket
            last = await asyncio.wait_for(fetch(), FETCH_TIMEOUT)
        except asyncio.TimeoutError:
            LOG.info("waiting for %s: a status read got no answer in %gs; reading again",
                     scope, FETCH_TIMEOUT)
            if clock() - start >= timeout:
                raise WaitTimeout(f"{scope} did not reach the idle state within "
                                  f"{timeout:g}s; the controller stopped answering status "
                                  "reads", last, last_busy or ()) from None
            continue
        now = clock()
        result = verdict(last, apps, raise_on_blocked=raise_on_blocked)
        if result.failed:
            raise UnitsInError(f"{scope} did not settle: {_short(result.failed)}", last,
                               result.failed)
        if result.busy != last_busy:
            if result.busy:
                LOG.info("waiting for %s: %d unit(s) busy: %s", scope, len(result.busy),
                         _short(result.busy))
            last_busy = result.busy
        if result.settled:
            settled_since = now if settled_since is None else settled_since
            if now - settled_since >= idle_period:
                return last
        else:
            settled_since = None
        if now - start >= timeout:
            raise WaitTimeout(
                f"{scope} did not reach the idle state within {timeout:g}s; "
                f"still busy: {_short(result.busy) or 'settling'}", last, result.busy)
        await sleep(poll)


def _short(items: tuple[str, ...], limit: int = 5) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")
