"""``octane twin capture``: a twin captured from a twin starts the same cloud."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from juju.model import Model

from octane.cli import main
from octane.twin.testing import RunningTwin, running_twin
from tests.functional.twin_charms.helpers import SETTLE, fast_copy

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
VOLATILE = {"since", "controller-timestamp"}


@pytest.fixture
def twin_scenario(tmp_path: Path) -> str:
    return fast_copy("awkward", tmp_path)


async def wire_status(twin: RunningTwin, model: str) -> dict[str, Any]:
    """FullStatus through unmodified libjuju, without the times."""
    juju = Model()
    uuid = twin.inspect(lambda c: c.model_by_name(model).uuid)
    await juju.connect(endpoint=twin.api_endpoint, uuid=uuid, username="admin",
                       password=twin.inspect(lambda c: c.users["admin"]),
                       cacert=twin.inspect(lambda c: c.ca_cert))
    try:
        status = await juju.get_status()
    finally:
        await juju.disconnect()

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if k not in VOLATILE}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value
    doc: dict[str, Any] = clean(json.loads(status.to_json()))
    doc["relations"] = sorted(json.dumps(r, sort_keys=True) for r in doc["relations"])
    return doc


def test_a_twin_captured_from_a_twin_starts_the_same_cloud(
        twin: RunningTwin, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    twin.admin.set_config("awkward", "keystone", {"debug": "true"})  # state moved on
    twin.admin.advance(3000)
    assert main(["twin", "capture", "--model", "awkward"]) == 0
    captured = capsys.readouterr().out
    assert captured.startswith("# Captured from model 'awkward' on controller 'twin'")
    copy = tmp_path / "captured.yaml"
    copy.write_text(captured)
    with running_twin(copy, data_dir=tmp_path / "copy") as second:
        first_status = asyncio.run(asyncio.wait_for(wire_status(twin, "awkward"), SETTLE))
        second_status = asyncio.run(asyncio.wait_for(wire_status(second, "awkward"), SETTLE))
    assert second_status == first_status
    assert first_status["applications"]["keystone"]["units"]["keystone/0"][
        "workload-version"] == "19.0.0"
    assert "debug: true" in captured


def test_capture_refuses_an_unknown_model_in_one_line(
        twin: RunningTwin, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["twin", "capture", "--model", "nope"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("octane: error: model 'admin/nope' on controller 'twin' not found")
    assert err.count("\n") == 1
