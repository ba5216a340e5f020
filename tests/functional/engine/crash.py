"""Crash-resume harness: SIGKILL a plan-running process at random points, resume it until it
completes, and compare the end state with an uninterrupted run.

It knows nothing about what the plan does. A :class:`Target` says how to reset the world,
how to start and resume the command, how to read the end state, which steps the journal
records as done and (optionally) which steps each process started. Wave 1 points it at the
engine driver and its file-writing actions; pointing it at ``octane upgrade`` against the
twin means writing another ``Target`` (reset = restart the scenario, state = the twin's
model, started = the twin's recording of the calls each client made).

What a trial checks:

* every resumed run exits 0 and ends in exactly the reference end state;
* no process starts a step that the journal recorded as done before that process began
  (finished steps are never redone), when the target can tell who started what.
"""

from __future__ import annotations

import os
import random
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from octane.engine.journal import Journal

WAIT = 60.0


def settings(default_points: int) -> tuple[int, int]:
    """(kill points aimed at, random seed): ``OCTANE_CRASH_POINTS`` (else ``default_points``)
    and ``OCTANE_CRASH_SEED`` (else a fresh one; every failure message names it)."""
    points = int(os.environ.get("OCTANE_CRASH_POINTS", str(default_points)))
    seed = int(os.environ.get("OCTANE_CRASH_SEED", random.randrange(2**32)))
    return points, seed


def journal_done(path: Path, scope: str) -> set[str]:
    """The steps the journal at ``path`` records done in the unfinished run of ``scope`` (the
    run a resume would continue); empty without a journal or such a run."""
    if not path.exists():
        return set()
    journal = Journal(path)
    try:
        run = journal.latest_unfinished(scope)
        if run is None:
            return set()
        return {s for s, r in journal.steps(run.id).items() if r.state == "done"}
    finally:
        journal.close()


def differences(want: object, got: object, path: str = "") -> list[str]:
    """Where two end states differ, as ``path: want -> got`` (the first ten)."""
    if isinstance(want, dict) and isinstance(got, dict):
        out: list[str] = []
        for key in sorted(set(want) | set(got)):
            out += differences(want.get(key), got.get(key), f"{path}/{key}")
        return out[:10]
    return [] if want == got else [f"{path}: {want!r} -> {got!r}"]


@dataclass
class Target:
    """How the harness drives and observes one system under test."""

    reset: Callable[[], None]
    #: ``launch(resume)``: start the command (a new run, or resuming the unfinished one).
    launch: Callable[[bool], subprocess.Popen[bytes]]
    end_state: Callable[[], object]
    #: Steps the journal records as done in the run a resume would continue (empty if none).
    journal_done: Callable[[], set[str]]
    #: pid → steps that process started; None when the target cannot tell.
    started_by: Callable[[], dict[int, list[str]]] | None = None
    #: pid → the end of what that process printed, for failure messages; None: not kept.
    output: Callable[[int], str] | None = None


@dataclass
class Trial:
    """One reset-run-kill…-resume sequence."""

    kill_delays: list[float] = field(default_factory=list)
    kills: int = 0
    launches: int = 0
    exit_code: int | None = None
    end_state: object = None
    redone: list[str] = field(default_factory=list)
    #: The end of what the last process printed (when the target keeps it).
    last_output: str = ""


class CrashHarness:
    """Run trials against a :class:`Target`; see the module docstring."""

    def __init__(self, target: Target, seed: int) -> None:
        self.target = target
        self.seed = seed
        self.rng = random.Random(seed)
        self.reference: object = None
        self.window = 0.0

    def _finish(self, proc: subprocess.Popen[bytes]) -> int:
        try:
            return proc.wait(WAIT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
            raise AssertionError(f"process {proc.pid} did not finish within {WAIT}s") from None

    def calibrate(self) -> object:
        """One uninterrupted run: the reference end state, and how long a run lasts (only
        used to spread the kill points over a whole run)."""
        self.target.reset()
        began = time.monotonic()
        code = self._finish(self.target.launch(False))
        self.window = time.monotonic() - began
        if code != 0:
            raise AssertionError(f"the uninterrupted run failed with status {code}")
        self.reference = self.target.end_state()
        return self.reference

    def trial(self, kills: int) -> Trial:
        """Start a fresh run and SIGKILL it up to ``kills`` times at random moments,
        resuming after each, then let the last resume finish."""
        result = Trial()
        self.target.reset()
        proc = self.target.launch(False)
        result.launches = 1
        protected: list[tuple[int, set[str]]] = []  # (pid, steps done before it began)
        for _ in range(kills):
            delay = self.rng.uniform(0.0, self.window)
            result.kill_delays.append(round(delay, 3))
            try:
                proc.wait(delay)
                break  # it finished before this kill point
            except subprocess.TimeoutExpired:
                pass
            proc.kill()
            proc.wait(5)
            result.kills += 1
            done = self.target.journal_done()
            proc = self.target.launch(True)
            result.launches += 1
            protected.append((proc.pid, done))
        result.exit_code = self._finish(proc)
        if self.target.output is not None:
            result.last_output = self.target.output(proc.pid)
        result.end_state = self.target.end_state()
        if self.target.started_by is not None:
            started = self.target.started_by()
            for pid, done in protected:
                result.redone += sorted(set(started.get(pid, [])) & done)
        return result

    def check(self, points: int) -> None:
        """Trials of one to three kills each until ``points`` kills have landed (at most
        ``2 * points`` trials): each must end like the reference run of :meth:`calibrate`,
        exit 0 and redo no finished step."""
        kills = trials = 0
        while kills < points and trials < 2 * points:
            trial = self.trial(kills=self.rng.randint(1, 3))
            trials += 1
            kills += trial.kills
            where = f"seed {self.seed}, trial {trials}, kill delays {trial.kill_delays}"
            assert trial.exit_code == 0, \
                f"resumed run failed ({where}); it printed:\n{trial.last_output}"
            assert trial.end_state == self.reference, \
                f"end state differs ({where}): {differences(self.reference, trial.end_state)}"
            assert trial.redone == [], f"finished steps redone: {trial.redone} ({where})"
        assert kills >= points, \
            f"only {kills} kills landed in {trials} trials (seed {self.seed})"
