"""Read a service's recorded schema version and check it against a release.

After a schema sync (in place, or in the seed after ``octane db copy``) the proof that the
migration ran is in the database: the version table moved to the release's head and the
tables that release adds exist. ``verify_release`` reads both for every database of a
service, using the facts in ``octane.migrations``.
"""

from __future__ import annotations

from dataclasses import dataclass

from octane.db.session import DatabaseError, Session, quote_name
from octane.migrations.base import ALEMBIC_QUERY, ExpectedVersion, ServiceMigration, version_query

NO_SUCH_TABLE = 1146


@dataclass(frozen=True)
class VersionCheck:
    """One database's recorded schema version compared with a release's."""

    database: str
    release: str
    expected: ExpectedVersion | None
    recorded: frozenset[str]
    missing_tables: tuple[str, ...] = ()

    @property
    def status(self) -> str:
        """ok, approximate (matches a placeholder or differs from one), MISMATCH, unknown."""
        if self.expected is None:
            return "unknown"
        if self.expected.matches(self.recorded) and not self.missing_tables:
            return "approximate" if self.expected.approximate else "ok"
        return "approximate" if self.expected.approximate else "MISMATCH"

    @property
    def ok(self) -> bool:
        """Nothing contradicts the release (unknown and approximate pass, with a note)."""
        return self.status != "MISMATCH"

    def describe(self) -> str:
        """One line for the operator."""
        recorded = ", ".join(sorted(self.recorded)) or "nothing"
        wanted = ", ".join(sorted(self.expected.values)) if self.expected else "unknown"
        extra = f"; missing tables {', '.join(self.missing_tables)}" if self.missing_tables else ""
        return (f"'{self.database}' records {recorded}; '{self.release}' expects {wanted}"
                f"{extra} ({self.status})")


def recorded_version(session: Session, database: str,
                     expected: ExpectedVersion | None = None) -> frozenset[str]:
    """The alembic heads, or the legacy migrate version, ``database`` records."""
    session.execute(f"USE {quote_name(database)}")
    queries = [version_query(expected)] if expected else []
    queries.append((ALEMBIC_QUERY, ()))
    for sql, args in queries:
        try:
            rows = session.execute(sql, args or None)
        except DatabaseError as exc:
            if exc.code == NO_SUCH_TABLE:
                continue
            raise
        if rows:
            return frozenset(str(row[0]) for row in rows)
    return frozenset()


def verify_release(session: Session, migration: ServiceMigration,
                   release: str) -> list[VersionCheck]:
    """Check every database of ``migration``'s service against ``release``."""
    checks = []
    for database in migration.databases:
        expected = migration.expected_version(database, release)
        recorded = recorded_version(session, database, expected)
        missing: tuple[str, ...] = ()
        if expected and expected.tables_added:
            present = {row[0] for row in session.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                (database,))}
            missing = tuple(t for t in expected.tables_added if t not in present)
        checks.append(VersionCheck(database, release, expected, recorded, missing))
    return checks
