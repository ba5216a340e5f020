"""Canary-then-batches for the hypervisors (``--az-batch N``): faster, and the safety
orderings still hold under the engine's own scheduler with random step durations."""

from __future__ import annotations

import itertools
import random

import pytest

from octane.apps.context import Probes
from octane.cloud.analysis import analyse
from octane.engine import Simulation, simulate
from octane.errors import UsageError
from octane.plan.builder import build
from octane.plan.options import PlanOptions
from octane.plan.step import Plan, Step
from tests.golden.scenarios import large

AZS = [f"az{n}" for n in range(1, 7)]


def _plan(az_batch: int) -> Plan:
    cloud = large(hypervisors=24, azs=6)
    return build(analyse(cloud), PlanOptions(az_batch=az_batch), probes=Probes()).plan


def _span(sim: Simulation, step: Step) -> tuple[float, float]:
    ids = [s.id for s in step.walk() if s.action and s.id in sim.ends]
    return min(sim.starts[i] for i in ids), max(sim.ends[i] for i in ids)


def _az(plan: Plan, az: str) -> Step:
    found = plan.root.find(f"hv/{az}")
    assert found is not None
    return found


def test_batches_follow_a_canary_and_keep_prompts_locks_and_requires() -> None:
    plan = _plan(az_batch=2)
    hv = plan.root.find("hv")
    assert hv is not None and not hv.parallel
    shape = [(c.id, c.parallel, c.locks, [g.id for g in c.children if g.prompt])
             for c in hv.children]
    assert shape[0] == ("hv/az1", False, ("hypervisors",), [])
    assert shape[1:] == [
        ("hv/batch-1", True, ("hypervisors",), ["hv/az2", "hv/az3"]),
        ("hv/batch-2", True, ("hypervisors",), ["hv/az4", "hv/az5"]),
        ("hv/az6", False, ("hypervisors",), [])]
    assert all(_az(plan, az).prompt for az in AZS)
    ceph_osd = plan.root.find("dp/ceph-osd")
    assert ceph_osd is not None and set(ceph_osd.requires) >= {f"hv/{az}" for az in AZS}
    # every other step is the same as in the one-AZ-at-a-time plan
    one = _plan(az_batch=1)
    assert {s.id for s in one.root.walk()} == \
        {s.id for s in plan.root.walk()} - {"hv/batch-1", "hv/batch-2"}


@pytest.mark.parametrize("seed", range(5))
def test_safety_orderings_hold_under_random_durations(seed: int) -> None:
    rng = random.Random(seed)
    plan = _plan(az_batch=2)
    durations = {s.id: rng.uniform(0.5, 50.0) for s in plan.root.walk() if s.action}
    sim = simulate(plan.root, durations, max_parallel=1000)
    span = {az: _span(sim, _az(plan, az)) for az in AZS}
    # the canary ends before any other zone starts; batches never overlap each other
    assert all(span["az1"][1] <= span[az][0] for az in AZS[1:])
    assert max(span["az2"][1], span["az3"][1]) <= min(span["az4"][0], span["az5"][0])
    assert max(span["az4"][1], span["az5"][1]) <= span["az6"][0]
    # ... and inside a batch the zones do run together
    assert span["az2"][0] < span["az3"][1] and span["az3"][0] < span["az2"][1]
    # every hypervisor before ceph-osd, ovn-central and neutron-api
    hv_end = max(e for _, e in span.values())
    for app in ("ceph-osd", "ovn-central", "neutron-api"):
        found = plan.root.find(f"dp/{app}")
        assert found is not None and _span(sim, found)[0] >= hv_end
    # one unit's steps stay in order: pause -> openstack-upgrade -> resume
    for step in plan.root.walk():
        if step.action == "unit.pause":
            base = step.id.rsplit("/", 1)[0]
            assert sim.ends[step.id] <= sim.starts[f"{base}/upgrade"]
            assert sim.ends[f"{base}/upgrade"] <= sim.starts[f"{base}/resume"]


def test_one_zone_at_a_time_by_default_and_batches_are_shorter() -> None:
    one, batched = _plan(az_batch=1), _plan(az_batch=3)
    durations = {s.id: 10.0 for s in one.root.walk() if s.action}
    sim = simulate(one.root, durations, max_parallel=1000)
    spans = sorted(_span(sim, _az(one, az)) for az in AZS)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    faster = simulate(batched.root, durations, max_parallel=1000)
    assert faster.makespan < sim.makespan


def test_az_batch_must_be_positive() -> None:
    with pytest.raises(UsageError, match="--az-batch must be a positive integer, not 0"):
        PlanOptions(az_batch=0)
