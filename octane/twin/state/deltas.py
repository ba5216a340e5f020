"""The per-model change log that AllWatcher.Next reads.

Juju's multiwatcher sends the *whole* current document of every entity that changed since
the watcher's last Next, coalesced per entity (reference notes §1 and §3: libjuju keeps a
history of whole documents, not diffs). So the log records only *which* entity changed;
the document is built when Next delivers it. A removed entity keeps its last record as a
tombstone so the "remove" delta can still carry its document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Change:
    """One entity that changed: its kind, its id, and its record if it was removed."""

    kind: str
    key: str
    removed: object | None = None


class DeltaLog:
    """An append-only list of changes with a sequence number per entry."""

    def __init__(self) -> None:
        self.seq = 0
        self._entries: list[tuple[int, Change]] = []
        self._listeners: list[Callable[[], None]] = []

    def touch(self, kind: str, key: str) -> None:
        """Record that entity ``kind``/``key`` changed."""
        self._append(Change(kind, key))

    def remove(self, kind: str, key: str, record: object) -> None:
        """Record that entity ``kind``/``key`` is gone; ``record`` is its last state."""
        self._append(Change(kind, key, removed=record))

    def _append(self, change: Change) -> None:
        self.seq += 1
        self._entries.append((self.seq, change))
        for listener in list(self._listeners):
            listener()

    def notify(self) -> None:
        """Wake listeners without a change (the clock moved; something may now be due)."""
        for listener in list(self._listeners):
            listener()

    def since(self, cursor: int) -> list[Change]:
        """Changes after ``cursor``, one per entity (its latest), in order of last change."""
        latest: dict[tuple[str, str], tuple[int, Change]] = {}
        for seq, change in self._entries:
            if seq > cursor:
                latest[(change.kind, change.key)] = (seq, change)
        return [c for _, c in sorted(latest.values(), key=lambda item: item[0])]

    def listen(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call ``callback`` after every change; returns a function that stops listening."""
        self._listeners.append(callback)

        def stop() -> None:
            if callback in self._listeners:
                self._listeners.remove(callback)
        return stop
