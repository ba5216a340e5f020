"""KeyManager (v1): SSH keys authorised on the model's machines."""

from __future__ import annotations

from typing import Any

from octane.twin.errors import NOT_SUPPORTED, ApiError
from octane.twin.wire.routing import Call, Facade


async def list_keys(call: Call) -> dict[str, Any]:
    """The authorised keys (``juju ssh-keys``)."""
    keys = list(call.controller.ssh_keys)
    return {"results": [{"result": keys}
                        for _ in call.params.obj("entities").seq("entities")]}


async def add_keys(call: Call) -> dict[str, Any]:
    """``juju add-ssh-key``."""
    results = []
    for key in call.params.seq("ssh-keys"):
        if key in call.controller.ssh_keys:
            results.append({"error": {"message": f"duplicate ssh key: {key}", "code": ""}})
        else:
            call.controller.ssh_keys.append(str(key))
            results.append({})
    return {"results": results}


async def delete_keys(call: Call) -> dict[str, Any]:
    """``juju remove-ssh-key`` by key, comment or fingerprint text."""
    results = []
    for wanted in call.params.seq("ssh-keys"):
        match = [k for k in call.controller.ssh_keys if wanted in k]
        for key in match:
            call.controller.ssh_keys.remove(key)
        results.append({} if match else {"error": {"message": f"invalid ssh key: {wanted}",
                                                   "code": ""}})
    return {"results": results}


async def import_keys(call: Call) -> dict[str, Any]:
    """Importing from Launchpad/GitHub needs the internet."""
    raise ApiError("importing ssh keys is not supported by the twin", NOT_SUPPORTED)


FACADE = Facade("KeyManager", (1,), {"ListKeys": list_keys, "AddKeys": add_keys,
                                     "DeleteKeys": delete_keys, "ImportKeys": import_keys})
