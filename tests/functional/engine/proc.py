"""Run the engine driver as a real child process and watch what it writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from octane.engine.journal import Journal, StepRecord, default_path
from octane.plan.step import Plan

ROOT = Path(__file__).resolve().parents[3]
WAIT = 30.0  # upper bound of every wait below; none is expected to come close


def wait_until(predicate: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    """Poll ``predicate`` every 20 ms; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


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
        self.count = 0

    def argv(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "tests.functional.engine.driver",
                str(self.plan_file), str(self.work), *args]

    def start(self, *args: str, stdin: int | None = subprocess.DEVNULL) -> Proc:
        self.count += 1
        out = self.dir / f"out-{self.count}.txt"
        err = self.dir / f"err-{self.count}.txt"
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with out.open("w") as fo, err.open("w") as fe:
            popen = subprocess.Popen(self.argv(*args), cwd=ROOT, stdin=stdin, stdout=fo,
                                     stderr=fe, env=env)
        return Proc(popen, out, err)

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


class Proc:
    """A started driver process, its output files and exit status."""

    def __init__(self, popen: subprocess.Popen[bytes], out: Path, err: Path) -> None:
        self.popen = popen
        self.out_path = out
        self.err_path = err

    @property
    def out(self) -> str:
        return self.out_path.read_text()

    @property
    def err(self) -> str:
        return self.err_path.read_text()

    def wait(self, timeout: float = WAIT) -> int:
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(5)
            raise AssertionError(f"driver did not exit; output:\n{self.out}\n{self.err}") \
                from None

    def wait_for_output(self, text: str) -> None:
        wait_until(lambda: text in self.out or self.popen.poll() is not None,
                   f"{text!r} in the output")
        assert text in self.out, f"process ended without {text!r}:\n{self.out}\n{self.err}"


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
