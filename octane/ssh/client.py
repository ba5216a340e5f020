"""Run commands on, and fetch files from, a Juju machine over SSH — with its host key checked.

What ``juju ssh`` / ``juju scp`` do, without the juju CLI: log in with the Juju client key
(``$JUJU_DATA/ssh/juju_id_ed25519``, or ``juju_id_rsa`` written by older clients) and
accept the machine only if it presents a host key Juju recorded for it (the SSHClient
facade's PublicKeys, supplied by the caller). Nothing is ever added to a known_hosts file
and no unknown key is accepted: paramiko's RejectPolicy plus our own pinned keys.

Fetched files are secrets (database dumps): they are written 0600 in a 0700 directory,
through a temporary name, and renamed only once complete. A file only root may read (the
charm writes its dumps as root) is read through ``sudo -n`` + the machine's own
sftp-server over the same session (``elevated=True``): nothing on the machine changes
owner or mode for octane's sake.

The login user is ``ubuntu``, as ``juju ssh`` uses on Juju machines; ``OCTANE_SSH_USER``
names another (the twin's machines take the user running the twin).
"""

from __future__ import annotations

import base64
import hashlib
import os
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import paramiko

from octane import paths
from octane.errors import ConnectionFailed, NotFound, OctaneError

KEY_NAMES = ("juju_id_ed25519", "juju_id_rsa")
#: What ``juju ssh`` logs in as on a Juju machine.
DEFAULT_USER = "ubuntu"
#: The machine's own SFTP server (Ubuntu's path), run under sudo for root-only files.
SFTP_SERVER = "/usr/lib/openssh/sftp-server"


class HostKeyMismatch(OctaneError):
    """The machine presented a host key Juju does not know for it."""


@dataclass(frozen=True)
class Machine:
    """A machine to reach: its address, login, and the host keys Juju recorded."""

    name: str
    host: str
    host_keys: tuple[str, ...]
    port: int = 22
    user: str = "ubuntu"

    @property
    def address(self) -> str:
        """``host:port`` for messages."""
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class RunResult:
    """A remote command's exit status and output."""

    return_code: int
    stdout: str
    stderr: str = field(default="")


def login_user() -> str:
    """The account octane logs in as: ``$OCTANE_SSH_USER``, else ``ubuntu``."""
    return os.environ.get("OCTANE_SSH_USER", "").strip() or DEFAULT_USER


def juju_data() -> Path:
    """``$JUJU_DATA``, else ``~/.local/share/juju`` (where the juju client keeps state)."""
    explicit = os.environ.get("JUJU_DATA")
    return Path(explicit) if explicit else Path.home() / ".local" / "share" / "juju"


def client_key_path(data: Path | None = None) -> Path:
    """The Juju client's private key (ed25519 since Juju 3.x writes one, else RSA)."""
    folder = (data or juju_data()) / "ssh"
    for name in KEY_NAMES:
        if (folder / name).is_file():
            return folder / name
    raise NotFound(f"no Juju client key in {folder}",
                   hint=f"expected {' or '.join(KEY_NAMES)}; is JUJU_DATA right?")


def fingerprint(key: paramiko.PKey) -> str:
    """``SHA256:…`` as ssh-keygen prints it."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


class SSHConnection:
    """One authenticated, host-verified session to a machine (a context manager)."""

    def __init__(self, machine: Machine, key_path: Path | None = None,
                 timeout: float = 15.0) -> None:
        self.machine = machine
        self._key_path = key_path or client_key_path()
        self._timeout = timeout
        self._client = paramiko.SSHClient()

    def __enter__(self) -> SSHConnection:
        self.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def connect(self) -> None:
        """Open the session, or raise one operator-readable error."""
        machine = self.machine
        pinned = _pinned(machine)
        self._client.set_missing_host_key_policy(paramiko.RejectPolicy())
        for key in pinned:
            self._client.get_host_keys().add(_known_name(machine), key.get_name(), key)
        try:
            private = paramiko.PKey.from_path(self._key_path)
            self._client.connect(
                machine.host, port=machine.port, username=machine.user, pkey=private,
                timeout=self._timeout, banner_timeout=self._timeout,
                auth_timeout=self._timeout, allow_agent=False, look_for_keys=False)
        except paramiko.BadHostKeyException as exc:
            raise HostKeyMismatch(
                f"{machine.name} at {machine.address} presented host key "
                f"{exc.key.get_name()} {fingerprint(exc.key)}, which Juju does not know for "
                f"it; refusing to connect", hint="check the machine's address") from exc
        except paramiko.AuthenticationException as exc:
            raise ConnectionFailed(
                f"{machine.name} at {machine.address} refused the Juju client key for user "
                f"'{machine.user}'") from exc
        except paramiko.SSHException as exc:
            if "known_hosts" in str(exc):  # RejectPolicy: no pinned key for that name
                raise HostKeyMismatch(
                    f"{machine.name} at {machine.address} presented a host key Juju has no "
                    "record of; refusing to connect") from exc
            raise ConnectionFailed(f"SSH to {machine.name} at {machine.address} failed: "
                                   f"{exc}") from exc
        except (TimeoutError, OSError) as exc:
            raise ConnectionFailed(f"cannot reach {machine.name} at {machine.address}: "
                                   f"{exc.strerror or exc}") from exc

    def run(self, command: str, timeout: float = 300.0) -> RunResult:
        """Run ``command`` and wait for it (bounded); never raises for a non-zero exit."""
        _, stdout, stderr = self._client.exec_command(command, timeout=timeout)
        out = stdout.read().decode(errors="replace")
        err = stderr.read().decode(errors="replace")
        return RunResult(stdout.channel.recv_exit_status(), out, err)

    def _sftp(self, elevated: bool) -> paramiko.SFTPClient:
        if not elevated:
            return self._client.open_sftp()
        transport = self._client.get_transport()
        if transport is None:
            raise ConnectionFailed(f"the SSH session to {self.machine.name} is closed")
        channel = transport.open_session(timeout=self._timeout)
        channel.exec_command(f"sudo -n {SFTP_SERVER}")
        try:
            return paramiko.SFTPClient(channel)
        except (paramiko.SSHException, EOFError) as exc:
            raise ConnectionFailed(f"{self.machine.name} refused `sudo -n {SFTP_SERVER}` for "
                                   f"user '{self.machine.user}'") from exc

    def fetch(self, remote: str, directory: Path | None = None, *,
              elevated: bool = False) -> Path:
        """Copy ``remote`` into ``directory`` (0700; default ``<data>/fetched``) as 0600.

        ``elevated``: read it as root (``sudo -n`` sftp-server), for files the login user
        may not read.
        """
        folder = paths.private_dir(directory) if directory else paths.subdir("fetched")
        target = folder / Path(remote).name
        sftp = self._sftp(elevated)
        try:
            try:
                size = sftp.stat(remote).st_size
            except FileNotFoundError as exc:
                raise NotFound(f"{self.machine.name} has no file {remote}") from exc
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.")
            try:
                os.fchmod(fd, 0o600)
                with os.fdopen(fd, "wb") as out:
                    sftp.getfo(remote, out, prefetch=True)
                    out.flush()
                    os.fsync(out.fileno())
                if size is not None and os.path.getsize(tmp) != size:
                    raise ConnectionFailed(f"{remote} from {self.machine.name} arrived "
                                           f"truncated ({os.path.getsize(tmp)} of {size} bytes)")
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        finally:
            sftp.close()
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        return target

    def close(self) -> None:
        """End the session."""
        self._client.close()


def fetch(machine: Machine, remote: str, directory: Path | None = None,
          key_path: Path | None = None, *, elevated: bool = False) -> Path:
    """Connect, fetch one file, disconnect (the ``juju scp machine:remote .`` of octane)."""
    with SSHConnection(machine, key_path) as conn:
        return conn.fetch(remote, directory, elevated=elevated)


def _known_name(machine: Machine) -> str:
    return machine.host if machine.port == 22 else f"[{machine.host}]:{machine.port}"


def _pinned(machine: Machine) -> list[paramiko.PKey]:
    """Parse the host keys Juju recorded; none at all means we cannot verify: refuse."""
    keys: list[paramiko.PKey] = []
    for line in machine.host_keys:
        parts = line.split()
        if len(parts) < 2:
            continue
        try:
            keys.append(paramiko.PKey.from_type_string(parts[0], base64.b64decode(parts[1])))
        except (ValueError, paramiko.SSHException, TypeError):
            continue
    if not keys:
        raise HostKeyMismatch(f"Juju has no usable host key for {machine.name}; refusing to "
                              "connect to an unverified machine")
    return keys


def parse_public_keys(text: str | Sequence[str]) -> tuple[str, ...]:
    """OpenSSH public-key lines from a facade answer or a file (blank lines dropped)."""
    lines = text.splitlines() if isinstance(text, str) else list(text)
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))
