"""What an action receives besides its step: dependencies, progress reporting, stop requests.

Actions are plain ``async def run(ctx, step)`` functions registered by name
(:mod:`octane.engine.registry`). They never print and never read the terminal: the engine
owns the screen (prompts, progress, the ✓ lines) and the journal, and an action talks to it
only through this small context:

* ``ctx.deps`` — whatever the caller of :func:`~octane.engine.runner.run_plan` passed (the
  Juju model, the OpenStack connection, options such as idle timeouts);
* ``ctx.progress(waiting_for, busy)`` — what a long wait is waiting for and which units are
  still busy; the display shows it with the elapsed time (a live line on a terminal, plain
  lines only when something changes otherwise);
* ``ctx.say(text, important=False)`` — a line the operator should read (a skipped
  hypervisor, a warning); important ones survive ``--quiet``;
* ``await ctx.ask(question, secret=True)`` — the rare action that needs an answer (vault's
  unseal keys): a line of text, never echoed or logged when secret;
* ``ctx.stop_requested`` — an interrupt arrived: a long, resumable loop (archiving rows in
  batches) may end at a safe point by raising :class:`StoppedSafely`; the step is then
  recorded unfinished and runs again on resume;
* ``ctx.resumed`` — the step was started by an earlier process that did not finish it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from octane.engine.signals import StopController
from octane.plan.step import Step

D = TypeVar("D")

LOG = logging.getLogger("octane.engine.step")


class StoppedSafely(Exception):
    """Raised by an action that honoured a stop request at a safe point, unfinished."""


@dataclass(frozen=True)
class Progress:
    """A step's latest progress report."""

    waiting_for: str | None = None
    busy: tuple[str, ...] = ()


@dataclass
class StepContext(Generic[D]):
    """The handle an action gets; see the module docstring."""

    run_id: str
    step: Step
    deps: D
    resumed: bool
    _stop: StopController
    _report: Callable[[str, Progress], None]
    _say: Callable[[str, str, bool], None]
    _ask: Callable[[str, bool], Awaitable[str | None]]
    log: logging.LoggerAdapter[logging.Logger] = field(init=False)

    def __post_init__(self) -> None:
        self.log = logging.LoggerAdapter(LOG, {"step": self.step.id})

    @property
    def stop_requested(self) -> bool:
        """True once the operator asked the run to stop (first or second interrupt)."""
        return self._stop.stopping

    def progress(self, waiting_for: str | None = None, busy: Iterable[str] = ()) -> None:
        """Report what this step is waiting for and what is still busy (cheap; call often)."""
        self._report(self.step.id, Progress(waiting_for, tuple(busy)))

    async def ask(self, question: str, *, secret: bool = False) -> str | None:
        """Ask the operator for a line (vault's unseal keys); None if input is closed.

        The only way an action may read the terminal: the question waits its turn behind
        other prompts, output is held meanwhile, and a ``secret`` answer is never echoed or
        logged. Plans avoid it; ``--auto-approve`` does not answer it.
        """
        return await self._ask(question, secret)

    def say(self, text: str, *, important: bool = False) -> None:
        """Show one line to the operator (also logged), e.g. why a unit was skipped;
        ``important`` lines are shown even with ``--quiet``."""
        self.log.info("%s", text)
        self._say(self.step.id, text, important)
