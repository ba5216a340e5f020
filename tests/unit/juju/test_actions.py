"""Bulk actions and commands through the port: one enqueue, batched polls, results by unit.

The controller is replaced at the RPC boundary (``JujuModel._rpc``) by a script of the
documents a controller returns, so the port's own logic -- tags, polling until final,
output decoding, per-item errors -- runs unchanged.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, cast

import pytest

from octane.errors import OctaneError
from octane.juju.connect import Target
from octane.juju.model import JujuModel
from octane.juju.settings import JujuSettings


class ScriptedModel(JujuModel):
    """Answers ``_rpc`` like a controller whose actions finish after ``polls`` polls."""

    def __init__(self, polls: int = 2, outputs: Mapping[str, Any] | None = None,
                 enqueue_error: str | None = None) -> None:
        target = Target("ctl", "admin/m", ("127.0.0.1:1",), None, "admin", "pw", "uuid")
        super().__init__(cast(Any, None), target, JujuSettings())
        self.polls, self.outputs, self.enqueue_error = polls, outputs or {}, enqueue_error
        self.requests: list[tuple[str, Mapping[str, Any]]] = []
        self.receivers: dict[str, str] = {}

    async def _rpc(self, facade: str, request: str, params: Mapping[str, Any],
                   what: str) -> Mapping[str, Any]:
        self.requests.append((request, params))
        if request in ("EnqueueOperation", "Run"):
            receivers = ([a["receiver"] for a in params["actions"]] if request ==
                         "EnqueueOperation" else ["unit-" + u.replace("/", "-")
                                                  for u in params["units"]])
            actions = []
            for i, receiver in enumerate(receivers):
                tag = f"action-{i + 1}"
                self.receivers[tag] = receiver
                error = {"message": self.enqueue_error} if self.enqueue_error else {}
                actions.append({"action": {"tag": tag, "receiver": receiver}, "error": error})
            return {"operation": "operation-1", "actions": actions}
        assert request == "Actions"
        self.polls -= 1
        status = "completed" if self.polls <= 0 else "running"
        return {"results": [{"action": {"tag": e["tag"]}, "status": status,
                             "output": self.outputs.get(self.receivers[e["tag"]], {})}
                            for e in params["entities"]]}


def test_many_units_one_enqueue_and_batched_polls() -> None:
    model = ScriptedModel(polls=3, outputs={"unit-nova-compute-0": {"instance-count": "0"},
                                            "unit-nova-compute-10": {"instance-count": "2"}})
    results = asyncio.run(model.run_actions(["nova-compute/0", "nova-compute/10"],
                                            "instance-count"))
    assert results["nova-compute/10"].output == {"instance-count": "2"}
    assert results["nova-compute/10"].unit == "nova-compute/10" and results["nova-compute/0"].ok
    kinds = [r for r, _ in model.requests]
    assert kinds == ["EnqueueOperation", "Actions", "Actions", "Actions"]
    assert len(model.requests[1][1]["entities"]) == 2


def test_commands_decode_return_codes() -> None:
    model = ScriptedModel(polls=1, outputs={"unit-ceph-mon-0": {
        "return-code": 1, "stdout": "", "stderr": "no ceph"}})
    result = asyncio.run(model.run_command(["ceph-mon/0"], "ceph versions"))["ceph-mon/0"]
    assert (result.return_code, result.stderr) == (1, "no ceph")


def test_enqueue_errors_are_one_line_octane_errors() -> None:
    model = ScriptedModel(enqueue_error='action "nope" not defined')
    with pytest.raises(OctaneError, match="nope"):
        asyncio.run(model.run_action("keystone/0", "nope"))


def test_actions_that_never_finish_time_out() -> None:
    model = ScriptedModel(polls=10**6)
    with pytest.raises(OctaneError, match="still running"):
        asyncio.run(model.run_action("keystone/0", "pause", timeout=0.2))
