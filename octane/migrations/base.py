"""What octane knows about one OpenStack service's database migrations, and how to check them.

For every service: the databases it owns, the commands that bring its schema to the
installed release (in order), its online data migrations, and the schema version the sync
records at each release — so after ``upgrade-db`` octane can *prove* a migration ran by
reading the version table and looking for the tables the release adds, instead of
trusting an exit status.

Facts live in ``data/schema_versions.yaml`` (a maintainer adds a release there without
touching code); this module turns them into typed answers. A per-service class
(``services.py``) overrides only what its service does differently — the command lines
above all — and is registered under the ``octane.migrations`` entry-point namespace.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

#: How a version table is read (the SQL has one %s for the repository of legacy tables).
ALEMBIC_QUERY = "SELECT version_num FROM alembic_version"
MIGRATE_QUERY = "SELECT version FROM migrate_version WHERE repository_id = %s"


@dataclass(frozen=True)
class Command:
    """One command run on the service's leader unit, with why it runs."""

    argv: tuple[str, ...]
    description: str

    @property
    def line(self) -> str:
        """The command as a shell line (arguments need no quoting here)."""
        return " ".join(self.argv)


@dataclass(frozen=True)
class ExpectedVersion:
    """The schema version a database records after a sync for one release."""

    database: str
    release: str
    #: "alembic" (heads in alembic_version) or "migrate" (migrate_version.version).
    kind: str
    values: frozenset[str]
    #: Not established against upstream: a mismatch is a warning, not a failure.
    approximate: bool = False
    repository: str = ""
    tables_added: tuple[str, ...] = ()

    def matches(self, recorded: frozenset[str]) -> bool:
        """Whether the recorded version is this one (alembic: every head present)."""
        return self.values == recorded if self.kind == "migrate" else self.values <= recorded


@cache
def knowledge() -> dict[str, Any]:
    """The parsed data file."""
    text = (resources.files("octane.migrations") / "data" / "schema_versions.yaml").read_text()
    doc: dict[str, Any] = yaml.safe_load(text)
    return doc


class ServiceMigration:
    """The generic service: facts from the data file, ``<service>-manage db sync``."""

    #: The service name (entry-point name and data-file key).
    service: str = ""

    def __init__(self, service: str | None = None) -> None:
        if service:
            self.service = service
        self._facts: dict[str, Any] = knowledge()["services"].get(self.service, {})

    # -- facts ---------------------------------------------------------------------------
    @property
    def charm(self) -> str:
        """The charm whose leader runs the commands."""
        return str(self._facts.get("charm", self.service))

    @property
    def databases(self) -> tuple[str, ...]:
        """The databases the service owns, in the order they are synced."""
        return tuple(self._facts.get("databases", (self.service,)))

    @property
    def known_versions(self) -> bool:
        """Whether octane can verify this service's schema version at all."""
        return bool(self._facts.get("versions"))

    def expected_version(self, database: str, release: str) -> ExpectedVersion | None:
        """What ``database`` records after syncing to ``release`` (None: not known)."""
        order: list[str] = knowledge()["releases"]
        if release not in order:
            return None
        table: dict[str, Any] = self._facts.get("versions", {}).get(database, {})
        value: Any = None
        for name in order[: order.index(release) + 1]:
            if name in table:
                value = table[name]
        if value is None:
            return None
        approx = release in self._facts.get("approximate", {}).get(database, ())
        tables = tuple(self._facts.get("tables_added", {}).get(database, {}).get(release, ()))
        if isinstance(value, list):
            return ExpectedVersion(database, release, "alembic",
                                   frozenset(str(v) for v in value), approx, "", tables)
        repository = str(self._facts.get("repository", {}).get(database, database))
        return ExpectedVersion(database, release, "migrate", frozenset({str(value)}), approx,
                               repository, tables)

    def online_migrations_added(self, release: str) -> tuple[str, ...]:
        """Online data migrations a release introduces (to run before the next upgrade)."""
        return tuple(self._facts.get("online_migrations", {}).get(release, ()))

    # -- commands ------------------------------------------------------------------------
    def sync_commands(self, release: str) -> list[Command]:
        """Commands that bring the schema to ``release``, in order."""
        return [Command((f"{self.service}-manage", "db", "sync"),
                        f"Sync the '{self.service}' database schema to '{release}'")]

    def online_migration_commands(self, release: str) -> list[Command]:
        """Commands migrating live data after the sync (none for most services)."""
        return []


def version_query(expected: ExpectedVersion) -> tuple[str, tuple[str, ...]]:
    """The SQL (and parameters) reading the version ``expected`` describes."""
    if expected.kind == "alembic":
        return ALEMBIC_QUERY, ()
    return MIGRATE_QUERY, (expected.repository,)
