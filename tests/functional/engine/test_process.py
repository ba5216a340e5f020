"""The engine in a real process: output, prompts on stdin, journal, `octane status`."""

import fcntl
import os
import pty
import select
import struct
import subprocess
import termios
import time
from pathlib import Path

from octane.plan.step import Plan, Step
from tests.functional.engine.plans import cloud_plan, write
from tests.functional.engine.proc import (
    WAIT,
    Driver,
    journal_steps,
    octane,
    snapshot,
    status_json,
)
from tests.rigs import ROOT

CLOUD_END = {"pre.txt": "P", "app1.txt": "1", "app2.txt": "2", "hv0.txt": "h0",
             "hv1.txt": "h1", "hv2.txt": "h2", "all.txt": "P+1+2+h0+h1+h2",
             "settled/app1/0": "idle", "settled/app1/1": "idle", "settled/app1/2": "idle"}


def test_auto_approved_run_prints_log_first_and_journals_everything(tmp_path: Path) -> None:
    driver = Driver(tmp_path, cloud_plan())
    proc = driver.run("--auto-approve")
    assert proc.wait() == 0, proc.err
    lines = proc.out.splitlines()
    assert lines[0].startswith("Full execution log: '") and lines[0].endswith(".log'")
    log = Path(lines[0].split("'")[1])
    assert "attempt 1" in log.read_text()
    assert "Running cloud upgrade..." in lines
    assert "Upgrade plan for 'app1' to 'b' ✓" in lines
    assert lines[-1] == "Upgrade completed."
    assert snapshot(driver.work) == CLOUD_END
    status, steps = journal_steps()
    assert status == "completed"
    assert {s.id for s in cloud_plan().root.walk()} == set(steps)
    assert {r.state for r in steps.values()} == {"done"}
    assert proc.err == ""


def test_progress_is_plain_lines_when_stdout_is_not_a_terminal(tmp_path: Path) -> None:
    proc = Driver(tmp_path, cloud_plan()).run("--auto-approve")
    assert proc.wait() == 0
    progress = [line for line in proc.out.splitlines() if line.startswith("Wait for 'app1'")]
    assert progress[0].startswith("Wait for 'app1' units: waiting for 3 units to settle (")
    assert progress[0].endswith("still busy: app1/0, app1/1, app1/2)")
    assert progress[1].endswith("still busy: app1/1, app1/2)")
    assert progress[2].endswith("still busy: app1/2)")
    assert progress[-1] == "Wait for 'app1' units ✓"
    assert "\x1b[" not in proc.out  # no terminal control codes in a log


def test_operator_answers_on_stdin_then_resumes(tmp_path: Path) -> None:
    driver = Driver(tmp_path, cloud_plan())
    # start: yes; app1: yes; app2: no
    proc = driver.run(answers="y\ny\nn\n")
    assert proc.wait() == 0, proc.err
    out = proc.out
    assert "Would you like to start the upgrade? Continue (y/N): y" in out
    assert ("\nUpgrade plan for 'app1' to 'b'\n  Write 'app1.txt'\n  Wait for 'app1' units\n\n"
            "Continue (y/n): y") in out
    assert "Stopped at the operator's request before: Upgrade plan for 'app2' to 'b'" in out
    status, steps = journal_steps()
    assert status == "stopped"
    assert steps["pre"].state == "done"
    assert "cp/app2/refresh" not in steps and "hv/az-1" not in steps
    shown = status_json()
    assert shown["status"] == "stopped"
    upcoming = shown["next"]
    assert isinstance(upcoming, list) and "Write 'app2.txt' [cp/app2/refresh]" in upcoming
    assert shown["safe to re-run"] == "yes: finished steps are skipped"
    # resume: the run, then app1 again (approved before but unfinished: asked again, its
    # finished step marked ✓), app2 and the AZ
    again = driver.run("--resume", "latest", answers="y\ny\ny\ny\n")
    assert again.wait() == 0, again.err
    assert "Resuming run" in again.out
    assert "Write 'pre.txt' ✓" in again.out.split("Would you like to resume")[0]
    assert "\nUpgrade plan for 'app1' to 'b'\n  Write 'app1.txt' ✓\n" in again.out
    assert snapshot(driver.work) == CLOUD_END
    starts = [sid for _, event, sid in driver.history() if event == "start"]
    assert len(starts) == len(set(starts))  # nothing done twice
    assert status_json()["status"] == "completed"


def test_closed_stdin_is_not_a_yes(tmp_path: Path) -> None:
    driver = Driver(tmp_path, cloud_plan())
    proc = driver.run(answers="")
    assert proc.wait() == 1
    assert "no answer to the prompt (input closed); use --auto-approve in scripts" in proc.out
    assert driver.history() == []


def test_invalid_plan_is_one_line_and_runs_nothing(tmp_path: Path) -> None:
    plan = Plan(Step(id="root", description="root", children=(
        write("a", "a.txt", "A"),
        Step(id="b", description="b", action="juju.nope", requires=("ghost",)))))
    driver = Driver(tmp_path, plan)
    proc = driver.run("--auto-approve")
    assert proc.wait() == 1
    assert proc.err == ("octane: error: invalid plan: step 'b' requires unknown step 'ghost'; "
                        "step 'b' uses unknown action 'juju.nope'\n")
    assert snapshot(driver.work) == {}
    assert octane("status").returncode == 1  # no run was recorded


def test_status_of_unknown_run_is_one_line(tmp_path: Path) -> None:
    Driver(tmp_path, cloud_plan()).run("--auto-approve").wait()
    proc = octane("status", "no-such-run")
    assert proc.returncode == 1
    assert proc.stderr.startswith("octane: error: no run 'no-such-run' in the journal ")
    assert "Traceback" not in proc.stderr
    table = octane("status")
    assert table.returncode == 0
    assert "| status           | completed" in table.stdout


def test_a_terminal_gets_a_live_progress_block(tmp_path: Path) -> None:
    driver = Driver(tmp_path, cloud_plan())
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    # COLUMNS would override the terminal's width (pytest may set it for its children)
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    popen = subprocess.Popen(driver.argv("--auto-approve"), cwd=ROOT, stdin=subprocess.DEVNULL,
                             stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + WAIT
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if not ready:
                if popen.poll() is not None:
                    break
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        assert popen.wait(WAIT) == 0
    finally:
        os.close(master)
        if popen.poll() is None:
            popen.kill()
            popen.wait(5)
    out = b"".join(chunks).decode()
    # the running steps are drawn as a block, erased (cursor up, clear) and drawn again
    assert "⠋ Wait for 'app1' units: waiting for 3 units to settle (0s elapsed; still busy: " \
        "app1/0, app1/1, app1/2)\r\n" in out
    assert "\x1b[1F\x1b[J" in out or "\x1b[2F\x1b[J" in out
    assert out.rstrip().endswith("Upgrade completed.")
