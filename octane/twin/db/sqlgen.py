"""Small SQL-expression builders shared by the seeders.

Each returns SQL text evaluated per generated row, so the server does the work and the
values are deterministic functions of the row number.
"""

from __future__ import annotations

#: The moment the seeded cloud was built; every timestamp is an offset from it.
EPOCH = "'2024-01-01 00:00:00'"
#: utf8mb4 text that a latin1 or utf8mb3 round trip would mangle.
UNICODE = "' \U0001F680 ünïcødé 日本語'"
#: Characters a dump format must escape: tab, newline, backslash, quotes.
AWKWARD = "'\\ttab\\nnewline \\\\backslash \"dq\" ''sq'''"
#: Every byte value once, as SQL hex (a binary payload's worst case).
ALL_BYTES = "UNHEX('" + "".join(f"{b:02X}" for b in range(256)) + "')"


def seq(count: int) -> str:
    """The sequence table giving rows ``1..count`` (at least one row)."""
    return f"seq_1_to_{max(1, int(count))}"


def uuid(tag: str, number: str = "seq") -> str:
    """A uuid-formatted, deterministic id for row ``number`` of kind ``tag``."""
    h = f"MD5(CONCAT('{tag}-', {number}))"
    return (f"CONCAT_WS('-', LEFT({h}, 8), SUBSTR({h}, 9, 4), SUBSTR({h}, 13, 4), "
            f"SUBSTR({h}, 17, 4), SUBSTR({h}, 21, 12))")


def hexid(tag: str, number: str = "seq") -> str:
    """A 32-character hex id (keystone, designate)."""
    return f"MD5(CONCAT('{tag}-', {number}))"


def at(minutes: str) -> str:
    """A DATETIME ``minutes`` after the epoch."""
    return f"{EPOCH} + INTERVAL ({minutes}) MINUTE"


def pick(number: str, *choices: str) -> str:
    """One of ``choices`` (SQL literals) chosen by ``number`` modulo their count."""
    items = ", ".join(choices)
    return f"ELT(1 + ({number}) % {len(choices)}, {items})"


def padded(text: str, size: int) -> str:
    """``text`` followed by filler up to about ``size`` characters (JSON-ish bodies)."""
    return f"CONCAT({text}, REPEAT('x', GREATEST(0, {size} - CHAR_LENGTH({text}))))"


def blob(number: str, size: int) -> str:
    """``size`` bytes of binary payload: hashes of ``number`` and every byte value."""
    rounds = max(1, size // 320)
    return (f"LEFT(REPEAT(CONCAT(UNHEX(SHA2(CONCAT('blob-', {number}), 512)), {ALL_BYTES}), "
            f"{rounds}), {size})")


def insert(table: str, columns: str, select: str) -> str:
    """``INSERT INTO table (columns) SELECT …`` as one statement line."""
    return f"INSERT INTO `{table}` ({columns})\nSELECT {select};\n"
