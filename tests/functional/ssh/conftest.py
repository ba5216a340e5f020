"""A private sshd on loopback and a JUJU_DATA with a Juju client key, per test."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from octane.ssh.client import Machine
from octane.twin.services.sshd import SSHServer, keygen
from tests.real import need_binaries


@dataclass
class Rig:
    """The server, the machine as Juju describes it, and the client key's JUJU_DATA."""

    server: SSHServer
    machine: Machine
    juju_data: Path
    key: Path


@pytest.fixture
def rig(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Rig]:
    need_binaries("sshd", "ssh-keygen", what="a real sshd")
    juju_data = tmp_path / "juju"
    key = juju_data / "ssh" / "juju_id_ed25519"
    public = keygen(key, "juju-client-key")
    monkeypatch.setenv("JUJU_DATA", str(juju_data))
    server = SSHServer(tmp_path / "sshd", authorized_keys=[public])
    try:
        port = server.start()
        machine = Machine("machine 0", "127.0.0.1", (server.host_public_key,), port, "root")
        yield Rig(server, machine, juju_data, key)
    finally:
        server.stop()
