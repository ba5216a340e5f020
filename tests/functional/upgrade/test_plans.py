"""Which plan ``octane upgrade`` runs: a saved one only while the cloud matches it, an
unfinished run's rather than a new one, and the operator's answers at the prompts."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.functional.upgrade.cloud import MODEL, Octane, octane_on, origin, scenario

CP = ("control-plane", "--no-backup", "--no-archive")


def _save_plan(octane: Octane, path: Path) -> Path:
    plan = octane.run("plan", *CP, "-f", "json")
    assert plan.code == 0, plan.err
    path.write_text(plan.out)
    return path


def _apps(octane: Octane) -> dict[str, object]:
    return {n: (a["channel"], a["revision"], origin(a))
            for n, a in octane.state()["applications"].items()}


def test_a_saved_plan_runs_while_the_cloud_matches_it(tmp_path: Path) -> None:
    with octane_on(scenario("focal-ussuri", vms=False), tmp_path) as octane:
        saved = _save_plan(octane, tmp_path / "plan.json")
        octane.twin.admin.set_config(MODEL, "keystone", {"debug": True})  # plan-neutral
        # input closed at the run prompt: the plan was accepted, nothing is run
        run = octane.run("upgrade", "--plan", str(saved))
        assert "The cloud changed since the plan was made, but planning it again gives " \
               "the same steps" in run.out
        assert run.code == 1 and "use --auto-approve in scripts" in run.out


def test_a_saved_plan_is_refused_once_the_cloud_moved(tmp_path: Path) -> None:
    with octane_on(scenario("focal-ussuri", vms=False), tmp_path) as octane:
        saved = _save_plan(octane, tmp_path / "plan.json")
        octane.twin.admin.set_config(MODEL, "glance",
                                     {"openstack-origin": "cloud:focal-victoria"})
        before = _apps(octane)
        run = octane.run("upgrade", "--plan", str(saved), "--auto-approve")
        assert run.code == 1
        [error] = run.errors()
        assert error.startswith(f"octane: error: the cloud no longer matches --plan {saved} "
                                "(fingerprint "), error
        assert error.endswith("the plan would now differ at 'cp/glance/origin') "
                              "(make a new plan with `octane plan -f json`)"), error
        octane.twin.admin.set_config(MODEL, "rabbitmq-server", {"enable-auto-restarts": True})
        run = octane.run("upgrade", "--plan", str(saved), "--auto-approve")
        assert run.errors() == [
            f"octane: error: the cloud no longer matches --plan {saved}: planning it again "
            "fails ('rabbitmq-server' needs enable-auto-restarts=False for the upgrade (LP "
            "2046381): run `juju config rabbitmq-server enable-auto-restarts=False` and "
            "restore it afterwards)"]
        assert _apps(octane) == before  # nothing was changed


def test_saved_plans_of_another_model_or_not_plans_at_all(tmp_path: Path) -> None:
    with octane_on(scenario("focal-ussuri", vms=False), tmp_path) as octane:
        saved = _save_plan(octane, tmp_path / "plan.json")
        doc = json.loads(saved.read_text())
        doc["meta"]["model"] = "production"
        other = tmp_path / "other.json"
        other.write_text(json.dumps(doc))
        run = octane.run("upgrade", "--plan", str(other))
        assert run.errors() == [f"octane: error: --plan {other} was made for model "
                                "'production', not 'openstack'"] and run.code == 1
        garbage = tmp_path / "garbage.json"
        garbage.write_text('{"format": "something/else"}')
        run = octane.run("upgrade", "--plan", str(garbage))
        assert run.code == 2
        assert run.errors() == [f"octane: error: --plan {garbage}: not an octane plan (format "
                                "'something/else', expected 'octane-plan/1')"]


def test_prompts_then_an_unfinished_run_is_continued_not_replanned(tmp_path: Path) -> None:
    with octane_on(scenario("focal-ussuri", vms=False), tmp_path) as octane:
        proc = octane.start("upgrade", *CP, stdin=subprocess.PIPE)
        assert proc.popen.stdin is not None
        proc.popen.stdin.write(b"y\nn\n")  # start: yes; rabbitmq-server: no
        proc.popen.stdin.close()
        assert proc.wait() == 0, proc.out[-2000:]
        out = proc.out
        assert "Would you like to start the upgrade? Continue (y/N): " in out
        assert "Upgrade plan for 'rabbitmq-server' to 'victoria'\n  Verify that " \
               "'enable-auto-restarts' of 'rabbitmq-server' is 'False'" in out
        assert "Stopped at the operator's request before: Upgrade plan for " \
               "'rabbitmq-server' to 'victoria'" in out
        assert octane.state()["applications"]["rabbitmq-server"]["channel"] == "3.8/stable"

        refused = octane.run("upgrade", "data-plane", "--auto-approve")
        assert refused.code == 1
        assert refused.errors()[0].startswith("octane: error: run ")
        assert "is unfinished and was planned differently: group 'data-plane' (the run is " \
               "'control-plane') (run `octane upgrade` to continue it, or add --replan" \
               in refused.errors()[0]

        resumed = octane.run("upgrade", "--auto-approve", "--quiet")
        assert resumed.code == 0, resumed.out[-2000:]
        assert "Would you like" not in resumed.out
        assert octane.state()["applications"]["keystone"]["channel"] == "victoria/stable"
        # the unfinished run was a control-plane one: the data plane is still on ussuri
        assert octane.state()["applications"]["nova-compute"]["channel"] == "ussuri/stable"
