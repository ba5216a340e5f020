"""The SQL producing and consuming the copy's row format."""

from __future__ import annotations

from octane.db.rowformat import chunk_query, column_expression, load_statement, row_expression
from octane.db.schema import Column, Table


def test_numbers_and_dates_only_map_null() -> None:
    assert column_expression(Column("n", "bigint")) == "IFNULL(`n`, _binary'\\\\N')"
    assert column_expression(Column("d", "datetime")) == "IFNULL(`d`, _binary'\\\\N')"


def test_floats_travel_as_doubles_and_bits_as_integers() -> None:
    assert "CAST(`f` AS DOUBLE)" in column_expression(Column("f", "float"))
    assert "`b` + 0" in column_expression(Column("b", "bit"))


def test_strings_are_quoted_as_binary() -> None:
    # QUOTE() is linear and keeps tabs and newlines inside the quotes; NULL is the bare word.
    assert column_expression(Column("s", "varchar")) == "QUOTE(CAST(`s` AS BINARY))"
    assert column_expression(Column("b", "longblob")) == "QUOTE(CAST(`b` AS BINARY))"


def test_generated_columns_left_out_and_bits_cast_back() -> None:
    t = Table("d", "t", "", (Column("id", "int"), Column("b", "bit"),
                             Column("g", "int", generated=True)))
    assert row_expression(t).count("IFNULL") == 2 and "`g`" not in row_expression(t)
    load = load_statement(t, "/dev/fd/7")
    assert load.startswith("LOAD DATA LOCAL INFILE '/dev/fd/7' INTO TABLE `d`.`t` "
                           "CHARACTER SET binary FIELDS TERMINATED BY '\\t' ENCLOSED BY '\\'' "
                           "ESCAPED BY '\\\\' LINES TERMINATED BY '\\n'")
    assert load.endswith("(`id`, @octane_v1) SET `b` = CAST(@octane_v1 AS UNSIGNED)")


def test_chunk_query_counts_and_groups() -> None:
    t = Table("d", "t", "", (Column("id", "int"),))
    query = chunk_query(t, "`id` >= %s", (5,))
    assert query.sql.startswith("SELECT COUNT(*), GROUP_CONCAT(CONCAT_WS(")
    assert query.sql.endswith("FROM `d`.`t` WHERE `id` >= %s") and query.params == (5,)
