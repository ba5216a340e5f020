"""Backups (v3): the twin has no controller database to back up.

``Create`` fails with code ``not supported``: a documented gap (docs/twin.md), so a flow
that relies on controller backups fails loudly instead of passing on a fake archive.
"""

from __future__ import annotations

from typing import Any

from octane.twin.errors import NOT_SUPPORTED, ApiError
from octane.twin.wire.routing import Call, Facade


async def create(call: Call) -> dict[str, Any]:
    """Refuse: no controller backups in the twin."""
    raise ApiError("controller backups are not supported by the twin", NOT_SUPPORTED)


FACADE = Facade("Backups", (3,), {"Create": create})
