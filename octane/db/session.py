"""One connection to a MySQL/MariaDB server: the only place octane touches pymysql.

Everything else in octane sees :class:`Session` (statements in, tuples out) and octane's
own errors: a refused login or an unreachable server becomes a one-line
:class:`~octane.errors.ConnectionFailed` naming the server (never the password); a failed
statement becomes :class:`DatabaseError` with the server's error code, so callers can tell
"disk full" from "lost connection" without importing pymysql.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any

import pymysql
import pymysql.cursors

from octane.db.endpoint import Endpoint
from octane.errors import ConnectionFailed, OctaneError

LOG = logging.getLogger(__name__)

#: Server error codes octane reacts to (MySQL/MariaDB ``ER_*`` numbers).
ACCESS_DENIED = 1045
UNKNOWN_DATABASE = 1049
TABLE_FULL = 1114
ERROR_ON_WRITE = 1026
DISK_FULL = 1021
OUT_OF_RESOURCES = 1041
CANT_CONNECT = 2003
SERVER_GONE = 2006
LOST_CONNECTION = 2013
LOST_CONNECTION_TYPES = (SERVER_GONE, LOST_CONNECTION, 2055, 1927, 1053)

Row = tuple[Any, ...]


class DatabaseError(OctaneError):
    """A statement failed on the server; ``code`` is the server's error number."""

    def __init__(self, message: str, code: int = 0, *, hint: str | None = None,
                 address: str = "") -> None:
        super().__init__(message, hint=hint)
        self.code = code
        self.address = address

    @property
    def lost_connection(self) -> bool:
        """The server went away (stopped, crashed, network cut)."""
        return self.code in LOST_CONNECTION_TYPES

    @property
    def disk_full(self) -> bool:
        """The server could not write: its disk or tablespace is full."""
        text = self.message.lower()
        # errno 28 is ENOSPC; InnoDB reports a full tablespace as 1114 ("table is full")
        # and a file it cannot create as errno 135 ("no more room in record file").
        return (self.code in (TABLE_FULL, DISK_FULL) or "no space left" in text
                or "errno: 28" in text or "errno: 135" in text or "is full" in text)


class Session:
    """A connection with the few operations the copy engine and verifiers need."""

    def __init__(self, endpoint: Endpoint, conn: pymysql.connections.Connection[Any]) -> None:
        self.endpoint = endpoint
        self._conn = conn
        self.last_warnings = 0
        self.last_rowcount = 0

    def execute(self, statement: str, args: Sequence[Any] | None = None) -> list[Row]:
        """Run one statement; its rows (empty for statements without a result)."""
        try:
            with self._conn.cursor() as cursor:
                cursor.execute(statement, args)
                self.last_warnings = int(cursor.warning_count or 0)
                self.last_rowcount = int(cursor.rowcount or 0)
                return list(cursor.fetchall())
        except pymysql.MySQLError as exc:
            raise _database_error(exc, self.endpoint) from exc

    def stream(self, statement: str, args: Sequence[Any] | None = None) -> Iterator[Row]:
        """Rows one at a time without buffering the result (for results too big to hold)."""
        try:
            with self._conn.cursor(pymysql.cursors.SSCursor) as cursor:
                cursor.execute(statement, args)
                while True:
                    row = cursor.fetchone()
                    if row is None:
                        return
                    yield tuple(row)
        except pymysql.MySQLError as exc:
            raise _database_error(exc, self.endpoint) from exc

    def scalar(self, statement: str, args: Sequence[Any] | None = None) -> Any:
        """The first column of the first row (None when there is no row)."""
        rows = self.execute(statement, args)
        return rows[0][0] if rows else None

    def warnings(self, limit: int = 3) -> list[str]:
        """The last statement's warnings, as ``Level code: message`` lines."""
        return [f"{level} {code}: {message}"
                for level, code, message in self.execute(f"SHOW WARNINGS LIMIT {int(limit)}")]

    def close(self) -> None:
        """Close the connection, ignoring a server that is already gone."""
        try:
            self._conn.close()
        except pymysql.MySQLError:  # already closed by the server
            pass
        except Exception:
            LOG.debug("error closing session to %s", self.endpoint.address, exc_info=True)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect(endpoint: Endpoint, *, database: str | None = None, local_infile: bool = False,
            connect_timeout: float = 10.0, read_timeout: float | None = None) -> Session:
    """Open a session (autocommit, utf8mb4, UTC) or raise ConnectionFailed."""
    try:
        conn = pymysql.connect(
            host=endpoint.host, port=endpoint.port, user=endpoint.user,
            password=endpoint.password, database=database, charset="utf8mb4",
            autocommit=True, local_infile=local_infile, connect_timeout=int(connect_timeout),
            read_timeout=int(read_timeout) if read_timeout else None,
            init_command="SET time_zone = '+00:00'",
            cursorclass=pymysql.cursors.Cursor)
    except pymysql.MySQLError as exc:
        code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else 0
        if code == ACCESS_DENIED:
            raise ConnectionFailed(
                f"access denied for user '{endpoint.user}' on {endpoint.address}",
                hint="check the user and password") from exc
        if code == UNKNOWN_DATABASE:
            raise ConnectionFailed(f"database '{database}' does not exist on {endpoint.address}") \
                from exc
        raise ConnectionFailed(f"cannot reach the database server at {endpoint.address}: "
                               f"{_text(exc)}", hint="is it running and listening there?") from exc
    return Session(endpoint, conn)


def _text(exc: BaseException) -> str:
    args: tuple[Any, ...] = tuple(exc.args)
    if len(args) >= 2:
        return " ".join(str(args[1]).split())
    return " ".join(str(exc).split()) or type(exc).__name__


def _database_error(exc: pymysql.MySQLError, endpoint: Endpoint) -> DatabaseError:
    code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else 0
    if isinstance(exc, pymysql.err.InterfaceError) and code == 0:
        code = LOST_CONNECTION  # pymysql's "(0, '')": the socket closed under us
    text = _text(exc) or "connection closed"
    return DatabaseError(f"{endpoint.address}: {text}", code, address=endpoint.address)


def quote_name(name: str) -> str:
    """A backquoted identifier (database, table or column)."""
    return "`" + name.replace("`", "``") + "`"
