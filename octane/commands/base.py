"""What every octane command shares: the error contract.

An :class:`~octane.errors.OctaneError` becomes one line on stderr (``octane: error: ...``)
and its exit status; any other exception is a bug: one line on stderr pointing at the log
file, the traceback in the log file only. Commands mix :class:`ErrorContract` in before the
cliff base class (``class Plan(ErrorContract, Command)``). It also keeps costs of cliff,
asyncio and the garbage collector off commands that read a big model:
:meth:`ErrorContract.get_epilog`, :func:`run_async` and :func:`gc_paused`.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import sys
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar, cast

from octane.errors import OctaneError

LOG = logging.getLogger(__name__)

T = TypeVar("T")


class ErrorContract:
    """Mixin for cliff commands: operator errors are one line and an exit status.

    The same command classes run under ``octane`` and, as a python-openstackclient plugin,
    under ``openstack upgrade ...`` (``octane/osc_plugin.py``); what differs between the two
    applications is bridged here, so a command never asks which one runs it.
    """

    app: Any
    #: For OSC: octane talks to Juju with Juju's credentials, and asks Keystone itself (from
    #: the same ``OS_*`` variables) only where a step needs it, so OSC must not demand a
    #: token before running the command. cliff ignores it.
    auth_required = False

    @property
    def log_path(self) -> Path | None:
        """This run's log file, to print first and to journal with the run."""
        return cast("Path | None", getattr(self.app, "log_path", None))

    def run(self, parsed_args: Any) -> int:
        """Run the command, turning exceptions into the documented exit statuses."""
        if not hasattr(self.app, "log_path"):  # another cliff app (OSC): our own log file
            from octane.cli import attach_log_file
            self.app.log_path = attach_log_file()
        try:
            result = super().run(parsed_args)  # type: ignore[misc]
        except OctaneError as exc:
            LOG.debug("command failed", exc_info=True)
            sys.stderr.write(f"octane: error: {exc.one_line()}\n")
            return exc.exit_code
        except KeyboardInterrupt:
            sys.stderr.write("octane: interrupted\n")
            return 130
        except Exception as exc:  # a bug: keep the traceback out of the operator's face
            LOG.debug("unexpected error", exc_info=True)
            where = self.log_path
            detail = f" (traceback in {where})" if where else ""
            sys.stderr.write(f"octane: error: unexpected {type(exc).__name__}: {exc}{detail}\n")
            return 1
        return int(result or 0)

    def get_epilog(self) -> str:
        """The command's epilog, without cliff's plugin note.

        cliff builds every parser with an epilog naming the distribution that provides a
        command when it is not the application's own; finding out scans every installed
        distribution's file list (~0.1 s per run). octane's commands are octane's own, so
        the note is never shown for them and the scan is skipped.
        """
        parts = [str(getattr(self, "_epilog", None) or "")]
        for hook in getattr(self, "_hooks", ()):  # cliff command hooks may add their own
            obj = getattr(hook, "obj", None)
            text = obj.get_epilog() if obj is not None else None
            if text is not None:
                parts.append(str(text))
        return "\n\n".join(parts)


def run_async(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)``, returning its value without leaving it on the main task.

    On Python 3.11 ``asyncio.Runner`` calls ``signal.getsignal(SIGINT)`` after the run, and
    ``signal._int_to_enum`` formats the repr of the handler, which holds the finished main
    task and so the repr of its result: for a plan of a 5,000-unit cloud that is the whole
    snapshot, ~0.1 s spent on a string nobody reads. Keeping the result off the task avoids it.
    """
    box: list[T] = []

    async def keep() -> None:
        box.append(await main)

    asyncio.run(keep())
    return box[0]


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block; collection resumes after it.

    Reading a 5,000-unit model and planning it allocate a few hundred thousand objects that
    all stay alive, and CPython's collector, triggered every 700 allocations, walked them
    over and over: ~0.15 s of a plan of the large cloud (benchmarks/RESULTS.md). Only for
    bounded blocks: garbage made inside waits until the block ends.
    """
    if not gc.isenabled():  # someone else paused it: theirs to resume
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
