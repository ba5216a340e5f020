"""What a database consists of, read from the server, and how to re-create it fast.

The copy re-creates every object from the server's own ``SHOW CREATE`` text, so charsets,
collations, column types, defaults, keys and foreign keys come out exactly as the source
has them. The one liberty taken is *when* each part is built: a table is created with its
primary key only, loaded, and then gets its secondary keys and foreign keys in one
``ALTER TABLE`` — InnoDB builds an index from sorted runs far faster than it maintains it
row by row during a load, and foreign keys cannot be violated by a consistent snapshot.
Triggers are created after the data, so a load never fires them; views and routines after
the tables they name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from octane.db.session import Session, quote_name

#: Databases a server keeps for itself; never copied.
SYSTEM_DATABASES = frozenset({"mysql", "information_schema", "performance_schema", "sys",
                              "mysql_innodb_cluster_metadata"})

_DEFERRABLE = re.compile(r"^\s*(UNIQUE KEY|KEY|CONSTRAINT\s+`(?:[^`]|``)*`\s+FOREIGN KEY)\b")


@dataclass(frozen=True)
class Column:
    """A column as the copy needs it: name, type, and whether the server computes it."""

    name: str
    data_type: str
    generated: bool = False


@dataclass(frozen=True)
class Table:
    """A base table: its DDL, columns, primary key and size estimates."""

    database: str
    name: str
    create_sql: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    primary_key_types: tuple[str, ...] = ()
    engine: str = "InnoDB"
    data_length: int = 0
    rows_estimate: int = 0

    @property
    def qualified(self) -> str:
        """```db`.`table``` for SQL."""
        return f"{quote_name(self.database)}.{quote_name(self.name)}"

    @property
    def label(self) -> str:
        """``db.table`` for people."""
        return f"{self.database}.{self.name}"

    @property
    def copied_columns(self) -> tuple[Column, ...]:
        """Columns whose values are stored, not computed (generated columns are rebuilt)."""
        return tuple(col for col in self.columns if not col.generated)

    def split_ddl(self) -> tuple[str, str | None, str | None]:
        """``CREATE TABLE`` with the primary key only, the ALTER adding the secondary keys,
        and the ALTER adding the foreign keys (None when there is nothing to add).

        Keys stay in the CREATE when they must exist during the load: every key of a table
        without a primary key (InnoDB may cluster on it), and a key an AUTO_INCREMENT column
        needs. Foreign keys come last of all, once every table has its keys: InnoDB wants
        an index on the referenced columns before it accepts the constraint.
        """
        lines = self.create_sql.split("\n")
        if not self.primary_key or len(lines) < 3:
            return self.create_sql, None, None
        head, body, tail = lines[0], lines[1:-1], lines[-1]
        auto = _auto_increment_column(body)
        kept, keys, foreign = [], [], []
        for line in body:
            definition = line.rstrip().rstrip(",")
            if not _DEFERRABLE.match(definition) or _needed_for(auto, definition,
                                                                self.primary_key):
                kept.append(definition)
            elif "FOREIGN KEY" in definition:
                foreign.append(definition.strip())
            else:
                keys.append(definition.strip())
        create = "\n".join([head, ",\n".join(kept), tail])
        return create, self._alter(keys), self._alter(foreign)

    def foreign_keys(self) -> list[str]:
        """The ``CONSTRAINT … FOREIGN KEY …`` definitions of the table."""
        return [line.strip().rstrip(",") for line in self.create_sql.split("\n")
                if "FOREIGN KEY" in line and _DEFERRABLE.match(line)]

    def _alter(self, definitions: list[str]) -> str | None:
        if not definitions:
            return None
        return f"ALTER TABLE {self.qualified} " + ", ".join(f"ADD {d}" for d in definitions)


@dataclass(frozen=True)
class Routine:
    """A view, trigger, stored procedure/function or event: its kind, name and DDL.

    The server stores the sql_mode and client character set a routine was created under
    and runs it with them, so the copy re-creates it under the same settings.
    """

    kind: str
    name: str
    create_sql: str
    sql_mode: str | None = None
    charset_client: str | None = None
    collation_connection: str | None = None

    def session_settings(self) -> list[str]:
        """``SET SESSION`` assignments reproducing the creation context."""
        out = []
        if self.sql_mode is not None:
            out.append(f"sql_mode = '{self.sql_mode}'")
        if self.charset_client:
            out.append(f"character_set_client = {self.charset_client}")
        if self.collation_connection:
            out.append(f"collation_connection = {self.collation_connection}")
        return out


@dataclass(frozen=True)
class DatabaseSchema:
    """One database: its own DDL, tables, and the objects created after the data."""

    name: str
    create_sql: str
    tables: tuple[Table, ...]
    views: tuple[Routine, ...] = ()
    triggers: tuple[Routine, ...] = ()
    routines: tuple[Routine, ...] = ()
    events: tuple[Routine, ...] = ()
    unsupported: tuple[str, ...] = field(default=())

    @property
    def objects(self) -> int:
        """How many things the database holds (empty means safe to overwrite)."""
        return (len(self.tables) + len(self.views) + len(self.triggers) + len(self.routines)
                + len(self.events))


def list_databases(session: Session) -> list[str]:
    """The server's user databases, sorted (system schemas left out)."""
    names = [row[0] for row in session.execute("SHOW DATABASES")]
    return sorted(name for name in names if name not in SYSTEM_DATABASES)


def read_schema(session: Session, database: str) -> DatabaseSchema:
    """Everything ``database`` holds, as DDL the target can replay."""
    db = quote_name(database)
    # SHOW CREATE VIEW leaves out the database name only when it is the current one:
    # select it, so both servers' texts read the same and replay under ``USE``.
    session.execute(f"USE {db}")
    create_db = session.execute(f"SHOW CREATE DATABASE {db}")[0][1]
    info = session.execute(
        "SELECT table_name, table_type, engine, COALESCE(data_length, 0), "
        "COALESCE(table_rows, 0) FROM information_schema.tables WHERE table_schema = %s "
        "ORDER BY table_name", (database,))
    columns = _columns(session, database)
    keys = _primary_keys(session, database)
    tables, views, unsupported = [], [], []
    for name, kind, engine, data_length, rows in info:
        if kind == "VIEW":
            row = session.execute(f"SHOW CREATE VIEW {db}.{quote_name(name)}")[0]
            views.append(Routine("VIEW", name, row[1], None, row[2], row[3]))
            continue
        if kind != "BASE TABLE":
            unsupported.append(f"{database}.{name} ({kind.lower()})")
            continue
        sql = session.execute(f"SHOW CREATE TABLE {db}.{quote_name(name)}")[0][1]
        pk = keys.get(name, ())
        by_name = {col.name: col for col in columns.get(name, ())}
        tables.append(Table(
            database=database, name=name, create_sql=sql, columns=tuple(columns.get(name, ())),
            primary_key=tuple(pk), primary_key_types=tuple(by_name[c].data_type for c in pk),
            engine=engine or "", data_length=int(data_length), rows_estimate=int(rows)))
    return DatabaseSchema(
        name=database, create_sql=create_db, tables=tuple(tables), views=tuple(views),
        triggers=_objects(session, database, "TRIGGER"),
        routines=(*_objects(session, database, "FUNCTION"),
                  *_objects(session, database, "PROCEDURE")),
        events=_objects(session, database, "EVENT"), unsupported=tuple(unsupported))


def _columns(session: Session, database: str) -> dict[str, list[Column]]:
    rows = session.execute(
        "SELECT table_name, column_name, data_type, extra FROM information_schema.columns "
        "WHERE table_schema = %s ORDER BY table_name, ordinal_position", (database,))
    out: dict[str, list[Column]] = {}
    for table, name, data_type, extra in rows:
        generated = "GENERATED" in (extra or "").upper() and "DEFAULT" not in (extra or "").upper()
        out.setdefault(table, []).append(Column(name, str(data_type).lower(), generated))
    return out


def _primary_keys(session: Session, database: str) -> dict[str, list[str]]:
    rows = session.execute(
        "SELECT table_name, column_name FROM information_schema.statistics "
        "WHERE table_schema = %s AND index_name = 'PRIMARY' ORDER BY table_name, seq_in_index",
        (database,))
    out: dict[str, list[str]] = {}
    for table, column in rows:
        out.setdefault(table, []).append(column)
    return out


_OBJECT_QUERIES = {
    "TRIGGER": ("SELECT trigger_name FROM information_schema.triggers "
                "WHERE trigger_schema = %s ORDER BY action_order, trigger_name", 2, 3),
    "FUNCTION": ("SELECT routine_name FROM information_schema.routines WHERE routine_schema = %s "
                 "AND routine_type = 'FUNCTION' ORDER BY routine_name", 2, 3),
    "PROCEDURE": ("SELECT routine_name FROM information_schema.routines WHERE routine_schema = %s "
                  "AND routine_type = 'PROCEDURE' ORDER BY routine_name", 2, 3),
    "EVENT": ("SELECT event_name FROM information_schema.events WHERE event_schema = %s "
              "ORDER BY event_name", 3, 4),
}


def _objects(session: Session, database: str, kind: str) -> tuple[Routine, ...]:
    # SHOW CREATE <kind> columns: name, sql_mode, [time_zone,] DDL, character_set_client,
    # collation_connection, ...
    query, ddl, charset = _OBJECT_QUERIES[kind]
    out = []
    for (name,) in session.execute(query, (database,)):
        row = session.execute(f"SHOW CREATE {kind} {quote_name(database)}.{quote_name(name)}")[0]
        out.append(Routine(kind, name, row[ddl], row[1], row[charset], row[charset + 1]))
    return tuple(out)


def _auto_increment_column(body: list[str]) -> str | None:
    for line in body:
        match = re.match(r"^\s*`((?:[^`]|``)*)`.*\bAUTO_INCREMENT\b", line)
        if match:
            return match.group(1).replace("``", "`")
    return None


def _needed_for(auto: str | None, definition: str, primary_key: tuple[str, ...]) -> bool:
    """Whether a key must exist during the load because AUTO_INCREMENT needs it."""
    if auto is None or (primary_key and primary_key[0] == auto) or "FOREIGN KEY" in definition:
        return False
    match = re.search(r"\(`((?:[^`]|``)*)`", definition)
    return bool(match and match.group(1).replace("``", "`") == auto)
