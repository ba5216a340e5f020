"""SIGKILL the engine at many random points; every resumed run must end like an
uninterrupted one, without redoing a finished step.

``OCTANE_CRASH_POINTS`` sets how many kill points are aimed at (default 50) and
``OCTANE_CRASH_SEED`` replays a failing sequence (the seed is in every failure message).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

from octane.engine.journal import Journal, default_path
from tests.functional.engine.crash import CrashHarness, Target
from tests.functional.engine.plans import crash_plan
from tests.functional.engine.proc import ROOT, Driver, snapshot

SCOPE = "engine-test"


def _file_target(driver: Driver) -> Target:
    def reset() -> None:
        shutil.rmtree(driver.work)
        driver.work.mkdir()

    def launch(resume: bool) -> subprocess.Popen[bytes]:
        args = ["--auto-approve", "--quiet", "--max-parallel", "3"]
        if resume:
            args += ["--resume", "latest"]
        return subprocess.Popen(driver.argv(*args), cwd=ROOT, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def journal_done() -> set[str]:
        if not default_path().exists():
            return set()
        journal = Journal(default_path())
        try:
            run = journal.latest_unfinished(SCOPE)
            if run is None:
                return set()
            return {s for s, r in journal.steps(run.id).items() if r.state == "done"}
        finally:
            journal.close()

    def started_by() -> dict[int, list[str]]:
        out: dict[int, list[str]] = defaultdict(list)
        for pid, event, sid in driver.history():
            if event == "start":
                out[pid].append(sid)
        return out

    return Target(reset=reset, launch=launch, end_state=lambda: snapshot(driver.work),
                  journal_done=journal_done, started_by=started_by)


@pytest.mark.slow
def test_sigkill_at_random_points_then_resume_ends_in_the_same_state(tmp_path: Path) -> None:
    points = int(os.environ.get("OCTANE_CRASH_POINTS", "50"))
    seed = int(os.environ.get("OCTANE_CRASH_SEED", random.randrange(2**32)))
    driver = Driver(tmp_path, crash_plan())
    harness = CrashHarness(_file_target(driver), seed)
    reference = harness.calibrate()
    assert isinstance(reference, dict) and reference["final.txt"].startswith("B+c0+0.0")
    kills = 0
    trials = 0
    while kills < points and trials < 2 * points:
        trial = harness.trial(kills=harness.rng.randint(1, 3))
        trials += 1
        kills += trial.kills
        where = f"seed {seed}, trial {trials}, kill delays {trial.kill_delays}"
        assert trial.exit_code == 0, f"resumed run failed ({where})"
        assert trial.end_state == reference, f"end state differs ({where})"
        assert trial.redone == [], f"finished steps redone: {trial.redone} ({where})"
    assert kills >= points, f"only {kills} kills landed in {trials} trials (seed {seed})"
