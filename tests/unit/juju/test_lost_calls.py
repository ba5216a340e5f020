"""A call pending on a connection libjuju silently lost fails (and is retried), instead of
waiting for ever; a slow answer on a live or reconnecting connection is never cut."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest
from juju.client.connection import Connection, Monitor

from octane.juju.connect import given_up, unless_lost


class FakeMonitor:
    def __init__(self) -> None:
        self.status = Monitor.CONNECTED
        self.reconnecting = asyncio.Lock()


class FakeConnection:
    """What :func:`given_up` reads of libjuju's ``Connection``: its monitor."""

    def __init__(self) -> None:
        self.monitor = FakeMonitor()


def _conn(fake: FakeConnection) -> Connection:
    return cast(Connection, fake)


async def _after(seconds: float, value: Any = "answer") -> Any:
    await asyncio.sleep(seconds)
    return value


def test_an_answer_on_a_live_connection_is_returned_however_slow() -> None:
    async def scenario() -> Any:
        return await unless_lost(_after(0.1), _conn(FakeConnection()), poll=0.01)
    assert asyncio.run(scenario()) == "answer"  # ten looks, never cut


def test_a_call_on_a_connection_libjuju_gave_up_on_fails_and_is_cancelled() -> None:
    cancelled = []

    async def never_answered() -> None:
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    async def scenario() -> None:
        fake = FakeConnection()
        fake.monitor.status = Monitor.ERROR  # closed, receiver ended quietly, no reconnect
        async with asyncio.timeout(5):
            await unless_lost(never_answered(), _conn(fake), poll=0.01)

    with pytest.raises(ConnectionError, match="closed with the call unanswered"):
        asyncio.run(scenario())
    assert cancelled == [True]


def test_a_connection_being_reconnected_is_left_to_libjuju() -> None:
    async def scenario() -> Any:
        fake = FakeConnection()
        fake.monitor.status = Monitor.ERROR
        async with fake.monitor.reconnecting:  # libjuju's reconnect holds this lock
            assert not given_up(_conn(fake))
            return await unless_lost(_after(0.1), _conn(fake), poll=0.01)
    assert asyncio.run(scenario()) == "answer"


class ScriptedMonitor(FakeMonitor):
    """Answers ``status`` from a script, one entry per look, then CONNECTED."""

    def __init__(self, script: list[str]) -> None:
        super().__init__()
        self.script = script
        self.looks = 0
        self.fifth_look = asyncio.Event()

    @property
    def status(self) -> str:
        self.looks += 1
        if self.looks >= 5:
            self.fifth_look.set()
        return self.script.pop(0) if self.script else Monitor.CONNECTED

    @status.setter
    def status(self, value: str) -> None:
        pass


def test_one_bad_look_is_not_enough() -> None:
    """The socket can close right after the reply was queued: one more look first."""
    fake = FakeConnection()
    monitor = fake.monitor = ScriptedMonitor(
        [Monitor.ERROR, Monitor.CONNECTED, Monitor.ERROR, Monitor.CONNECTED])

    async def answered_after_four_looks() -> str:
        await monitor.fifth_look.wait()
        return "answer"

    async def scenario() -> Any:
        async with asyncio.timeout(5):
            return await unless_lost(answered_after_four_looks(), _conn(fake), poll=0.01)
    assert asyncio.run(scenario()) == "answer"
    assert monitor.looks >= 5  # two lone bad looks were seen, and neither cut the call
