"""Target-side helpers of the copy: pre-flight checks, object creation, DDL verification."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from octane.db.report import ObjectResult, TableResult
from octane.db.schema import DatabaseSchema, Routine, Table, read_schema
from octane.db.session import DatabaseError, Session, quote_name
from octane.errors import OctaneError

LOG = logging.getLogger(__name__)

NO_SUCH_TABLE = 1146
VIEW_INVALID = 1356


def enable_local_infile(tgt: Session) -> bool:
    """Make sure the target accepts LOAD DATA LOCAL; True if we had to switch it on.

    MariaDB enables ``local_infile`` by default; MySQL 8 (mysql-innodb-cluster) does not.
    """
    if int(tgt.scalar("SELECT @@GLOBAL.local_infile") or 0):
        return False
    try:
        tgt.execute("SET GLOBAL local_infile = 1")
    except DatabaseError as exc:
        raise OctaneError(
            f"the target {tgt.endpoint.address} refuses LOAD DATA LOCAL (local_infile=OFF) "
            "and this account cannot enable it",
            hint="run SET GLOBAL local_infile = 1 on the target for the copy") from exc
    LOG.info("enabled local_infile on %s for the copy", tgt.endpoint.address)
    return True


def disable_local_infile(tgt: Session) -> None:
    """Put ``local_infile`` back the way the target had it."""
    try:
        tgt.execute("SET GLOBAL local_infile = 0")
    except DatabaseError:
        LOG.warning("could not switch local_infile off again on %s", tgt.endpoint.address)


def occupied_databases(tgt: Session, databases: Sequence[str]) -> list[str]:
    """Which of ``databases`` already hold tables, views or routines on the target."""
    if not databases:
        return []
    marks = ", ".join(["%s"] * len(databases))
    rows = tgt.execute(
        f"SELECT table_schema FROM information_schema.tables WHERE table_schema IN ({marks}) "
        f"UNION SELECT routine_schema FROM information_schema.routines "
        f"WHERE routine_schema IN ({marks})", (*databases, *databases))
    found = {row[0] for row in rows}
    return [name for name in databases if name in found]


def add_foreign_keys(tgt: Session, tables: Sequence[Table]) -> None:
    """Add each table's foreign keys that the target does not have yet (resume-safe).

    With ``foreign_key_checks = 0`` InnoDB adds a constraint in place without scanning the
    rows: a consistent snapshot cannot hold a dangling reference that the source did not.
    """
    for table in tables:
        wanted = table.foreign_keys()
        if not wanted:
            continue
        current = tgt.execute(f"SHOW CREATE TABLE {table.qualified}")[0][1]
        missing = [fk for fk in wanted if fk not in current]
        if missing:
            tgt.execute(f"ALTER TABLE {table.qualified} "
                        + ", ".join(f"ADD {fk}" for fk in missing))


def create_objects(tgt: Session, database: str, objects: Sequence[Routine]) -> None:
    """Re-create triggers, routines or events, each under its recorded session settings."""
    if not objects:
        return
    tgt.execute(f"USE {quote_name(database)}")
    for item in objects:
        tgt.execute(f"DROP {item.kind} IF EXISTS {quote_name(item.name)}")
        _with_settings(tgt, item)


def create_views(tgt: Session, database: str, views: Sequence[Routine]) -> None:
    """Create views; a view naming another view waits until that one exists."""
    if not views:
        return
    tgt.execute(f"USE {quote_name(database)}")
    pending = list(views)
    for _ in range(len(views) + 1):
        if not pending:
            return
        left = []
        for view in pending:
            tgt.execute(f"DROP VIEW IF EXISTS {quote_name(view.name)}")
            try:
                _with_settings(tgt, view)
            except DatabaseError as exc:
                if exc.code not in (NO_SUCH_TABLE, VIEW_INVALID):
                    raise
                left.append(view)
        if len(left) == len(pending):
            break
        pending = left
    names = ", ".join(f"{database}.{v.name}" for v in pending)
    raise OctaneError(f"cannot create views {names}: they name objects that do not exist")


def _with_settings(tgt: Session, item: Routine) -> None:
    saved = tgt.execute("SELECT @@SESSION.sql_mode, @@SESSION.character_set_client, "
                        "@@SESSION.collation_connection")[0]
    settings = item.session_settings()
    if settings:
        tgt.execute("SET SESSION " + ", ".join(settings))
    try:
        tgt.execute(item.create_sql)
    finally:
        if settings:
            tgt.execute("SET SESSION sql_mode = %s, character_set_client = %s, "
                        "collation_connection = %s", saved)


def compare_schemas(tgt: Session, sources: Sequence[DatabaseSchema],
                    tables: dict[str, TableResult]) -> list[ObjectResult]:
    """Compare every object's DDL on the target with the source's; mark tables that differ."""
    results: list[ObjectResult] = []
    for source in sources:
        target = read_schema(tgt, source.name)
        there = {t.name: t.create_sql for t in target.tables}
        for table in source.tables:
            result = tables.get(table.label)
            if result is not None and there.get(table.name) != table.create_sql:
                result.schema_ok = False
                result.note = "DDL differs"
        for kind, mine, theirs in (("VIEW", source.views, target.views),
                                   ("TRIGGER", source.triggers, target.triggers),
                                   ("ROUTINE", source.routines, target.routines),
                                   ("EVENT", source.events, target.events)):
            by_name = {item.name: item.create_sql for item in theirs}
            results.extend(ObjectResult(f"{source.name}.{item.name}", kind,
                                        by_name.get(item.name) == item.create_sql)
                           for item in mine)
    return results
