"""Scenario copies with a fast clock, and libjuju sessions against the ``twin`` fixture.

Every wait here is bounded; the time scale makes a 900 s keystone upgrade take 45 ms.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import yaml
from juju.model import Model

from octane.twin import scenario
from octane.twin.testing import RunningTwin
from tests.functional import libjuju_status as jstatus

#: Scenario seconds per wall second in these tests.
SCALE = 20000
#: Bound on any wait for the model to settle (wall seconds).
SETTLE = 30


def fast_copy(name: str, tmp_path: Path,
              edit: Callable[[dict[str, Any]], None] | None = None) -> str:
    """A copy of an ``etc/scenarios`` scenario on the fast clock, optionally edited."""
    document = yaml.safe_load(scenario.resolve(name).read_text())
    document["time-scale"] = SCALE
    if edit is not None:
        edit(document)
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return str(path)


@contextlib.asynccontextmanager
async def connected(twin: RunningTwin, model: str) -> AsyncIterator[Model]:
    """An unmodified libjuju ``Model`` connected to ``model`` of the twin."""
    juju = Model()
    await juju.connect(model_name=twin.model_name(model))
    try:
        yield juju
    finally:
        await juju.disconnect()


async def versions(juju: Model, app: str) -> dict[str, str]:
    """Unit -> workload version, as ``juju status`` reports it."""
    status = await juju.get_status()
    return {name: jstatus.text(unit.workload_version)
            for name, unit in jstatus.units(status, app).items()}


async def statuses(juju: Model, app: str) -> dict[str, tuple[str, str]]:
    """Unit -> (workload status, message)."""
    status = await juju.get_status()
    out: dict[str, tuple[str, str]] = {}
    for name, unit in jstatus.units(status, app).items():
        workload = jstatus.present(unit.workload_status)
        out[name] = (jstatus.text(workload.status), jstatus.text(workload.info))
    return out
