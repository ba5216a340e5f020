"""The run journal: what a run did, written so that a crash never loses or invents a step.

One SQLite database in the XDG data dir (``<data>/journal/octane.sqlite``) holds every run:

* ``runs`` — id, scope (what the run is about, e.g. ``model:group``), the plan's JSON and
  digest, a one-word status (``running``, ``stopped``, ``terminated``, ``failed``,
  ``completed``), the command that resumes it;
* ``attempts`` — one row per process that worked on the run (pid, log file, how it ended);
* ``steps`` — one row per step that was ever started: state (``running``, ``acted``,
  ``done``, ``failed``, ``cancelled``, ``stopped``), times, JSON result, error, attempt count.

Every record is its own transaction in WAL mode with ``synchronous=FULL``, so each commit is
on disk before the engine moves on: a step is recorded ``running`` before its action starts
and ``done`` before any step that depends on it starts. Whatever instant a process dies at,
the journal says which steps are certainly finished (skip them), which were in flight
(verify, then redo) and which never started.

A run being executed holds an exclusive ``flock`` on ``<data>/journal/<run>.lock``; the
kernel drops it when the process dies, which is how ``octane status`` tells a live run from
an interrupted one and why two processes can never work on one run at once.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import socket
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from octane import paths
from octane.errors import NotFound, OctaneError
from octane.plan.step import JSON, Plan

SCHEMA_VERSION = 1
RUN_STATUSES = ("running", "stopped", "terminated", "failed", "completed")
#: Step states meaning "started here but not known to be finished".
UNFINISHED = ("running", "failed", "cancelled", "stopped")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    scope TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    status TEXT NOT NULL,
    plan_digest TEXT NOT NULL,
    plan_json TEXT NOT NULL,
    resume_command TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS attempts (
    run_id TEXT NOT NULL REFERENCES runs(id),
    n INTEGER NOT NULL,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    started REAL NOT NULL,
    ended REAL,
    status TEXT,
    log_path TEXT,
    PRIMARY KEY (run_id, n)
);
CREATE TABLE IF NOT EXISTS steps (
    run_id TEXT NOT NULL REFERENCES runs(id),
    step_id TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    started REAL NOT NULL,
    finished REAL,
    result TEXT,
    error TEXT,
    PRIMARY KEY (run_id, step_id)
);
"""


class RunBusy(OctaneError):
    """Another process is executing this run right now."""


class PlanMismatch(OctaneError):
    """The plan offered for a resume is not the plan the run was started with."""


@dataclass(frozen=True)
class RunRecord:
    """One row of ``runs``."""

    id: str
    scope: str
    created: float
    updated: float
    status: str
    plan_digest: str
    plan_json: str
    resume_command: str

    def plan(self) -> Plan:
        """The plan exactly as the run started it."""
        return Plan.from_dict(json.loads(self.plan_json))


@dataclass(frozen=True)
class StepRecord:
    """One row of ``steps``."""

    step_id: str
    state: str
    attempts: int
    started: float
    finished: float | None
    result: JSON
    error: str | None


@dataclass(frozen=True)
class AttemptRecord:
    """One row of ``attempts``: a process that worked on the run."""

    n: int
    pid: int
    host: str
    started: float
    ended: float | None
    status: str | None
    log_path: str | None


def default_path() -> Path:
    """Where the journal lives: ``<data dir>/journal/octane.sqlite``."""
    return paths.subdir("journal") / "octane.sqlite"


def new_run_id() -> str:
    """A sortable, unique run id: UTC time plus random hex (``20261122-054122-3fa9``)."""
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + "-" + secrets.token_hex(2)


class Journal:
    """Synchronous access to the journal database; see the module docstring.

    The engine uses it from one worker thread (:class:`~octane.engine.runner.AsyncJournal`)
    so that commits never block the event loop; ``octane status`` uses it directly.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()
        paths.private_dir(self.path.parent)
        self._db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None,
                                   check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA foreign_keys=ON")
        if self._db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            self._db.executescript(f"BEGIN IMMEDIATE;{_SCHEMA}"
                                   f"PRAGMA user_version={SCHEMA_VERSION};COMMIT;")
        os.chmod(self.path, 0o600)

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def _write(self, sql: str, args: tuple[Any, ...]) -> None:
        """One record, one transaction: BEGIN IMMEDIATE so writers queue instead of failing."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.execute(sql, args)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # --- runs ------------------------------------------------------------------------------

    def create_run(self, run_id: str, plan: Plan, *, scope: str, resume_command: str) -> RunRecord:
        """Record a new run (status ``running``) with its plan."""
        now = time.time()
        self._write(
            "INSERT INTO runs (id, scope, created, updated, status, plan_digest, plan_json,"
            " resume_command) VALUES (?, ?, ?, ?, 'running', ?, ?, ?)",
            (run_id, scope, now, now, plan.digest(), plan.to_json(), resume_command))
        return self.run(run_id)

    def run(self, run_id: str) -> RunRecord:
        """The run with this id; raises :class:`NotFound`."""
        row = self._db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise NotFound(f"no run {run_id!r} in the journal {self.path}")
        return _run(row)

    def runs(self, scope: str | None = None) -> list[RunRecord]:
        """Every run (of ``scope`` if given), newest first."""
        if scope is None:
            rows = self._db.execute("SELECT * FROM runs ORDER BY seq DESC")
        else:
            rows = self._db.execute("SELECT * FROM runs WHERE scope = ? ORDER BY seq DESC",
                                    (scope,))
        return [_run(r) for r in rows]

    def resolve(self, ref: str | None) -> RunRecord:
        """A run by id or unique id prefix; ``None`` means the newest run."""
        if ref is None:
            runs = self.runs()
            if not runs:
                raise NotFound(f"no run recorded yet in {self.path}")
            return runs[0]
        found = [r for r in self.runs() if r.id == ref] or \
            [r for r in self.runs() if r.id.startswith(ref)]
        if not found:
            raise NotFound(f"no run {ref!r} in the journal {self.path}")
        if len(found) > 1:
            raise NotFound(f"run {ref!r} is ambiguous: {', '.join(r.id for r in found[:5])}")
        return found[0]

    def latest_unfinished(self, scope: str) -> RunRecord | None:
        """The newest run of ``scope`` that did not complete, if it is the newest of all."""
        runs = self.runs(scope)
        return runs[0] if runs and runs[0].status != "completed" else None

    def set_status(self, run_id: str, status: str) -> None:
        """Record the run's one-word status."""
        if status not in RUN_STATUSES:
            raise ValueError(f"unknown run status {status!r}")
        self._write("UPDATE runs SET status = ?, updated = ? WHERE id = ?",
                    (status, time.time(), run_id))

    # --- attempts --------------------------------------------------------------------------

    def begin_attempt(self, run_id: str, log_path: Path | None) -> int:
        """Record that this process works on the run now; returns the attempt number."""
        row = self._db.execute("SELECT COALESCE(MAX(n), 0) + 1 FROM attempts WHERE run_id = ?",
                               (run_id,)).fetchone()
        n = int(row[0])
        self._write("INSERT INTO attempts (run_id, n, pid, host, started, log_path)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (run_id, n, os.getpid(), socket.gethostname(), time.time(),
                     str(log_path) if log_path else None))
        return n

    def end_attempt(self, run_id: str, n: int, status: str) -> None:
        """Record how this process's work on the run ended."""
        self._write("UPDATE attempts SET ended = ?, status = ? WHERE run_id = ? AND n = ?",
                    (time.time(), status, run_id, n))

    def attempts(self, run_id: str) -> list[AttemptRecord]:
        """The processes that worked on the run, first first."""
        rows = self._db.execute("SELECT * FROM attempts WHERE run_id = ? ORDER BY n", (run_id,))
        return [AttemptRecord(n=r["n"], pid=r["pid"], host=r["host"], started=r["started"],
                              ended=r["ended"], status=r["status"], log_path=r["log_path"])
                for r in rows]

    # --- steps -----------------------------------------------------------------------------

    def step_started(self, run_id: str, step_id: str) -> None:
        """The step starts (its action is about to run): state ``running``."""
        self._write(
            "INSERT INTO steps (run_id, step_id, state, attempts, started) "
            "VALUES (?, ?, 'running', 1, ?) ON CONFLICT (run_id, step_id) DO UPDATE SET "
            "state = 'running', attempts = attempts + 1, started = excluded.started, "
            "finished = NULL, error = NULL",
            (run_id, step_id, time.time()))

    def step_acted(self, run_id: str, step_id: str, result: JSON) -> None:
        """The step's action finished; its children have not all finished yet."""
        self._finish(run_id, step_id, "acted", result, None)

    def step_done(self, run_id: str, step_id: str, result: JSON = None) -> None:
        """The step and its whole subtree are finished; a resume never redoes it.

        A step recorded ``acted`` keeps its result when ``result`` is None.
        """
        self._finish(run_id, step_id, "done", result, None)

    def step_ended_unfinished(self, run_id: str, step_id: str, state: str, error: str) -> None:
        """The step ended without finishing: ``failed``, ``cancelled`` or ``stopped``."""
        if state not in ("failed", "cancelled", "stopped"):
            raise ValueError(f"not an unfinished state: {state!r}")
        self._finish(run_id, step_id, state, None, error)

    def _finish(self, run_id: str, step_id: str, state: str, result: JSON,
                error: str | None) -> None:
        text = None if result is None else json.dumps(result, default=str, sort_keys=True)
        self._write(
            "INSERT INTO steps (run_id, step_id, state, attempts, started, finished, result, "
            "error) VALUES (?, ?, ?, 0, ?, ?, ?, ?) ON CONFLICT (run_id, step_id) DO UPDATE SET "
            "state = excluded.state, finished = excluded.finished, "
            "result = COALESCE(excluded.result, steps.result), error = excluded.error",
            (run_id, step_id, state, time.time(), time.time(), text, error))

    def steps(self, run_id: str) -> dict[str, StepRecord]:
        """Every step record of the run, by step id."""
        rows = self._db.execute("SELECT * FROM steps WHERE run_id = ? ORDER BY started",
                                (run_id,))
        return {r["step_id"]: StepRecord(
            step_id=r["step_id"], state=r["state"], attempts=r["attempts"],
            started=r["started"], finished=r["finished"],
            result=None if r["result"] is None else json.loads(r["result"]),
            error=r["error"]) for r in rows}


def _run(row: sqlite3.Row) -> RunRecord:
    return RunRecord(id=row["id"], scope=row["scope"], created=row["created"],
                     updated=row["updated"], status=row["status"],
                     plan_digest=row["plan_digest"], plan_json=row["plan_json"],
                     resume_command=row["resume_command"])


class RunLock:
    """The exclusive, crash-released claim of one process on one run (``flock``)."""

    def __init__(self, run_id: str, directory: Path | None = None) -> None:
        self.path = (directory or paths.subdir("journal")) / f"{run_id}.lock"
        self._fd: int | None = None

    def acquire(self) -> RunLock:
        """Take the lock or raise :class:`RunBusy` naming the holder's pid."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise RunBusy(f"run {self.path.stem} is being executed by process {holder}",
                          hint="wait for it, or stop it with Ctrl+C") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return self

    def release(self, *, remove: bool = False) -> None:
        """Drop the lock (and delete the file once the run needs no more claims)."""
        if self._fd is None:
            return
        if remove:
            self.path.unlink(missing_ok=True)
        os.close(self._fd)
        self._fd = None

    def holder(self) -> int | None:
        """The pid of the live process holding the lock, or None if nobody holds it."""
        if self._fd is not None:
            return os.getpid()
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            text = os.read(fd, 32).decode(errors="replace").strip()
            return int(text) if text.isdigit() else -1
        finally:
            os.close(fd)
        return None
