"""Move the rows: reader threads on the source snapshot, loader threads on the target.

Each reader owns one snapshot session and takes chunks from a shared queue; the source
server turns a chunk into ``LOAD DATA`` text (``rowformat``) and the reader hands the bytes
to a bounded queue. Each loader owns one target session and streams a piece into
``LOAD DATA LOCAL INFILE`` through a pipe — the bytes go socket to socket, Python only
copies buffers. Threads are enough: every thread spends its time in socket calls, which
release the GIL.

When a table's last chunk is loaded, the loader that loaded it finishes the table: adds
the deferred secondary keys in one ALTER, then counts and checksums the rows (foreign keys
are added by the caller once every table has its keys). The reader that read the last
chunk checksums the table in the snapshot. Any error stops all threads after their
current statement; the first error is raised.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from octane.db.chunks import Chunk
from octane.db.endpoint import Endpoint
from octane.db.report import TableResult
from octane.db.rowformat import chunk_query, load_statement, rows_query
from octane.db.schema import Table
from octane.db.session import DatabaseError, Session, connect

LOG = logging.getLogger(__name__)

POLL = 0.2
#: No statement of a copy may hang forever: a stuck server fails the copy after this long.
SESSION_TIMEOUT = 3600.0


@dataclass(frozen=True)
class Piece:
    """Rows of one chunk, in load format."""

    table: Table
    rows: int
    data: bytes


@dataclass(frozen=True)
class Progress:
    """One step of the copy, for progress output (and tests' fault injection)."""

    table: str
    rows: int
    bytes: int
    tables_done: int
    tables_total: int
    bytes_done: int
    bytes_estimate: int


@dataclass
class _TableState:
    table: Table
    result: TableResult
    unread: int
    outstanding: int = 0
    finishing: bool = False
    done: bool = False
    pending: set[str] = field(default_factory=lambda: {"source", "target"})


class Transfer:
    """One run of the reader/loader pipeline over a set of chunks."""

    def __init__(self, readers: list[Session], target: Endpoint, loaders: int,
                 chunks: list[Chunk], *, max_piece: int,
                 on_verified: Callable[[TableResult], None],
                 progress: Callable[[Progress], None] | None = None) -> None:
        self._readers = readers
        self._target = target
        self._loaders = max(1, loaders)
        self._max_piece = max_piece
        self._on_verified = on_verified
        self._progress = progress
        self._jobs: queue.Queue[Chunk] = queue.Queue()
        self._loads: queue.Queue[Piece | Table | None] = queue.Queue(maxsize=2 * self._loaders)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self.tables: dict[str, _TableState] = {}
        for chunk in chunks:
            label = chunk.table.label
            if label not in self.tables:
                self.tables[label] = _TableState(chunk.table, TableResult(label), 0)
            self.tables[label].unread += 1
            self._jobs.put(chunk)
        self._bytes_done = 0
        self._tables_done = 0
        self._estimate = sum(s.table.data_length for s in self.tables.values())

    # -- driver --------------------------------------------------------------------------
    def run(self) -> dict[str, TableResult]:
        """Copy every chunk; the verified result per table, or raise the first error."""
        reader_threads = [threading.Thread(target=self._guard, args=(self._read_loop, s),
                                           name=f"octane-read-{i}", daemon=True)
                          for i, s in enumerate(self._readers)]
        loader_threads = [threading.Thread(target=self._guard, args=(self._load_loop, None),
                                           name=f"octane-load-{i}", daemon=True)
                          for i in range(self._loaders)]
        for thread in (*reader_threads, *loader_threads):
            thread.start()
        try:
            _join(reader_threads)
        except BaseException:  # Ctrl-C: let every thread end its current statement
            self._stop.set()
            raise
        finally:
            for _ in loader_threads:
                self._put_sentinel(loader_threads)
            _join(loader_threads)
        if self._error is not None:
            raise self._error
        return {label: state.result for label, state in self.tables.items()}

    def _guard(self, loop: Callable[[Session | None], None], session: Session | None) -> None:
        try:
            loop(session)
        except BaseException as exc:
            with self._lock:
                if self._error is None:
                    self._error = exc
            self._stop.set()

    def _put(self, item: Piece | Table) -> None:
        """Queue work for the loaders unless the copy is stopping (bounded waits)."""
        while not self._stop.is_set():
            try:
                self._loads.put(item, timeout=POLL)
                return
            except queue.Full:
                continue

    def _put_sentinel(self, loaders: list[threading.Thread]) -> None:
        """Tell one loader to end; after an error, drop queued work to make room."""
        while any(thread.is_alive() for thread in loaders):
            try:
                self._loads.put(None, timeout=POLL)
                return
            except queue.Full:
                if self._stop.is_set():
                    with contextlib.suppress(queue.Empty):
                        self._loads.get_nowait()

    # -- readers -------------------------------------------------------------------------
    def _read_loop(self, session: Session | None) -> None:
        assert session is not None
        while not self._stop.is_set():
            try:
                chunk = self._jobs.get_nowait()
            except queue.Empty:
                return
            self._read_chunk(session, chunk)
            state = self.tables[chunk.table.label]
            with self._lock:
                state.unread -= 1
                last_read = state.unread == 0
                finish = last_read and state.outstanding == 0 and not state.finishing
                if finish:
                    state.finishing = True
            if finish:
                self._put(chunk.table)
            if last_read:
                checksum = session.execute(f"CHECKSUM TABLE {chunk.table.qualified}")[0][1]
                self._verified_part(state, "source", checksum=checksum)

    def _read_chunk(self, session: Session, chunk: Chunk) -> None:
        where, params = chunk.where()
        query = chunk_query(chunk.table, where, params)
        count, data = session.execute(query.sql, query.params)[0]
        count = int(count)
        if count == 0:
            return
        if isinstance(data, str):
            data = data.encode()
        # A cut GROUP_CONCAT warns ("Row N was cut"); one over max_allowed_packet is NULL.
        if data is None or session.last_warnings:
            halves = chunk.halves()
            if halves is not None:
                for half in halves:
                    self._read_chunk(session, half)
                return
            self._stream_rows(session, chunk, where, params)
            return
        self._emit(chunk.table, count, data)

    def _stream_rows(self, session: Session, chunk: Chunk, where: str,
                     params: tuple[object, ...]) -> None:
        """Rows too wide to group: fetch one by one, emit pieces of bounded size."""
        LOG.debug("streaming %s row by row", chunk.table.label)
        lines: list[bytes] = []
        size = 0
        for (line,) in session.stream(rows_query(chunk.table, where), params):
            raw = line.encode() if isinstance(line, str) else bytes(line)
            lines.append(raw)
            size += len(raw) + 1
            if size >= self._max_piece:
                self._emit(chunk.table, len(lines), b"\n".join(lines))
                lines, size = [], 0
        if lines:
            self._emit(chunk.table, len(lines), b"\n".join(lines))

    def _emit(self, table: Table, rows: int, data: bytes) -> None:
        state = self.tables[table.label]
        with self._lock:
            state.outstanding += 1
            state.result.source_rows += rows
            state.result.bytes += len(data)
        self._put(Piece(table, rows, data))

    # -- loaders -------------------------------------------------------------------------
    def _load_loop(self, _: Session | None) -> None:
        session = connect(self._target, local_infile=True, read_timeout=SESSION_TIMEOUT)
        try:
            _prepare_loader(session)
            while True:
                item = self._loads.get()
                if item is None:
                    return
                if self._stop.is_set():
                    continue
                if isinstance(item, Table):
                    self._finish(session, self.tables[item.label])
                else:
                    self._load(session, item)
        finally:
            session.close()

    def _load(self, session: Session, piece: Piece) -> None:
        read_fd, write_fd = os.pipe()
        feeder = threading.Thread(target=_feed, args=(write_fd, piece.data), daemon=True)
        feeder.start()
        try:
            session.execute(load_statement(piece.table, f"/dev/fd/{read_fd}"))
            warnings, loaded = session.last_warnings, session.last_rowcount
        finally:
            os.close(read_fd)
            feeder.join(30)
        if warnings:
            detail = "; ".join(session.warnings())
            raise DatabaseError(f"loading {piece.table.label} was not exact: {detail}")
        if loaded != piece.rows:
            raise DatabaseError(f"loading {piece.table.label} stored {loaded} rows of "
                                f"{piece.rows} sent")
        state = self.tables[piece.table.label]
        with self._lock:
            state.outstanding -= 1
            self._bytes_done += len(piece.data)
            finish = state.unread == 0 and state.outstanding == 0 and not state.finishing
            if finish:
                state.finishing = True
            event = Progress(piece.table.label, piece.rows, len(piece.data), self._tables_done,
                             len(self.tables), self._bytes_done, self._estimate)
        if self._progress is not None:
            self._progress(event)
        if finish:
            self._finish(session, state)

    def _finish(self, session: Session, state: _TableState) -> None:
        """Secondary keys (foreign keys come after all tables), then count and checksum."""
        _, keys, _ = state.table.split_ddl()
        if keys:
            session.execute(keys)
        rows = int(session.scalar(f"SELECT COUNT(*) FROM {state.table.qualified}"))
        checksum = session.execute(f"CHECKSUM TABLE {state.table.qualified}")[0][1]
        self._verified_part(state, "target", rows=rows, checksum=checksum)

    def _verified_part(self, state: _TableState, side: str, *, checksum: int | None,
                       rows: int | None = None) -> None:
        with self._lock:
            if side == "source":
                state.result.source_checksum = checksum
            else:
                state.result.target_checksum = checksum
                state.result.target_rows = rows
            state.pending.discard(side)
            complete = not state.pending and not state.done
            if complete:
                state.done = True
                self._tables_done += 1
        if complete:
            self._on_verified(state.result)


def _prepare_loader(session: Session) -> None:
    """Relax what a consistent snapshot cannot violate; keep everything exact."""
    session.execute("SET SESSION foreign_key_checks = 0, unique_checks = 1, "
                    "sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'")
    # MariaDB only: CHECK constraints held on the source when the rows were written.
    with contextlib.suppress(DatabaseError):
        session.execute("SET SESSION check_constraint_checks = 0")


def _feed(fd: int, data: bytes) -> None:
    try:
        with os.fdopen(fd, "wb", buffering=0) as pipe:
            view = memoryview(data)
            while view:
                written = pipe.write(view[:1 << 20])
                view = view[written or 0:]
            # Every line ends with a newline: at end of input LOAD DATA drops an empty last
            # field ("Row 1 doesn't contain data for all columns") if the line is open.
            pipe.write(b"\n")
    except (BrokenPipeError, OSError):
        pass  # the loader gave up (its error is reported by the loader thread)


def _join(threads: list[threading.Thread]) -> None:
    """Wait for threads in short slices, so Ctrl-C reaches the main thread at once."""
    for thread in threads:
        while thread.is_alive():
            thread.join(POLL)
