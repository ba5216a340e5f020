"""upgrade-db's plan, its choice of run, its refusals and its downtime report (no servers)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from octane.commands.upgrade_db import Choice, choose_run, refuse
from octane.commands.upgrade_db_flow import Discovery, Units, downtime_report
from octane.commands.upgrade_db_steps import ACTIONS, ServiceSync, build_plan
from octane.db.endpoint import Endpoint
from octane.db.guard import GuardRecord
from octane.engine import validate_plan
from octane.engine.journal import Journal
from octane.errors import GateFailed
from octane.plan.step import Plan

SECRET = "s3cr3t-password"


def plan() -> Plan:
    return build_plan(
        original="openstack", seed="seed", release="victoria",
        maintenance_units=["keystone/0", "nova-cloud-controller/0"],
        api_apps=["keystone", "nova-cloud-controller"], seed_units=["keystone/0"],
        databases=["keystone", "nova_api", "nova", "nova_cell0"],
        services=[ServiceSync("keystone", "keystone", "keystone/0", "victoria", ("keystone",)),
                  ServiceSync("nova", "nova-cloud-controller", "nova-cloud-controller/0",
                              "victoria", ("nova_api", "nova", "nova_cell0"))])


def test_the_plan_is_data_with_stable_ids_in_the_safe_order() -> None:
    built = plan()
    validate_plan(built, ACTIONS)
    assert [(s.id, s.action) for s in built.root.children] == [
        ("db/seed/maintenance-on", "db.maintenance_on"), ("db/seed/pause-seed", "db.pause_seed"),
        ("db/seed/copy", "db.copy"), ("db/seed/guard", "db.guard"),
        ("db/seed/sync/keystone", "db.sync"), ("db/seed/sync/nova", "db.sync"),
        ("db/seed/verify", "db.verify"), ("db/seed/resume-seed", "db.resume_seed")]
    nova = built.root.find("db/seed/sync/nova")
    assert nova is not None and nova.params["commands"] == [
        "nova-manage api_db sync", "nova-manage cell_v2 map_cell0", "nova-manage db sync"]
    assert nova.description == ("Sync the 'nova' schema to 'victoria' on "
                                "'nova-cloud-controller/0': nova-manage api_db sync; "
                                "nova-manage cell_v2 map_cell0; nova-manage db sync")
    assert built.root.description == ("Upgrade the databases of model 'openstack' into seed "
                                      "'seed' ('victoria')")
    assert SECRET not in built.to_json() and "password" not in built.to_json()


def _journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "journal.sqlite")


def test_a_run_past_its_guard_is_resumed_and_a_finished_one_guards(tmp_path: Path) -> None:
    journal = _journal(tmp_path)
    try:
        scope = "upgrade-db:twin:openstack:seed"
        assert choose_run(journal, scope, "seed") == Choice(None, None)
        journal.create_run("run-1", plan(), scope=scope, resume_command="x")
        journal.step_started("run-1", "db/seed/copy")
        journal.set_status("run-1", "failed")
        assert choose_run(journal, scope, "seed") == Choice(None, None)   # before the guard
        journal.step_done("run-1", "db/seed/guard", {"run": "run-1"})
        assert choose_run(journal, scope, "seed") == Choice("run-1", "run-1")
        journal.set_status("run-1", "completed")
        assert choose_run(journal, scope, "seed") == Choice(None, "run-1")
    finally:
        journal.close()


def discovery(**changes: object) -> Discovery:
    found = Discovery(Units("openstack", "seed", ["keystone"], ["keystone/0"], ["keystone/0"]),
                      Endpoint("127.0.0.1", 3306, "root", SECRET),
                      Endpoint("127.0.0.2", 3306, "root", SECRET), "victoria",
                      databases=["keystone"], needed_bytes=100 * 2**20)
    for key, value in changes.items():
        setattr(found, key, value)
    return found


def test_refusals_are_one_line_and_force_passes_them() -> None:
    authoritative = GuardRecord("run-1", "openstack", "authoritative", ("keystone",),
                                "2026-01-01 00:00:00")
    cases = [
        (discovery(guard=authoritative), Choice(None, None),
         "seed 'seed' is authoritative: run run-1 made the seed authoritative at 2026-01-01 "
         "00:00:00 UTC (copied from 'openstack': keystone); copying again would discard what "
         "the seed holds now (use --force to copy anyway)"),
        (discovery(), Choice(None, "run-1"), "seed 'seed' is authoritative: run run-1 "
         "recorded the guard; copying again would discard what the seed holds now (use "
         "--force to copy anyway)"),
        (discovery(occupied=["keystone"]), Choice(None, None),
         "seed 'seed' already has data in: keystone (use --force to replace it)"),
        (discovery(free_bytes=10 * 2**20), Choice(None, None),
         "seed 'seed' has 10 MiB free on 127.0.0.2:3306, the copy needs about 100 MiB "
         "(free space on the seed's database machine)"),
    ]
    for found, choice, message in cases:
        with pytest.raises(GateFailed) as caught:
            refuse(found, choice, force=False)
        assert caught.value.one_line() == message
        refuse(found, choice, force=True)
    copying = GuardRecord("run-1", "openstack", "copying", ("keystone",), "2026-01-01")
    refuse(discovery(occupied=["keystone"], guard=copying), Choice(None, None), force=False)
    refuse(discovery(free_bytes=None), Choice(None, None), force=False)   # not knowable


def test_the_downtime_report_reads_the_journal(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCTANE_DATA", str(tmp_path))
    built = plan()
    journal = Journal()
    try:
        journal.create_run("run-1", built, scope="s", resume_command="x")
        for step in built.root.children:
            journal.step_started("run-1", step.id)
            journal.step_done("run-1", step.id, {"ok": True})
    finally:
        journal.close()
    text = downtime_report("run-1", built, "openstack", "seed")
    lines = text.splitlines()
    assert lines[0].startswith("Downtime window of 'openstack' (API writes refused, reads "
                               "served): since ")
    labels = [line.split("  ")[1].strip() for line in lines[1:-1]]
    assert labels[:4] == ["maintenance on (writes refused from its end)",
                          "seed's API services paused", "copy and verification",
                          "guard recorded"]
    assert labels[4:6] == ["schema sync of 'keystone'", "schema sync of 'nova'"]
    assert labels[-1].startswith("database phase (writes refused -> seed ready)")
    assert lines[-1].startswith("The window stays open: 'seed' is authoritative")
    assert all(line.endswith(" s") for line in lines[1:-1])
    assert json.dumps(text).count(SECRET) == 0
