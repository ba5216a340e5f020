"""Chunk bounds: every key falls in exactly one chunk (checked by SQLite evaluating the SQL)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from octane.db.chunks import Chunk, Key, _from_bounds, plan_table
from octane.db.schema import Column, Table
from octane.db.session import Row
from tests.unit.db.fakes import FakeSession


def _table(pk: tuple[str, ...], types: tuple[str, ...], size: int = 100,
           rows: int = 10) -> Table:
    cols = tuple(Column(name, kind) for name, kind in zip(pk, types, strict=True))
    return Table("d", "t", "", cols, pk, types, data_length=size, rows_estimate=rows)


def _members(chunk: Chunk, db: sqlite3.Connection) -> set[tuple[Any, ...]]:
    where, params = chunk.where()
    sql = "SELECT a, b FROM t" + (f" WHERE {where}" if where else "")
    return set(db.execute(sql.replace("`", '"').replace("%s", "?"), params).fetchall())


keys = st.lists(st.tuples(st.integers(-5, 5), st.text("xyz", max_size=2)), min_size=1,
                max_size=40, unique=True)


@settings(max_examples=60, deadline=None)
@given(keys=keys, bounds=st.lists(st.tuples(st.integers(-6, 6), st.text("xyz", max_size=2)),
                                  max_size=5, unique=True))
def test_composite_chunks_partition_the_keys(keys: list[tuple[int, str]],
                                             bounds: list[tuple[int, str]]) -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (a INTEGER, b TEXT)")
    db.executemany("INSERT INTO t VALUES (?, ?)", keys)
    chunks = _from_bounds(_table(("a", "b"), ("int", "varchar")),
                          [tuple(b) for b in sorted(bounds)])
    seen: list[tuple[Any, ...]] = []
    for chunk in chunks:
        seen.extend(_members(chunk, db))
    assert sorted(seen) == sorted(keys)


def test_halves_split_integer_ranges_only() -> None:
    t = _table(("id",), ("int",))
    low, high = Chunk(t, 3, (10,), (20,)).halves() or (None, None)
    assert low == Chunk(t, 3, (10,), (15,)) and high == Chunk(t, 3, (15,), (20,))
    assert Chunk(t, 0, (10,), (11,)).halves() is None
    assert Chunk(t, 0, None, (20,)).halves() is None
    assert Chunk(_table(("s",), ("varchar",)), 0, ("a",), ("b",)).halves() is None


class _PlanningSession(FakeSession):
    """Answers the two planning queries the way a server would."""

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        super().__init__()
        self.rows = sorted(rows)
        self.statements: list[str] = []

    def execute(self, statement: str, args: Sequence[Any] | None = None) -> list[Row]:
        self.statements.append(statement)
        if statement.startswith("SELECT MIN("):
            return [(self.rows[0][0], self.rows[-1][0])]
        offset = int(statement.rsplit("OFFSET ", 1)[1])
        lower: Key | None = tuple(args) if args else None
        after = [r for r in self.rows if lower is None or r >= lower]
        return [after[offset]] if offset < len(after) else []


def test_integer_keys_are_split_arithmetically() -> None:
    session = _PlanningSession([(i,) for i in range(1, 1001)])
    t = _table(("id",), ("bigint",), size=400)
    chunks = plan_table(session, t, chunk_bytes=100)
    assert [c.lower for c in chunks] == [None, (251,), (501,), (751,)]
    assert chunks[-1].upper is None and len(session.statements) == 1


def test_other_keys_are_walked() -> None:
    session = _PlanningSession([(f"k{i:03d}",) for i in range(30)])
    t = _table(("id",), ("varchar",), size=300, rows=30)
    chunks = plan_table(session, t, chunk_bytes=100)
    assert [(c.lower, c.upper) for c in chunks] == [
        (None, ("k010",)), (("k010",), ("k020",)), (("k020",), None)]


def test_small_tables_are_one_chunk() -> None:
    assert plan_table(FakeSession(), _table(("id",), ("int",), size=10), 100) == [  # no query
        Chunk(_table(("id",), ("int",), size=10), 0)]
