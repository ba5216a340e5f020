"""What an interrupted copy has already done, so a re-run resumes instead of restarting.

One JSON file per (source, target, databases) in ``<data dir>/db-copy/``, written
atomically 0600 in a 0700 directory after every table that was copied *and* verified.
It holds addresses, table names, row counts and checksums — never credentials or data.
A resumed copy re-checks each recorded table against the new snapshot (source checksum)
and the target (target checksum) before skipping it, so a table that changed between the
two runs is copied again rather than trusted.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from octane import paths
from octane.db.endpoint import Endpoint

FORMAT = 1


@dataclass(frozen=True)
class TableRecord:
    """A table copied and verified: its row count and CHECKSUM TABLE value."""

    rows: int
    checksum: int | None


@dataclass
class CopyState:
    """The resume record of one copy."""

    path: Path
    source: str
    target: str
    databases: list[str]
    done: dict[str, TableRecord] = field(default_factory=dict)
    started: float = field(default_factory=time.time)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def resumable(self) -> bool:
        """Whether an earlier run left verified tables behind."""
        return bool(self.done)

    def record(self, label: str, record: TableRecord) -> None:
        """Remember a verified table and write the file at once (thread-safe)."""
        with self._lock:
            self.done[label] = record
            self._write()

    def forget(self, label: str) -> None:
        """Drop a table whose recorded copy no longer matches."""
        with self._lock:
            if self.done.pop(label, None) is not None:
                self._write()

    def remove(self) -> None:
        """The copy finished: nothing is left to resume."""
        self.path.unlink(missing_ok=True)

    def _write(self) -> None:
        doc: dict[str, Any] = {
            "format": FORMAT, "source": self.source, "target": self.target,
            "databases": self.databases, "started": self.started,
            "done": {label: {"rows": rec.rows, "checksum": rec.checksum}
                     for label, rec in sorted(self.done.items())},
        }
        paths.write_private(self.path, json.dumps(doc, indent=1) + "\n")


def state_path(source: Endpoint, target: Endpoint, databases: list[str]) -> Path:
    """Where the state of this copy lives (named by a hash of what identifies it)."""
    ident = "|".join([source.address, source.user, target.address, target.user,
                      ",".join(sorted(databases))])
    digest = hashlib.sha256(ident.encode()).hexdigest()[:16]
    return paths.subdir("db-copy") / f"copy-{digest}.json"


def load_state(source: Endpoint, target: Endpoint, databases: list[str], *,
               fresh: bool = False) -> CopyState:
    """The recorded state of this copy, or a new one (always new when ``fresh``)."""
    path = state_path(source, target, databases)
    state = CopyState(path, source.address, target.address, list(databases))
    if fresh or not path.exists():
        return state
    try:
        doc = json.loads(path.read_text())
        if doc.get("format") == FORMAT:
            state.started = float(doc.get("started", state.started))
            state.done = {label: TableRecord(int(rec["rows"]), rec.get("checksum"))
                          for label, rec in doc.get("done", {}).items()}
    except (OSError, ValueError, KeyError, TypeError):
        pass  # an unreadable state means starting over, which is always safe
    return state
