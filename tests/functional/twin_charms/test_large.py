"""The large scenario starts and is read whole through the Juju port (timings: docs)."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from octane.juju.model import JujuModel
from octane.twin.testing import RunningTwin

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def twin_scenario() -> str:
    return "large"


async def test_a_thousand_hypervisors_in_ten_zones_over_the_wire(twin: RunningTwin) -> None:
    async with asyncio.timeout(120):
        model = await JujuModel.connect("large")
        try:
            cloud = await model.status()
            counts = await model.run_actions(["nova-compute/0", "nova-compute/50"],
                                             "instance-count")
        finally:
            await model.close()
    computes = cloud.applications["nova-compute"]
    assert len(computes.units) == 1000
    zones = Counter(cloud.machines[u.machine].az for u in computes.units)
    assert zones == {f"az{i}": 100 for i in range(1, 11)}
    assert len(cloud.applications) == 64
    assert {u: r.output["instance-count"] for u, r in counts.items()} == {
        "nova-compute/0": "2", "nova-compute/50": "2"}
