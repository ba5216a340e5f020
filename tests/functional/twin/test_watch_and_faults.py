"""AllWatcher semantics, the simulated clock, and faults from the admin side channel."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from juju import errors as juju_errors
from juju.client import client
from juju.model import Model

from octane.twin.testing import AdminError, RunningTwin, running_twin
from tests.functional import libjuju_status as jstatus

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
SLOW = str(Path(__file__).parent / "scenarios" / "slow.yaml")


async def test_next_blocks_until_a_change_and_sends_whole_documents(twin: RunningTwin) -> None:
    async with asyncio.timeout(30):
        model = Model()
        await model.connect(model_name=twin.model_name("openstack"))
        try:
            conn = model.connection()
            watcher = client.AllWatcherFacade.from_connection(conn)
            first = await watcher.Next()
            kinds = {d.entity for d in first.deltas}
            assert {"model", "machine", "application", "unit", "relation",
                    "applicationOffer"} <= kinds
            pending = asyncio.ensure_future(watcher.Next())
            await asyncio.sleep(0.3)
            assert not pending.done()  # nothing changed: Next blocks
            twin.admin.set_config("openstack", "keystone", {"debug": True})
            result = await asyncio.wait_for(pending, 10)
            docs = {(d.entity, d.data.get("name")): d.data for d in result.deltas}
            app = docs[("application", "keystone")]
            assert app["config"]["debug"] is True
            assert {"exposed", "life", "min-units", "constraints", "subordinate",
                    "workload-version", "status", "charm-url"} <= set(app)
            unit = docs[("unit", "keystone/0")]
            assert unit["agent-status"]["current"] == "executing"
            assert {"agent-status", "workload-status", "subordinate", "principal",
                    "machine-id", "public-address"} <= set(unit)
            stopped = asyncio.ensure_future(watcher.Next())
            for _ in range(50):  # drain the hook activity the change caused, bounded
                await asyncio.sleep(0.2)
                if not stopped.done():
                    break
                stopped = asyncio.ensure_future(watcher.Next())
            assert not stopped.done()
            await watcher.Stop()
            with pytest.raises(juju_errors.JujuAPIError, match="watcher was stopped"):
                await asyncio.wait_for(stopped, 10)
        finally:
            await model.disconnect()


async def test_dropped_connection_reconnects(twin: RunningTwin) -> None:
    """After a drop, libjuju reconnects and calls work again.

    Its AllWatcher task may stop instead of reopening (the receiver's reconnect marks the
    connection as closing before the watcher looks: libjuju model/__init__.py
    ``_all_watcher``), so state read from FullStatus, not from ``model.applications``,
    is what survives a drop — the twin reproduces that.
    """
    async with asyncio.timeout(60):
        model = Model()
        await model.connect(model_name=twin.model_name("openstack"))
        try:
            assert twin.admin.drop_connections() >= 1
            app = model.applications["keystone"]
            for _ in range(100):  # libjuju reconnects on its own; bounded wait
                try:
                    await app.set_config({"debug": "true"})
                    break
                except Exception:
                    await asyncio.sleep(0.1)
            assert (await app.get_config())["debug"]["value"] is True
            for _ in range(100):
                status = await model.get_status()
                units = jstatus.units(status, "keystone").values()
                if all(jstatus.present(u.agent_status).status == "idle" for u in units):
                    break
                await asyncio.sleep(0.05)
            assert {jstatus.present(u.agent_status).status for u in units} == {"idle"}
        finally:
            await model.disconnect()


async def test_settle_that_never_finishes(twin: RunningTwin) -> None:
    async with asyncio.timeout(60):
        model = Model()
        await model.connect(model_name=twin.model_name("openstack"))
        try:
            twin.admin.never_settle("openstack", "keystone/1")
            await model.applications["keystone"].set_config({"debug": "true"})
            with pytest.raises(asyncio.TimeoutError):
                await model.wait_for_idle(apps=["keystone"], idle_period=0.5, timeout=3)
            units = twin.admin.state("openstack")["units"]
            assert units["keystone/1"]["agent"] == "executing"
            assert units["keystone/0"]["agent"] == "idle"
        finally:
            await model.disconnect()


def test_hooks_follow_the_clock(tmp_path: Path) -> None:
    with running_twin(SLOW, data_dir=tmp_path / "slow") as twin:
        before = twin.admin.clock()["now"]
        twin.admin.set_config("openstack", "keystone", {"debug": True})
        state = twin.admin.state("openstack")["units"]["keystone/0"]
        assert state["agent"] == "executing"
        assert state["workload"] == "maintenance"
        assert state["queue"] == ["config-changed"]
        assert state["busy-until"] == pytest.approx(before + 60, abs=5)
        twin.admin.advance(61)
        state = twin.admin.state("openstack")["units"]["keystone/0"]
        assert (state["agent"], state["workload"], state["queue"]) == ("idle", "active", [])
        assert twin.admin.clock()["now"] >= before + 61


def test_admin_channel_needs_its_token(twin: RunningTwin) -> None:
    from octane.twin.testing import AdminClient
    intruder = AdminClient(twin.admin.base, "not-the-token")
    with pytest.raises(AdminError, match="token"):
        intruder.state()
    assert twin.admin.request("GET", "/health") == {"ok": True}
    with pytest.raises(AdminError, match="not found"):
        twin.admin.fail_next_hook("openstack", "nope/0")


async def test_calls_are_recorded_and_reset_restores_the_scenario(twin: RunningTwin) -> None:
    async with asyncio.timeout(30):
        model = Model()
        await model.connect(model_name=twin.model_name("openstack"))
        try:
            await model.applications["keystone"].set_config({"vip": "10.5.0.200"})
        finally:
            await model.disconnect()
    methods = [(c["facade"], c["method"]) for c in twin.admin.calls()]
    assert ("Application", "SetConfigs") in methods
    assert methods[0] == ("Admin", "Login")
    uuid = twin.admin.state("openstack")["uuid"]
    twin.admin.reset()
    state = twin.admin.state("openstack")
    assert state["uuid"] == uuid  # seeded ids: the same model after a reset
    assert state["applications"]["keystone"]["config"]["vip"] == "10.5.0.100"
    assert twin.admin.calls() == []
    async with asyncio.timeout(30):
        again = Model()
        await again.connect(model_name=twin.model_name("openstack"))
        await again.disconnect()
