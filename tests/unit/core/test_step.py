import json

import pytest

from octane.plan.step import PARALLEL_MARK, Plan, Step


def _tree() -> Step:
    units = tuple(
        Step(id=f"hv/az-1/nova-compute/{n}",
             description=f"Upgrade plan for unit 'nova-compute/{n}'",
             action="juju.run_action", params={"unit": f"nova-compute/{n}", "action": "pause"},
             locks=(f"unit:nova-compute/{n}",))
        for n in range(2)
    )
    return Step(
        id="cloud", description="Upgrade cloud from 'ussuri' to 'victoria'", prompt=True,
        children=(
            Step(id="cloud/verify-idle",
                 description="Verify that all OpenStack applications are in idle state",
                 action="juju.wait_idle", params={"timeout": 120}),
            Step(id="hv/az-1", description="Upgrade plan for 'az-1' to 'victoria'", parallel=True,
                 prompt=True, requires=("cloud/verify-idle",), children=units),
        ),
    )


def test_round_trip_keeps_every_field() -> None:
    plan = Plan(root=_tree(), meta={"model": "openstack", "target": "victoria"})
    again = Plan.from_dict(json.loads(plan.to_json()))
    assert again == plan
    assert again.digest() == plan.digest()


def test_digest_ignores_meta_but_not_steps() -> None:
    a = Plan(root=_tree(), meta={"model": "a"})
    b = Plan(root=_tree(), meta={"model": "b"})
    assert a.digest() == b.digest()
    changed = Plan(root=Step(id="cloud", description="other"))
    assert changed.digest() != a.digest()


def test_render_marks_parallel_children_only() -> None:
    lines = _tree().render().splitlines()
    assert lines[0] == "Upgrade cloud from 'ussuri' to 'victoria'"
    assert lines[1] == "  Verify that all OpenStack applications are in idle state"
    assert lines[2] == "  Upgrade plan for 'az-1' to 'victoria'"
    assert lines[3] == f"    {PARALLEL_MARK}Upgrade plan for unit 'nova-compute/0'"


def test_walk_and_find() -> None:
    root = _tree()
    assert [s.id for s in root.walk()][:3] == ["cloud", "cloud/verify-idle", "hv/az-1"]
    found = root.find("hv/az-1/nova-compute/1")
    assert found is not None and found.params["unit"] == "nova-compute/1"
    assert root.find("nope") is None


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="not an octane plan"):
        Plan.from_dict({"format": "cou/1", "plan": {}})
