"""How ``octane upgrade`` decides that flags ask for another plan, and reads saved plans."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from octane.cloud.analysis import analyse
from octane.commands.upgrade_plans import (
    PlanRefusedHere,
    check_same_request,
    first_difference,
    load_saved,
    options_from_meta,
)
from octane.errors import UsageError
from octane.plan.builder import build
from octane.plan.options import PlanOptions
from octane.plan.step import Plan
from tests.golden.scenarios import focal_ussuri


def _plan(**options: Any) -> Plan:
    return build(analyse(focal_ussuri()), PlanOptions(**options)).plan


def test_the_recorded_options_come_back_exactly() -> None:
    asked = PlanOptions(group="hypervisors", azs=("az2",), skip_apps=frozenset({"octavia"}),
                        archive_batch_size=200, az_batch=2, force=True)
    assert options_from_meta(json.loads(json.dumps(asked.to_dict()))) == asked


def test_default_flags_continue_any_unfinished_run() -> None:
    plan = _plan(group="control-plane", backup=False)
    check_same_request(plan, PlanOptions(), "run-1")  # bare `octane upgrade`
    check_same_request(plan, PlanOptions(group="control-plane", backup=False), "run-1")
    # timeouts are read at run time and never make another plan
    check_same_request(plan, PlanOptions(standard_timeout=3), "run-1")


def test_flags_for_another_plan_are_refused_with_the_way_out() -> None:
    plan = _plan(group="control-plane")
    with pytest.raises(PlanRefusedHere) as caught:
        check_same_request(plan, PlanOptions(group="data-plane"), "run-1")
    assert caught.value.one_line() == (
        "run run-1 of this model is unfinished and was planned differently: group "
        "'data-plane' (the run is 'control-plane') (run `octane upgrade` to continue it, or "
        "add --replan to plan again from the cloud as it is now)")
    with pytest.raises(PlanRefusedHere, match=r"skip_apps=\['glance'\] \(the run has \[\]\)"):
        check_same_request(plan, PlanOptions(skip_apps=frozenset({"glance"})), "run-1")


def test_first_difference_names_the_step() -> None:
    plan = _plan()
    other = replace(plan, root=replace(plan.root, children=plan.root.children[1:]))
    assert first_difference(plan, plan) == "nowhere"
    assert first_difference(plan, other) == "pre/verify-idle"


def test_saved_plans_are_checked_against_the_vocabulary(tmp_path: Path) -> None:
    doc = _plan().to_dict()
    doc["plan"]["children"][0]["params"]["timeout"] = "soon"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(UsageError) as caught:
        load_saved(path)
    assert caught.value.one_line() == (f"--plan {path}: step 'pre/verify-idle': "
                                       "model.verify_idle: 'timeout' must be int, not 'soon'")
    path.write_text("{not json")
    with pytest.raises(UsageError, match="not JSON"):
        load_saved(path)
    with pytest.raises(UsageError, match="No such file"):
        load_saved(tmp_path / "missing.json")
