"""What the charms' database actions do, for real, against the model's MariaDB.

- mysql-innodb-cluster ``mysqldump``: a gzipped ``mysqldump`` of some or all databases in
  ``basedir``, named as the charm names it (``mysqldump-<db>-<db>-YYYYmmddHHMM.gz`` or
  ``mysqldump-all-databases-…``; charm-helpers' ``mysqldump``), written 0600 in a 0700
  directory because a dump holds every secret of the cloud.
- nova-cloud-controller ``archive-data`` (``nova-manage db archive_deleted_rows --verbose
  --max_rows N``): moves soft-deleted instances, every row that belongs to them (actions and
  their events, extra, metadata, caches, mappings…) and other soft-deleted rows to the
  ``shadow_*`` tables, at most N instances (and N rows per other table) per call, and
  removes the archived instances' API-database rows (instance mappings, request specs,
  build requests), as nova has done since Victoria. Operators repeat it until it reports
  "Nothing was archived." (charm-guide upgrade notes).
- nova-cloud-controller ``purge-data`` (``nova-manage db purge --before DATE``): deletes
  shadow rows deleted before a date, or all of them.

SQL runs through the server's own client (see ``services/mariadb``), one transaction per
batch, so a failure leaves no row in both a table and its shadow.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from octane import paths
from octane.twin.services.mariadb import MariaDBError, MariaDBServer, binary

#: nova-manage's default batch (and COU's --archive-batch-size default).
DEFAULT_BATCH = 1000
#: API-database rows nova removes with an archived instance.
API_TABLES = ("instance_mappings", "request_specs", "build_requests")


def mysqldump(server: MariaDBServer, basedir: Path, databases: Sequence[str] | None = None,
              now: dt.datetime | None = None) -> Path:
    """Dump ``databases`` (all when empty) gzipped into ``basedir``; the file's path."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d%H%M")
    names = [d for d in (databases or []) if d]
    label = "-".join(names) if names else "all-databases"
    target = paths.private_dir(Path(basedir)) / f"mysqldump-{label}-{stamp}.gz"
    selection = ["--databases", *names] if names else ["--all-databases"]
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    read_end, write_end = os.pipe()
    try:
        gzip = subprocess.Popen([binary("gzip"), "-c"], stdin=read_end, stdout=fd,
                                stderr=subprocess.PIPE)
        dump = subprocess.Popen(
            [*server.client_args("mariadb-dump"), "--single-transaction", "--triggers",
             "--routines", "--events", "--hex-blob", *selection],
            stdout=write_end, stderr=subprocess.PIPE)
    finally:
        os.close(fd)
        os.close(read_end)
        os.close(write_end)  # the children hold the pipe now
    _, dump_err = dump.communicate(timeout=3600)
    _, gzip_err = gzip.communicate(timeout=600)
    if dump.returncode != 0 or gzip.returncode != 0:
        target.unlink(missing_ok=True)
        detail = (dump_err or gzip_err or b"").decode(errors="replace").strip().splitlines()
        raise MariaDBError(f"mysqldump failed: {detail[-1] if detail else dump.returncode}")
    return target


@dataclass
class ArchiveResult:
    """Rows moved to the shadow tables (or removed from the API database) per table."""

    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """All rows archived."""
        return sum(self.counts.values())

    def text(self) -> str:
        """nova-manage's ``--verbose`` table, or its "Nothing was archived." line."""
        rows = {name: n for name, n in self.counts.items() if n}
        if not rows:
            return "Nothing was archived."
        width = max(len("Table"), *(len(name) for name in rows))
        header = "Number of Rows Archived"
        rule = f"+{'-' * (width + 2)}+{'-' * (len(header) + 2)}+"
        lines = [rule, f"| {'Table'.ljust(width)} | {header} |", rule]
        lines += [f"| {name.ljust(width)} | {str(n).ljust(len(header))} |"
                  for name, n in sorted(rows.items())]
        lines.append(rule)
        return "\n".join(lines)


def archive_deleted_rows(server: MariaDBServer, max_rows: int = DEFAULT_BATCH,
                         database: str = "nova", api_database: str | None = "nova_api",
                         before: dt.datetime | None = None) -> ArchiveResult:
    """One ``archive_deleted_rows`` batch: at most ``max_rows`` instances (and rows per
    other soft-deleting table) move to the shadow tables."""
    if max_rows < 1:
        raise MariaDBError("max_rows must be a positive integer")
    layout = _layout(server, database)
    when = f" AND deleted_at < '{before:%Y-%m-%d %H:%M:%S}'" if before else ""
    script = [f"USE `{database}`;", "SET SESSION foreign_key_checks = 1;", "START TRANSACTION;",
              "CREATE TEMPORARY TABLE octane_batch (uuid VARCHAR(36) PRIMARY KEY) "
              f"SELECT uuid FROM instances WHERE deleted <> 0{when} ORDER BY id LIMIT {max_rows};"]
    if "instance_actions_events" in layout.columns:
        script += _move("instance_actions_events", layout,
                        "action_id IN (SELECT id FROM instance_actions WHERE instance_uuid IN "
                        "(SELECT uuid FROM octane_batch))")
    for table in layout.instance_children:
        script += _move(table, layout, "instance_uuid IN (SELECT uuid FROM octane_batch)")
    script += _move("instances", layout, "uuid IN (SELECT uuid FROM octane_batch)")
    for table in layout.soft_deleting:
        script += [f"CREATE TEMPORARY TABLE octane_ids_{table} (id BIGINT PRIMARY KEY) SELECT id "
                   f"FROM `{table}` WHERE deleted <> 0{when} ORDER BY id LIMIT {max_rows};"]
        script += _move(table, layout, f"id IN (SELECT id FROM octane_ids_{table})")
    if api_database:
        for table in API_TABLES:
            script += [f"DELETE FROM `{api_database}`.`{table}` WHERE instance_uuid IN "
                       "(SELECT uuid FROM octane_batch);",
                       f"SELECT 'API_DB.{table}', ROW_COUNT();"]
    script.append("COMMIT;")
    result = ArchiveResult()
    for row in server.sql("\n".join(script)):
        if len(row) == 2 and row[0] and row[1] is not None:
            result.counts[row[0]] = result.counts.get(row[0], 0) + int(row[1])
    return result


def archive_until_complete(server: MariaDBServer, max_rows: int = DEFAULT_BATCH,
                           database: str = "nova", api_database: str | None = "nova_api",
                           limit: int = 100_000) -> ArchiveResult:
    """Repeat batches until one archives nothing (``--until-complete``), at most ``limit``."""
    total = ArchiveResult()
    for _ in range(limit):
        batch = archive_deleted_rows(server, max_rows, database, api_database)
        if not batch.total:
            return total
        for name, count in batch.counts.items():
            total.counts[name] = total.counts.get(name, 0) + count
    raise MariaDBError(f"archive did not complete in {limit} batches")


def purge_shadow_rows(server: MariaDBServer, before: dt.datetime | None = None,
                      databases: Sequence[str] = ("nova",)) -> dict[str, int]:
    """``nova-manage db purge``: delete shadow rows deleted before ``before`` (or all)."""
    counts: dict[str, int] = {}
    for database in databases:
        layout = _layout(server, database)
        script = [f"USE `{database}`;", "START TRANSACTION;"]
        for table in sorted(layout.shadows):
            shadow = f"shadow_{table}"
            cols = layout.columns.get(shadow, ())
            stamp = next((c for c in ("deleted_at", "updated_at", "created_at") if c in cols),
                         None)
            if before is not None and stamp is None:
                continue
            where = f" WHERE IFNULL(`{stamp}`, '1000-01-01') < '{before:%Y-%m-%d %H:%M:%S}'" \
                if before is not None and stamp else ""
            script += [f"DELETE FROM `{shadow}`{where};", f"SELECT '{shadow}', ROW_COUNT();"]
        script.append("COMMIT;")
        for name, count in server.sql("\n".join(script)):
            if name and count is not None and int(count):
                counts[f"{database}.{name}"] = int(count)
    return counts


@dataclass(frozen=True)
class _Layout:
    """Which tables of a cell database archive how (read from information_schema)."""

    columns: dict[str, tuple[str, ...]]
    shadows: frozenset[str]
    instance_children: tuple[str, ...]
    soft_deleting: tuple[str, ...]


def _layout(server: MariaDBServer, database: str) -> _Layout:
    rows = server.sql("SELECT table_name, column_name FROM information_schema.columns WHERE "
                      f"table_schema = '{database}' ORDER BY table_name, ordinal_position")
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(str(table), []).append(str(column))
    shadows = frozenset(t for t in columns if f"shadow_{t}" in columns)
    children = tuple(sorted(t for t in shadows if "instance_uuid" in columns[t]
                            and t != "instance_actions")) + (
        ("instance_actions",) if "instance_actions" in shadows else ())
    soft = tuple(sorted(t for t in shadows if t not in children and t not in
                        ("instances", "instance_actions_events") and "deleted" in columns[t]))
    return _Layout({t: tuple(c) for t, c in columns.items()}, shadows, children, soft)


def _move(table: str, layout: _Layout, where: str) -> list[str]:
    """INSERT into the shadow table, report the count, DELETE from the table."""
    shadow = f"shadow_{table}"
    shared = [c for c in layout.columns.get(table, ()) if c in layout.columns.get(shadow, ())]
    cols = ", ".join(f"`{c}`" for c in shared)
    return [f"INSERT INTO `{shadow}` ({cols}) SELECT {cols} FROM `{table}` WHERE {where};",
            f"SELECT '{table}', ROW_COUNT();",
            f"DELETE FROM `{table}` WHERE {where};"]
