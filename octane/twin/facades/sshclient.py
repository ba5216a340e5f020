"""SSHClient (v4): machine addresses and the host keys the twin generated for them.

octane's ssh port verifies host keys from here, never auto-accepting (DESIGN.md "Safety
rules"); the twin's sshd (octane/twin/services/sshd.py) serves the matching private keys,
which the server writes under ``<data-dir>/hostkeys/``. Entities may be machines or units
(a unit resolves to its machine), as in ``juju ssh keystone/0``.
"""

from __future__ import annotations

from typing import Any

from octane.twin.errors import NOT_SUPPORTED, ApiError
from octane.twin.facades.common import machine_id
from octane.twin.state.entities import Machine
from octane.twin.state.model import ModelState
from octane.twin.wire.params import Params
from octane.twin.wire.routing import Call, Facade, bulk


def target(model: ModelState, tag: str) -> Machine:
    """The machine behind a machine or unit tag."""
    if tag.startswith("unit-"):
        return model.machine(model.unit_by_tag(tag).machine_id)
    return model.machine(machine_id(tag))


async def public_keys(call: Call) -> dict[str, Any]:
    """Host public keys (``ssh-ed25519 AAAA...``)."""
    model = call.model

    def one(entity: Params) -> dict[str, Any]:
        return {"public-keys": list(target(model, entity.text("tag")).host_keys)}
    return bulk(call.params.objs("entities"), one)


def _address(scope: str) -> Any:
    async def handler(call: Call) -> dict[str, Any]:
        model = call.model

        def one(entity: Params) -> dict[str, Any]:
            machine = target(model, entity.text("tag"))
            chosen = next((a for a in machine.addresses if a.scope == scope),
                          machine.addresses[0] if machine.addresses else None)
            if chosen is None:
                raise ApiError(f"no {scope} address for machine {machine.id}", "not found")
            return {"address": chosen.value}
        return bulk(call.params.objs("entities"), one)
    return handler


async def all_addresses(call: Call) -> dict[str, Any]:
    """Every address of each machine."""
    model = call.model

    def one(entity: Params) -> dict[str, Any]:
        return {"addresses": [a.value for a in target(model, entity.text("tag")).addresses]}
    return bulk(call.params.objs("entities"), one)


async def proxy(call: Call) -> dict[str, Any]:
    """Machines are reached directly."""
    return {"use-proxy": False}


async def credential(call: Call) -> dict[str, Any]:
    """Only Kubernetes models hand out SSH credentials."""
    raise ApiError("model credential for ssh is only supported on k8s models", NOT_SUPPORTED)


FACADE = Facade("SSHClient", (4,), {
    "PublicKeys": public_keys, "PublicAddress": _address("public"),
    "PrivateAddress": _address("local-cloud"), "AllAddresses": all_addresses,
    "Proxy": proxy, "ModelCredentialForSSH": credential,
})
