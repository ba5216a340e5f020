"""SIGKILL ``octane upgrade`` at random points of a full focal-ussuri upgrade on the twin;
every resumed run must complete, end in the same cloud state as an uninterrupted run, and
never redo a step the journal had recorded done before the resuming process started.

``OCTANE_CRASH_POINTS`` sets how many kills land (50, the full run, is what ``.ci/run``
asks for, about nine minutes here; the default of 10 keeps a local ``make test`` short);
``OCTANE_CRASH_SEED`` replays a failing sequence (the seed is in every failure message).
Uses the engine's harness (tests/functional/engine/crash.py).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

from octane.engine.journal import Journal
from tests.functional.engine.crash import CrashHarness, Target, journal_done, settings
from tests.functional.upgrade.cloud import Octane, end_state, octane_on, scenario
from tests.rigs import Proc

SCOPE = "upgrade:twin:openstack"
RUN = ("upgrade", "--auto-approve", "--quiet", "--no-backup")
_START = re.compile(r"\[octane\.engine\.runner\] start (\S+): ")


def _journal_path(octane: Octane) -> Path:
    return octane.data / "journal" / "octane.sqlite"


def _journal(octane: Octane) -> Journal | None:
    path = _journal_path(octane)
    return Journal(path) if path.exists() else None


def upgrade_target(octane: Octane) -> Target:
    """The harness's view of ``octane upgrade`` on this twin."""
    def reset() -> None:
        octane.twin.admin.reset()
        octane.openstack(lambda nova: nova.reset())
        for name in ("journal", "runs", "log"):
            shutil.rmtree(octane.data / name, ignore_errors=True)

    procs: dict[int, Proc] = {}

    def launch(resume: bool) -> subprocess.Popen[bytes]:
        # an unfinished run is continued without any flag; --resume also covers a kill
        # after the run completed (nothing left to do, rather than planning the next
        # release) -- and without a recorded run (killed while planning) it starts one
        recorded = _journal(octane)
        if recorded is not None:
            try:
                resume = resume and bool(recorded.runs(SCOPE))
            finally:
                recorded.close()
        proc = octane.start(*RUN, *(("--resume",) if resume and recorded else ()))
        procs[proc.popen.pid] = proc
        return proc.popen

    def output(pid: int) -> str:
        proc = procs.get(pid)
        return "" if proc is None else f"{proc.out[-2000:]}\n{proc.err[-2000:]}"

    def started_by() -> dict[int, list[str]]:
        """Per process (from the journal's attempts), the steps its log says it started."""
        out: dict[int, list[str]] = defaultdict(list)
        journal = _journal(octane)
        if journal is None:
            return out
        try:
            attempts = [a for run in journal.runs(SCOPE) for a in journal.attempts(run.id)]
        finally:
            journal.close()
        for attempt in attempts:
            if attempt.log_path and Path(attempt.log_path).exists():
                text = Path(attempt.log_path).read_text(errors="replace")
                out[attempt.pid] += _START.findall(text)
        return out

    return Target(reset=reset, launch=launch, end_state=lambda: end_state(octane.state()),
                  journal_done=lambda: journal_done(_journal_path(octane), SCOPE),
                  started_by=started_by, output=output)


@pytest.mark.slow
def test_sigkill_at_random_points_then_resume_ends_like_an_uninterrupted_run(
        tmp_path: Path) -> None:
    points, seed = settings(default_points=10)
    with octane_on(scenario("focal-ussuri", vms=False), tmp_path) as octane:
        harness = CrashHarness(upgrade_target(octane), seed)
        reference = harness.calibrate()
        assert isinstance(reference, dict)
        assert reference["applications"]["keystone"]["channel"] == "victoria/stable"
        harness.check(points)
