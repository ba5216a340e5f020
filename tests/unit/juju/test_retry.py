"""Retries: transient failures retried with backoff inside the window; answers are not."""

from __future__ import annotations

import asyncio
import ssl

import pytest
from juju.errors import JujuAPIError, JujuAuthError, JujuConnectionError, JujuError

from octane.errors import ConnectionFailed, NotFound, OctaneError
from octane.juju.retry import retrying, translate


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.now += seconds


def test_transient_failures_are_retried_with_growing_backoff() -> None:
    clock, calls = Clock(), []

    async def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionResetError("reset")
        return "ok"

    assert asyncio.run(retrying(flaky, what="x", timeout=10, clock=clock.clock,
                                sleep=clock.sleep)) == "ok"
    assert clock.sleeps == [1.1, 1.21]


def test_the_window_ends_with_a_one_line_error() -> None:
    clock = Clock()

    async def down() -> None:
        raise ConnectionRefusedError("refused")

    with pytest.raises(ConnectionFailed, match="reading status: cannot reach"):
        asyncio.run(retrying(down, what="reading status", timeout=3, clock=clock.clock,
                             sleep=clock.sleep))
    assert 3 <= clock.now < 6


def test_answers_are_not_retried() -> None:
    clock, calls = Clock(), []

    async def refused() -> None:
        calls.append(1)
        raise JujuError(["application 'nope' not found"])

    with pytest.raises(OctaneError, match="nope"):
        asyncio.run(retrying(refused, what="x", timeout=10, clock=clock.clock,
                             sleep=clock.sleep))
    assert calls == [1] and clock.sleeps == []


def _api_error(code: str) -> JujuAPIError:
    return JujuAPIError({"error": "boom\nsecond line", "error-code": code, "response": {},
                         "request-id": 1})


@pytest.mark.parametrize(("exc", "kind", "text"), [
    (JujuAuthError("invalid entity name or password"), ConnectionFailed, "credentials"),
    (_api_error("unauthorized access"), ConnectionFailed, "credentials"),
    (_api_error("not found"), NotFound, "boom second line"),
    (JujuConnectionError("Unable to connect to any endpoint"), ConnectionFailed, "reach"),
    (ssl.SSLCertVerificationError("bad cert"), ConnectionFailed, "TLS"),
])
def test_translation_to_one_line_octane_errors(exc: BaseException, kind: type,
                                               text: str) -> None:
    err = translate(exc, "doing it")
    assert isinstance(err, kind) and text in err.one_line()
    assert "\n" not in err.one_line()
