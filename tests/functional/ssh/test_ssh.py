"""octane's SSH port against a real sshd: commands, fetches, and refusals."""

from __future__ import annotations

import hashlib
import os
import re
import socket
import stat
import subprocess
from dataclasses import replace
from pathlib import Path

import paramiko
import pytest

from octane import paths
from octane.errors import ConnectionFailed, NotFound
from octane.ssh.client import HostKeyMismatch, SSHConnection, fetch, fingerprint
from octane.twin.services.loopback import free_port
from octane.twin.services.sshd import SSHServer, keygen
from tests.functional.ssh.conftest import Rig


def test_runs_a_command_with_its_exit_status(rig: Rig) -> None:
    with SSHConnection(rig.machine) as conn:
        result = conn.run("echo out; echo err >&2; exit 3")
    assert (result.return_code, result.stdout, result.stderr) == (3, "out\n", "err\n")


def test_fetches_a_dump_privately_and_intact(rig: Rig, tmp_path: Path) -> None:
    payload = os.urandom(3 * 1024 * 1024 + 17)
    remote = tmp_path / "var" / "backups" / "mysqldump-all-databases-202401010000.gz"
    remote.parent.mkdir(parents=True)
    remote.write_bytes(payload)

    local = fetch(rig.machine, str(remote))

    assert local == paths.data_dir() / "fetched" / remote.name
    assert hashlib.sha256(local.read_bytes()).digest() == hashlib.sha256(payload).digest()
    assert stat.S_IMODE(local.stat().st_mode) == 0o600
    assert stat.S_IMODE(local.parent.stat().st_mode) == 0o700
    assert [p.name for p in local.parent.iterdir()] == [remote.name]  # no temp left over


def test_a_wrong_host_key_is_refused_in_one_line(rig: Rig, tmp_path: Path) -> None:
    impostor = keygen(tmp_path / "impostor_key")
    machine = replace(rig.machine, host_keys=(impostor,))
    actual = paramiko.PKey.from_path(rig.server.host_key_path)
    with pytest.raises(HostKeyMismatch) as caught:
        fetch(machine, "/etc/hostname", tmp_path / "never")
    assert caught.value.one_line() == (
        f"machine 0 at {machine.address} presented host key ssh-ed25519 {fingerprint(actual)}, "
        "which Juju does not know for it; refusing to connect (check the machine's address)")
    assert not (tmp_path / "never").exists()


def test_fingerprint_matches_ssh_keygen(rig: Rig) -> None:
    printed = subprocess.run(["ssh-keygen", "-lf", f"{rig.server.host_key_path}.pub"],
                             capture_output=True, text=True, check=True).stdout.split()[1]
    assert fingerprint(paramiko.PKey.from_path(rig.server.host_key_path)) == printed


def test_a_host_key_of_another_type_is_refused(rig: Rig, tmp_path: Path) -> None:
    rsa = tmp_path / "rsa_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", str(rsa)],
                   check=True)
    machine = replace(rig.machine, host_keys=(Path(f"{rsa}.pub").read_text(),))
    actual = fingerprint(paramiko.PKey.from_path(rig.server.host_key_path))
    expected = re.escape(f"presented host key ssh-ed25519 {actual}, which Juju does not know")
    with pytest.raises(HostKeyMismatch, match=expected):
        SSHConnection(machine).connect()


def test_no_recorded_host_key_means_no_connection(rig: Rig) -> None:
    with pytest.raises(HostKeyMismatch, match="Juju has no usable host key for machine 0"):
        SSHConnection(replace(rig.machine, host_keys=("", "garbage"))).connect()


def test_a_key_the_machine_does_not_accept(rig: Rig, tmp_path: Path) -> None:
    stranger = tmp_path / "stranger"
    keygen(stranger)
    with pytest.raises(ConnectionFailed, match="refused the Juju client key for user 'root'"):
        SSHConnection(rig.machine, key_path=stranger).connect()


def test_missing_remote_file_and_unreachable_machine(rig: Rig, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match=re.escape("machine 0 has no file /nonexistent/dump.gz")):
        fetch(rig.machine, "/nonexistent/dump.gz", tmp_path)
    closed = replace(rig.machine, port=free_port())
    with socket.socket(), pytest.raises(ConnectionFailed, match=f"cannot reach machine 0 at "
                                               f"{closed.address}"):
        SSHConnection(closed, timeout=3).connect()



def test_an_elevated_fetch_reads_through_sudo_sftp_server(rig: Rig, tmp_path: Path) -> None:
    remote = tmp_path / "root-only" / "mysqldump-keystone-202401010000.gz"
    remote.parent.mkdir(mode=0o700)
    remote.write_bytes(b"\x1f\x8b" + os.urandom(70_000))
    remote.chmod(0o600)

    local = fetch(rig.machine, str(remote), tmp_path / "fetched", elevated=True)

    assert local.read_bytes() == remote.read_bytes()
    assert stat.S_IMODE(local.stat().st_mode) == 0o600



class _NoSftpSubsystem(SSHServer):
    """An sshd that offers no SFTP subsystem (only commands run)."""

    def _write_config(self) -> None:
        super()._write_config()
        config = self.base / "sshd_config"
        config.write_text(config.read_text().replace("Subsystem sftp internal-sftp\n", ""))


def test_elevation_runs_sudo_sftp_server_not_the_subsystem(rig: Rig, tmp_path: Path) -> None:
    server = _NoSftpSubsystem(tmp_path / "bare", authorized_keys=[
        Path(f"{rig.key}.pub").read_text()])
    try:
        machine = replace(rig.machine, port=server.start(),
                          host_keys=(server.host_public_key,))
        remote = tmp_path / "dump.gz"
        remote.write_bytes(os.urandom(4096))
        with pytest.raises(paramiko.SSHException):          # no subsystem: plain SFTP fails
            fetch(machine, str(remote), tmp_path / "plain")
        local = fetch(machine, str(remote), tmp_path / "elevated", elevated=True)
        assert local.read_bytes() == remote.read_bytes()
    finally:
        server.stop()
