from pathlib import Path

from octane.engine.journal import Journal, RunLock
from octane.engine.summary import summarize
from octane.plan.step import Plan
from tests.unit.engine.plans import group, leaf


def _plan() -> Plan:
    return Plan(group("cloud", leaf("pre"),
                      group("apps", group("ks", leaf("ks/a"), leaf("ks/b")),
                            group("gl", leaf("gl/a")), parallel=True),
                      leaf("post")))


def _journal(tmp_path: Path) -> Journal:
    j = Journal(tmp_path / "j.sqlite")
    j.create_run("r1", _plan(), scope="m", resume_command="octane upgrade --resume r1")
    for sid in ("cloud", "apps", "ks"):
        j.step_acted("r1", sid, None)
    for sid in ("pre", "gl/a", "gl", "ks/a"):
        j.step_started("r1", sid)
        j.step_done("r1", sid)
    j.step_started("r1", "ks/b")  # the process died here
    j.begin_attempt("r1", tmp_path / "octane-1.log")
    return j


def test_an_interrupted_run(tmp_path: Path) -> None:
    j = _journal(tmp_path)
    s = summarize(j, j.run("r1"))
    assert s.status == "interrupted" and s.pid is None
    assert (s.done_count, s.total) == (4, 9)
    # finished subtrees are listed at their top: 'gl' rather than 'gl/a'
    assert s.done == ("Do pre [pre]", "Do ks/a [ks/a]", "Group gl [gl]")
    assert s.running == ()
    assert s.verify_on_resume == ("Do ks/b [ks/b]",)
    assert s.next == ("Do ks/b [ks/b]",)
    assert s.safe_to_rerun.startswith("yes: finished steps are skipped; 1 interrupted step")
    assert s.log_path == str(tmp_path / "octane-1.log")


def test_a_live_run_is_not_safe_to_rerun(tmp_path: Path) -> None:
    j = _journal(tmp_path)
    lock = RunLock("r1", tmp_path).acquire()
    try:
        s = summarize(j, j.run("r1"))
    finally:
        lock.release()
    assert s.status == "running"
    assert s.running == ("Do ks/b [ks/b]",)
    assert s.next == ()  # ks/b is in flight, post waits for it
    assert s.safe_to_rerun.startswith("not now: process")


def test_a_failed_then_completed_run(tmp_path: Path) -> None:
    j = _journal(tmp_path)
    j.step_ended_unfinished("r1", "ks/b", "failed", "unit 'ks/1' went to error")
    j.set_status("r1", "failed")
    s = summarize(j, j.run("r1"))
    assert s.status == "failed"
    assert s.failed == ("Do ks/b [ks/b]: unit 'ks/1' went to error",)
    for sid in ("ks/b", "ks", "apps", "post", "cloud"):
        j.step_done("r1", sid)
    j.set_status("r1", "completed")
    s = summarize(j, j.run("r1"))
    assert (s.status, s.done, s.next) == ("completed", ("Group cloud [cloud]",), ())
    assert s.safe_to_rerun == "nothing to re-run: the run completed"
