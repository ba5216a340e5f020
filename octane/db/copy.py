"""``octane db copy``: whole databases from one server to another, fast and verified.

The order of work, and why:

1. Pre-flight on both servers (reachable, credentials good, databases exist, the target
   accepts ``LOAD DATA LOCAL``, the target is empty unless ``--force`` or resuming).
2. A consistent snapshot of the source shared by N reader connections, the schema read
   under the same brief lock (``snapshot``).
3. On the target: databases, then every table to copy with its primary key only, then
   stored functions and procedures.
4. Rows, chunk by chunk, from N readers to N loaders (``transfer``); each table gets its
   secondary keys when its last chunk is in, then is checksummed on both sides and
   recorded in the resume state.
5. Foreign keys, once every table has its keys; then views, triggers and events, created
   after the data so no load fires a trigger.
6. Verification of every object's DDL against the source; the report.

Nothing on the source is modified. A copy interrupted at any point resumes table by table
(``state``); tables recorded as done are re-verified, not trusted.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from octane.db import verify
from octane.db.chunks import Chunk, plan_table
from octane.db.endpoint import Endpoint
from octane.db.report import CopyReport, TableResult
from octane.db.schema import DatabaseSchema, Table, list_databases
from octane.db.session import DatabaseError, Session, connect, quote_name
from octane.db.snapshot import Snapshot, open_snapshot
from octane.db.state import CopyState, TableRecord, load_state
from octane.db.transfer import Progress, Transfer
from octane.errors import OctaneError, UsageError

LOG = logging.getLogger(__name__)

DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024


class CopyFailed(OctaneError):
    """The copy stopped or did not verify; the resume state says what is done."""


@dataclass(frozen=True)
class CopyOptions:
    """How to copy: which databases, how parallel, and whether to overwrite."""

    databases: Sequence[str] | None = None
    parallel: int = 4
    readers: int | None = None
    force: bool = False
    chunk_bytes: int = DEFAULT_CHUNK_BYTES
    lock_timeout: int = 30
    progress: Callable[[Progress], None] | None = None


def copy_databases(source: Endpoint, target: Endpoint, options: CopyOptions) -> CopyReport:
    """Copy, verify and report; raise CopyFailed when anything does not verify."""
    if options.parallel < 1:
        raise UsageError("--parallel must be at least 1")
    started = time.monotonic()
    with connect(source) as src, connect(target) as tgt:
        databases = _choose_databases(src, options.databases)
        state = load_state(source, target, databases, fresh=options.force)
        _refuse_non_empty(tgt, databases, options.force, state)
        packet = int(src.scalar("SELECT @@max_allowed_packet"))
        chunk_bytes = max(4096, min(options.chunk_bytes, packet // 4))
        restore_infile = verify.enable_local_infile(tgt)
        try:
            snapshot = open_snapshot(source, databases, options.readers or options.parallel,
                                     group_concat_max=packet - 1024,
                                     lock_timeout=options.lock_timeout)
            try:
                report = _copy(snapshot, tgt, target, databases, state, options, chunk_bytes)
            except DatabaseError as exc:
                raise _explain(exc, state) from exc
            finally:
                snapshot.close()
        finally:
            if restore_infile:
                verify.disable_local_infile(tgt)
    report.seconds = time.monotonic() - started
    if not report.ok:
        raise CopyFailed(f"the copy did not verify: {', '.join(report.failures[:5])}",
                         hint="re-run to copy the failed tables again")
    state.remove()
    return report


def _copy(snapshot: Snapshot, tgt: Session, target: Endpoint, databases: list[str],
          state: CopyState, options: CopyOptions, chunk_bytes: int) -> CopyReport:
    report = CopyReport(str(snapshot.readers[0].endpoint), str(target), databases,
                        readers=len(snapshot.readers), loaders=options.parallel,
                        consistent=snapshot.locked or len(snapshot.readers) == 1)
    results: dict[str, TableResult] = {}
    schemas = snapshot.schemas
    for schema in schemas:
        if schema.unsupported:
            raise CopyFailed(f"cannot copy {', '.join(schema.unsupported)}",
                             hint="only base tables, views, triggers, routines and events")
    _prepare_admin(tgt)
    _create_databases(tgt, schemas, options.force)
    todo: list[Table] = []
    for schema in schemas:
        for table in schema.tables:
            resumed = _resumed(snapshot.readers[0], tgt, table, state)
            if resumed is not None:
                results[table.label] = resumed
            else:
                todo.append(table)
    LOG.info("%d tables to copy, %d verified from an earlier run", len(todo), len(results))
    for table in todo:
        create, _, _ = table.split_ddl()
        tgt.execute(f"USE {quote_name(table.database)}")
        tgt.execute(f"DROP TABLE IF EXISTS {table.qualified}")
        tgt.execute(create)
    for schema in schemas:
        verify.create_objects(tgt, schema.name, schema.routines)
    chunks: list[Chunk] = []
    for table in sorted(todo, key=lambda t: -t.data_length):
        chunks.extend(plan_table(snapshot.readers[0], table, chunk_bytes))

    def verified(result: TableResult) -> None:
        if result.ok:
            state.record(result.label, TableRecord(result.target_rows or 0,
                                                   result.target_checksum))

    transfer = Transfer(snapshot.readers, target, options.parallel, chunks,
                        max_piece=chunk_bytes, on_verified=verified, progress=options.progress)
    results.update(transfer.run())
    verify.add_foreign_keys(tgt, [t for s in schemas for t in s.tables])
    for schema in schemas:
        verify.create_views(tgt, schema.name, schema.views)
        verify.create_objects(tgt, schema.name, schema.triggers)
        verify.create_objects(tgt, schema.name, schema.events)
    report.objects = verify.compare_schemas(tgt, schemas, results)
    report.tables = [results[t.label] for s in schemas for t in s.tables]
    return report


def _choose_databases(src: Session, wanted: Sequence[str] | None) -> list[str]:
    available = list_databases(src)
    if not wanted:
        if not available:
            raise UsageError(f"{src.endpoint.address} has no databases to copy")
        return available
    missing = [name for name in wanted if name not in available]
    if missing:
        raise UsageError(f"not on {src.endpoint.address}: {', '.join(missing)}")
    return list(dict.fromkeys(wanted))


def _refuse_non_empty(tgt: Session, databases: list[str], force: bool,
                      state: CopyState) -> None:
    """The target must not hold data we would overwrite, unless told or resuming."""
    occupied = verify.occupied_databases(tgt, databases)
    if occupied and not force and not state.resumable:
        raise OctaneError(
            f"the target {tgt.endpoint.address} already has data in: {', '.join(occupied)}",
            hint="use --force to replace those databases")


def _prepare_admin(tgt: Session) -> None:
    # Zero-date defaults and deferred foreign keys must be creatable as the source has them.
    tgt.execute("SET SESSION foreign_key_checks = 0, "
                "sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'")


def _create_databases(tgt: Session, schemas: list[DatabaseSchema], force: bool) -> None:
    existing = set(list_databases(tgt))
    for schema in schemas:
        name = quote_name(schema.name)
        if force and schema.name in existing:
            tgt.execute(f"DROP DATABASE {name}")
            existing.discard(schema.name)
        if schema.name in existing:
            if "CHARACTER SET" in schema.create_sql:
                tgt.execute(schema.create_sql.replace("CREATE DATABASE", "ALTER DATABASE", 1))
        else:
            tgt.execute(schema.create_sql)


def _resumed(reader: Session, tgt: Session, table: Table,
             state: CopyState) -> TableResult | None:
    """A table an earlier run copied, if both sides still match its record."""
    record = state.done.get(table.label)
    if record is None:
        return None
    try:
        target_sum = tgt.execute(f"CHECKSUM TABLE {table.qualified}")[0][1]
        target_rows = int(tgt.scalar(f"SELECT COUNT(*) FROM {table.qualified}"))
    except DatabaseError:
        target_sum, target_rows = None, -1
    source_sum = reader.execute(f"CHECKSUM TABLE {table.qualified}")[0][1]
    source_rows = int(reader.scalar(f"SELECT COUNT(*) FROM {table.qualified}"))
    if (source_sum, target_sum) != (record.checksum, record.checksum) \
            or source_rows != record.rows or target_rows != record.rows:
        LOG.info("%s changed since the interrupted run; copying it again", table.label)
        state.forget(table.label)
        return None
    return TableResult(table.label, source_rows, target_rows, source_sum, target_sum,
                       resumed=True)


def _explain(exc: DatabaseError, state: CopyState) -> CopyFailed:
    """Turn a mid-copy failure into what happened and what to do next."""
    done = len(state.done)
    resume = f"{done} tables are copied and verified; re-run the same command to resume"
    if exc.lost_connection:
        return CopyFailed(f"lost the connection to {exc.address or 'a server'} during the copy",
                          hint=resume)
    if exc.disk_full:
        return CopyFailed(f"the target ran out of space: {exc.message}",
                          hint=f"free space on the target, then re-run ({resume})")
    return CopyFailed(f"the copy failed: {exc.message}", hint=resume)
