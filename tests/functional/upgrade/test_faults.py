"""Faults on the twin during a real ``octane upgrade``: each one a clean stop with a one-line
reason and the command that resumes (or, for a dropped connection, no stop at all), and a
cloud changed exactly up to the failed step.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from pathlib import Path

from juju.model import Model

from octane.releases import catalogue
from tests.functional.upgrade.cloud import (
    MODEL,
    Octane,
    octane_on,
    origin,
    releases_of,
    scenario,
)
from tests.rigs import Proc

CONTROL_PLANE = ("upgrade", "control-plane", "--auto-approve", "--no-backup", "--no-archive")
RESUME = "Resume with: octane upgrade control-plane --model twin:admin/openstack"


def _failed(run: Proc, step: str, reason: str) -> None:
    """Exit 1, exactly one error line naming the step and the reason, then how to resume."""
    assert run.code == 1, run.out[-2000:] + run.err[-2000:]
    assert run.errors() == [f"octane: error: step '{step}' failed: {reason}"], run.errors()
    lines = run.out.splitlines()
    assert lines[lines.index(f"octane: error: step '{step}' failed: {reason}") + 1] == RESUME
    assert "Traceback" not in run.out + run.err


def _channel(octane: Octane, app: str) -> str:
    return str(octane.state()["applications"][app]["channel"])


def _origin(octane: Octane, app: str) -> str | None:
    return origin(octane.state()["applications"][app])


def _resolve(octane: Octane, unit: str) -> None:
    """``juju resolved --retry`` through libjuju (what the operator does after fixing it)."""
    async def resolve() -> None:
        model = Model()
        await model.connect(model_name=octane.model)
        try:
            await model.units[unit].resolved(retry=True)
        finally:
            await model.disconnect()
    saved = os.environ.get("JUJU_DATA")
    os.environ["JUJU_DATA"] = octane.env["JUJU_DATA"]
    try:
        asyncio.run(resolve())
    finally:
        if saved is None:
            os.environ.pop("JUJU_DATA", None)
        else:
            os.environ["JUJU_DATA"] = saved


def test_a_unit_in_error_during_a_refresh_stops_then_resumes(tmp_path: Path) -> None:
    with octane_on(scenario("focal-ussuri", vms=False), tmp_path) as octane:
        octane.twin.admin.fail_next_hook(MODEL, "keystone/1")
        run = octane.run(*CONTROL_PLANE)
        _failed(run, "cp/keystone/refresh", "app 'keystone' did not settle: keystone/1 "
                "(idle/error: hook failed: \"upgrade-charm\")")
        assert _channel(octane, "keystone") == "ussuri/stable"
        assert _channel(octane, "glance") == "ussuri/stable"  # nothing after it started
        assert _channel(octane, "rabbitmq-server") == "3.9/stable"  # before it: done

        _resolve(octane, "keystone/1")
        again = octane.run(*CONTROL_PLANE)
        assert again.code == 0, again.out[-2000:]
        assert "Continuing run " in again.out
        assert _channel(octane, "keystone") == "victoria/stable"
        assert releases_of(octane.state(), "keystone") == {"victoria"}
        # finished steps were not redone: rabbitmq's refresh ran once
        refreshes = [line for line in again.out.splitlines()
                     if line.startswith("Upgrade 'rabbitmq-server' to the new channel")]
        assert refreshes == []


def test_a_failing_action_stops_with_the_charms_message(tmp_path: Path) -> None:
    with octane_on(scenario("focal-ussuri", vms=False), tmp_path) as octane:
        octane.twin.admin.fail_action(MODEL, "rabbitmq-server/2", "run-deferred-hooks",
                                      "deferred restart of rabbitmq-server failed")
        run = octane.run(*CONTROL_PLANE)
        _failed(run, "cp/rabbitmq-server/before/run-deferred-hooks/rabbitmq-server-2",
                "action 'run-deferred-hooks' on 'rabbitmq-server/2' failed: deferred "
                "restart of rabbitmq-server failed")
        assert _channel(octane, "rabbitmq-server") == "3.8/stable"


def test_dropped_connections_are_reconnected_and_the_run_carries_on(tmp_path: Path) -> None:
    with octane_on(scenario("focal-ussuri", vms=False), tmp_path) as octane:
        proc = octane.start(*CONTROL_PLANE)
        dropped: list[int] = []

        def drop() -> None:
            for _ in range(4):
                time.sleep(1.0)
                if proc.popen.poll() is not None:
                    return
                dropped.append(octane.twin.admin.drop_connections())

        thread = threading.Thread(target=drop)
        thread.start()
        assert proc.wait() == 0, proc.out[-3000:] + proc.err[-2000:]
        thread.join(10)
        assert sum(dropped) >= 2, dropped  # the connections really were cut
        assert _channel(octane, "keystone") == "victoria/stable"
        assert releases_of(octane.state(), "nova-cloud-controller") == {"victoria"}


def test_a_settle_that_never_ends_times_out_with_the_busy_unit(tmp_path: Path) -> None:
    with octane_on(scenario("focal-ussuri", vms=False), tmp_path) as octane:
        octane.twin.admin.never_settle(MODEL, "glance/0")
        run = octane.run(*CONTROL_PLANE, env={"OCTANE_STANDARD_IDLE_TIMEOUT": "3"})
        assert run.code == 1
        [error] = run.errors()
        assert error.startswith("octane: error: step 'cp/glance/channel' failed: app 'glance' "
                                "did not reach the idle state within 3s; still busy: "
                                "glance/0 (executing/maintenance"), error
        assert RESUME in run.out
        assert _channel(octane, "keystone") == "victoria/stable"
        assert _channel(octane, "octavia") == "ussuri/stable"


def test_a_vm_landing_after_the_plan_skips_that_hypervisor(tmp_path: Path) -> None:
    with octane_on(scenario("focal-ussuri", vms=False), tmp_path) as octane:
        plan = octane.run("plan", "-f", "json", "--no-backup", "--no-archive")
        assert plan.code == 0, plan.err
        saved = tmp_path / "plan.json"
        saved.write_text(plan.out)
        octane.openstack(lambda nova: nova.add_vm("compute-1", name="surprise"))
        run = octane.run("upgrade", "--plan", str(saved), "--auto-approve")
        assert "Skipping hypervisor 'nova-compute/1' (compute-1): it runs 1 instance(s) " \
               "(Nova) since the plan was made; migrate them away, then run `octane upgrade " \
               "hypervisors --machine 4` (or add --force)" in run.out
        assert run.code == 1
        [error] = run.errors()
        assert error.startswith("octane: error: step 'dp/ovn-central/verify-nova-compute-"
                                "upgraded' failed: not every unit of 'nova-compute' is on "
                                "victoria: nova-compute/1 (nova-compute/1: runs 1 instance(s) "
                                "(Nova))"), error
        state = octane.state()
        cat = catalogue()
        versions = {u: cat.release_for_workload("nova-compute", state["units"][u]
                                                ["workload-version"])
                    for u in ("nova-compute/0", "nova-compute/1", "nova-compute/2")}
        assert {u: str(r) for u, r in versions.items()} == {
            "nova-compute/0": "victoria", "nova-compute/1": "ussuri",
            "nova-compute/2": "victoria"}
        assert octane.openstack(lambda nova: nova.summary())["compute-1"] == ["surprise"]
        assert _origin(octane, "ovn-central") == "distro"


def test_another_operator_changing_config_mid_run(tmp_path: Path) -> None:
    with octane_on(scenario("focal-ussuri", vms=False), tmp_path) as octane:
        proc = octane.start("upgrade", "--auto-approve", "--no-backup", "--no-archive")
        proc.wait_for_output("Upgrade plan for 'keystone' to 'victoria' ✓", timeout=120)
        octane.twin.admin.set_config(MODEL, "ovn-central", {"enable-version-pinning": True})
        assert proc.wait() == 1
        assert proc.errors() == [
            "octane: error: step 'dp/ovn-central/verify-enable-version-pinning' failed: "
            "'ovn-central' option 'enable-version-pinning' is 'true', expected 'False': it "
            "changed since the plan was made (run `juju config ovn-central "
            "enable-version-pinning=False` and resume, or plan again)"]
        assert _origin(octane, "ovn-central") == "distro"
        octane.twin.admin.set_config(MODEL, "ovn-central", {"enable-version-pinning": False})
        again = octane.run("upgrade", "--auto-approve")
        assert again.code == 0, again.out[-2000:]
        assert _origin(octane, "ovn-central") == "cloud:focal-victoria"
