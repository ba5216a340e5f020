"""One API connection's state: who logged in, to which model, and its watchers.

Juju numbers watchers per connection ("1", "2", ...) and forgets them when the connection
closes; a client that reconnects must start a new watcher (libjuju deletes its ``Id`` and
calls ``Client.WatchAll`` again, model/__init__.py ``_all_watcher``).
"""

from __future__ import annotations

from typing import Protocol


class Watcher(Protocol):
    """Anything a connection must stop when it closes."""

    def stop(self) -> None:
        """Stop the watcher; a blocked Next returns Juju's "watcher was stopped"."""
        ...


class Session:
    """Login state and resources of one websocket connection."""

    def __init__(self, conn_id: int, model_uuid: str | None) -> None:
        self.id = conn_id
        self.model_uuid = model_uuid
        self.user = ""
        self.logged_in = False
        self.watchers: dict[str, Watcher] = {}
        self._next = 1

    @property
    def controller_only(self) -> bool:
        """True for ``/api`` (controller) connections."""
        return self.model_uuid is None

    def add_watcher(self, watcher: Watcher) -> str:
        """Register ``watcher`` and return its id."""
        watcher_id = str(self._next)
        self._next += 1
        self.watchers[watcher_id] = watcher
        return watcher_id

    def close(self) -> None:
        """Stop every watcher of the connection."""
        for watcher in self.watchers.values():
            watcher.stop()
        self.watchers.clear()
