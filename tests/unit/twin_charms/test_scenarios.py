"""The shipped scenarios start the golden clouds; impossible scenarios are refused in one line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from octane.cloud.model import Cloud as Snapshot
from octane.twin import build, scenario
from octane.twin.facades.status import full_status
from octane.twin.scenario import ScenarioError
from tests.golden import scenarios as golden

GOLDEN: dict[str, Callable[[], Snapshot]] = {
    "focal-ussuri": golden.focal_ussuri, "jammy-yoga": golden.jammy_yoga,
    "jammy-caracal": golden.jammy_caracal, "awkward": golden.awkward, "large": golden.large}


@pytest.fixture(scope="module", params=sorted(GOLDEN))
def pair(request: pytest.FixtureRequest) -> tuple[Snapshot, dict[str, Any]]:
    """The golden snapshot and the twin's FullStatus of the same scenario."""
    spec = scenario.load(scenario.resolve(request.param))
    ctl = build.build(spec, password="pw")
    snapshot = GOLDEN[request.param]()
    return snapshot, full_status(ctl.model_by_name(snapshot.model), [], "3.6.1")


def _units(status: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for app in status["applications"].values():
        for name, doc in app["units"].items():
            out[name] = doc
            for sub, sub_doc in doc["subordinates"].items():
                out[sub] = {**sub_doc, "machine": doc["machine"], "principal": name}
    return out


def _machines(status: dict[str, Any]) -> dict[str, str]:
    out = {}
    for mid, doc in status["machines"].items():
        out[mid] = doc["hardware"].rsplit("availability-zone=", 1)[1]
        for cid in doc["containers"]:
            out[cid] = out[mid]
    return out


def test_same_applications_charms_and_channels(pair: tuple[Snapshot, dict[str, Any]]) -> None:
    snapshot, status = pair
    served = {n: (a["charm"].split("/")[-1].rsplit("-", 1)[0], a["charm-channel"])
              for n, a in status["applications"].items()}
    assert served == {n: (a.charm, a.channel) for n, a in snapshot.applications.items()}


def test_same_units_on_the_same_machines_and_zones(
        pair: tuple[Snapshot, dict[str, Any]]) -> None:
    snapshot, status = pair
    units = _units(status)
    assert {n: (u["machine"], u.get("principal")) for n, u in units.items()} == {
        u.name: (u.machine, u.principal) for u in snapshot.units()}
    zones = _machines(status)
    assert zones == {mid: m.az or "default" for mid, m in snapshot.machines.items()}


def test_versions_match_the_release_catalogue(pair: tuple[Snapshot, dict[str, Any]]) -> None:
    snapshot, status = pair
    units = _units(status)
    expected = {u.name: u.workload_version for u in snapshot.units()
                if u.workload_version and u.application != "memcached"}
    assert {n: units[n]["workload-version"] for n in expected} == expected


def test_only_keystone_has_a_newer_revision(pair: tuple[Snapshot, dict[str, Any]]) -> None:
    snapshot, status = pair
    newer = sorted(n for n, a in status["applications"].items() if a["can-upgrade-to"])
    assert newer == sorted(n for n, a in snapshot.applications.items() if a.can_upgrade_to)


def test_the_large_cloud_has_a_thousand_hypervisors_in_ten_zones() -> None:
    spec = scenario.load(scenario.resolve("large"))
    model = spec.model("large")
    computes = next(a for a in model.applications if a.name == "nova-compute")
    zones = {m.zone for m in model.machines if m.id in computes.placement}
    assert (computes.units, len(zones), len(model.applications)) == (1000, 10, 64)


def parse(app: dict[str, Any], machines: dict[str, Any] | None = None) -> None:
    scenario.parse({"models": {"m": {
        "base": "ubuntu@20.04", "machines": machines or {"0": {}},
        "applications": {"keystone": {"to": ["0"], **app}}}}}, source="bad.yaml")


@pytest.mark.parametrize(("app", "machines", "message"), [
    ({"config": {"openstack-origin": "cloud:jammy-zed"}}, None,
     'bad.yaml: models.m.applications.keystone.config.openstack-origin: "cloud:jammy-zed" '
     "is a jammy pocket but keystone runs on focal"),
    ({"config": {"source": "cloud:focal-zed"}}, None,
     'bad.yaml: models.m.applications.keystone.config.source: the Ubuntu Cloud Archive has '
     'no "zed" for focal (it has victoria, wallaby, xena, yoga)'),
    ({}, {"0": {"base": "ubuntu@22.04"}},
     'bad.yaml: models.m.applications.keystone.to[0]: machine "0" runs jammy but keystone '
     "is a focal application"),
    ({"quirks": "wrong-workload-version"}, None,
     "bad.yaml: models.m.applications.keystone.quirks: must be a list of quirk names"),
    ({"unit-numbers": [3, 3], "to": ["0", "0"]}, None,
     "bad.yaml: models.m.applications.keystone.unit-numbers: unit numbers must be distinct"),
    ({"unit-numbers": [0, 1]}, None,
     "bad.yaml: models.m.applications.keystone.unit-numbers: 2 numbers for 1 units"),
])
def test_impossible_scenarios_are_refused_in_one_line(
        app: dict[str, Any], machines: dict[str, Any] | None, message: str) -> None:
    with pytest.raises(ScenarioError) as refused:
        parse(app, machines)
    assert str(refused.value) == message
    assert "\n" not in str(refused.value)


def test_unit_numbers_name_the_units() -> None:
    spec = scenario.parse({"models": {"m": {
        "machines": {"0": {}, "1": {}},
        "applications": {"keystone": {"to": ["0", "1"], "unit-numbers": [3, 5],
                                      "leader": "keystone/5"}}}}})
    ctl = build.build(spec, password="pw")
    model = ctl.model_by_name("m")
    assert sorted(model.units) == ["keystone/3", "keystone/5"]
    assert model.applications["keystone"].leader == "keystone/5"
    assert model.applications["keystone"].next_unit == 6
