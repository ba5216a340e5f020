"""Refresh, config, waits and workload checks: effects, idempotence and read-backs."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from octane.actions import RunNotes, Settings, Timeouts, registry
from octane.actions import applications as apps
from octane.errors import GateFailed, OctaneError
from octane.juju.wait import UnitsInError, WaitTimeout
from octane.plan import actions as vocabulary
from octane.plan.step import Step
from tests.golden.scenarios import focal_ussuri
from tests.unit.actions.fake import FakeJuju, Screen, context


def _step(action: str, **params: object) -> Step:
    assert vocabulary.validate(action, params) == []
    return Step(id="s", description="d", action=action, params=params)


@pytest.fixture
def juju() -> FakeJuju:
    return FakeJuju(focal_ussuri(), revisions={("keystone", "victoria/stable"): 700,
                                               ("keystone", "ussuri/stable"): 100})


@pytest.fixture
def notes(tmp_path: Path) -> RunNotes:
    return RunNotes(tmp_path / "runs")


def test_the_registry_implements_exactly_the_vocabulary() -> None:
    built = registry()
    assert set(built) == set(vocabulary.ACTIONS)
    mutating = {n for n, spec in vocabulary.ACTIONS.items() if spec.mutates}
    # every mutating action has a read-back, except those whose effect cannot be read
    # back cheaply (rows archived or purged, packages upgraded, an arbitrary charm action)
    assert {n for n in mutating if built[n].verify is None} == {
        "nova.archive", "nova.purge", "unit.upgrade_packages", "unit.run_action"}


def test_set_config_changes_only_what_differs_and_a_rerun_sends_nothing(
        juju: FakeJuju, notes: RunNotes) -> None:
    step = _step("app.set_config", application="keystone",
                 config={"openstack-origin": "cloud:focal-victoria",
                         "action-managed-upgrade": "False"})
    ctx = context(juju, step, notes=notes)
    assert not asyncio.run(apps.config_is_set(ctx, step))
    assert asyncio.run(apps.set_config(ctx, step)) == {"changed": ["openstack-origin"]}
    assert juju.app("keystone").config["openstack-origin"] == "cloud:focal-victoria"
    writes = len(juju.calls)
    assert asyncio.run(apps.set_config(ctx, step)) == {"changed": []}
    assert len(juju.calls) == writes
    assert asyncio.run(apps.config_is_set(ctx, step))


def test_verify_config_stops_when_another_operator_changed_the_option(
        juju: FakeJuju, notes: RunNotes) -> None:
    step = _step("app.verify_config", application="rabbitmq-server",
                 key="enable-auto-restarts", expected="False")
    ctx = context(juju, step, notes=notes)
    assert asyncio.run(apps.verify_config(ctx, step)) == {"enable-auto-restarts": "false"}
    asyncio.run(juju.set_config("rabbitmq-server", {"enable-auto-restarts": True}))
    with pytest.raises(GateFailed) as caught:
        asyncio.run(apps.verify_config(ctx, step))
    assert caught.value.one_line() == (
        "'rabbitmq-server' option 'enable-auto-restarts' is 'true', expected 'False': it "
        "changed since the plan was made (run `juju config rabbitmq-server "
        "enable-auto-restarts=False` and resume, or plan again)")


def test_refresh_takes_the_newest_revision_once(juju: FakeJuju, notes: RunNotes) -> None:
    step = _step("app.refresh", application="keystone", channel="victoria/stable",
                 switch=None, timeout=300)
    ctx = context(juju, step, notes=notes)
    assert not asyncio.run(apps.refreshed(ctx, step))
    result = asyncio.run(apps.refresh(ctx, step))
    assert result == {"channel": "victoria/stable", "revision": 700, "changed": True}
    assert asyncio.run(apps.refreshed(ctx, step))
    assert asyncio.run(apps.refresh(ctx, step))["changed"] is False
    assert [c for c in juju.calls if c[0] == "refresh"] == [
        ("refresh", "keystone", "victoria/stable")]


def test_a_unit_in_error_after_a_refresh_fails_the_step_naming_it(
        juju: FakeJuju, notes: RunNotes) -> None:
    step = _step("app.refresh", application="keystone", channel="victoria/stable",
                 switch=None, timeout=300)
    juju.on_status = lambda j: j.set_unit("keystone/1", workload_status="error",
                                          workload_message='hook failed: "upgrade-charm"')
    with pytest.raises(UnitsInError) as caught:
        asyncio.run(apps.refresh(context(juju, step, notes=notes), step))
    assert caught.value.one_line() == ("app 'keystone' did not settle: keystone/1 "
                                       "(idle/error: hook failed: \"upgrade-charm\")")


def test_waits_report_busy_units_and_use_the_run_time_timeout(
        juju: FakeJuju, notes: RunNotes) -> None:
    juju.set_unit("glance/2", agent_status="executing")
    step = _step("model.wait_idle", timeout=300, applications=["glance"],
                 raise_on_blocked=False)
    screen = Screen()
    settings = Settings(timeouts=Timeouts(standard=0), idle_period=0.0, poll=0.0)
    ctx = context(juju, step, notes=notes, screen=screen, settings=settings)
    with pytest.raises(WaitTimeout, match="within 0s; still busy: glance/2"):
        asyncio.run(apps.wait_idle(ctx, step))
    assert screen.progress[-1] == ("app 'glance' to reach the idle state", ("glance/2",))


def test_the_plans_timeout_is_replaced_only_when_the_variable_is_set() -> None:
    plain = Timeouts.from_env({"standard_timeout": 300, "long_timeout": 2400}, {})
    assert (plain.effective(300), plain.effective(2400), plain.effective(600)) == (300, 2400, 600)
    longer = Timeouts.from_env({"standard_timeout": 300, "long_timeout": 2400},
                               {"OCTANE_LONG_IDLE_TIMEOUT": "4800"})
    assert (longer.effective(300), longer.effective(2400)) == (300, 4800)


def test_verify_idle_judges_known_applications_but_not_the_left_out_ones(
        juju: FakeJuju, notes: RunNotes) -> None:
    juju.set_unit("vault/0", workload_status="blocked", workload_message="Unit is sealed")
    step = _step("model.verify_idle", timeout=300)
    with pytest.raises(UnitsInError, match="vault/0"):
        asyncio.run(apps.verify_idle(context(juju, step, notes=notes), step))
    settings = Settings(idle_period=0.0, poll=0.0, excluded=frozenset({"vault"}))
    ctx = context(juju, step, notes=notes, settings=settings)
    assert asyncio.run(apps.verify_idle(ctx, step))["applications"] > 10


def test_verify_workload_uses_the_catalogue_and_names_the_laggards(
        juju: FakeJuju, notes: RunNotes) -> None:
    step = _step("app.verify_workload", application="keystone",
                 units=["keystone/0", "keystone/1", "keystone/2"], release="victoria")
    ctx = context(juju, step, notes=notes)
    with pytest.raises(OctaneError) as caught:
        asyncio.run(apps.verify_workload(ctx, step))
    assert caught.value.one_line().startswith(
        "Unit(s) 'keystone/0, keystone/1, keystone/2' did not complete the upgrade to victoria")
    asyncio.run(juju.set_config("keystone", {"openstack-origin": "cloud:focal-victoria"}))
    assert asyncio.run(apps.verify_workload(ctx, step)) == {
        "verified": ["keystone/0", "keystone/1", "keystone/2"]}


def test_verify_release_explains_a_skipped_hypervisor(juju: FakeJuju, notes: RunNotes) -> None:
    asyncio.run(juju.set_config("nova-compute", {"openstack-origin": "cloud:focal-victoria"}))
    juju.set_unit("nova-compute/1",
                  workload_version=juju.unit("nova-compute/0").workload_version.replace(
                      "22.", "21."))
    asyncio.run(notes.skip("run-1", "nova-compute/1", "runs 2 instance(s) (Nova)"))
    step = _step("app.verify_release", application="nova-compute", release="victoria")
    with pytest.raises(GateFailed) as caught:
        asyncio.run(apps.verify_release(context(juju, step, notes=notes), step))
    assert "nova-compute/1 (nova-compute/1: runs 2 instance(s) (Nova))" in \
        caught.value.one_line()
    assert "octane upgrade hypervisors --machine" in caught.value.one_line()


def test_verify_release_passes_when_every_unit_moved(juju: FakeJuju, notes: RunNotes) -> None:
    asyncio.run(juju.set_config("nova-compute", {"openstack-origin": "cloud:focal-victoria"}))
    step = _step("app.verify_release", application="nova-compute", release="victoria")
    assert asyncio.run(apps.verify_release(context(juju, step, notes=notes), step)) == {
        "verified": 3}
    unknown = replace(step, params={**step.params, "application": "nope"})
    with pytest.raises(OctaneError, match="application 'nope' not found"):
        asyncio.run(apps.verify_release(context(juju, unknown, notes=notes), unknown))


def test_a_refresh_whose_call_never_returns_is_done_once_the_status_shows_it(
        juju: FakeJuju, notes: RunNotes) -> None:
    """libjuju waits for its watcher, which a dropped connection may have stopped."""
    real = juju.refresh

    async def applied_then_hangs(application: str, *, channel: str | None = None,
                                 switch: str | None = None, revision: int | None = None) -> None:
        await real(application, channel=channel, switch=switch, revision=revision)
        await asyncio.Event().wait()

    juju.refresh = applied_then_hangs  # type: ignore[method-assign]  # patches this fake only
    step = _step("app.refresh", application="keystone", channel="victoria/stable",
                 switch=None, timeout=300)
    result = asyncio.run(asyncio.wait_for(apps.refresh(context(juju, step, notes=notes),
                                                       step), 10))
    assert result == {"channel": "victoria/stable", "revision": 700, "changed": True}
