"""Independent verification for tests: checksums, counts and DDL read straight from servers."""

from __future__ import annotations

from collections.abc import Iterable

from octane.db.schema import read_schema
from octane.db.session import connect, quote_name
from octane.twin.services.mariadb import MariaDBServer
from tests.functional.db.servers import endpoint


def table_sums(server: MariaDBServer, databases: Iterable[str]) -> dict[str, tuple[int, int]]:
    """``db.table`` -> (rows, CHECKSUM TABLE) for every base table."""
    out: dict[str, tuple[int, int]] = {}
    with connect(endpoint(server)) as session:
        for database in databases:
            for table in read_schema(session, database).tables:
                name = f"{quote_name(database)}.{quote_name(table.name)}"
                rows = int(session.scalar(f"SELECT COUNT(*) FROM {name}"))
                checksum = int(session.execute(f"CHECKSUM TABLE {name}")[0][1])
                out[table.label] = (rows, checksum)
    return out


def ddl(server: MariaDBServer, databases: Iterable[str]) -> dict[str, str]:
    """Every object's ``SHOW CREATE`` text, keyed by kind and name."""
    out: dict[str, str] = {}
    with connect(endpoint(server)) as session:
        for database in databases:
            schema = read_schema(session, database)
            out[f"DATABASE {database}"] = schema.create_sql
            for table in schema.tables:
                out[f"TABLE {table.label}"] = table.create_sql
            for item in (*schema.views, *schema.triggers, *schema.routines, *schema.events):
                out[f"{item.kind} {database}.{item.name}"] = item.create_sql
    return out


def databases_on(server: MariaDBServer) -> set[str]:
    """The user databases a server holds."""
    rows = server.sql("SHOW DATABASES")
    return {str(row[0]) for row in rows} - {"mysql", "information_schema",
                                            "performance_schema", "sys"}
