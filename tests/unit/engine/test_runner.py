import asyncio
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from octane.engine import PlanInvalid, PlanMismatch, RunBusy, RunOptions
from octane.engine.api import run_plan
from octane.engine.journal import Journal, RunLock
from octane.engine.signals import StopController
from octane.errors import UsageError
from octane.plan.step import Plan, Step
from tests.unit.engine.harness import REGISTRY, WAIT, Rec, run
from tests.unit.engine.plans import group, leaf


def _stop_twice(stop: StopController) -> Callable[[], None]:
    """An ``on_start`` that asks for a stop twice: the second cancels the running step."""
    def both() -> None:
        stop.request("x")
        stop.request("x")
    return both


def _cloud() -> Step:
    """Two prompted applications in parallel between a sequential head and tail."""
    return group(
        "cloud", leaf("pre"),
        group("apps", group("app1", leaf("app1/a"), leaf("app1/b"), prompt=True),
              group("app2", leaf("app2/a"), prompt=True), parallel=True),
        leaf("post"), prompt=True)


async def test_auto_approved_run_completes_and_journals_every_step(tmp_path: Path) -> None:
    rec = Rec()
    res = await run(_cloud(), rec, tmp_path)
    assert res.outcome.status == "completed" and res.outcome.exit_code == 0
    assert set(res.states().values()) == {"done"}
    assert set(res.states()) == {s.id for s in _cloud().walk()}
    assert res.journal.run(res.outcome.run_id or "").status == "completed"
    ev = rec.events
    assert ev.index("end pre") < ev.index("start app1/a") < ev.index("end app1/a") \
        < ev.index("start app1/b")
    assert ev.index("end app1/b") < ev.index("start post")
    assert ev.index("end app2/a") < ev.index("start post")
    lines = res.output.splitlines()
    assert lines[0] == "Group cloud"
    assert "Running cloud upgrade..." in lines
    assert "Do pre ✓" in lines and "Group app1 ✓" in lines
    assert lines[-1] == "Upgrade completed."
    attempts = res.journal.attempts(res.outcome.run_id or "")
    assert [(a.n, a.status) for a in attempts] == [(1, "completed")]


async def test_invalid_plan_runs_nothing(tmp_path: Path) -> None:
    rec = Rec()
    with pytest.raises(PlanInvalid, match=r"unknown action 'juju\.nope'"):
        await run(group("root", leaf("a"), leaf("b", action="juju.nope")), rec, tmp_path)
    assert rec.events == []
    assert Journal(tmp_path / "journal.sqlite").runs() == []


async def test_max_parallel_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        await run(_cloud(), Rec(), tmp_path, max_parallel=0)


async def test_max_parallel_bounds_concurrent_actions(tmp_path: Path) -> None:
    root = group("root", *(leaf(f"s{i}", params={"block": True}) for i in range(5)),
                 parallel=True)
    rec = Rec()

    def release_when_two_run() -> None:  # steps block until two run at once (or the last)
        if rec.current >= 2 or "start s4" in rec.events:
            for i in range(5):
                rec.gate(f"s{i}").set()

    for i in range(5):
        rec.on_start[f"s{i}"] = release_when_two_run
    res = await run(root, rec, tmp_path, max_parallel=2)
    assert res.outcome.status == "completed"
    assert rec.peak == 2


async def test_prompts_ask_per_group_and_show_the_subtree(tmp_path: Path) -> None:
    rec = Rec()
    res = await run(_cloud(), rec, tmp_path, answers="y\ny\ny\n")
    assert res.outcome.status == "completed"
    out = res.output
    assert "Would you like to start the upgrade? Continue (y/N): y" in out
    assert "\nGroup app1\n  Do app1/a\n  Do app1/b\n\nContinue (y/n): y" in out
    assert "\nGroup app2\n  Do app2/a\n\nContinue (y/n): y" in out
    assert out.count("Continue (y/n)") == 2  # the root is approved by the run prompt


async def test_declining_a_group_stops_before_it_and_resume_continues(tmp_path: Path) -> None:
    rec = Rec()
    res = await run(_cloud(), rec, tmp_path, answers="y\ny\nn\n")
    assert res.outcome.status == "declined" and res.outcome.exit_code == 0
    states = res.states()
    assert states["pre"] == "done"
    assert "app2/a" not in states and "post" not in states
    assert res.journal.run(res.outcome.run_id or "").status == "stopped"
    assert "Stopped at the operator's request before: Group app2" in res.output
    again = await run(_cloud(), rec, tmp_path, resume=res.outcome.run_id)
    assert again.outcome.status == "completed"
    assert rec.events.count("start pre") == 1
    assert rec.events.count("start app2/a") == 1


async def test_declining_the_run_records_nothing(tmp_path: Path) -> None:
    rec = Rec()
    res = await run(_cloud(), rec, tmp_path, answers="\n")  # default is No
    assert res.outcome.status == "declined" and res.outcome.run_id is None
    assert rec.events == []
    assert res.journal.runs() == []
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".lock")]


async def test_closed_input_at_a_prompt_is_unanswered(tmp_path: Path) -> None:
    res = await run(_cloud(), Rec(), tmp_path, answers="y\n")
    assert res.outcome.status == "unanswered" and res.outcome.exit_code == 1
    assert "use --auto-approve" in res.output
    assert res.journal.run(res.outcome.run_id or "").status == "stopped"


async def test_garbage_answers_ask_again(tmp_path: Path) -> None:
    res = await run(group("root", leaf("a")), Rec(), tmp_path, answers="maybe\nyes\n")
    assert res.outcome.status == "completed"
    assert res.output.count("Would you like to start the upgrade?") == 2


async def test_failed_step_stops_new_work_and_lets_running_work_finish(tmp_path: Path) -> None:
    root = group("root", group("par", leaf("slow", params={"block": True}),
                               leaf("bad", action="t.fail"), parallel=True), leaf("after"))
    rec = Rec()
    rec.on_start["slow"] = lambda: asyncio.get_running_loop().call_later(
        0.05, rec.gate("slow").set)
    res = await run(root, rec, tmp_path)
    assert res.outcome.status == "failed" and res.outcome.exit_code == 1
    assert res.outcome.failed_step == "bad"
    states = res.states()
    assert states["slow"] == "done" and states["bad"] == "failed"
    assert "after" not in states
    record = res.journal.steps(res.outcome.run_id or "")["bad"]
    assert record.error == "bad broke"
    assert "octane: error: step 'bad' failed: bad broke" in res.output
    assert "Do bad ✗" in res.output


async def test_unexpected_exception_is_one_line_in_the_journal(tmp_path: Path) -> None:
    res = await run(group("root", leaf("x", action="t.bug")), Rec(), tmp_path)
    assert res.outcome.status == "failed"
    assert res.journal.steps(res.outcome.run_id or "")["x"].error == "KeyError: 'missing'"


async def test_first_stop_lets_running_steps_finish_and_starts_nothing(tmp_path: Path) -> None:
    root = group("root", leaf("a", params={"block": True}), leaf("b"))
    rec, stop = Rec(), StopController()

    def interrupt() -> None:
        stop.request("SIGINT")
        asyncio.get_running_loop().call_soon(rec.gate("a").set)

    rec.on_start["a"] = interrupt
    res = await run(root, rec, tmp_path, stop=stop)
    assert res.outcome.status == "stopped" and res.outcome.exit_code == 130
    assert res.states() == {"root": "acted", "a": "done"}
    assert "Canceling upgrade... (Press ctrl+c again to stop immediately)" in res.output
    assert "octane has been stopped safely" in res.output
    assert res.journal.run(res.outcome.run_id or "").status == "stopped"


async def test_second_stop_cancels_and_resume_verifies_then_reruns(tmp_path: Path) -> None:
    root = group("root", leaf("a", params={"block": True}), leaf("b"))
    rec, stop = Rec(), StopController()

    def interrupt_twice() -> None:
        stop.request("SIGINT")
        stop.request("SIGINT")

    rec.on_start["a"] = interrupt_twice
    res = await run(root, rec, tmp_path, stop=stop)
    assert res.outcome.status == "terminated"
    record = res.journal.steps(res.outcome.run_id or "")["a"]
    assert (record.state, record.error) == ("cancelled", "cancelled by a second interrupt")
    assert "end a" not in rec.events
    assert "octane has been terminated without waiting" in res.output
    assert res.journal.run(res.outcome.run_id or "").status == "terminated"
    rec2 = Rec()
    rec2.on_start["a"] = rec2.gate("a").set
    again = await run(root, rec2, tmp_path, resume="latest")
    assert again.outcome.status == "completed"
    assert rec2.events[:2] == ["verify a", "start a"]  # not in place: verified, then redone
    assert again.journal.steps(again.outcome.run_id or "")["a"].attempts == 2


async def test_resume_skips_a_step_whose_effect_is_verified(tmp_path: Path) -> None:
    root = group("root", leaf("a", params={"block": True}), leaf("b"))
    rec, stop = Rec(), StopController()
    rec.on_start["a"] = _stop_twice(stop)
    first = await run(root, rec, tmp_path, stop=stop)
    rec2 = Rec(verified={"a": True})
    again = await run(root, rec2, tmp_path, resume=first.outcome.run_id)
    assert rec2.events == ["verify a", "start b", "end b"]
    assert again.journal.steps(again.outcome.run_id or "")["a"].result == {"verified": True}


async def test_steps_without_verify_are_rerun_on_resume(tmp_path: Path) -> None:
    root = group("root", leaf("a", action="t.noverify", params={"block": True}))
    rec, stop = Rec(), StopController()
    rec.on_start["a"] = _stop_twice(stop)
    first = await run(root, rec, tmp_path, stop=stop)
    rec2 = Rec()
    rec2.on_start["a"] = rec2.gate("a").set
    await run(root, rec2, tmp_path, resume=first.outcome.run_id)
    assert rec2.events == ["start a", "end a"]


async def test_action_stopping_at_a_safe_point_is_resumable(tmp_path: Path) -> None:
    root = group("root", leaf("arch", action="t.safe"), leaf("b"))
    res = await run(root, Rec(), tmp_path)
    assert res.outcome.status == "stopped"
    record = res.journal.steps(res.outcome.run_id or "")["arch"]
    assert (record.state, record.error) == ("stopped", "stopped after batch 3")
    assert "b" not in res.states()


async def test_resume_refuses_another_plan_unless_allowed(tmp_path: Path) -> None:
    rec = Rec()
    first = await run(_cloud(), rec, tmp_path, answers="y\nn\n")
    changed = group("cloud", leaf("pre"), leaf("post"), prompt=True)
    with pytest.raises(PlanMismatch, match=f"run {first.outcome.run_id} was started with plan"):
        await run(changed, rec, tmp_path, resume=first.outcome.run_id)
    again = await run(changed, rec, tmp_path, resume=first.outcome.run_id,
                      allow_plan_change=True)
    assert again.outcome.status == "completed"
    assert rec.events.count("start pre") == 1  # matched by id, not redone


async def test_latest_starts_a_new_run_when_the_last_one_completed(tmp_path: Path) -> None:
    first = await run(group("root", leaf("a")), Rec(), tmp_path, scope="m:all")
    second = await run(group("root", leaf("a")), Rec(), tmp_path, scope="m:all",
                       resume="latest")
    assert second.outcome.run_id != first.outcome.run_id
    again = await run(group("root", leaf("a")), Rec(), tmp_path, resume=first.outcome.run_id)
    assert again.outcome.status == "completed" and "already completed" in again.output


async def test_a_run_held_by_another_process_is_refused(tmp_path: Path) -> None:
    rec, stop = Rec(), StopController()
    rec.on_start["a"] = _stop_twice(stop)
    root = group("root", leaf("a", params={"block": True}))
    first = await run(root, rec, tmp_path, stop=stop)
    lock = RunLock(first.outcome.run_id or "", tmp_path).acquire()
    try:
        with pytest.raises(RunBusy, match="is being executed by process"):
            await run(root, Rec(), tmp_path, resume=first.outcome.run_id)
    finally:
        lock.release()


async def test_locks_are_held_at_runtime(tmp_path: Path) -> None:
    root = group("root", leaf("a", locks=("model",), params={"block": True}),
                 leaf("b", locks=("model",)), leaf("c"), parallel=True)
    rec = Rec()
    rec.on_start["c"] = lambda: asyncio.get_running_loop().call_later(0.02, rec.gate("a").set)
    res = await run(root, rec, tmp_path)
    assert res.outcome.status == "completed"
    assert rec.events.index("end a") < rec.events.index("start b")
    assert rec.events.index("start c") < rec.events.index("end a")


async def test_a_lock_stall_fails_cleanly(tmp_path: Path) -> None:
    root = group("root", group("A", leaf("a1", requires=("b",)), locks=("L",)),
                 leaf("b", locks=("L",)), parallel=True)
    res = await run(root, Rec(), tmp_path)
    assert res.outcome.status == "failed"
    assert res.outcome.message == ("step 'b' failed: plan cannot progress: step 'b' waits for "
                                   "a lock held by 'A'")


async def test_quiet_shows_plan_and_outcome_only(tmp_path: Path) -> None:
    res = await run(_cloud(), Rec(), tmp_path, quiet=True)
    assert "✓" not in res.output and "Running cloud upgrade" not in res.output
    assert res.output.splitlines()[0] == "Group cloud"
    assert res.output.splitlines()[-1] == "Upgrade completed."


async def test_actions_talk_to_the_operator_through_the_context(tmp_path: Path) -> None:
    root = group("root", leaf("s", action="t.say"))
    loud = await run(root, Rec(), tmp_path)
    assert "Skipping hypervisor 'nc/3': it hosts 2 VMs\nVault is sealed; not touched\n" \
        in loud.output
    quiet = await run(root, Rec(), tmp_path, quiet=True)
    assert "Skipping" not in quiet.output and "Vault is sealed; not touched" in quiet.output


async def test_an_action_may_ask_a_secret_that_is_never_shown_or_logged(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    rec = Rec()
    res = await run(group("root", leaf("u", action="t.unseal")), rec, tmp_path,
                    answers="s3cret-key\n", auto=True)
    assert res.outcome.status == "completed"
    assert rec.events == ["unsealed with 10 characters"]
    assert "Unseal key for 'vault/0': \n" in res.output
    assert "s3cret" not in res.output + caplog.text
    assert "s3cret" not in str(res.journal.steps(res.outcome.run_id or ""))
    closed = await run(group("root", leaf("u", action="t.unseal")), Rec(), tmp_path,
                       answers="", auto=True)
    assert closed.outcome.message == "step 'u' failed: vault needs unseal keys; input is closed"


async def test_progress_reaches_the_display(tmp_path: Path) -> None:
    rec = Rec()
    rec.on_start["a"] = lambda: asyncio.get_running_loop().call_later(0.02, rec.gate("a").set)
    res = await run(group("root", leaf("a", params={"block": True})), rec, tmp_path)
    assert "Do a: waiting for gate a (0s elapsed; still busy: a/0)" in res.output


async def test_run_plan_uses_the_xdg_journal_by_default(tmp_path: Path,
                                                         _octane_data: Path) -> None:
    import io

    from octane.engine.console import Console
    console = Console(io.StringIO(), input_fd=None)
    outcome = await asyncio.wait_for(run_plan(
        Plan(group("root", leaf("a"))), REGISTRY, Rec(),
        RunOptions(auto_approve=True, handle_signals=False, scope="s"), console=console), WAIT)
    journal = Journal(_octane_data / "journal" / "octane.sqlite")
    assert [r.id for r in journal.runs("s")] == [outcome.run_id]
