"""The twin's OpenStack rules without HTTP: migrations over time, Nova's checks, Keystone."""

from __future__ import annotations

from typing import Any

import pytest

from octane.twin.clock import Clock
from octane.twin.openstack import OpenStackState, compute, identity
from octane.twin.openstack.errors import ApiError, error_body
from octane.twin.openstack.microversions import Microversion, requested

HYPERVISORS = [{"hostname": "node-1", "availability_zone": "az1"},
               {"hostname": "node-2", "availability_zone": "az1"},
               {"hostname": "node-3", "availability_zone": "az2"}]
MV_230, MV_280 = Microversion(2, 30), Microversion(2, 80)
LIVE = {"host": None, "block_migration": "auto"}


@pytest.fixture
def clock() -> Clock:
    return Clock(scale=1.0, start=10_000.0, wall=lambda: 0.0)  # moves only when advanced


@pytest.fixture
def state(clock: Clock) -> OpenStackState:
    return OpenStackState.from_scenario(
        {"vms": {"node-1": ["web", {"name": "db", "availability_zone": "az1"}], "node-3": 2},
         "migration_seconds": 100}, HYPERVISORS, clock=clock, admin_password="pw")


def test_a_live_migration_walks_its_phases_then_moves_the_vm(state: OpenStackState,
                                                             clock: Clock) -> None:
    web = state.find_vm("web")
    compute.live_migrate(state, web, LIVE, MV_230, "user")
    migration = state.migrations[-1]
    assert migration.dest == "node-2"  # least loaded enabled host (node-3 has two VMs)
    seen = []
    for _ in range(10):  # scenario seconds 0, 9, ..., 81 of a 100 s migration
        seen.append((migration.status(clock.now()), migration.memory_processed(clock.now())))
        clock.advance(9)
    statuses = [s for s, _ in seen]
    assert statuses[0] == "accepted" and statuses[-1] == "running"
    assert statuses.index("preparing") < statuses.index("running")
    memory = [m for _, m in seen]
    assert memory == sorted(memory) and 0 < memory[-1] < migration.memory_total
    assert web.status == "MIGRATING" and sorted(state.summary()["node-1"]) == ["db", "web"]
    clock.advance(11)
    assert state.summary()["node-1"] == ["db"] and "web" in state.summary()["node-2"]
    assert (web.status, web.task_state, migration.final) == ("ACTIVE", None, "completed")


def test_an_injected_failure_ends_in_error_and_is_used_once(state: OpenStackState,
                                                            clock: Clock) -> None:
    state.fail_next_migration("web")
    web = state.find_vm("web")
    compute.live_migrate(state, web, LIVE, MV_230, "user")
    clock.advance(101)
    state.settle()
    assert state.migrations[-1].final == "error" and web.host == "node-1"
    compute.live_migrate(state, web, LIVE, MV_230, "user")
    clock.advance(101)
    state.settle()
    assert state.migrations[-1].final == "completed" and web.host != "node-1"


def test_a_migrating_or_stopped_vm_cannot_be_live_migrated(state: OpenStackState) -> None:
    web = state.find_vm("web")
    compute.live_migrate(state, web, LIVE, MV_230, "user")
    with pytest.raises(ApiError) as caught:
        compute.live_migrate(state, web, LIVE, MV_230, "user")
    assert caught.value.status == 409 and "task_state migrating" in caught.value.message
    vm = state.add_vm("node-2", name="off", status="SHUTOFF")
    with pytest.raises(ApiError, match="vm_state stopped"):
        compute.live_migrate(state, vm, LIVE, MV_230, "user")


@pytest.mark.parametrize(("body", "mv", "fragment"), [
    ({"host": None, "block_migration": "auto", "force": True}, Microversion(2, 68), "'force'"),
    ({"host": None, "block_migration": True, "disk_over_commit": False}, MV_230,
     "'disk_over_commit'"),
    ({"block_migration": "auto"}, MV_230, "'host' and 'block_migration' are required"),
    ({"host": "node-9", "block_migration": "auto"}, MV_230, "Compute host node-9 could not"),
])
def test_the_request_schema_follows_the_microversion(state: OpenStackState, body: dict[str, Any],
                                                      mv: Microversion, fragment: str) -> None:
    with pytest.raises(ApiError) as caught:
        compute.live_migrate(state, state.find_vm("web"), body, mv, "user")
    assert caught.value.status == 400 and fragment in caught.value.message


def test_a_disabled_destination_is_refused_unless_forced(state: OpenStackState) -> None:
    state.compute_hosts["node-2"].service.disabled = True
    web = state.find_vm("web")
    to_node2 = {"host": "node-2", "block_migration": "auto"}
    with pytest.raises(ApiError, match="No valid host"):  # synchronous before 2.34
        compute.live_migrate(state, web, to_node2, MV_230, "user")
    compute.live_migrate(state, web, to_node2, MV_280, "user")  # asynchronous from 2.34
    assert state.migrations[-1].final == "error" and web.task_state is None
    compute.live_migrate(state, web, {**to_node2, "force": True}, MV_230, "user")
    assert state.migrations[-1].dest == "node-2" and web.task_state == "migrating"


def test_a_vm_pinned_to_a_zone_stays_in_it(state: OpenStackState) -> None:
    state.compute_hosts["node-2"].service.disabled = True
    with pytest.raises(ApiError, match="No valid host"):
        compute.live_migrate(state, state.find_vm("db"), LIVE, MV_230, "user")
    compute.live_migrate(state, state.find_vm("web"), LIVE, MV_230, "user")
    assert state.migrations[-1].dest == "node-3"  # not pinned: any zone will do


def test_a_source_whose_compute_is_down_cannot_migrate(state: OpenStackState) -> None:
    state.mark_compute_down("node-1")
    with pytest.raises(ApiError) as caught:
        compute.live_migrate(state, state.find_vm("web"), LIVE, MV_230, "user")
    assert caught.value.status == 409


@pytest.mark.parametrize(("body", "fragment"), [
    ({"status": "enabled", "disabled_reason": "x"}, "with status 'enabled' is invalid"),
    ({"disabled_reason": "x"}, "At least one of 'status' or 'forced_down'"),
    ({"status": "asleep"}, "Invalid input for field/attribute status"),
    ({"status": "disabled", "zone": "az9"}, "'zone' was unexpected"),
])
def test_service_updates_are_checked_like_nova(state: OpenStackState, body: dict[str, Any],
                                               fragment: str) -> None:
    service = state.compute_hosts["node-1"].service
    with pytest.raises(ApiError) as caught:
        compute.update_service(state, service, body)
    assert caught.value.status == 400 and fragment in caught.value.message
    assert not service.disabled


def test_only_compute_services_can_be_updated(state: OpenStackState) -> None:
    with pytest.raises(ApiError, match="Only nova-compute services"):
        compute.update_service(state, state.nova_services[0], {"status": "disabled"})


def test_microversion_negotiation() -> None:
    low, high = Microversion(2, 1), Microversion(2, 87)
    assert requested({}, "compute", None, low, high) == low
    assert requested({"OpenStack-API-Version": "compute latest"}, "compute", None, low,
                     high) == high
    assert requested({"X-OpenStack-Nova-API-Version": "2.53"}, "compute",
                     "X-OpenStack-Nova-API-Version", low, high) == Microversion(2, 53)
    assert requested({"OpenStack-API-Version": "volume 3.5, compute 2.60"}, "compute", None,
                     low, high) == Microversion(2, 60)
    assert Microversion(2, 9) < Microversion(2, 53)
    with pytest.raises(ApiError) as caught:
        requested({"OpenStack-API-Version": "compute 2.88"}, "compute", None, low, high)
    assert caught.value.status == 406
    with pytest.raises(ApiError) as caught:
        requested({"OpenStack-API-Version": "compute two"}, "compute", None, low, high)
    assert caught.value.status == 400


def _auth(password: str, scope: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"name": "admin", "domain": {"name": "admin_domain"}, "password": password}}}}}
    if scope is not None:
        body["auth"]["scope"] = scope
    return body


def test_keystone_scopes_and_refusals(state: OpenStackState) -> None:
    project = {"project": {"name": "admin", "domain": {"name": "admin_domain"}}}
    token = identity.authenticate(state, _auth("pw", project))
    body = identity.token_body(state, token)
    assert {e["type"] for e in body["catalog"]} == {"identity", "compute", "network", "volumev3"}
    unscoped = identity.token_body(state, identity.authenticate(state, _auth("pw")))
    assert "catalog" not in unscoped and "project" not in unscoped
    domain = identity.authenticate(state, _auth("pw", {"domain": {"name": "admin_domain"}}))
    assert domain.domain_id is not None and identity.is_admin(domain)
    for bad in (_auth("wrong", project),
                _auth("pw", {"project": {"name": "nope", "domain": {"name": "Default"}}})):
        with pytest.raises(ApiError) as caught:
            identity.authenticate(state, bad)
        assert caught.value.status == 401
    with pytest.raises(ApiError) as caught:
        identity.authenticate(state, {"auth": {}})
    assert caught.value.status == 400


def test_tokens_expire_on_the_wall_clock(clock: Clock) -> None:
    now = [1_000.0]
    state = OpenStackState.from_scenario(None, HYPERVISORS, clock=clock, admin_password="pw")
    state.wall = lambda: now[0]
    token = identity.authenticate(state, _auth("pw"))
    assert identity.validate(state, token.id) is token
    now[0] += identity.TOKEN_LIFETIME
    with pytest.raises(ApiError) as caught:
        identity.validate(state, token.id)
    assert caught.value.status == 401


def test_error_bodies_speak_each_services_dialect() -> None:
    missing = ApiError(404, "gone", kind="AgentNotFound")
    assert error_body("compute", missing) == {"itemNotFound": {"code": 404, "message": "gone"}}
    assert error_body("network", missing)["NeutronError"]["type"] == "AgentNotFound"
    assert error_body("identity", missing)["error"]["title"] == "Not Found"
    assert "error" in error_body("compute", ApiError(401, "who?"))  # keystonemiddleware's
