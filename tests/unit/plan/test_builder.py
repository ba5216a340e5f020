"""The whole plan: sections, waves, orderings, ids, filters, pre-checks, flags."""

from __future__ import annotations

from collections import Counter

import pytest

from octane.apps.context import Probes
from octane.cloud.analysis import analyse
from octane.cloud.model import Cloud
from octane.errors import NotFound, UsageError
from octane.plan import actions
from octane.plan.builder import PlanResult, build
from octane.plan.checks import NothingToUpgrade, PlanRefused
from octane.plan.options import PlanOptions
from octane.plan.step import Plan, Step
from tests.golden.scenarios import (
    AWKWARD_VMS,
    CloudBuilder,
    awkward,
    control_plane_done,
    focal_ussuri,
    jammy_caracal,
    jammy_yoga,
    openstack_cloud,
)

HALF = control_plane_done("focal", "ussuri", "victoria")


def _plan(cloud: Cloud, probes: Probes | None = None, **options: object) -> PlanResult:
    return build(analyse(cloud), PlanOptions(**options), probes=probes)  # type: ignore[arg-type]


def _ids(step: Step) -> list[str]:
    return [s.id for s in step.walk()]


def _find(plan: Plan, step_id: str) -> Step:
    found = plan.root.find(step_id)
    assert found is not None, step_id
    return found


@pytest.mark.parametrize("cloud", [focal_ussuri(), jammy_yoga(), awkward()])
def test_every_step_is_valid_vocabulary_with_unique_ids_and_known_requires(cloud: Cloud) -> None:
    plan = _plan(cloud, Probes(instance_counts=AWKWARD_VMS)).plan
    ids = _ids(plan.root)
    assert not [i for i, n in Counter(ids).items() if n > 1]
    for step in plan.root.walk():
        if step.action:
            assert actions.validate(step.action, step.params) == [], step.id
        assert set(step.requires) <= set(ids)
        assert not step.description.endswith(".") or step.id == "hv"  # COU's own wording
    assert Plan.from_dict(plan.to_dict()) == plan


def test_sections_in_order_with_cou_titles() -> None:
    plan = _plan(focal_ussuri()).plan
    assert plan.root.description == "Upgrade cloud from 'ussuri' to 'victoria'"
    assert plan.root.prompt and not plan.root.parallel
    assert [c.id for c in plan.root.children] == [
        "pre/verify-idle", "pre/backup", "pre/archive", "cp", "cp-sub", "hv", "dp",
        "post/require-osd-release"]


def test_control_plane_waves_keep_keystone_early_and_run_services_together() -> None:
    cp = _find(_plan(focal_ussuri()).plan, "cp")
    order = [c.id for c in cp.children]
    assert order == ["cp/rabbitmq-server", "cp/ceph-mon", "cp/keystone", "cp/wave-services",
                     "cp/nova-cloud-controller", "cp/wave-dashboards",
                     "cp/mysql-innodb-cluster"]
    wave = _find(_plan(focal_ussuri()).plan, "cp/wave-services")
    assert wave.parallel and [c.id for c in wave.children] == [
        "cp/ceph-radosgw", "cp/cinder", "cp/glance", "cp/placement"]
    assert all(c.prompt for c in wave.children)


def test_data_plane_order_and_explicit_requires() -> None:
    plan = _plan(focal_ussuri()).plan
    dp = _find(plan, "dp")
    assert [c.id for c in dp.children] == ["dp/ovn-central", "dp/neutron-api", "dp/ceph-osd"]
    hv_groups = [c.id for c in _find(plan, "hv").children]
    assert hv_groups == ["hv/az1", "hv/az2", "hv/az3"]
    assert set(hv_groups) <= set(_find(plan, "dp/ceph-osd").requires)
    assert "dp/ovn-central" in _find(plan, "dp/neutron-api").requires


def test_ovn_chassis_is_upgraded_before_ovn_central() -> None:
    b = openstack_cloud("m", "focal", "ussuri")
    b.apps["ovn-chassis"]["channel"] = "20.03/stable"  # must move to 22.03
    plan = _plan(b.build()).plan
    ids = _ids(plan.root)
    assert ids.index("dp/ovn-chassis") < ids.index("dp/ovn-central")
    assert "dp/ovn-chassis" in _find(plan, "dp/ovn-central").requires


def test_hypervisor_groups_are_sequential_locked_and_prompted() -> None:
    hv = _find(_plan(focal_ussuri()).plan, "hv")
    assert not hv.parallel
    for group in hv.children:
        assert group.prompt and group.locks == ("hypervisors",)
    units = _find(_plan(focal_ussuri()).plan, "hv/az1/nova-compute/units")
    assert units.parallel
    steps = [s.action for s in units.walk() if s.action]
    assert steps == ["nova.verify_empty", "unit.pause", "unit.openstack_upgrade",
                     "unit.resume"]


def test_package_steps_lock_apt_per_machine() -> None:
    plan = _plan(awkward(), Probes(instance_counts=AWKWARD_VMS)).plan
    az1 = _find(plan, "hv/az1")
    locks = [s.locks for s in az1.walk() if s.action == "unit.upgrade_packages"]
    assert locks == [("apt:3",), ("apt:3",)]  # cinder/0 and nova-compute/0 share machine 3


def test_control_plane_group_and_data_plane_before_control_plane() -> None:
    plan = _plan(focal_ussuri(), group="control-plane").plan
    assert [c.id for c in plan.root.children][-2:] == ["cp", "cp-sub"]
    with pytest.raises(PlanRefused, match="control plane is still on ussuri"):
        _plan(focal_ussuri(), group="data-plane")


def test_half_upgraded_cloud_plans_its_data_plane() -> None:
    half = HALF
    plan = _plan(half, group="data-plane").plan
    assert plan.root.description == "Upgrade cloud from 'ussuri' to 'victoria'"
    assert "cp" not in _ids(plan.root) and "hv" in _ids(plan.root)
    with pytest.raises(NothingToUpgrade, match="data plane"):
        _plan(half, group="control-plane")


def test_last_release_points_to_the_series_upgrade() -> None:
    with pytest.raises(PlanRefused, match=r"last release on jammy.*noble.*upgrade-os"):
        _plan(jammy_caracal())
    focal_yoga = openstack_cloud("m", "focal", "yoga").build()
    with pytest.raises(PlanRefused, match="upgrade the series to jammy"):
        _plan(focal_yoga)


def test_unsupported_series_is_refused() -> None:
    b = CloudBuilder("m", "bionic", "queens")
    b.app("keystone", machines=[b.machine()], channel="queens/stable", versions=["13.0.0"])
    with pytest.raises(PlanRefused, match=r"'bionic' is not an Ubuntu LTS series.*focal, jammy"):
        _plan(b.build())


def test_non_empty_hypervisors_are_left_out_unless_forced() -> None:
    probes = Probes(instance_counts=AWKWARD_VMS, emptiness_source="test")
    result = _plan(awkward(), probes)
    units = [s.params["unit"] for s in result.plan.root.walk() if s.action == "unit.pause"]
    assert "nova-compute/1" not in units and "cinder/1" not in units
    assert any("nova-compute/1 runs 3 instance(s)" in w.message for w in result.warnings)
    assert any("will stop the run" in w.message for w in result.warnings)
    forced = _plan(awkward(), probes, force=True)
    paused = [s.params["unit"] for s in forced.plan.root.walk() if s.action == "unit.pause"]
    assert "nova-compute/1" in paused
    assert not [s for s in forced.plan.root.walk() if s.action == "nova.verify_empty"]


def test_the_busy_hypervisors_named_first_are_the_lowest_units() -> None:
    # 12 busy hypervisors, more than the warning names: the five it names are the first in
    # unit order (nova-compute/2 before nova-compute/10), not in string order
    cloud = openstack_cloud("busy", "focal", "ussuri", computes=24, azs=2).build()
    counts = {f"nova-compute/{n}": 1 for n in range(2, 24, 2)}
    for force in (False, True):
        result = _plan(cloud, Probes(instance_counts=counts, emptiness_source="test"),
                       force=force)
        [warning] = [w.message for w in result.warnings if "non-empty hypervisors" in w.message]
        assert ("(nova-compute/2 runs 1 instance(s), nova-compute/4 runs 1 instance(s), "
                "nova-compute/6 runs 1 instance(s), nova-compute/8 runs 1 instance(s), "
                "nova-compute/10 runs 1 instance(s) and 6 more)") in warning, warning


def test_machine_and_az_filters() -> None:
    plan = _plan(HALF, group="hypervisors", machines=("4",)).plan
    assert [c.id for c in _find(plan, "hv").children] == ["hv/az2"]
    assert [c.id for c in plan.root.children][-1] == "hv"  # no data-plane principals
    plan = _plan(HALF, group="hypervisors", azs=("az3", "az1")).plan
    assert [c.id for c in _find(plan, "hv").children] == ["hv/az1", "hv/az3"]
    with pytest.raises(NotFound, match=r"machine.*42 not found"):
        _plan(HALF, group="hypervisors", machines=("42",))
    with pytest.raises(NotFound, match="run no nova-compute"):
        _plan(HALF, group="hypervisors", machines=("0",))
    with pytest.raises(NotFound, match="zone-x"):
        _plan(HALF, group="hypervisors", azs=("zone-x",))


def test_hypervisors_group_keeps_stable_ids() -> None:
    whole = _plan(focal_ussuri()).plan
    only = _plan(HALF, group="hypervisors", azs=("az2",)).plan
    assert _find(only, "hv/az2") == _find(whole, "hv/az2")


def test_backup_archive_purge_flags() -> None:
    ids = _ids(_plan(focal_ussuri(), backup=False, archive=False).plan.root)
    assert "pre/backup" not in ids and "pre/archive" not in ids
    plan = _plan(focal_ussuri(), archive_batch_size=200, purge=True,
                 purge_before="2000-01-02").plan
    assert _find(plan, "pre/archive").params["batch_size"] == 200
    purge = _find(plan, "pre/purge")
    assert purge.params["before"] == "2000-01-02" and "before '2000-01-02'" in \
        purge.description


def test_skip_apps_leaves_an_application_alone_and_must_name_one() -> None:
    b = openstack_cloud("m", "jammy", "yoga", vault="1.7/stable")
    b.apps["vault"]["units"][0]["workload_message"] = "Unit is sealed"
    with pytest.raises(PlanRefused, match="sealed"):
        _plan(b.build(), upgrade_vault=True)
    result = _plan(b.build(), skip_apps=frozenset({"vault"}), upgrade_vault=True)
    assert "cp/vault" not in _ids(result.plan.root)
    assert any("skipped" in w.message for w in result.warnings)
    with pytest.raises(PlanRefused, match="nope"):
        _plan(b.build(), skip_apps=frozenset({"nope"}))


def test_units_in_error_stop_the_plan_busy_ones_warn() -> None:
    b = openstack_cloud("m", "focal", "ussuri")
    b.apps["glance"]["units"][1]["workload_status"] = "error"
    with pytest.raises(PlanRefused, match="glance/1"):
        _plan(b.build())
    b.apps["glance"]["units"][1]["workload_status"] = "active"
    b.apps["glance"]["units"][1]["agent_status"] = "executing"
    assert any("not idle" in w.message for w in _plan(b.build()).warnings)


def test_meta_records_what_the_plan_was_built_from() -> None:
    cloud = awkward()
    plan = _plan(cloud, Probes(instance_counts=AWKWARD_VMS)).plan
    assert plan.meta["from"] == "wallaby" and plan.meta["to"] == "xena"
    assert plan.meta["cloud_fingerprint"] == cloud.fingerprint()
    assert plan.meta["unknown_applications"] == ["memcached"]
    assert plan.meta["options"]["archive_batch_size"] == 1000


@pytest.mark.parametrize(("kwargs", "text"), [
    ({"archive_batch_size": 0}, "positive"),
    ({"group": "hypervisors", "machines": ("1",), "azs": ("a",)}, "together"),
    ({"machines": ("1",)}, "only apply"),
    ({"purge_before": "2000-01-01"}, "needs --purge"),
    ({"purge": True, "purge_before": "01/02/2000"}, "not a date"),
    ({"group": "everything"}, "unknown upgrade group"),
])
def test_option_errors_are_usage_errors(kwargs: dict[str, object], text: str) -> None:
    with pytest.raises(UsageError, match=text):
        PlanOptions(**kwargs)  # type: ignore[arg-type]


def test_timeouts_come_from_cou_named_variables() -> None:
    env = {"OCTANE_STANDARD_IDLE_TIMEOUT": "60", "OCTANE_LONG_IDLE_TIMEOUT": "600"}
    plan = build(analyse(focal_ussuri()), PlanOptions(**PlanOptions.timeouts_from_env(env))).plan
    assert _find(plan, "cp/keystone/wait").params["timeout"] == 600
    assert _find(plan, "cp/glance/wait").params["timeout"] == 60
    with pytest.raises(UsageError):
        PlanOptions.timeouts_from_env({"OCTANE_LONG_IDLE_TIMEOUT": "0"})


def test_nova_compute_is_upgraded_per_unit_even_without_the_option_in_its_config() -> None:
    b = openstack_cloud("m", "focal", "ussuri")
    del b.apps["nova-compute"]["config"]["action-managed-upgrade"]
    plan = _plan(b.build()).plan
    assert "dp/nova-compute" not in _ids(plan.root)
    amu = _find(plan, "hv/az1/nova-compute/config-action-managed-upgrade")
    assert amu.params["config"] == {"action-managed-upgrade": "True"}


@pytest.mark.parametrize("cloud", [focal_ussuri(), jammy_yoga(), awkward(), HALF])
def test_plans_pass_the_engines_graph_validation(cloud: Cloud) -> None:
    """The engine schedules exactly what the planner writes: no cycle through requires and
    tree order, every id unique, every action in the vocabulary."""
    from octane.engine.graph import PlanGraph, validate

    plan = _plan(cloud, Probes(instance_counts=AWKWARD_VMS)).plan
    graph = PlanGraph(plan.root)
    validate(graph, set(actions.ACTIONS))
    assert len(graph) == len(_ids(plan.root))
