"""The seed's own record of octane's copy: filling, then authoritative.

Why: once the seed's copy of the databases has been migrated, it is the cloud's truth;
copying the original over it again would silently throw away everything written to the
seed since (DESIGN.md, safety rules). octane therefore records, *in the seed's server*, that
it is filling the seed (``copying``) and then that the seed is ``authoritative``, in a small
database of its own (``octane.upgrade_db``, one row). The journal records the same guard as
a step; the record in the server survives a lost or different jumphost, the journal a
rebuilt seed server. ``upgrade-db`` refuses to copy when either says authoritative, unless
``--force``.

``copying`` also tells a later run that tables in the seed's service databases are octane's
own half-finished work (not data of the seed's services), so the copy may replace them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from octane.db.session import DatabaseError, Session

DATABASE = "octane"
TABLE = "upgrade_db"
COPYING = "copying"
AUTHORITATIVE = "authoritative"
#: Server error codes of a missing database or table (no record yet).
_MISSING = (1049, 1146)

_CREATE = (f"CREATE TABLE IF NOT EXISTS `{DATABASE}`.`{TABLE}` ("
           "id TINYINT NOT NULL PRIMARY KEY, run_id VARCHAR(64) NOT NULL, "
           "original VARCHAR(255) NOT NULL, state VARCHAR(16) NOT NULL, "
           "databases_copied TEXT NOT NULL, updated_at DATETIME NOT NULL"
           ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4")


@dataclass(frozen=True)
class GuardRecord:
    """What the seed records about octane's copy into it."""

    run_id: str
    original: str
    state: str
    databases: tuple[str, ...]
    updated_at: str

    @property
    def authoritative(self) -> bool:
        """The seed's databases are the cloud's truth: never copy over them unforced."""
        return self.state == AUTHORITATIVE

    def describe(self) -> str:
        """One line for the operator."""
        return (f"run {self.run_id} made the seed {self.state} at {self.updated_at} UTC "
                f"(copied from '{self.original}': {', '.join(self.databases)})")


def read(session: Session) -> GuardRecord | None:
    """The seed's record, or None when octane never copied into it."""
    try:
        rows = session.execute(f"SELECT run_id, original, state, databases_copied, "
                               f"DATE_FORMAT(updated_at, '%%Y-%%m-%%d %%H:%%i:%%s') "
                               f"FROM `{DATABASE}`.`{TABLE}` WHERE id = 1")
    except DatabaseError as exc:
        if exc.code in _MISSING:
            return None
        raise
    if not rows:
        return None
    run_id, original, state, databases, updated = rows[0]
    return GuardRecord(str(run_id), str(original), str(state),
                       tuple(json.loads(str(databases))), str(updated))


def record(session: Session, state: str, *, run_id: str, original: str,
           databases: list[str]) -> GuardRecord:
    """Write the seed's record (``copying`` or ``authoritative``) and read it back."""
    if state not in (COPYING, AUTHORITATIVE):
        raise ValueError(f"unknown guard state {state!r}")
    session.execute(f"CREATE DATABASE IF NOT EXISTS `{DATABASE}` CHARACTER SET utf8mb4")
    session.execute(_CREATE)
    session.execute(f"REPLACE INTO `{DATABASE}`.`{TABLE}` (id, run_id, original, state, "
                    "databases_copied, updated_at) VALUES (1, %s, %s, %s, %s, UTC_TIMESTAMP())",
                    (run_id, original, state, json.dumps(sorted(databases))))
    found = read(session)
    if found is None or (found.run_id, found.state) != (run_id, state):
        raise DatabaseError(f"{session.endpoint.address}: the guard did not read back")
    return found


def database_bytes(session: Session, databases: list[str]) -> int:
    """Data plus index bytes of ``databases`` as the server reports them (an estimate of
    what a copy writes: InnoDB's own page accounting)."""
    if not databases:
        return 0
    marks = ", ".join(["%s"] * len(databases))
    value = session.scalar("SELECT SUM(data_length + index_length) FROM "
                           f"information_schema.tables WHERE table_schema IN ({marks})",
                           tuple(databases))
    return int(value or 0)
