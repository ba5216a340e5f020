"""Real SIGINTs sent to a real ``octane upgrade`` process on the twin.

The first lets the running steps finish and stops ("stopped safely"); a second cancels them
("terminated without waiting"). Either way the journal is consistent and ``octane
upgrade`` continues the run to the end. The twin runs slower here (scale 200: a refresh
settles in about a second) so that a signal lands while a step is running.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from octane.engine.journal import UNFINISHED, Journal, StepRecord
from tests.functional.upgrade.cloud import Octane, octane_on, releases_of, scenario

CP = ("upgrade", "control-plane", "--auto-approve", "--no-backup", "--no-archive")
KEYSTONE_REFRESH = "Refresh 'keystone' to the latest revision of 'ussuri/stable'"


def _journal(octane: Octane) -> tuple[str, dict[str, StepRecord]]:
    journal = Journal(octane.data / "journal" / "octane.sqlite")
    try:
        run = journal.resolve(None)
        return run.status, journal.steps(run.id)
    finally:
        journal.close()


def _finish(octane: Octane) -> None:
    again = octane.run(*CP)
    assert again.code == 0, again.out[-2000:]
    assert "Continuing run " in again.out
    assert releases_of(octane.state(), "keystone") == {"victoria"}
    assert _journal(octane)[0] == "completed"


@pytest.mark.slow
def test_first_sigint_lets_running_steps_finish(tmp_path: Path) -> None:
    with octane_on(scenario("focal-ussuri", vms=False), tmp_path, scale=200) as octane:
        proc = octane.start(*CP)
        proc.wait_for_output(f"{KEYSTONE_REFRESH}: waiting for", timeout=120)
        proc.popen.send_signal(signal.SIGINT)
        assert proc.wait() == 130
        out = proc.out
        assert "Canceling upgrade... (Press ctrl+c again to stop immediately)" in out
        assert f"{KEYSTONE_REFRESH} ✓" in out  # the running step finished
        assert out.splitlines()[-2:] == [
            "octane has been stopped safely",
            "Resume with: octane upgrade control-plane --model twin:admin/openstack"]
        status, steps = _journal(octane)
        assert status == "stopped"
        assert steps["cp/keystone/refresh"].state == "done"
        assert not [s for s, r in steps.items() if r.state in UNFINISHED]
        keystone = octane.state()["applications"]["keystone"]
        assert (keystone["channel"], keystone["revision"]) == ("ussuri/stable", 284)
        _finish(octane)


@pytest.mark.slow
def test_second_sigint_terminates_without_waiting(tmp_path: Path) -> None:
    with octane_on(scenario("focal-ussuri", vms=False), tmp_path, scale=200) as octane:
        proc = octane.start(*CP)
        proc.wait_for_output(f"{KEYSTONE_REFRESH}: waiting for", timeout=120)
        proc.popen.send_signal(signal.SIGINT)
        proc.wait_for_output("Canceling upgrade...", timeout=120)
        proc.popen.send_signal(signal.SIGINT)
        assert proc.wait() == 130
        assert proc.out.splitlines()[-2:] == [
            "octane has been terminated without waiting",
            "Resume with: octane upgrade control-plane --model twin:admin/openstack"]
        status, steps = _journal(octane)
        assert status == "terminated"
        assert steps["cp/keystone/refresh"].state == "cancelled"
        _finish(octane)
