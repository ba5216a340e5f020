"""Where to SSH to reach a unit, and which host keys prove it is that machine.

Why: octane fetches files from machines over SSH (``octane/ssh``) and must never accept a
host key it cannot verify. Juju records each machine's host keys when the machine comes up
and serves them with its addresses through the SSHClient facade — what ``juju ssh`` /
``juju scp`` check against — so octane asks the same facade: ``PublicKeys`` and
``PublicAddress`` for the unit (Juju resolves a unit to its machine). Over the Juju port's
own RPC helper, so errors stay octane's one-liners and retries follow OCTANE_MODEL_RETRIES.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from octane.errors import NotFound, OctaneError
from octane.juju.model import JujuModel, unit_tag


@dataclass(frozen=True)
class SSHTarget:
    """A unit's machine as SSH reaches it: its public address and recorded host keys."""

    unit: str
    address: str
    host_keys: tuple[str, ...]


def _first(doc: Mapping[str, Any], what: str) -> Mapping[str, Any]:
    results = doc.get("results") or [{}]
    item = results[0] if isinstance(results[0], Mapping) else {}
    error = item.get("error") or {}
    if error.get("message"):
        message = str(error["message"])
        if "not found" in message:
            raise NotFound(f"{what}: {message}")
        raise OctaneError(f"{what}: {message}")
    return item


async def ssh_target(model: JujuModel, unit: str) -> SSHTarget:
    """The address and host keys Juju records for ``unit``'s machine."""
    what = f"reading the SSH host keys of '{unit}'"
    entities = {"entities": [{"tag": unit_tag(unit)}]}
    keys = _first(await model._rpc("SSHClient", "PublicKeys", entities, what), what)
    address = _first(await model._rpc("SSHClient", "PublicAddress", entities,
                                      f"reading the address of '{unit}'"), what)
    found = str(address.get("address") or "")
    if not found:
        raise OctaneError(f"Juju has no public address for '{unit}'")
    return SSHTarget(unit, found, tuple(str(k) for k in keys.get("public-keys") or ()))
