"""The reader/loader pipeline with fake sessions: results, verification, and no hang on errors."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

import pytest

from octane.db import transfer
from octane.db.chunks import Chunk
from octane.db.endpoint import Endpoint
from octane.db.report import TableResult
from octane.db.schema import Column, Table
from octane.db.session import DatabaseError, Row, Session
from tests.unit.db.fakes import FakeSession

TABLE = Table("d", "t", "", (Column("id", "int"),), ("id",), ("int",), data_length=10)


class FakeSource(FakeSession):
    """Answers chunk queries with ``rows`` lines and CHECKSUM TABLE with 42."""

    def __init__(self, rows: int) -> None:
        super().__init__(Endpoint("src", 1))
        self.rows = rows

    def execute(self, statement: str, args: Sequence[Any] | None = None) -> list[Row]:
        if statement.startswith("CHECKSUM"):
            return [("d.t", 42)]
        data = b"\n".join(str(i).encode() for i in range(self.rows))
        return [(self.rows, data)]


class FakeTarget(FakeSession):
    """Reads what the loader pipes in; optionally fails every LOAD DATA."""

    def __init__(self, fail: bool, received: list[bytes]) -> None:
        super().__init__(Endpoint("tgt", 2))
        self.fail = fail
        self.received = received

    def execute(self, statement: str, args: Sequence[Any] | None = None) -> list[Row]:
        if statement.startswith("LOAD DATA"):
            if self.fail:
                raise DatabaseError("tgt:2: The table 't' is full", 1114)
            path = statement.split("'")[1]
            with open(path, "rb") as pipe:
                data = pipe.read()
            self.received.append(data)
            self.last_rowcount = data.count(b"\n")
            return []
        if statement.startswith("CHECKSUM"):
            return [("d.t", 42)]
        return [(sum(len(d.splitlines()) for d in self.received),)]

    def warnings(self, limit: int = 3) -> list[str]:
        return []


def run(monkeypatch: pytest.MonkeyPatch, fail: bool, chunks: int
        ) -> tuple[transfer.Transfer, list[bytes]]:
    received: list[bytes] = []
    monkeypatch.setattr(transfer, "connect", lambda *a, **k: FakeTarget(fail, received))
    verified: list[TableResult] = []
    readers: list[Session] = [FakeSource(3), FakeSource(3)]
    work = [Chunk(TABLE, i, (i * 10,), (i * 10 + 10,)) for i in range(chunks)]
    pipeline = transfer.Transfer(readers, Endpoint("tgt", 2), 2, work, max_piece=1 << 20,
                                 on_verified=verified.append)
    return pipeline, received


def test_every_chunk_is_loaded_and_the_table_verified(monkeypatch: pytest.MonkeyPatch) -> None:
    pipeline, received = run(monkeypatch, fail=False, chunks=5)
    [result] = pipeline.run().values()
    assert len(received) == 5 and all(d == b"0\n1\n2\n" for d in received)
    assert (result.source_rows, result.target_rows) == (15, 15)
    assert (result.source_checksum, result.target_checksum) == (42, 42) and result.ok


def test_a_failing_loader_stops_everything_without_hanging(
        monkeypatch: pytest.MonkeyPatch) -> None:
    pipeline, _ = run(monkeypatch, fail=True, chunks=50)
    threads, fds = threading.active_count(), len(os.listdir("/proc/self/fd"))
    with pytest.raises(DatabaseError, match="is full"):
        pipeline.run()
    assert threading.active_count() <= threads  # readers, loaders and feeders all ended
    assert len(os.listdir("/proc/self/fd")) <= fds  # no pipe leaked
