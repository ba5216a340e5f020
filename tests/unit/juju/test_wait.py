"""The idle wait: settle period, immediate failure, timeout with the last status attached."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

import octane.juju.wait as wait_module
from octane.cloud.model import Application, Cloud, Unit
from octane.juju.wait import UnitsInError, WaitTimeout, verdict, wait_until_idle


def _cloud(*states: tuple[str, str, str]) -> Cloud:
    units = tuple(Unit(name, agent_status=agent, workload_status=workload)
                  for name, agent, workload in states)
    apps: dict[str, list[Unit]] = {}
    for unit in units:
        apps.setdefault(unit.application, []).append(unit)
    return Cloud("m", {n: Application(n, n, units=tuple(us)) for n, us in apps.items()})


class FakeTime:
    """A clock that only moves when the loop sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def _feed(*clouds: Cloud) -> tuple[FakeTime, object]:
    time = FakeTime()
    seq: Iterator[Cloud] = iter(clouds)
    last = clouds[-1]

    async def fetch() -> Cloud:
        return next(seq, last)

    return time, fetch


def test_settles_after_the_idle_period_of_consecutive_idle_polls() -> None:
    busy = _cloud(("a/0", "executing", "maintenance"))
    idle = _cloud(("a/0", "idle", "active"))
    time, fetch = _feed(busy, busy, idle, busy, idle)
    result = asyncio.run(wait_until_idle(fetch, model="m", timeout=100, idle_period=3,  # type: ignore[arg-type]
                                         clock=time.clock, sleep=time.sleep))
    assert result == idle
    # idle at t=2, busy again at t=3, idle from t=4: settled at t=7
    assert time.now == 7.0


def test_error_stops_the_wait_at_once() -> None:
    time, fetch = _feed(_cloud(("a/0", "idle", "active"), ("b/0", "idle", "error")))
    with pytest.raises(UnitsInError, match="b/0"):
        asyncio.run(wait_until_idle(fetch, model="m", timeout=100, clock=time.clock,  # type: ignore[arg-type]
                                    sleep=time.sleep))
    assert time.now == 0.0


def test_timeout_names_the_busy_units_and_keeps_the_last_status() -> None:
    busy = _cloud(("a/0", "executing", "maintenance"))
    time, fetch = _feed(busy)
    with pytest.raises(WaitTimeout) as info:
        asyncio.run(wait_until_idle(fetch, model="m", apps=["a"], timeout=5,  # type: ignore[arg-type]
                                    clock=time.clock, sleep=time.sleep))
    assert "app 'a'" in str(info.value) and "a/0" in str(info.value)
    assert info.value.last == busy and time.now == 5.0


def test_scope_ignores_other_applications() -> None:
    cloud = _cloud(("a/0", "idle", "active"), ("b/0", "executing", "maintenance"))
    assert verdict(cloud, ["a"]).settled
    assert not verdict(cloud).settled


def test_blocked_is_tolerated_unless_asked() -> None:
    cloud = _cloud(("v/0", "idle", "blocked"))
    assert verdict(cloud).settled and verdict(cloud).blocked
    assert verdict(cloud, raise_on_blocked=True).failed


def test_subordinate_without_workload_status_counts_as_settled() -> None:
    cloud = Cloud("m", {"s": Application("s", "s", subordinate_to=("p",),
                                         units=(Unit("s/0", agent_status="idle"),))})
    assert verdict(cloud).settled


async def test_a_status_read_that_never_answers_is_abandoned_and_read_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # a reply lost while libjuju reconnects a dropped websocket: the read hangs forever
    monkeypatch.setattr(wait_module, "FETCH_TIMEOUT", 0.05)
    calls = 0
    settled = _cloud(("keystone/0", "idle", "active"))

    async def fetch() -> Cloud:
        nonlocal calls
        calls += 1
        if calls == 1:
            await asyncio.Event().wait()               # never answers
        return settled

    got = await wait_module.wait_until_idle(fetch, model="m", timeout=5, idle_period=0, poll=0)
    assert got is settled and calls == 2


async def test_a_controller_that_stops_answering_still_ends_the_wait_on_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wait_module, "FETCH_TIMEOUT", 0.05)

    async def fetch() -> Cloud:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    with pytest.raises(wait_module.WaitTimeout, match="stopped answering status reads"):
        await asyncio.wait_for(wait_module.wait_until_idle(fetch, model="m", timeout=0.2), 5)
