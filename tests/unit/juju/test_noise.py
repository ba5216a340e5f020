"""libjuju's handled failures stay in the log file, off the operator's terminal."""

from __future__ import annotations

import asyncio
import gc
import logging

import pytest

from octane.juju.noise import install_noise_filter


class Connection:
    """Named as libjuju's class: asyncio names a task by its coroutine's qualified name."""

    async def reconnect(self) -> None:
        raise ConnectionError("no close frame received or sent")


async def _abandoned_reconnect() -> None:
    task = asyncio.ensure_future(Connection().reconnect())  # as libjuju's receiver does
    await asyncio.sleep(0.01)
    assert task.done()
    del task
    gc.collect()  # asyncio logs "Task exception was never retrieved" when it is collected


def test_a_failed_libjuju_reconnect_is_logged_at_debug(caplog: pytest.LogCaptureFixture
                                                       ) -> None:
    install_noise_filter()
    caplog.set_level(logging.DEBUG, logger="asyncio")
    asyncio.run(_abandoned_reconnect())
    [record] = [r for r in caplog.records if "never retrieved" in r.getMessage()]
    assert "Connection.reconnect()" in record.getMessage()
    assert record.levelno == logging.DEBUG  # was ERROR, with a traceback


def test_other_unretrieved_task_errors_stay_errors(caplog: pytest.LogCaptureFixture) -> None:
    async def boom() -> None:
        raise RuntimeError("a real bug")

    async def abandoned() -> None:
        task = asyncio.ensure_future(boom())
        await asyncio.sleep(0.01)
        del task
        gc.collect()

    install_noise_filter()
    caplog.set_level(logging.DEBUG, logger="asyncio")
    asyncio.run(abandoned())
    [record] = [r for r in caplog.records if "never retrieved" in r.getMessage()]
    assert record.levelno == logging.ERROR
