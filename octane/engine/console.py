"""What the operator sees and answers during a run: lines, prompts, progress.

COU's interaction is the model (seed docs 2.2.2–2.2.4): the plan, "Continue (y/n)" prompts
that show what is about to happen, a ✓ after each finished step, "Upgrade completed.". Two
things are added: a progress display for long waits (what is awaited, for how long, which
units are still busy) and output that stays readable when stdout is not a terminal.

* On a terminal, running steps are a live block of lines under the log of finished steps,
  redrawn every second; it is erased while a prompt is open.
* Otherwise (a pipe, a file, CI), nothing is redrawn: a plain line is printed when a step's
  progress changes, and a "still running" line every ``heartbeat`` seconds, so a log shows
  liveness without a line per second.
* ``quiet`` keeps only what the operator must see: the plan, prompts and the final outcome.
* While a prompt waits for an answer, other output is held back and shown after it, so a
  question is never interleaved with a ✓ from a step running in parallel.

Answers are read from a file descriptor with the event loop's reader, so waiting for the
operator never blocks other steps, and a signal can cancel a pending question.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import sys
import termios
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TextIO

from octane.engine.context import Progress
from octane.plan.step import PARALLEL_MARK, Step

LOG = logging.getLogger(__name__)
SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


def fmt_elapsed(seconds: float) -> str:
    """``42s``, ``3m05s``, ``1h02m``: short enough for a progress line."""
    s = int(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


@dataclass
class _Entry:
    description: str
    started: float
    progress: Progress = field(default_factory=Progress)
    printed: float = 0.0  # when its last plain line was printed


@contextlib.contextmanager
def _no_echo(fd: int | None) -> Iterator[None]:
    """Turn the terminal's echo off on ``fd`` for a secret answer (no-op if not a terminal)."""
    if fd is None or not os.isatty(fd):
        yield
        return
    saved = termios.tcgetattr(fd)
    quiet = list(saved)
    quiet[3] &= ~termios.ECHO
    termios.tcsetattr(fd, termios.TCSADRAIN, quiet)
    try:
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


class LineReader:
    """Async line reader over a file descriptor (a terminal, a pipe or a file)."""

    def __init__(self, fd: int | None) -> None:
        self.fd = fd
        self._buf = b""
        self._eof = fd is None

    async def _chunk(self) -> bytes:
        assert self.fd is not None
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()

        def wake() -> None:
            if not ready.done():
                ready.set_result(None)
        try:
            loop.add_reader(self.fd, wake)
        except (OSError, ValueError):  # a regular file cannot be polled; reading never blocks
            return os.read(self.fd, 4096)
        try:
            await ready
        finally:
            loop.remove_reader(self.fd)
        return os.read(self.fd, 4096)

    async def readline(self) -> str | None:
        """The next line without its newline, or None at end of input."""
        while b"\n" not in self._buf and not self._eof:
            chunk = await self._chunk()
            if chunk:
                self._buf += chunk
            else:
                self._eof = True
        if not self._buf:
            return None
        line, _, self._buf = self._buf.partition(b"\n")
        return line.decode(errors="replace").rstrip("\r")


class Console:
    """The run's screen; see the module docstring."""

    def __init__(self, out: TextIO | None = None, *, input_fd: int | None = 0,
                 quiet: bool = False, tty: bool | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 heartbeat: float = 30.0, refresh: float = 1.0) -> None:
        self.out = out if out is not None else sys.stdout
        self.quiet = quiet
        self.tty = self.out.isatty() if tty is None else tty
        self.clock = clock
        self.heartbeat = heartbeat
        self.refresh = refresh
        self._reader = LineReader(input_fd)
        # an answer typed on a terminal is echoed by it; a piped one is written for the record
        self._echo = input_fd is not None and not os.isatty(input_fd)
        self._entries: dict[str, _Entry] = {}
        self._held: list[str] | None = None
        self._drawn = 0
        self._tick = 0
        self._ask_lock = asyncio.Lock()

    # --- plain output ----------------------------------------------------------------------

    def _write(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()

    def show(self, text: str, *, important: bool = False) -> None:
        """Print lines; ``quiet`` keeps only important ones. Held while a prompt is open."""
        LOG.debug("screen: %s", text)
        if self.quiet and not important:
            return
        if self._held is not None:
            self._held.append(text)
            return
        self._erase()
        self._write(text + "\n")
        self._draw()

    # --- prompts ---------------------------------------------------------------------------

    async def ask(self, question: str, *, default: bool | None = None,
                  preamble: str = "") -> bool | None:
        """Ask a yes/no question; None when input ended (no operator to answer).

        ``preamble`` (the subtree about to run) is shown once above the question. Anything
        but y/yes/n/no (or an empty line when there is a ``default``) asks again.
        """
        async with self._ask_lock:
            self._erase()
            self._held = []
            try:
                if preamble:
                    self._write(preamble + "\n")
                while True:
                    self._write(question)
                    line = await self._reader.readline()
                    if line is None:
                        self._write("\n")
                        return None
                    if self._echo:
                        self._write(line + "\n")
                    answer = line.strip().lower()
                    if answer in ("y", "yes"):
                        return True
                    if answer in ("n", "no"):
                        return False
                    if not answer and default is not None:
                        return default
            finally:
                held, self._held = self._held, None
                for text in held:
                    self._write(text + "\n")
                self._draw()

    async def ask_text(self, question: str, *, secret: bool = False) -> str | None:
        """Ask for a line of text (an unseal key); None when input ended.

        A ``secret`` answer is neither echoed by the terminal nor written back nor logged.
        """
        async with self._ask_lock:
            self._erase()
            self._held = []
            try:
                self._write(question)
                with _no_echo(self._reader.fd if secret else None):
                    line = await self._reader.readline()
                if line is None or secret or not self._echo:
                    self._write("\n" if line is None or secret else "")
                else:
                    self._write(line + "\n")
                LOG.debug("answered %r", "<secret>" if secret else line)
                return line
            finally:
                held, self._held = self._held, None
                for text in held:
                    self._write(text + "\n")
                self._draw()

    # --- progress --------------------------------------------------------------------------

    def begin(self, step_id: str, description: str) -> None:
        """A step's action started: show it among the running ones."""
        now = self.clock()
        self._entries[step_id] = _Entry(description, now, printed=now)

    def report(self, step_id: str, progress: Progress) -> None:
        """A running step's progress changed (or was repeated: then nothing happens)."""
        entry = self._entries.get(step_id)
        if entry is None or entry.progress == progress:
            return
        entry.progress = progress
        LOG.debug("progress of %s: %s", step_id, progress)
        if self.tty:
            self.redraw()
        else:
            self._plain(entry)

    def end(self, step_id: str) -> None:
        """A step's action ended: remove it from the display."""
        if self._entries.pop(step_id, None) is not None and self.tty:
            self.redraw()

    def _line(self, entry: _Entry) -> str:
        elapsed = fmt_elapsed(self.clock() - entry.started)
        what = entry.progress.waiting_for
        busy = entry.progress.busy
        text = f"{entry.description}: waiting for {what} ({elapsed} elapsed" if what \
            else f"{entry.description}: still running ({elapsed} elapsed"
        if busy:
            shown = ", ".join(busy[:6]) + (f" (+{len(busy) - 6})" if len(busy) > 6 else "")
            text += f"; still busy: {shown}"
        return text + ")"

    def _plain(self, entry: _Entry) -> None:
        entry.printed = self.clock()
        self.show(self._line(entry))

    def tick(self) -> None:
        """Called every ``refresh`` seconds: redraw, or print the plain heartbeat lines."""
        self._tick += 1
        if self.tty:
            self.redraw()
            return
        now = self.clock()
        for entry in list(self._entries.values()):
            if now - entry.printed >= self.heartbeat:
                self._plain(entry)

    async def ticking(self) -> None:
        """Run :meth:`tick` forever (the runner cancels it when the run ends)."""
        while True:
            await asyncio.sleep(self.refresh)
            self.tick()

    def redraw(self) -> None:
        """Erase and redraw the live block (terminal only)."""
        if self._held is None:
            self._erase()
            self._draw()

    def _erase(self) -> None:
        if self._drawn:
            self._write(f"\x1b[{self._drawn}F\x1b[J")
            self._drawn = 0

    def _draw(self) -> None:
        if not self.tty or self.quiet or self._held is not None or not self._entries:
            return
        width = max(20, shutil.get_terminal_size((100, 24)).columns - 1)
        spin = SPINNER[self._tick % len(SPINNER)]
        lines = [f"{spin} {self._line(e)}"[:width] for e in self._entries.values()]
        self._write("".join(line + "\n" for line in lines))
        self._drawn = len(lines)

    def close(self) -> None:
        """Erase the live block before the final lines."""
        with contextlib.suppress(OSError, ValueError):
            self._erase()


def render_tree(root: Step, done: frozenset[str] = frozenset(), indent: str = "  ") -> str:
    """The subtree as the plan prints it, with ✓ after steps already done (on resume)."""
    lines: list[str] = []

    def visit(step: Step, depth: int, in_parallel: bool) -> None:
        mark = PARALLEL_MARK if in_parallel else ""
        tick = " ✓" if step.id in done else ""
        lines.append(f"{indent * depth}{mark}{step.description}{tick}")
        for child in step.children:
            visit(child, depth + 1, step.parallel)

    visit(root, 0, False)
    return "\n".join(lines)


def log_banner(path: object) -> str:
    """The first line a plan-running command prints, as COU does: where the full log is."""
    return f"Full execution log: '{path}'"
