"""Cut tables into primary-key ranges of a few megabytes each.

Chunks let several connections load one big table at once (on two cores a single table's
load is otherwise the critical path) and keep each ``GROUP_CONCAT`` well under the
server's ``max_allowed_packet``. A range is half-open in primary-key order; the first and
last chunks are open-ended so no row can fall outside every chunk.

An integer primary key is split arithmetically between its MIN and MAX (two index
lookups); any other key is walked with keyset queries, which reads the key once — done
only for tables big enough to need more than one chunk.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from octane.db.schema import Table
from octane.db.session import Session, quote_name

INTEGER_TYPES = frozenset({"tinyint", "smallint", "mediumint", "int", "integer", "bigint"})
#: Upper bound on chunks per table (keeps planning queries and state small).
MAX_CHUNKS = 4096

Key = tuple[object, ...]


@dataclass(frozen=True)
class Chunk:
    """Rows of ``table`` with ``lower <= key < upper`` (None: unbounded)."""

    table: Table
    index: int
    lower: Key | None = None
    upper: Key | None = None

    def where(self) -> tuple[str, tuple[object, ...]]:
        """The SQL condition selecting this chunk, with its parameters."""
        parts: list[str] = []
        params: list[object] = []
        columns = tuple(quote_name(c) for c in self.table.primary_key)
        if self.lower is not None:
            sql, args = _compare(columns, self.lower, ">=")
            parts.append(sql)
            params.extend(args)
        if self.upper is not None:
            sql, args = _compare(columns, self.upper, "<")
            parts.append(sql)
            params.extend(args)
        return " AND ".join(parts), tuple(params)

    def halves(self) -> tuple[Chunk, Chunk] | None:
        """Two chunks covering this one (integer keys with room to split), else None."""
        if (self.lower is None or self.upper is None or len(self.lower) != 1
                or not isinstance(self.lower[0], int) or not isinstance(self.upper[0], int)):
            return None
        low, high = self.lower[0], self.upper[0]
        if high - low < 2:
            return None
        middle = (low + high) // 2
        return (Chunk(self.table, self.index, (low,), (middle,)),
                Chunk(self.table, self.index, (middle,), (high,)))


def _compare(columns: tuple[str, ...], key: Key, op: str) -> tuple[str, list[object]]:
    """Row comparison ``(a, b) op (x, y)`` spelled out so every server uses the index."""
    strict = op.rstrip("=")
    clauses: list[str] = []
    params: list[object] = []
    for i, column in enumerate(columns):
        last = i == len(columns) - 1
        prefix = [f"{columns[j]} = %s" for j in range(i)]
        clauses.append("(" + " AND ".join([*prefix, f"{column} {op if last else strict} %s"]) + ")")
        params.extend([*key[:i], key[i]])
    return "(" + " OR ".join(clauses) + ")", params


def plan_table(session: Session, table: Table, chunk_bytes: int) -> list[Chunk]:
    """Chunks for ``table`` of about ``chunk_bytes`` of stored data each."""
    wanted = min(MAX_CHUNKS, max(1, math.ceil(table.data_length / max(1, chunk_bytes))))
    if wanted == 1 or not table.primary_key:
        return [Chunk(table, 0)]
    if len(table.primary_key) == 1 and table.primary_key_types[0] in INTEGER_TYPES:
        return _integer_chunks(session, table, wanted)
    return _walked_chunks(session, table, wanted)


def _integer_chunks(session: Session, table: Table, wanted: int) -> list[Chunk]:
    column = quote_name(table.primary_key[0])
    low, high = session.execute(f"SELECT MIN({column}), MAX({column}) FROM {table.qualified}")[0]
    if low is None:
        return [Chunk(table, 0)]
    width = max(1, math.ceil((int(high) - int(low) + 1) / wanted))
    bounds = list(range(int(low) + width, int(high) + 1, width))
    return _from_bounds(table, [(b,) for b in bounds])


def _walked_chunks(session: Session, table: Table, wanted: int) -> list[Chunk]:
    rows_per_chunk = max(1, math.ceil(max(1, table.rows_estimate) / wanted))
    columns = ", ".join(quote_name(c) for c in table.primary_key)
    bounds: list[Key] = []
    last: Key | None = None
    while len(bounds) < MAX_CHUNKS:
        where, params = ("", ()) if last is None else Chunk(table, 0, lower=last).where()
        condition = f" WHERE {where}" if where else ""
        # The next bound is the first key of the next chunk: rows_per_chunk rows further on.
        rows = session.execute(
            f"SELECT {columns} FROM {table.qualified}{condition} ORDER BY {columns} "
            f"LIMIT 1 OFFSET {rows_per_chunk}", params)
        if not rows:
            break
        last = tuple(rows[0])
        bounds.append(last)
    return _from_bounds(table, bounds)


def _from_bounds(table: Table, bounds: list[Key]) -> list[Chunk]:
    """Chunks between consecutive bounds, open at both ends."""
    edges: list[Key | None] = [None, *bounds, None]
    return [Chunk(table, i, edges[i], edges[i + 1]) for i in range(len(edges) - 1)]
