import os
import sqlite3
import stat
from pathlib import Path

import pytest

from octane.engine.journal import Journal, RunBusy, RunLock, default_path
from octane.errors import NotFound
from octane.plan.step import Plan, Step


def _plan(text: str = "x") -> Plan:
    return Plan(Step(id="root", description=text,
                     children=(Step(id="a", description="a", action="t.ok"),)))


def test_database_is_private_durable_and_in_the_data_dir(_octane_data: Path) -> None:
    journal = Journal()
    assert journal.path == default_path() == _octane_data / "journal" / "octane.sqlite"
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(journal.path.parent.stat().st_mode) == 0o700
    db = sqlite3.connect(journal.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert journal._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1


def test_step_lifecycle_is_visible_to_another_connection(tmp_path: Path) -> None:
    writer = Journal(tmp_path / "j.sqlite")
    run = writer.create_run("r1", _plan(), scope="m:all", resume_command="again r1")
    assert (run.status, run.scope, run.resume_command) == ("running", "m:all", "again r1")
    assert run.plan() == _plan()
    writer.step_started("r1", "a")
    reader = Journal(tmp_path / "j.sqlite")
    assert reader.steps("r1")["a"].state == "running"
    writer.step_acted("r1", "a", {"units": ["a/0"]})
    writer.step_done("r1", "a")  # keeps the acted result
    record = reader.steps("r1")["a"]
    assert (record.state, record.result, record.attempts) == ("done", {"units": ["a/0"]}, 1)
    assert record.finished is not None and record.finished >= record.started


def test_restarting_a_step_counts_attempts_and_clears_the_error(tmp_path: Path) -> None:
    j = Journal(tmp_path / "j.sqlite")
    j.create_run("r1", _plan(), scope="", resume_command="")
    j.step_started("r1", "a")
    j.step_ended_unfinished("r1", "a", "failed", "boom")
    assert (j.steps("r1")["a"].state, j.steps("r1")["a"].error) == ("failed", "boom")
    j.step_started("r1", "a")
    record = j.steps("r1")["a"]
    assert (record.state, record.attempts, record.error) == ("running", 2, None)
    with pytest.raises(ValueError):
        j.step_ended_unfinished("r1", "a", "done", "no")
    with pytest.raises(ValueError):
        j.set_status("r1", "happy")


def test_attempts_record_each_process(tmp_path: Path) -> None:
    j = Journal(tmp_path / "j.sqlite")
    j.create_run("r1", _plan(), scope="", resume_command="")
    n1 = j.begin_attempt("r1", tmp_path / "one.log")
    j.end_attempt("r1", n1, "stopped")
    n2 = j.begin_attempt("r1", None)
    attempts = j.attempts("r1")
    assert [(a.n, a.status, a.pid) for a in attempts] == [(1, "stopped", os.getpid()),
                                                          (2, None, os.getpid())]
    assert attempts[0].log_path == str(tmp_path / "one.log") and n2 == 2


def test_runs_are_found_by_id_prefix_scope_and_recency(tmp_path: Path) -> None:
    j = Journal(tmp_path / "j.sqlite")
    with pytest.raises(NotFound, match="no run recorded yet"):
        j.resolve(None)
    j.create_run("20260101-000000-aaaa", _plan(), scope="m1", resume_command="")
    j.create_run("20260101-000000-aabb", _plan(), scope="m2", resume_command="")
    j.create_run("20260102-000000-cccc", _plan(), scope="m1", resume_command="")
    assert j.resolve(None).id == "20260102-000000-cccc"
    assert j.resolve("20260101-000000-aab").id == "20260101-000000-aabb"
    with pytest.raises(NotFound, match="ambiguous"):
        j.resolve("20260101")
    with pytest.raises(NotFound, match="no run 'zzz'"):
        j.resolve("zzz")
    assert [r.id for r in j.runs("m1")] == ["20260102-000000-cccc", "20260101-000000-aaaa"]
    assert j.latest_unfinished("m1") is not None
    j.set_status("20260102-000000-cccc", "completed")
    assert j.latest_unfinished("m1") is None  # the newest of the scope completed
    assert j.latest_unfinished("nothing") is None


def test_run_lock_is_exclusive_and_names_its_holder(tmp_path: Path) -> None:
    lock = RunLock("r1", tmp_path).acquire()
    assert RunLock("r1", tmp_path).holder() == os.getpid()
    with pytest.raises(RunBusy, match=f"run r1 is being executed by process {os.getpid()}"):
        RunLock("r1", tmp_path).acquire()
    lock.release()
    assert RunLock("r1", tmp_path).holder() is None
    again = RunLock("r1", tmp_path).acquire()
    again.release(remove=True)
    assert not (tmp_path / "r1.lock").exists()
