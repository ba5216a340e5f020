"""Scenario files: what loads, and the one-line errors for impossible clouds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from octane.twin import scenario
from tests.unit.twin.helpers import MINI


def test_mini_loads() -> None:
    spec = scenario.load(MINI)
    assert spec.controller == "twin"
    model = spec.model("openstack")
    assert [m.zone for m in model.machines] == ["az1", "az2", "az1", "az2", "az1"]
    keystone = next(a for a in model.applications if a.name == "keystone")
    assert keystone.placement == ("0", "1", "2")
    assert keystone.workload_versions == {"yoga": "21.0.0", "zed": "22.0.0"}
    assert ("keystone:ha", "keystone-hacluster:ha") in model.relations


def test_reserved_sections_pass_through() -> None:
    doc = yaml.safe_load(MINI.read_text())
    doc["openstack"] = {"vms": [{"host": "node-0"}]}
    doc["models"]["openstack"]["databases"] = {"keystone": {"rows": 10}}
    doc["models"]["openstack"]["ceph"] = {"real": True}
    spec = scenario.parse(doc, "x.yaml")
    assert spec.extra == {"openstack": {"vms": [{"host": "node-0"}]}}
    assert spec.model("openstack").extra == {"databases": {"keystone": {"rows": 10}},
                                             "ceph": {"real": True}}


BASE = {"models": {"m": {"machines": {"0": {"zone": "az1"}},
                         "applications": {"a": {"to": ["0"]}, "s": {"subordinate": True}}}}}


@pytest.mark.parametrize(("patch", "message"), [
    ({"bogus": 1}, 'x.yaml: top level: unknown key "bogus"'),
    ({"models": {}}, "x.yaml: models: a scenario needs at least one model"),
    ({"time-scale": 0}, "x.yaml: time-scale: must be a positive number"),
    ({"models": {"m": {"applications": {"a": {"to": ["7"]}}}}},
     'x.yaml: models.m.applications.a.to[0]: machine "7" is not declared'),
    ({"models": {"m": {"applications": {"s": {"subordinate": True, "units": 2}}}}},
     "x.yaml: models.m.applications.s: a subordinate application has no units of its own"),
    ({"models": {"m": {"applications": {"a": {"to": ["0"], "leader": "a/3"}}}}},
     'x.yaml: models.m.applications.a.leader: "a/3" is not a unit of a'),
    ({"models": {"m": {"relations": [["a:x", "nope:y"]]}}},
     'x.yaml: models.m.relations[0]: application "nope" is not declared'),
    ({"models": {"m": {"applications": {"a": {"revision": -1}}}}},
     "x.yaml: models.m.applications.a.revision: must be a non-negative integer"),
    ({"models": {"m": {"faults": [{"kind": "explode", "unit": "a/0"}]}}},
     "x.yaml: models.m.faults[0].kind: must be one of action-fails, hook-fails, "
     "never-settles"),
    ({"models": {"m": {"consume": [{"url": "admin/other.db"}]}}},
     'x.yaml: models.m.consume[0].url: offering model "other" is not declared'),
    ({"models": {"m": {"machines": {"1/lxd/0": {}}}}},
     'x.yaml: models.m.machines.1/lxd/0: host machine "1" is not declared'),
    ({"models": {"m": {"state": {"units": {"a/5": {"workload": "blocked"}}}}}},
     "x.yaml: models.m.state.units.a/5: no such unit in the scenario"),
    ({"models": {"M": {}}},
     "x.yaml: models.M: model names are lowercase letters, digits and hyphens"),
])
def test_impossible_scenarios(patch: dict[str, Any], message: str) -> None:
    doc = merge(yaml.safe_load(yaml.safe_dump(BASE)), patch)
    with pytest.raises(scenario.ScenarioError) as caught:
        scenario.parse(doc, "x.yaml")
    assert caught.value.one_line() == message


def merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    for key, value in patch.items():
        if isinstance(value, dict) and value and isinstance(base.get(key), dict):
            merge(base[key], value)
        else:
            base[key] = value
    return base


def test_bad_yaml_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("models: [\n")
    with pytest.raises(scenario.ScenarioError, match=r"bad\.yaml: line 2 not valid YAML"):
        scenario.load(bad)
    with pytest.raises(scenario.ScenarioError, match="does not exist"):
        scenario.resolve(str(tmp_path / "nope.yaml"))


def test_resolve_by_name() -> None:
    assert scenario.resolve("mini") == MINI
    with pytest.raises(scenario.ScenarioError, match=r'no scenario named "x" \(known: .*mini'):
        scenario.resolve("x")
