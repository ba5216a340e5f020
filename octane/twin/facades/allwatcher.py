"""AllWatcher (v3) and AllModelWatcher (v4): blocking Next with whole documents.

The first Next returns every entity; later calls block until something changes and
return each changed entity's whole document once (reference notes §1, §3). A unit that is
settling changes when the clock passes its next boundary, so a blocked Next also wakes at
that wall time. Stop (or the connection closing) makes a pending Next fail with
``watcher was stopped`` — libjuju restarts the watcher on that message unless it is
disconnecting (model/__init__.py ``_all_watcher``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from octane.twin.errors import NOT_FOUND, STOPPED, ApiError
from octane.twin.facades import docs
from octane.twin.state import activity
from octane.twin.state.controller import ControllerState
from octane.twin.state.model import ModelState
from octane.twin.wire.routing import CONTROLLER, Call, Facade

#: Longest wall-clock sleep of a blocked Next (the admin channel may move the clock).
MAX_WAIT = 2.0


class AllWatcher:
    """A watcher over one model (``models`` returns [model]) or over all of them."""

    def __init__(self, controller: ControllerState,
                 models: Callable[[], list[ModelState]]) -> None:
        self.controller = controller
        self.models = models
        self.cursors: dict[str, int] = {}
        self.event = asyncio.Event()
        self.stopped = False
        self._unlisten: dict[str, Callable[[], None]] = {}

    def stop(self) -> None:
        """Stop; a blocked Next returns the stopped error."""
        self.stopped = True
        self.event.set()
        for unlisten in self._unlisten.values():
            unlisten()
        self._unlisten.clear()

    def _collect(self) -> list[list[Any]]:
        out: list[list[Any]] = []
        for model in self.models():
            if model.uuid not in self._unlisten:
                self._unlisten[model.uuid] = model.log.listen(self.event.set)
            cursor = self.cursors.get(model.uuid)
            self.cursors[model.uuid] = model.log.seq
            if cursor is None:
                out.extend(docs.snapshot(model))
                continue
            for change in model.log.since(cursor):
                item = docs.delta(model, change.kind, change.key, change.removed)
                if item is not None:
                    out.append(item)
        return out

    async def next(self) -> list[list[Any]]:
        """Block until there are deltas; return them."""
        while True:
            if self.stopped:
                raise ApiError("watcher was stopped", STOPPED)
            self.event.clear()
            self.controller.advance()
            deltas = self._collect()
            if deltas:
                return deltas
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.event.wait(), timeout=self._timeout())

    def _timeout(self) -> float:
        clock = self.controller.runtime.clock
        dues = [d for m in self.models() if (d := activity.next_due(m)) is not None]
        if not dues:
            return MAX_WAIT
        return min(MAX_WAIT, clock.wall_seconds(min(dues) - clock.now()) + 0.001)


def _watcher(call: Call) -> AllWatcher:
    watcher = call.session.watchers.get(call.watcher_id)
    if not isinstance(watcher, AllWatcher):
        raise ApiError(f'unknown watcher id "{call.watcher_id}"', NOT_FOUND)
    return watcher


async def next_deltas(call: Call) -> dict[str, Any]:
    """AllWatcher.Next / AllModelWatcher.Next."""
    return {"deltas": await _watcher(call).next()}


async def stop(call: Call) -> dict[str, Any]:
    """AllWatcher.Stop: forget the watcher."""
    watcher = _watcher(call)
    watcher.stop()
    call.session.watchers.pop(call.watcher_id, None)
    return {}


def watch_model(call: Call) -> str:
    """Start a watcher over the connection's model (Client.WatchAll)."""
    model = call.model
    return call.session.add_watcher(AllWatcher(call.controller, lambda: [model]))


def watch_all_models(call: Call) -> str:
    """Start a watcher over every model (Controller.WatchAllModels)."""
    controller = call.controller
    return call.session.add_watcher(AllWatcher(controller,
                                                lambda: list(controller.models.values())))


FACADE = Facade("AllWatcher", (3,), {"Next": next_deltas, "Stop": stop})
MODELS_FACADE = Facade("AllModelWatcher", (4,), {"Next": next_deltas, "Stop": stop},
                       scope=CONTROLLER)
