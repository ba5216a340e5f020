"""SIGKILL the engine at many random points; every resumed run must end like an
uninterrupted one, without redoing a finished step.

``OCTANE_CRASH_POINTS`` sets how many kill points are aimed at (default 50) and
``OCTANE_CRASH_SEED`` replays a failing sequence (the seed is in every failure message).
"""

from __future__ import annotations

import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

from octane.engine.journal import default_path
from tests.functional.engine.crash import CrashHarness, Target, journal_done, settings
from tests.functional.engine.plans import crash_plan
from tests.functional.engine.proc import Driver, snapshot
from tests.rigs import ROOT

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

    def started_by() -> dict[int, list[str]]:
        out: dict[int, list[str]] = defaultdict(list)
        for pid, event, sid in driver.history():
            if event == "start":
                out[pid].append(sid)
        return out

    return Target(reset=reset, launch=launch, end_state=lambda: snapshot(driver.work),
                  journal_done=lambda: journal_done(default_path(), SCOPE),
                  started_by=started_by)


@pytest.mark.slow
def test_sigkill_at_random_points_then_resume_ends_in_the_same_state(tmp_path: Path) -> None:
    points, seed = settings(default_points=50)
    driver = Driver(tmp_path, crash_plan())
    harness = CrashHarness(_file_target(driver), seed)
    reference = harness.calibrate()
    assert isinstance(reference, dict) and reference["final.txt"].startswith("B+c0+0.0")
    harness.check(points)
