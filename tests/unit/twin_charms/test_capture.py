"""A captured twin starts the same cloud: documents in, scenario out, status compared."""

from __future__ import annotations

import json
from typing import Any

import yaml

from octane.twin import build, capture, scenario
from octane.twin.facades.application import config_doc
from octane.twin.facades.status import full_status
from octane.twin.state import actions, applications
from octane.twin.state.controller import ControllerState
from octane.twin.state.model import ModelState

VOLATILE = {"since", "controller-timestamp"}


def normalised(model: ModelState) -> dict[str, Any]:
    """FullStatus without the times (the copy starts later)."""
    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if k not in VOLATILE}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value
    doc: dict[str, Any] = clean(full_status(model, [], "3.6.1"))
    doc["relations"] = sorted(json.dumps(r, sort_keys=True) for r in doc["relations"])
    return doc


def copy_of(ctl: ControllerState, name: str) -> tuple[ModelState, dict[str, Any]]:
    """Capture ``name`` as the command would, write it as YAML, start it again."""
    model = ctl.model_by_name(name)
    status = full_status(model, [], "3.6.1")
    gets = {a.name: {"config": config_doc(a)} for a in model.applications.values()}
    document = capture.scenario(status, gets, {"default-series": {
        "value": "focal", "source": "model"}, "uuid": {"value": "x", "source": "model"}},
        model=name)
    text = capture.dump(document)
    spec = scenario.parse(yaml.safe_load(text), source="captured.yaml")
    return build.build(spec, password="pw").model_by_name(name), document


def test_a_captured_twin_starts_the_same_cloud() -> None:
    for source, name in (("focal-ussuri", "openstack"), ("awkward", "awkward")):
        original = build.build(scenario.load(scenario.resolve(source)), password="pw")
        copy, document = copy_of(original, name)
        assert normalised(copy) == normalised(original.model_by_name(name))
        body = document["models"][name]
        assert body["config"] == {"default-series": "focal"}  # not the controller's keys


def test_paused_units_versions_gaps_and_offers_survive_the_copy() -> None:
    spec = scenario.load(scenario.resolve("mini"))
    ctl = build.build(spec, password="pw")
    model = ctl.model_by_name("openstack")
    op = actions.new_operation(model, "pause")
    actions.enqueue_action(model, op, "unit-keystone-2", "pause", {})
    model.units["keystone/1"].workload_version = "21.0.1"
    applications.add_units(model, model.applications["mysql"], 1, [{"scope": "#",
                                                                      "directive": "4"}])
    applications.remove_unit(model, model.units["mysql/0"])
    ctl.runtime.clock.advance(1000)
    ctl.advance()
    copy, document = copy_of(ctl, "openstack")
    assert normalised(copy) == normalised(model)
    mysql = document["models"]["openstack"]["applications"]["mysql"]
    assert (mysql["to"], mysql["unit-numbers"], mysql["leader"]) == (["4"], [1], "mysql/1")
    assert document["charmhub"]["keystone"] == {"merge": True,
                                                "channels": {"yoga/stable": [588, 600]}}
    assert copy.units["keystone/2"].charm_state == {"paused": True}
    assert document["models"]["openstack"]["offers"] == {
        "keystone-identity": {"application": "keystone", "endpoints": ["identity-service"]}}


def test_options_the_twin_does_not_know_keep_their_schema() -> None:
    status = {"model": {"name": "m"}, "machines": {"0": {"hardware": "availability-zone=z1",
                                                         "hostname": "h0"}},
              "applications": {"memcached": {
                  "charm": "ch:amd64/memcached-30", "charm-channel": "latest/stable",
                  "charm-rev": 30, "base": {"name": "ubuntu", "channel": "22.04/stable"},
                  "units": {"memcached/0": {"machine": "0", "leader": True,
                                            "workload-version": "1.6.14",
                                            "workload-status": {"status": "active",
                                                                "info": "ready"}}}}}}
    gets = {"memcached": {"config": {
        "size": {"type": "int", "value": 1024, "source": "user", "default": 768},
        "tcp-port": {"type": "int", "value": 11211, "source": "default", "default": 11211}}}}
    document = capture.scenario(status, gets)
    app = document["models"]["m"]["applications"]["memcached"]
    assert app["config"] == {"size": 1024}
    assert app["options"] == {"size": {"type": "int", "default": 768},
                              "tcp-port": {"type": "int", "default": 11211}}
    assert app["status"] == {"workload": "active", "message": "ready"}
    assert document["models"]["m"]["machines"] == {"0": {"zone": "z1", "hostname": "h0"}}
    model = build.build(scenario.parse(document), password="pw").model_by_name("m")
    assert model.applications["memcached"].effective_config() == {"size": 1024,
                                                                 "tcp-port": 11211}
    assert model.units["memcached/0"].workload_version == "1.6.14"
