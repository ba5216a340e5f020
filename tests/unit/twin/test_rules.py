"""Controller rules: charm resolution, relations, machines, offers, config parsing."""

from __future__ import annotations

import pytest

from octane.twin.errors import ApiError
from octane.twin.state import applications, machines, offers, relations
from octane.twin.state.catalogue import Catalogue
from octane.twin.state.entities import Endpoint
from tests.unit.twin.helpers import controller


@pytest.fixture
def catalogue() -> Catalogue:
    cat = Catalogue()
    info = cat.ensure("keystone", "id")
    for channel, revision in [("yoga/stable", 588), ("yoga/stable", 600),
                              ("zed/stable", 610), ("zed/edge", 620)]:
        info.add(channel, revision)
    return cat


@pytest.mark.parametrize(("track", "risk", "revision", "has_id", "expected"), [
    ("zed", "stable", 588, True, 610),    # id: a Charmhub refresh, latest in the channel
    ("zed", "stable", 588, False, 588),   # libjuju >= 3.5: revision kept (#1083)
    ("zed", "stable", None, False, 610),  # neither: latest in the channel
    ("zed", "edge", None, False, 620),
    ("zed", "candidate", None, False, 610),  # closed risk follows the safer one
    ("yoga", "stable", None, True, 600),
])
def test_revision_rule(catalogue: Catalogue, track: str, risk: str, revision: int | None,
                       has_id: bool, expected: int) -> None:
    assert catalogue.resolve("keystone", track, risk, revision, has_id) == expected


def test_resolution_errors(catalogue: Catalogue) -> None:
    with pytest.raises(ApiError, match='channel "antelope/stable"'):
        catalogue.resolve("keystone", "antelope", "stable", None, False)
    with pytest.raises(ApiError, match="revision 1 not found"):
        catalogue.resolve("keystone", "zed", "stable", 1, False)
    with pytest.raises(ApiError, match='"nova" not found') as caught:
        catalogue.resolve("nova", "zed", "stable", None, False)
    assert caught.value.code == "not found"


def test_relation_key_orders_requirer_first() -> None:
    req = Endpoint("shared-db", "requirer", "mysql-shared")
    prov = Endpoint("shared-db", "provider", "mysql-shared")
    assert relations.relation_key([("router", prov), ("keystone", req)]) == \
        "keystone:shared-db router:shared-db"


def test_relating_a_subordinate_puts_a_unit_beside_each_principal() -> None:
    ctl, _ = controller()
    model = ctl.model_by_name("openstack")
    rel = model.relations["keystone:ha keystone-hacluster:ha"]
    relations.remove_relation(model, rel)
    assert not model.units_of("keystone-hacluster")
    assert model.unit("keystone/0").subordinates == ["keystone-mysql-router/0"]
    relations.add_relation(model, "keystone", "keystone-hacluster")
    placed = {u.name: (u.machine_id, u.principal) for u in model.units_of("keystone-hacluster")}
    assert placed == {"keystone-hacluster/3": ("0", "keystone/0"),
                      "keystone-hacluster/4": ("1", "keystone/1"),
                      "keystone-hacluster/5": ("2", "keystone/2")}
    with pytest.raises(ApiError, match="already exists"):
        relations.add_relation(model, "keystone:ha", "keystone-hacluster:ha")
    with pytest.raises(ApiError, match="no relations found"):
        relations.add_relation(model, "keystone:ha", "mysql")


def test_config_values_are_parsed_with_juju_s_messages() -> None:
    ctl, _ = controller()
    model = ctl.model_by_name("openstack")
    app = model.application("keystone")
    with pytest.raises(ApiError, match=r'^unknown option "nope"$'):
        applications.set_config(model, app, {"nope": "1"})
    with pytest.raises(ApiError, match=r'^option "worker-multiplier" expected float, got "x"$'):
        applications.set_config(model, app, {"worker-multiplier": "x"})
    applications.set_config(model, app, {"worker-multiplier": "0.5", "debug": "True"})
    assert app.config["worker-multiplier"] == 0.5 and app.config["debug"] is True


def test_machines_placement_and_removal() -> None:
    ctl, _ = controller()
    model = ctl.model_by_name("openstack")
    container = machines.place(model, {"scope": "lxd", "directive": "2"}, model.machine("2").base)
    assert (container.id, container.zone) == ("2/lxd/0", "az1")
    assert machines.place(model, {"scope": "#", "directive": "4"}, container.base).id == "4"
    fresh = machines.add_machine(model, zone="az2")
    assert (fresh.id, fresh.zone) == ("5", "az2")
    assert fresh.host_keys[0].startswith("ssh-ed25519 ")
    with pytest.raises(ApiError, match="has unit"):
        machines.destroy_machine(model, "0", force=False)
    removed = machines.destroy_machine(model, "0", force=True)
    assert removed == ["keystone/0"]
    assert "keystone-hacluster/0" not in model.units
    assert model.application("keystone").leader == "keystone/1"


def test_series_upgrade_locks_and_releases() -> None:
    ctl, clock = controller()
    model = ctl.model_by_name("openstack")
    with pytest.raises(ApiError, match="cannot be downgraded"):
        machines.upgrade_series_prepare(model, "3", "20.04", False)
    machines.upgrade_series_prepare(model, "3", "ubuntu@24.04", False)
    lock = model.machine("3").upgrade_series
    assert lock is not None
    assert machines.series_status(model, model.machine("3")) == "prepare started"
    with pytest.raises(ApiError, match="not prepared"):
        machines.upgrade_series_complete(model, "3")
    clock.advance(31)
    ctl.advance()
    machines.upgrade_series_complete(model, "3")
    assert str(model.machine("3").base) == "ubuntu@24.04"
    clock.advance(31)
    ctl.advance()
    assert model.machine("3").upgrade_series is None


def test_offers_across_models() -> None:
    ctl, _ = controller()
    source = ctl.model_by_name("openstack")
    seed = ctl.create_model("seed")
    found, name = ctl.find_offer("twin:admin/openstack.keystone-identity")
    assert (found, name) == (source, "keystone-identity")
    remote = offers.consume(seed, source, source.offers[name], "ks")
    assert [e.name for e in remote.endpoints] == ["identity-service"]
    with pytest.raises(ApiError, match='controller "other" not found'):
        ctl.find_offer("other:admin/openstack.keystone-identity")
    with pytest.raises(ApiError, match="already exists"):
        offers.create_offer(source, "keystone", "keystone-identity",
                            {"identity-service": "identity-service"})


def test_new_units_get_subordinates_of_container_relations_only() -> None:
    ctl, _ = controller()
    model = ctl.model_by_name("openstack")
    [name] = applications.add_units(model, model.application("mysql"), 1,
                                    [{"scope": "#", "directive": "4"}])
    assert model.unit(name).subordinates == []  # db-router is a global relation
    [name] = applications.add_units(model, model.application("keystone"), 1, [])
    assert sorted(model.unit(name).subordinates) == ["keystone-hacluster/3",
                                                     "keystone-mysql-router/3"]
