"""Probes: what is gathered for which scope, concurrently, and how failures degrade."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

from octane.cloud.analysis import analyse
from octane.errors import OctaneError
from octane.plan.probes import HypervisorRef, gather, hypervisors_to_probe
from octane.releases import release
from tests.golden.scenarios import AWKWARD_VMS, awkward, control_plane_done, focal_ussuri
from tests.golden.session import SnapshotSession


def test_whole_cloud_gathers_emptiness_and_ceph_with_one_action_batch() -> None:
    session = SnapshotSession(awkward(), instance_counts=AWKWARD_VMS, osd_flags=("noout",))
    found = asyncio.run(gather(analyse(session.cloud), release("xena"), group=None,
                               juju=session, emptiness=None))
    assert found.instance_counts == AWKWARD_VMS
    assert found.emptiness_source == "the instance-count action"
    assert found.ceph_flags == ("noout",)
    batches = [c for c in session.calls if c[0] == "instance-count"]
    assert len(batches) == 1 and len(batches[0][1]) == 4
    assert {c[0] for c in session.calls} <= {"instance-count", "ceph versions",
                                              "ceph osd dump --format json"}


def test_control_plane_needs_no_emptiness_and_hypervisors_no_ceph() -> None:
    session = SnapshotSession(focal_ussuri())
    asyncio.run(gather(analyse(session.cloud), release("victoria"), group="control-plane",
                       juju=session, emptiness=None))
    assert "instance-count" not in [c[0] for c in session.calls]
    session = SnapshotSession(control_plane_done("focal", "ussuri", "victoria"))
    asyncio.run(gather(analyse(session.cloud), release("victoria"), group="hypervisors",
                       juju=session, emptiness=None, machines=["3"]))
    assert session.calls == [("instance-count", ("nova-compute/0",))]


class Nova:
    source = "Nova"

    def __init__(self, fail: bool = False) -> None:
        self.fail, self.asked = fail, 0

    async def instance_counts(self, hypervisors: Sequence[HypervisorRef]) -> Mapping[str, int]:
        self.asked += 1
        if self.fail:
            raise OctaneError("Nova: 503")
        return {h.unit: 0 for h in hypervisors}


def test_a_given_emptiness_provider_replaces_the_action() -> None:
    session, nova = SnapshotSession(awkward()), Nova()
    found = asyncio.run(gather(analyse(session.cloud), release("xena"), group="data-plane",
                               juju=session, emptiness=nova))
    assert nova.asked == 1 and found.emptiness_source == "Nova"
    assert "instance-count" not in [c[0] for c in session.calls]


def test_probe_failures_become_notes() -> None:
    session = SnapshotSession(awkward(), ceph_versions={"overall": {}})
    session.osd_flags = ()
    found = asyncio.run(gather(analyse(session.cloud), release("xena"), group=None,
                               juju=session, emptiness=Nova(fail=True)))
    assert found.instance_counts is None
    assert any("Nova: 503" in n for n in found.notes)


def test_only_units_below_the_target_are_probed() -> None:
    analysis = analyse(awkward())
    refs = hypervisors_to_probe(analysis, release("wallaby"))
    assert refs == []
    refs = hypervisors_to_probe(analysis, release("xena"), machines=["4"])
    assert [(r.unit, r.hostname) for r in refs] == [("nova-compute/1", "hv-1")]
