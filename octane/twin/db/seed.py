"""Fill the twin's service databases with OpenStack-shaped rows, as much as asked.

Everything is generated on the server (``INSERT … SELECT … FROM seq_1_to_N``, MariaDB's
sequence engine), so a 2 GB cloud is seeded in about 90 s here and a test's tiny cloud in
about a second. Values are deterministic functions of the row number (uuids are
formatted MD5s), so two seeds of the same size are identical and a test can name a row.

The data carries what a copy must preserve exactly: utf8mb4 text (emoji, CJK), tabs,
newlines and backslashes, binary blobs holding every byte value, NULLs, zero dates, a few
very wide rows, and nova's soft-deleted rows (``deleted = id``) with rows already in the
shadow tables, as a cloud that has been archived before looks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from octane.twin.db import catalog, schema_sync
from octane.twin.db.seed_nova import nova_api_sql, nova_cell_sql
from octane.twin.db.seed_services import SERVICE_SEEDERS
from octane.twin.services.mariadb import MariaDBServer

#: Data bytes one seeded instance brings across all core databases (measured with
#: ``information_schema`` data + index lengths: 2,081 MB for ``for_megabytes(2048)``).
BYTES_PER_INSTANCE = 16_000


@dataclass(frozen=True)
class SeedSize:
    """How big a cloud to seed: everything scales with the number of nova instances."""

    instances: int = 40
    #: Every n-th instance is soft-deleted (and its child rows with it).
    deleted_every: int = 5
    #: Size of each of the few very wide rows (heat templates, stack files).
    wide_row_bytes: int = 256 * 1024
    wide_rows: int = 2

    @classmethod
    def tiny(cls) -> SeedSize:
        """A cloud for tests: a few hundred rows per database."""
        return cls()

    @classmethod
    def for_megabytes(cls, megabytes: float) -> SeedSize:
        """About ``megabytes`` of table data and indexes across the core databases."""
        instances = max(40, int(megabytes * 1024 * 1024 / BYTES_PER_INSTANCE))
        return cls(instances=instances, wide_row_bytes=4 * 1024 * 1024, wide_rows=6)

    # Derived counts, in one place so the generators agree on ranges.
    @property
    def projects(self) -> int:
        """Tenants owning the instances."""
        return max(3, self.instances // 50)

    @property
    def users(self) -> int:
        """Users spread over the projects."""
        return max(4, self.instances // 25)

    @property
    def hosts(self) -> int:
        """Hypervisors the instances run on."""
        return max(2, self.instances // 40)

    @property
    def images(self) -> int:
        """Glance images."""
        return max(5, self.instances // 10)

    @property
    def volumes(self) -> int:
        """Cinder volumes."""
        return max(4, self.instances // 2)

    @property
    def stacks(self) -> int:
        """Heat stacks."""
        return max(2, self.instances // 20)

    @property
    def cell0_instances(self) -> int:
        """Instances that never got a cell (nova_cell0)."""
        return max(2, self.instances // 50)


def create_schemas(server: MariaDBServer, databases: Iterable[str] = catalog.CORE) -> None:
    """Create each database with its service's schema (fails if one already exists)."""
    script = "".join(catalog.create_database_sql(catalog.spec(name)) for name in databases)
    server.sql(script)


def seed(server: MariaDBServer, size: SeedSize | None = None,
         databases: Sequence[str] = catalog.CORE, *, create: bool = True,
         release: str | None = None) -> dict[str, int]:
    """Create (unless ``create`` is false) and fill ``databases``; rows per database.

    New databases record the base release's schema versions; with ``release`` every
    service is then synced to that release, as a cloud installed there would be.
    """
    size = size or SeedSize.tiny()
    if create:
        create_schemas(server, databases)
        schema_sync.mark_base(server, list(databases))
    for name in databases:
        server.sql(_session_prelude() + seed_sql(name, size), database=name, timeout=3600)
    if release is not None:
        for service in dict.fromkeys(catalog.spec(name).service for name in databases):
            schema_sync.sync(server, service, release)
    return row_counts(server, databases)


def seed_sql(database: str, size: SeedSize) -> str:
    """The INSERT statements seeding one database at ``size``."""
    if database == "nova":
        return nova_cell_sql(size, tag="inst", count=size.instances, with_hosts=True)
    if database == "nova_cell0":
        return nova_cell_sql(size, tag="cell0", count=size.cell0_instances, with_hosts=False)
    if database == "nova_api":
        return nova_api_sql(size)
    service = catalog.spec(database).service
    return SERVICE_SEEDERS[service](size)


def row_counts(server: MariaDBServer, databases: Iterable[str]) -> dict[str, int]:
    """Exact rows per database (``COUNT(*)`` over every base table)."""
    counts: dict[str, int] = {}
    for name in databases:
        tables = server.sql(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = "
            f"'{name}' AND table_type = 'BASE TABLE'")
        if not tables:
            counts[name] = 0
            continue
        union = " + ".join(f"(SELECT COUNT(*) FROM `{name}`.`{row[0]}`)" for row in tables)
        counts[name] = int(server.scalar(f"SELECT {union}") or 0)
    return counts


def data_bytes(server: MariaDBServer, databases: Iterable[str]) -> int:
    """Table data plus index bytes of ``databases`` as InnoDB reports them."""
    names = ",".join(f"'{name}'" for name in databases)
    value = server.scalar("SELECT SUM(data_length + index_length) FROM information_schema.tables "
                          f"WHERE table_schema IN ({names})")
    return int(value or 0)


def _session_prelude() -> str:
    # Zero dates and foreign-key order are the seed's business, not the server's checks.
    return ("SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION', foreign_key_checks = 0, "
            "unique_checks = 0, time_zone = '+00:00';\n")
