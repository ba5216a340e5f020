"""A hypervisor's steps: emptiness (Nova or the charm), skip and --force, pause → upgrade →
resume with their read-backs, the scheduler, packages."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from octane.actions import RunNotes, Settings, nova, units
from octane.actions import applications as apps
from octane.errors import NotFound, OctaneError
from octane.juju.model import CommandResult
from octane.openstack.model import ComputeService
from octane.plan.step import Step
from tests.golden.scenarios import focal_ussuri
from tests.unit.actions.fake import FakeJuju, Screen, context

UNIT = "nova-compute/1"


def _step(action: str, **params: object) -> Step:
    return Step(id=f"hv/{action}", description="d", action=action, params=params)


@pytest.fixture
def juju() -> FakeJuju:
    fake = FakeJuju(focal_ussuri())
    asyncio.run(fake.set_config("nova-compute", {"action-managed-upgrade": True}))
    asyncio.run(fake.set_config("nova-compute", {"openstack-origin": "cloud:focal-victoria"}))
    return fake


@pytest.fixture
def notes(tmp_path: Path) -> RunNotes:
    return RunNotes(tmp_path / "runs")


def _unit_steps() -> list[Step]:
    return [_step("unit.pause", unit=UNIT),
            _step("unit.openstack_upgrade", unit=UNIT, timeout=2400),
            _step("unit.resume", unit=UNIT, restart_services=[])]


def _run_unit(juju: FakeJuju, notes: RunNotes, **kw: Any) -> list[object]:
    out = []
    for step in _unit_steps():
        action = {"unit.pause": units.pause, "unit.openstack_upgrade": units.openstack_upgrade,
                  "unit.resume": units.resume}[str(step.action)]
        out.append(asyncio.run(action(context(juju, step, notes=notes, **kw), step)))
    return out


def test_an_empty_hypervisor_is_paused_upgraded_and_resumed(juju: FakeJuju,
                                                            notes: RunNotes) -> None:
    check = _step("nova.verify_empty", unit=UNIT, hostname=None)
    assert asyncio.run(nova.verify_empty(context(juju, check, notes=notes), check)) == {
        "instances": 0, "source": "the instance-count action"}
    before = juju.unit(UNIT).workload_version
    pause, upgrade, resume = _unit_steps()
    ctx = context(juju, pause, notes=notes)
    assert not asyncio.run(units.paused(ctx, pause))
    asyncio.run(units.pause(ctx, pause))
    assert asyncio.run(units.paused(ctx, pause))
    ctx = context(juju, upgrade, notes=notes)
    assert not asyncio.run(units.unit_upgraded(ctx, upgrade))
    asyncio.run(units.openstack_upgrade(ctx, upgrade))
    assert asyncio.run(units.unit_upgraded(ctx, upgrade))
    assert juju.unit(UNIT).workload_version != before
    assert juju.unit("nova-compute/0").workload_version == before  # one unit at a time
    ctx = context(juju, resume, notes=notes)
    assert not asyncio.run(units.resumed(ctx, resume))
    asyncio.run(units.resume(ctx, resume))
    assert asyncio.run(units.resumed(ctx, resume))


def test_a_vm_that_landed_since_the_plan_skips_the_hypervisor_and_says_so(
        juju: FakeJuju, notes: RunNotes) -> None:
    juju.instances[UNIT] = 2
    screen = Screen()
    check = _step("nova.verify_empty", unit=UNIT, hostname="compute-1")
    result = asyncio.run(nova.verify_empty(context(juju, check, notes=notes, screen=screen),
                                           check))
    assert result == {"skipped": UNIT, "instances": 2, "source": "the instance-count action"}
    assert screen.said == [(
        f"Skipping hypervisor '{UNIT}' (compute-1): it runs 2 instance(s) (the instance-count "
        "action) since the plan was made; migrate them away, then run `octane upgrade "
        "hypervisors --machine 4` (or add --force)", True)]
    before = juju.unit(UNIT).workload_version
    assert [r["skipped"] for r in _run_unit(juju, notes)] == [UNIT] * 3  # type: ignore[index]
    assert juju.unit(UNIT).workload_version == before
    assert not [c for c in juju.calls if c[0] == "action" and c[1] == UNIT
                and c[2] != "instance-count"]
    verify = _step("app.verify_workload", application="nova-compute", units=[UNIT],
                   release="victoria")
    assert asyncio.run(apps.verify_workload(context(juju, verify, notes=notes), verify)) == {
        "verified": [], "skipped": [UNIT]}
    # a later re-run (resume) that finds it empty again forgets the skip
    juju.instances[UNIT] = 0
    asyncio.run(nova.verify_empty(context(juju, check, notes=notes), check))
    assert notes.skipped("run-1") == {}


def test_force_upgrades_a_busy_hypervisor_with_a_warning(juju: FakeJuju,
                                                         notes: RunNotes) -> None:
    juju.instances[UNIT] = 1
    screen = Screen()
    check = _step("nova.verify_empty", unit=UNIT, hostname=None)
    forced = Settings(idle_period=0.0, poll=0.0, force=True)
    result = asyncio.run(nova.verify_empty(
        context(juju, check, notes=notes, screen=screen, settings=forced), check))
    assert result["forced"] is True and screen.said[0][1] is True
    _run_unit(juju, notes)
    assert asyncio.run(units.unit_upgraded(context(juju, _unit_steps()[1], notes=notes),
                                           _unit_steps()[1]))


class _Nova:
    """Nova's answers for the emptiness check and the compute services."""

    def __init__(self, servers: dict[str, int], disabled: dict[str, bool]) -> None:
        self.servers, self.disabled = servers, disabled

    async def hypervisor_servers(self, name: str) -> list[str]:
        if name not in self.servers:
            raise NotFound(f"no hypervisor '{name}' in Nova")
        return ["vm"] * self.servers[name]

    async def compute_service(self, host: str, binary: str = "nova-compute"
                              ) -> ComputeService:
        # the port's own snapshot type, so a renamed field fails here as it would in a run
        return ComputeService(id="1", binary=binary, host=host, zone="nova",
                              status="disabled" if self.disabled[host] else "enabled",
                              state="up")


def test_nova_answers_emptiness_when_credentials_were_given(juju: FakeJuju,
                                                            notes: RunNotes) -> None:
    juju.instances[UNIT] = 5  # the charm would say busy: Nova is asked instead
    check = _step("nova.verify_empty", unit=UNIT, hostname="compute-1")
    ctx = context(juju, check, notes=notes, nova=_Nova({"compute-1": 0}, {}))
    assert asyncio.run(nova.verify_empty(ctx, check)) == {"instances": 0, "source": "Nova"}
    unknown = _step("nova.verify_empty", unit=UNIT, hostname="elsewhere")
    ctx = context(juju, unknown, notes=notes, nova=_Nova({}, {}))
    assert asyncio.run(nova.verify_empty(ctx, unknown))["source"] == "the instance-count action"


def test_the_scheduler_steps_read_back_from_nova(juju: FakeJuju, notes: RunNotes) -> None:
    step = _step("nova.disable_scheduler", unit=UNIT)
    fake_nova = _Nova({}, {"compute-1": False})
    ctx = context(juju, step, notes=notes, nova=fake_nova)
    assert not asyncio.run(nova.scheduler_disabled(ctx, step))
    assert asyncio.run(nova.disable_scheduler(ctx, step)) == {"disabled": UNIT}
    fake_nova.disabled["compute-1"] = True
    assert asyncio.run(nova.scheduler_disabled(ctx, step))
    enable = _step("nova.enable_scheduler", unit=UNIT)
    assert not asyncio.run(nova.scheduler_enabled(context(juju, enable, notes=notes,
                                                          nova=fake_nova), enable))
    # without Nova the state cannot be read: the (idempotent) action runs again
    assert not asyncio.run(nova.scheduler_disabled(context(juju, step, notes=notes), step))


def test_a_failing_action_is_one_line_with_the_charms_message(juju: FakeJuju,
                                                              notes: RunNotes) -> None:
    juju.failing[(UNIT, "pause")] = "Couldn't pause: services still running\nTraceback..."
    pause = _unit_steps()[0]
    with pytest.raises(OctaneError) as caught:
        asyncio.run(units.pause(context(juju, pause, notes=notes), pause))
    assert caught.value.one_line() == f"pause on '{UNIT}' failed: Traceback..."


def test_packages_hold_then_always_unhold(juju: FakeJuju, notes: RunNotes) -> None:
    unit = "mysql-innodb-cluster/0"
    step = _step("unit.upgrade_packages", unit=unit, hold=["mysql-server-core-8.0"],
                 timeout=600)
    juju.calls.clear()
    assert asyncio.run(units.upgrade_packages(context(juju, step, notes=notes), step)) == {
        "unit": unit, "held": ["mysql-server-core-8.0"]}
    assert [c[2] for c in juju.calls] == ["apt-mark hold mysql-server-core-8.0",
                                          units.APT_UPGRADE,
                                          "apt-mark unhold mysql-server-core-8.0"]
    juju.calls.clear()
    answer = juju._command

    def broken_dpkg(unit: str, command: str) -> CommandResult:
        if "apt-get" in command:
            return CommandResult(unit, 100, "", "E: dpkg was interrupted")
        return answer(unit, command)

    juju._command = broken_dpkg  # type: ignore[method-assign]
    with pytest.raises(OctaneError) as caught:
        asyncio.run(units.upgrade_packages(context(juju, step, notes=notes), step))
    assert caught.value.one_line() == (f"package upgrade on '{unit}' exited 100: "
                                       "E: dpkg was interrupted")
    assert juju.calls[-1][2] == "apt-mark unhold mysql-server-core-8.0"


def test_resume_restarts_the_listed_services(juju: FakeJuju, notes: RunNotes) -> None:
    step = _step("unit.resume", unit=UNIT, restart_services=["ceilometer-agent-compute"])
    asyncio.run(units.resume(context(juju, step, notes=notes), step))
    assert juju.calls[-1] == ("command", UNIT, "systemctl restart ceilometer-agent-compute")
    assert not asyncio.run(units.resumed(context(juju, step, notes=notes), step))
