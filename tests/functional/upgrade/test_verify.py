"""Every read-back an interrupted run relies on, asked of the real ports.

On resume the engine calls the ``verify`` of the step that was running when the previous
process died (docs/engine.md). Those functions only run after a crash, so a whole upgrade
never exercises them; the SIGKILL test reaches each one only by chance. A read-back that
cannot talk to its port (an attribute the port's snapshot does not have, say) would fail
the resume of an operator whose run was killed at that step. Here, after a full upgrade of
focal-ussuri by a real ``octane upgrade`` process, every step of the journaled plan that
has a read-back is verified in this process through the same Juju and OpenStack ports
``octane upgrade`` builds, and each must tell the truth about the cloud the run left.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from octane.actions import RunNotes, Settings, UpgradeDeps, registry
from octane.engine.context import StepContext
from octane.engine.journal import Journal
from octane.engine.signals import StopController
from octane.juju.model import JujuModel
from octane.openstack import connect
from octane.plan.step import Step
from tests.functional.upgrade.cloud import octane_on, scenario

SCOPE = "upgrade:twin:openstack"
#: Undone later in the same run: a hypervisor's scheduler is enabled again and its paused
#: units resumed, so these read-backs rightly answer "not in place" at the end.
UNDONE = {"nova.disable_scheduler", "unit.pause"}


def _superseded(steps: list[Step]) -> set[str]:
    """Refreshes to a channel the same application leaves again later in the plan (the
    latest revision of the current release's channel, before the move to the next one)."""
    final: dict[str, object] = {}
    for step in steps:
        if step.action == "app.refresh":
            final[str(step.params["application"])] = step.params["channel"]
    return {s.id for s in steps if s.action == "app.refresh"
            and final[str(s.params["application"])] != s.params["channel"]}


async def _verify_all(model: str, data: Path) -> tuple[dict[str, tuple[str, bool]], set[str]]:
    journal = Journal(data / "journal" / "octane.sqlite")
    try:
        [run] = journal.runs(SCOPE)
        plan = run.plan()
    finally:
        journal.close()
    actions = registry()
    session = await JujuModel.connect(model)
    nova = await connect()
    try:
        deps = UpgradeDeps(juju=session, notes=RunNotes(data / "runs"), nova=nova,
                           settings=Settings.from_env(plan.meta))
        answers: dict[str, tuple[str, bool]] = {}
        steps = list(plan.root.walk())
        for step in steps:
            action = actions[step.action] if step.action else None
            if action is None or action.verify is None:
                continue
            ctx: StepContext[UpgradeDeps] = StepContext(
                run_id=run.id, step=step, deps=deps, resumed=True, _stop=StopController(),
                _report=lambda *_: None, _say=lambda *_: None, _ask=_no_answer)
            answers[step.id] = (step.action or "", await action.verify(ctx, step))
        return answers, _superseded(steps)
    finally:
        await nova.close()
        await session.close()


async def _no_answer(question: str, secret: bool) -> str | None:
    raise AssertionError(f"a read-back asked the operator: {question}")


def test_every_read_back_answers_through_the_real_ports(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with octane_on(scenario("focal-ussuri", vms=False), tmp_path) as octane:
        run = octane.run("upgrade", "--auto-approve", "--quiet", "--no-backup")
        assert run.code == 0, run.out + run.err
        for key, value in octane.env.items():
            monkeypatch.setenv(key, value)
        answers, superseded = asyncio.run(_verify_all(octane.model, octane.data))
    kinds = {action for action, _ in answers.values()}
    # every kind of read-back the focal-ussuri plan has was asked, Nova's included
    assert {"app.refresh", "app.set_config", "unit.pause", "unit.resume",
            "nova.disable_scheduler", "nova.enable_scheduler",
            "ceph.ensure_require_osd_release"} <= kinds, kinds
    assert superseded, "the plan refreshes no charm within its current channel first"
    wrong = {sid: (action, ok) for sid, (action, ok) in answers.items()
             if ok is (action in UNDONE or sid in superseded)}
    assert wrong == {}, wrong
