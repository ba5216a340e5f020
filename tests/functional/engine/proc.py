"""Run the engine driver as a real child process and watch what it writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from octane.engine.journal import Journal, StepRecord, default_path
from octane.plan.step import Plan
from tests import rigs
from tests.rigs import ROOT, Children, Proc

WAIT = 30.0  # upper bound of every wait below; none is expected to come close


def wait_until(predicate: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    """Poll ``predicate`` every 20 ms; fail the test after ``timeout`` seconds."""
    rigs.wait_until(predicate, what, timeout)


def snapshot(work: Path) -> dict[str, str]:
    """The end state the actions leave: every visible file and its content."""
    return {str(p.relative_to(work)): p.read_text() for p in sorted(work.rglob("*"))
            if p.is_file() and not p.name.startswith(".") and p.name != "history.log"
            and "gates" not in p.parts}


class Driver:
    """One plan, one work directory, any number of driver processes over them."""

    def __init__(self, tmp: Path, plan: Plan, name: str = "run") -> None:
        self.dir = tmp / name
        self.work = self.dir / "work"
        self.work.mkdir(parents=True)
        self.plan_file = self.dir / "plan.json"
        self.plan_file.write_text(plan.to_json())
        self.children = Children(self.dir, {**os.environ, "PYTHONUNBUFFERED": "1"},
                                 timeout=WAIT, name="driver")

    def argv(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "tests.functional.engine.driver",
                str(self.plan_file), str(self.work), *args]

    def start(self, *args: str, stdin: int | None = subprocess.DEVNULL) -> Proc:
        return self.children.start(self.argv(*args), stdin=stdin)

    def run(self, *args: str, answers: str | None = None) -> Proc:
        proc = self.start(*args, stdin=subprocess.PIPE if answers is not None else
                          subprocess.DEVNULL)
        if answers is not None:
            assert proc.popen.stdin is not None
            proc.popen.stdin.write(answers.encode())
            proc.popen.stdin.close()
        proc.wait()
        return proc

    def gate(self, name: str) -> Path:
        return self.work / "gates" / name

    def history(self) -> list[tuple[int, str, str]]:
        path = self.work / "history.log"
        if not path.exists():
            return []
        rows = []
        for line in path.read_text().splitlines():
            pid, event, sid = line.split(" ", 2)
            rows.append((int(pid), event, sid))
        return rows


def journal_steps(run_id: str | None = None) -> tuple[str, dict[str, StepRecord]]:
    """The newest (or given) run's status and step records, read like `octane status` does."""
    journal = Journal(default_path())
    try:
        run = journal.resolve(run_id)
        return run.status, journal.steps(run.id)
    finally:
        journal.close()


def octane(*args: str) -> subprocess.CompletedProcess[str]:
    """A real `octane` command (the installed console script's module)."""
    return subprocess.run([sys.executable, "-m", "octane.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=WAIT, check=False)


def status_json(run: str | None = None) -> dict[str, object]:
    proc = octane("status", *([run] if run else []), "-f", "json")
    assert proc.returncode == 0, proc.stderr
    data: dict[str, object] = json.loads(proc.stdout)
    return data
