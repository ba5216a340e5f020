"""A database of awkward values every copy must carry byte for byte."""

from __future__ import annotations

from octane.db.session import Session

EDGE_DDL = [
    "CREATE DATABASE edge CHARACTER SET latin1",
    """CREATE TABLE edge.awkward (
        id INT PRIMARY KEY, b LONGBLOB, s VARCHAR(50) CHARACTER SET utf8mb4,
        l VARCHAR(50) CHARACTER SET latin1, z DATETIME, ts TIMESTAMP NULL, f FLOAT, d DOUBLE,
        n DECIMAL(30,10), bits BIT(10), j JSON, e ENUM('a','b\tc'), st SET('x','y'),
        g INT AS (id * 2) VIRTUAL,
        gs VARCHAR(60) CHARACTER SET utf8mb4 AS (CONCAT(s, '!')) STORED,
        y YEAR, tm TIME(3), vb VARBINARY(20), u UUID, i6 INET6)""",
    "CREATE TABLE edge.no_pk (v VARCHAR(10))",
    """CREATE TABLE edge.composite (a VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
        b INT, c TEXT, PRIMARY KEY (a, b), KEY c_prefix (c(10)))""",
    """CREATE TABLE edge.wide (id INT AUTO_INCREMENT, k INT, payload LONGTEXT,
        PRIMARY KEY (k, id), KEY (id))""",
]

AWKWARD_COLUMNS = "id, b, s, l, z, ts, f, d, n, bits, j, e, st, y, tm, vb, u, i6"
AWKWARD_ROWS = [
    (1, bytes(range(256)), "\U0001F680 日本", "caf\xe9", "0000-00-00 00:00:00",
     "1970-01-01 00:00:01", 0.1, 1 / 3, "12345678901234567890.0123456789", 5,
     '{"a": "\\\\N\\t"}', "b\tc", "x,y", 2024, "-838:59:59.999", b"\x00\x00",
     "123e4567-e89b-12d3-a456-426614174000", "::1"),
    (2, b"", "", "", None, None, None, None, None, None, None, None, None, None, None, b"",
     None, None),
    (3, b"\\N", "NULL", "\\N", "2024-02-29 23:59:59", "2038-01-19 03:14:07", 3.4028235e38,
     2.2250738585072014e-308, "-0.0000000001", 1023, "null", "a", "", 0, "00:00:00", b"\\",
     None, None),
    (4, None, "\\", "\t\n\r", "1000-01-01 00:00:00", None, -1.17549435e-38,
     1.7976931348623157e308, "0", 0, "[]", None, None, 1901, None, None, None, None),
]
#: Rows per table, as created by :func:`create_edge`.
EDGE_ROWS = {"edge.awkward": 4, "edge.no_pk": 5, "edge.composite": 5000, "edge.wide": 3}
WIDE_ROW_BYTES = 3_000_000


def create_edge(session: Session) -> None:
    """Create and fill the ``edge`` database through ``session``."""
    session.execute("SET SESSION sql_mode = ''")
    for statement in EDGE_DDL:
        session.execute(statement)
    marks = ", ".join(["%s"] * len(AWKWARD_ROWS[0]))
    for row in AWKWARD_ROWS:
        session.execute(f"INSERT INTO edge.awkward ({AWKWARD_COLUMNS}) VALUES ({marks})", row)
    session.execute("INSERT INTO edge.no_pk VALUES (''), (''), (NULL), ('a'), ('\\\\N')")
    session.execute("INSERT INTO edge.composite SELECT CONCAT('k', seq % 97), seq, "
                    "REPEAT('x', seq % 300) FROM edge.seq_1_to_5000")
    session.execute(f"INSERT INTO edge.wide (k, payload) SELECT seq, REPEAT(CHAR(65 + seq), "
                    f"{WIDE_ROW_BYTES}) FROM edge.seq_1_to_3")
