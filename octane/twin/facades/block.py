"""Block (v2): ``juju disable-command`` blocks, recorded per model.

The twin records blocks and lists them; it does not refuse the blocked operations
(a documented gap)."""

from __future__ import annotations

from typing import Any

from octane.twin.wire.routing import Call, Facade


async def list_blocks(call: Call) -> dict[str, Any]:
    """The model's blocks."""
    model = call.model
    return {"results": [{"result": {"id": kind, "tag": f"model-{model.uuid}", "type": kind,
                                    "message": message}}
                        for kind, message in sorted(model.blocks.items())]}


async def switch_on(call: Call) -> dict[str, Any]:
    """Add a block."""
    call.model.blocks[call.params.text("type")] = call.params.text("message")
    return {}


async def switch_off(call: Call) -> dict[str, Any]:
    """Remove a block."""
    call.model.blocks.pop(call.params.text("type"), None)
    return {}


FACADE = Facade("Block", (2,), {"List": list_blocks, "SwitchBlockOn": switch_on,
                                "SwitchBlockOff": switch_off})
