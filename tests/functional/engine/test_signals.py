"""Real SIGINT/SIGTERM sent to a real engine process while a step is observably running.

The running step is a gate (``test.gate``): it has started when its ``.started`` file exists
and finishes only when the test creates ``.open``, so every signal lands at a known point
without sleeping in the test.
"""

import signal
import subprocess
from pathlib import Path

import pytest

from tests.functional.engine.plans import cloud_plan, gated_plan
from tests.functional.engine.proc import Driver, journal_steps, octane, snapshot, status_json
from tests.functional.engine.proc import wait_until as wait

CANCELING = "Canceling upgrade... (Press ctrl+c again to stop immediately)"
END_STATE = {"head.txt": "H", "tail.txt": "T"}


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_first_signal_lets_the_running_step_finish_then_stops(
        tmp_path: Path, sig: signal.Signals) -> None:
    driver = Driver(tmp_path, gated_plan())
    proc = driver.start("--auto-approve")
    wait(lambda: driver.gate("g.started").exists(), "the gated step to start")
    proc.popen.send_signal(sig)
    proc.wait_for_output(CANCELING)
    assert proc.popen.poll() is None  # still waiting for the running step, not killed
    driver.gate("g.open").touch()
    assert proc.wait() == 130
    lines = proc.out.splitlines()
    assert lines[lines.index(CANCELING) + 1:][:2] == ["Wait for gate 'g' ✓",
                                                      "octane has been stopped safely"]
    assert lines[-1].startswith("Resume with: engine-driver ")
    status, steps = journal_steps()
    assert status == "stopped"
    assert {s: r.state for s, r in steps.items()} == {"cloud": "acted", "head": "done",
                                                      "hold": "done"}
    assert snapshot(driver.work) == {"head.txt": "H"}  # the tail never started
    assert status_json()["next"] == ["Write 'tail.txt' [tail]"]
    again = driver.run("--resume", "latest", "--auto-approve")
    assert again.wait() == 0, again.err
    assert snapshot(driver.work) == END_STATE
    assert [sid for _, e, sid in driver.history() if e == "start"] == ["head", "hold", "tail"]


@pytest.mark.parametrize("first,second", [(signal.SIGINT, signal.SIGINT),
                                          (signal.SIGTERM, signal.SIGTERM),
                                          (signal.SIGINT, signal.SIGTERM)])
def test_second_signal_cancels_at_once_and_resume_redoes_the_step(
        tmp_path: Path, first: signal.Signals, second: signal.Signals) -> None:
    driver = Driver(tmp_path, gated_plan())
    proc = driver.start("--auto-approve")
    wait(lambda: driver.gate("g.started").exists(), "the gated step to start")
    proc.popen.send_signal(first)
    proc.wait_for_output(CANCELING)
    proc.popen.send_signal(second)
    assert proc.wait() == 130
    assert "octane has been terminated without waiting" in proc.out
    assert "Wait for gate 'g' ✓" not in proc.out
    status, steps = journal_steps()
    assert status == "terminated"
    hold = steps["hold"]
    assert (hold.state, hold.error) == ("cancelled", "cancelled by a second interrupt")
    assert "tail" not in steps
    assert not driver.gate("g.passed").exists()
    shown = status_json()
    assert shown["status"] == "terminated"
    assert shown["verify on resume"] == ["Wait for gate 'g' [hold]"]
    # resume: the gate step is verified (not passed), run again, and the run completes
    driver.gate("g.open").touch()
    again = driver.run("--resume", "latest", "--auto-approve")
    assert again.wait() == 0, again.err
    status, steps = journal_steps()
    assert status == "completed" and steps["hold"].attempts == 2
    assert snapshot(driver.work) == END_STATE
    events = [(e, sid) for _, e, sid in driver.history()]
    assert events.count(("start", "hold")) == 2 and events.count(("end", "hold")) == 1


def test_signal_at_the_first_prompt_stops_before_anything(tmp_path: Path) -> None:
    driver = Driver(tmp_path, gated_plan())
    proc = driver.start(stdin=subprocess.PIPE)
    try:
        proc.wait_for_output("Would you like to start the upgrade? Continue (y/N): ")
        proc.popen.send_signal(signal.SIGINT)
        assert proc.wait() == 130
    finally:
        assert proc.popen.stdin is not None
        proc.popen.stdin.close()
    assert "octane has been stopped safely" in proc.out
    assert driver.history() == []
    assert octane("status").returncode == 1  # no run was created


def test_signal_at_a_group_prompt_stops_before_that_group(tmp_path: Path) -> None:
    driver = Driver(tmp_path, cloud_plan())
    proc = driver.start(stdin=subprocess.PIPE)
    assert proc.popen.stdin is not None
    try:
        proc.popen.stdin.write(b"y\n")
        proc.popen.stdin.flush()
        proc.wait_for_output("Continue (y/n): ")  # app1's prompt, after 'pre' ran
        proc.popen.send_signal(signal.SIGINT)
        assert proc.wait() == 130
    finally:
        proc.popen.stdin.close()
    assert "octane has been stopped safely" in proc.out
    status, steps = journal_steps()
    assert status == "stopped"
    assert steps["pre"].state == "done"
    assert not any(sid.startswith("cp/app1/") for sid in steps)
