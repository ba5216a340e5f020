"""One consistent view of the source shared by several connections.

InnoDB gives each transaction its own snapshot, taken when it starts. To have N
connections read the *same* instant, writes are frozen for the moment it takes to start
them: ``FLUSH TABLES WITH READ LOCK`` on a coordinator connection, ``START TRANSACTION WITH
CONSISTENT SNAPSHOT`` on each reader, then ``UNLOCK TABLES``. The schema is read while the
lock is held, so DDL and data agree. Writers are blocked for well under a second (the
time to open the readers and read the schema), then the source runs normally while the
copy reads the frozen view; a change made during the copy is not in it.

FLUSH TABLES WITH READ LOCK waits for running statements to finish, and while it waits it
blocks other clients; ``lock_wait_timeout`` bounds that wait so a long-running query makes
the copy fail with a message instead of stalling the cloud. An account without the RELOAD
privilege cannot take the lock: the copy then uses a single reader, whose own snapshot is
consistent by itself.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from octane.db.endpoint import Endpoint
from octane.db.schema import DatabaseSchema, read_schema
from octane.db.session import DatabaseError, Session, connect
from octane.errors import OctaneError

LOG = logging.getLogger(__name__)

ACCESS_DENIED_CODES = (1227, 1044, 1045, 1142)
LOCK_WAIT_TIMEOUT = 1205


@dataclass
class Snapshot:
    """Reader sessions inside one consistent view, and the schema as of that view."""

    readers: list[Session]
    schemas: list[DatabaseSchema]
    locked: bool

    def close(self) -> None:
        """End every reader's transaction and connection."""
        for session in self.readers:
            session.close()
        self.readers = []


def open_snapshot(endpoint: Endpoint, databases: Sequence[str], readers: int, *,
                  group_concat_max: int, lock_timeout: int = 30) -> Snapshot:
    """Freeze writes briefly, start ``readers`` snapshot transactions, read the schema."""
    coordinator = connect(endpoint)
    sessions: list[Session] = []
    try:
        coordinator.execute(f"SET SESSION lock_wait_timeout = {int(lock_timeout)}")
        locked = _lock(coordinator, lock_timeout)
        count = readers if locked else 1
        for _ in range(count):
            session = connect(endpoint, read_timeout=3600.0)
            sessions.append(session)
            _begin(session, group_concat_max)
        schemas = [read_schema(coordinator, name) for name in databases]
        if locked:
            coordinator.execute("UNLOCK TABLES")
    except BaseException:
        for session in sessions:
            session.close()
        raise
    finally:
        coordinator.close()
    return Snapshot(sessions, schemas, locked)


def _lock(coordinator: Session, lock_timeout: int) -> bool:
    try:
        coordinator.execute("FLUSH TABLES WITH READ LOCK")
    except DatabaseError as exc:
        if exc.code in ACCESS_DENIED_CODES:
            LOG.warning("no RELOAD privilege on %s: reading with one connection",
                        coordinator.endpoint.address)
            return False
        if exc.code == LOCK_WAIT_TIMEOUT:
            raise OctaneError(
                f"could not freeze {coordinator.endpoint.address} for a consistent snapshot "
                f"within {lock_timeout}s", hint="a long-running query or DDL holds its tables; "
                "retry when it has finished") from exc
        raise
    return True


def _begin(session: Session, group_concat_max: int) -> None:
    # sql_mode '' keeps backslash escapes on for the row format; REPEATABLE READ is what
    # makes START TRANSACTION WITH CONSISTENT SNAPSHOT take the view immediately.
    session.execute("SET SESSION sql_mode = '', group_concat_max_len = %s, "
                    "net_write_timeout = 600", (int(group_concat_max),))
    session.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    session.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT")
