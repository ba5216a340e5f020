"""The wire format of a copy: the source server writes it, the target server reads it.

Rows travel in the text format ``LOAD DATA`` reads — fields separated by tab, rows by
newline, strings enclosed in single quotes with ``\\`` escapes, ``\\N`` or an unquoted
``NULL`` for NULL — because the target's ``LOAD DATA`` is the cheapest way into InnoDB
(about twice as fast as parsing ``INSERT`` statements, docs/db.md). The *source* server
produces that text itself: each row is one ``CONCAT_WS`` expression, and a whole chunk of
rows is one ``GROUP_CONCAT`` value. Python never looks at a row; it moves a few megabytes
per chunk from one socket to the other.

Strings and binaries go through ``QUOTE()``: one linear pass that escapes backslash,
quote, NUL and ^Z and keeps tabs and newlines inside the quotes, where ``LOAD DATA``
takes them literally. (Escaping with ``REPLACE()`` looks equivalent but MariaDB shifts the
whole string at every match: a 4 MB heat template with 90,000 newlines took six minutes.)

Exactness: string and binary columns are cast to BINARY before quoting and loaded with
``CHARACTER SET binary``, so bytes are copied as stored — no character-set conversion on
either side, whatever the column's charset. Numbers, dates and times travel as the
server prints them (zero dates included; the target session allows them), TIMESTAMPs in
UTC (both sessions use ``time_zone = '+00:00'``). BIT columns travel as integers and are
cast back; FLOATs travel widened to DOUBLE (their own printed form loses bits, a flaw
mysqldump has). Generated columns are left out and recomputed by the target.
"""

from __future__ import annotations

from dataclasses import dataclass

from octane.db.schema import Column, Table
from octane.db.session import quote_name

#: Types whose printed form never contains a tab, newline or backslash.
PLAIN_TYPES = frozenset({
    "tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal", "numeric",
    "double", "real", "date", "datetime", "timestamp", "time", "year",
})
#: FLOAT prints with 6 significant digits, which does not round-trip (3.4028235e38 comes
#: back as a different float). Widening to DOUBLE is exact and DOUBLE prints 17 digits.
FLOAT_TYPES = frozenset({"float"})
#: Types loaded through a user variable and cast back.
BIT_TYPES = frozenset({"bit"})

_NULL = "_binary'\\\\N'"


def column_expression(column: Column) -> str:
    """SQL turning one column of one row into its escaped ``LOAD DATA`` field."""
    col = quote_name(column.name)
    if column.data_type in PLAIN_TYPES:
        return f"IFNULL({col}, {_NULL})"
    if column.data_type in FLOAT_TYPES:
        return f"IFNULL(CAST({col} AS DOUBLE), {_NULL})"
    if column.data_type in BIT_TYPES:
        return f"IFNULL({col} + 0, {_NULL})"
    return f"QUOTE(CAST({col} AS BINARY))"  # NULL becomes the unquoted word NULL


def row_expression(table: Table) -> str:
    """SQL producing one table row as one line (without the newline)."""
    fields = ", ".join(column_expression(col) for col in table.copied_columns)
    return f"CONCAT_WS(_binary'\\t', {fields})"


@dataclass(frozen=True)
class ChunkQuery:
    """The statement reading one chunk as ``(row count, text)`` and its parameters."""

    sql: str
    params: tuple[object, ...]


def chunk_query(table: Table, where: str, params: tuple[object, ...]) -> ChunkQuery:
    """``SELECT COUNT(*), GROUP_CONCAT(row) FROM table WHERE …`` in primary-key order."""
    condition = f" WHERE {where}" if where else ""
    sql = (f"SELECT COUNT(*), GROUP_CONCAT({row_expression(table)} SEPARATOR '\\n') "
           f"FROM {table.qualified}{condition}")
    return ChunkQuery(sql, params)


def rows_query(table: Table, where: str) -> str:
    """Row-per-row form of :func:`chunk_query`, for rows too wide to group."""
    condition = f" WHERE {where}" if where else ""
    return f"SELECT {row_expression(table)} FROM {table.qualified}{condition}"


def load_statement(table: Table, path: str) -> str:
    """``LOAD DATA LOCAL INFILE`` reading :func:`row_expression` lines into ``table``."""
    targets, sets = [], []
    for index, column in enumerate(table.copied_columns):
        if column.data_type in BIT_TYPES:
            var = f"@octane_v{index}"
            targets.append(var)
            sets.append(f"{quote_name(column.name)} = CAST({var} AS UNSIGNED)")
        else:
            targets.append(quote_name(column.name))
    literal = path.replace("\\", "\\\\").replace("'", "\\'")
    statement = (f"LOAD DATA LOCAL INFILE '{literal}' INTO TABLE {table.qualified} "
                 "CHARACTER SET binary FIELDS TERMINATED BY '\\t' ENCLOSED BY '\\'' "
                 "ESCAPED BY '\\\\' "
                 f"LINES TERMINATED BY '\\n' ({', '.join(targets)})")
    if sets:
        statement += " SET " + ", ".join(sets)
    return statement
