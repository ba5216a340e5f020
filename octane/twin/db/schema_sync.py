"""What ``keystone-manage db_sync``, ``nova-manage db sync`` & co. do to the twin's MariaDB.

A real schema sync runs the service's migrations up to the release installed on the unit:
tables and columns appear, and the version table (``alembic_version`` since the service
moved to alembic, ``migrate_version`` before) records where the schema stands. The twin
does the same from ``data/releases.yaml``: per database and release, the version to record
and the DDL that release runs. octane can then verify a migration really happened by
reading the version table and looking for the new tables — against real SQL.

A database's current release is found by reading its version table back (the latest
release whose recorded versions match). Syncing to an older release than the current one
is refused, as the real tools refuse downgrades.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from octane.twin.db import catalog
from octane.twin.services.mariadb import MariaDBError, MariaDBServer


@dataclass(frozen=True)
class ReleaseStep:
    """One release's effect on one database."""

    release: str
    migrate: int | None = None
    alembic: tuple[str, ...] = ()
    drop_migrate: bool = False
    ddl: tuple[str, ...] = ()


@dataclass
class SyncResult:
    """What a sync did: releases applied, statements run, versions recorded per database."""

    service: str
    release: str
    applied: dict[str, list[str]] = field(default_factory=dict)
    versions: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def text(self) -> str:
        """A log-like summary, as the unit's action output would show."""
        lines = [f"{db}: {', '.join(rels) or 'already at ' + self.release}"
                 for db, rels in self.applied.items()]
        return "\n".join(lines)


@cache
def _data() -> dict[str, Any]:
    text = (resources.files("octane.twin.db") / "data" / "releases.yaml").read_text()
    doc: dict[str, Any] = yaml.safe_load(text)
    return doc


def releases() -> tuple[str, ...]:
    """The releases the twin models, oldest first."""
    return tuple(_data()["releases"])


def steps(database: str) -> list[ReleaseStep]:
    """The per-release steps of ``database`` (empty for databases without facts)."""
    spec = _data()["databases"].get(database)
    if not spec:
        return []
    out = []
    for release in releases():
        entry = spec.get(release)
        if entry is None:
            continue
        out.append(ReleaseStep(release, entry.get("migrate"),
                               tuple(str(head) for head in entry.get("alembic", ())),
                               bool(entry.get("drop_migrate")),
                               tuple(" ".join(s.split()) for s in entry.get("ddl", ()))))
    return out


def repository(database: str) -> str:
    """The ``repository_id`` a legacy migrate_version row carries."""
    return str(_data()["databases"].get(database, {}).get("repository", database))


def expected(database: str, release: str) -> ReleaseStep | None:
    """The cumulative state a database is in after syncing to ``release``."""
    order = releases()
    state: ReleaseStep | None = None
    for step in steps(database):
        if order.index(step.release) > order.index(release):
            break
        migrate = step.migrate if step.migrate is not None else (state.migrate if state else None)
        dropped = step.drop_migrate or bool(state and state.drop_migrate)
        state = ReleaseStep(release, None if dropped else migrate,
                            step.alembic or (state.alembic if state else ()), dropped)
    return state


def mark_base(server: MariaDBServer, databases: list[str]) -> None:
    """Record the base release's versions in freshly created databases."""
    base = str(_data()["base"])
    for database in databases:
        state = expected(database, base)
        if state is not None:
            _record(server, database, state)


def matching_releases(server: MariaDBServer, database: str) -> list[str]:
    """Every release whose versions equal what ``database`` records (oldest first)."""
    recorded = read_versions(server, database)
    out = []
    for release in releases():
        state = expected(database, release)
        if state is not None and _as_recorded(state) == recorded:
            out.append(release)
    return out


def current_release(server: MariaDBServer, database: str) -> str | None:
    """The newest release whose versions match what ``database`` records (None: unknown)."""
    found = matching_releases(server, database)
    return found[-1] if found else None


def read_versions(server: MariaDBServer, database: str) -> tuple[str, ...]:
    """The recorded alembic heads (sorted), or the legacy migrate version, or ()."""
    tables = {row[0] for row in server.sql(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = "
        f"'{database}' AND table_name IN ('alembic_version', 'migrate_version')")}
    if "alembic_version" in tables:
        rows = server.sql("SELECT version_num FROM alembic_version", database)
        return tuple(sorted(str(r[0]) for r in rows))
    if "migrate_version" in tables:
        value = server.scalar("SELECT version FROM migrate_version WHERE repository_id = "
                              f"'{repository(database)}'", database)
        return (str(value),) if value is not None else ()
    return ()


def sync(server: MariaDBServer, service: str, release: str,
         databases: Sequence[str] | None = None) -> SyncResult:
    """Run ``service``'s schema sync for ``release`` on its databases (or the named ones,
    as ``nova-manage api_db sync`` touches nova_api only)."""
    order = releases()
    if release not in order:
        raise MariaDBError(f"the twin has no schema facts for release '{release}'")
    result = SyncResult(service, release)
    owned = [spec.name for spec in catalog.databases_of(service)]
    for database in owned:
        if databases is not None and database not in databases:
            continue
        matching = matching_releases(server, database)
        if not matching and steps(database):
            raise MariaDBError(f"{database}: unknown recorded schema version "
                               f"{read_versions(server, database) or 'none'}")
        if release in matching:
            result.applied[database] = []
            result.versions[database] = read_versions(server, database)
            continue
        current = matching[-1] if matching else None
        if current is not None and order.index(current) > order.index(release):
            raise MariaDBError(f"{database} is at {current}; refusing to downgrade to {release}")
        start = order.index(current) + 1 if current else 0
        applied = []
        for step in steps(database):
            index = order.index(step.release)
            if start <= index <= order.index(release):
                statements = list(step.ddl)
                if statements:
                    server.sql(";\n".join(statements) + ";", database)
                applied.append(step.release)
        state = expected(database, release)
        if state is not None:
            _record(server, database, state)
        result.applied[database] = applied
        result.versions[database] = read_versions(server, database)
    return result


def _as_recorded(state: ReleaseStep) -> tuple[str, ...]:
    if state.alembic:
        return tuple(sorted(state.alembic))
    return (str(state.migrate),) if state.migrate is not None else ()


def _record(server: MariaDBServer, database: str, state: ReleaseStep) -> None:
    script = []
    if state.migrate is not None and not state.drop_migrate:
        script += ["CREATE TABLE IF NOT EXISTS migrate_version ("
                   "repository_id VARCHAR(250) NOT NULL, repository_path TEXT NULL, "
                   "version INT NULL, PRIMARY KEY (repository_id)) "
                   "ENGINE=InnoDB DEFAULT CHARSET=utf8mb3",
                   f"REPLACE INTO migrate_version VALUES ('{repository(database)}', "
                   f"'/usr/lib/python3/dist-packages/{database}/db/migrate_repo', {state.migrate})"]
    if state.drop_migrate:
        script.append("DROP TABLE IF EXISTS migrate_version")
    if state.alembic:
        script += ["CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL, "
                   "PRIMARY KEY (version_num)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3",
                   "DELETE FROM alembic_version"]
        script += [f"INSERT INTO alembic_version VALUES ('{head}')" for head in state.alembic]
    if script:
        server.sql("START TRANSACTION;\n" + ";\n".join(script) + ";\nCOMMIT;", database)
