"""Private files through ``juju exec``: round trip on a twin host, and nothing in the logs.

The only fake is the Juju boundary: ``run_command`` hands the command line to the twin's
ceph-mon host shell, which is what the twin's executor does with it.
"""

from __future__ import annotations

import asyncio
import logging
import stat
import threading
from pathlib import Path
from typing import Any, cast

import pytest

from octane.errors import OctaneError
from octane.juju import unitfiles
from octane.juju.model import CommandResult, JujuModel
from octane.twin.services.ceph_host import CephHost
from octane.twin.services.ceph_simulated import SimulatedCephCluster

SECRET = b"[mon.]\n\tkey = QVFBc2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0PT0=\n"


class HostModel:
    """``run_command`` answered by one twin host; records the command lines it saw."""

    def __init__(self, host: CephHost) -> None:
        self.host = host
        self.commands: list[str] = []

    async def run_command(self, units: list[str], command: str, *,
                          timeout: float | None = None) -> dict[str, CommandResult]:
        self.commands.append(command)
        done = self.host.run(command)
        return {u: CommandResult(u, done.returncode, done.stdout, done.stderr) for u in units}


@pytest.fixture
def model(tmp_path: Path) -> HostModel:
    sim = SimulatedCephCluster(("a", "b", "c"))
    return HostModel(CephHost(sim, hostname="d", address=sim.allocate_mon_address(),
                              root=tmp_path / "d", lock=threading.Lock()))


def test_a_file_goes_0600_comes_back_intact_and_is_removed(model: HostModel) -> None:
    juju = cast(JujuModel, model)
    path = "/var/lib/ceph/tmp/octane-mon.keyring"
    asyncio.run(unitfiles.put_private(juju, "ceph-mon/0", path, SECRET, owner="ceph:ceph"))
    on_host = model.host.root / path.lstrip("/")
    assert on_host.read_bytes() == SECRET
    assert stat.S_IMODE(on_host.stat().st_mode) == 0o600
    assert asyncio.run(unitfiles.fetch(juju, "ceph-mon/0", path)) == SECRET
    asyncio.run(unitfiles.remove(juju, "ceph-mon/0", [path]))
    assert not on_host.exists()


def test_failures_name_the_unit_and_never_the_command(model: HostModel) -> None:
    juju = cast(JujuModel, model)
    with pytest.raises(OctaneError) as failed:
        asyncio.run(unitfiles.fetch(juju, "ceph-mon/0", "/nowhere/file"))
    assert failed.value.message.startswith("could not read /nowhere/file on ceph-mon/0:")
    model.host.root.mkdir(parents=True)
    (model.host.root / "etc").write_text("a file where a directory should be")
    with pytest.raises(OctaneError) as refused:
        asyncio.run(unitfiles.put_private(juju, "ceph-mon/0", "/etc/ceph/k", SECRET))
    assert "could not write /etc/ceph/k on ceph-mon/0" in refused.value.message
    assert "key =" not in refused.value.message and "printf" not in refused.value.message


def test_libjuju_debug_records_lose_the_payload(caplog: pytest.LogCaptureFixture) -> None:
    unitfiles.install_redaction()
    unitfiles.install_redaction()                    # idempotent
    logger = logging.getLogger("juju.client.connection")
    assert logger.filters.count(unitfiles._FILTER) == 1
    payload = "W21vbi5dCglrZXkgPSBRVkZCYzJWamNtVjBjMlZqY21WMGMyVmpjbVYw"
    message: dict[str, Any] = {"commands": f"printf %s '{payload}' | base64 -d > /x"}
    with caplog.at_level(logging.DEBUG, logger="juju.client.connection"):
        logger.debug("connection id: 1 ---> %s", message)
        logger.debug("connection id: 1 <--- %s", {"stdout": "hostname-only"})
    text = caplog.text
    assert payload not in text and "<redacted>" in text
    assert "hostname-only" in text                   # ordinary answers stay readable
