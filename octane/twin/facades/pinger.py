"""Pinger (v1): libjuju pings every 10 s on every connection (connection.py ``_pinger``)."""

from __future__ import annotations

from typing import Any

from octane.twin.wire.routing import COMMON, Call, Facade


async def ping(call: Call) -> dict[str, Any]:
    """Keep-alive."""
    return {}


FACADE = Facade("Pinger", (1,), {"Ping": ping, "Stop": ping}, scope=COMMON)
