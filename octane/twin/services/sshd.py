"""A private ``sshd`` on loopback: own host key, own authorized_keys, a free port.

The twin gives its machines a real SSH server so octane's backup fetches and ``juju
scp``-style copies travel over SSH with host-key checking, as they do against a cloud
(issue 6 item 7); tests of ``octane/ssh`` use the same class. Measured facts
(``reference/components.md`` §3): sshd must be started by its absolute path because it
re-executes itself, needs the privilege-separation directory ``/run/sshd``, and with
``-D -e`` stays in the foreground so the Popen is the daemon. Start to ready is ~0.1 s.

Keys are made with ``ssh-keygen`` (paramiko belongs to ``octane/ssh``). The host key's
public line is what the twin serves through the SSHClient facade's PublicKeys, so a client
that checks it against Juju's record will accept this server and no other.

For a twin machine (``services/database_extension.py``) the server takes the host key the
twin generated for that machine, listens on the machine's own loopback address on port 22
(as a client of Juju reaches a machine), and confines each session to the machine's file
tree: ``ChrootDirectory`` with ``ForceCommand internal-sftp``, so what a client reads at
``/var/backups/mysql/...`` is the machine's file, never the host's. sshd only chroots into
a path whose every component is root-owned and not group/other-writable (``/tmp`` is not),
which :func:`chroot_safe` checks.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Iterable
from pathlib import Path

from octane.errors import OctaneError
from octane.twin.services.loopback import free_port, start_logged, stop_processes, wait_ready

START_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0
SSHD = "/usr/sbin/sshd"


class SSHDError(OctaneError):
    """The private sshd could not be configured, started or stopped."""


def keygen(path: Path, comment: str = "octane") -> str:
    """Create an ed25519 key pair at ``path`` (private 0600); its public line."""
    tool = shutil.which("ssh-keygen")
    if not tool:
        raise SSHDError("ssh-keygen is not installed", hint="run scripts/bootstrap.sh")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    Path(f"{path}.pub").unlink(missing_ok=True)
    done = subprocess.run([tool, "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)],
                          capture_output=True, timeout=30, check=False)
    if done.returncode != 0:
        raise SSHDError(f"ssh-keygen failed: {done.stderr.decode(errors='replace').strip()}")
    os.chmod(path, 0o600)
    return Path(f"{path}.pub").read_text().strip()


def chroot_safe(path: Path) -> bool:
    """Whether sshd would chroot into ``path``: it and every parent root-owned, not writable
    by group or others (sshd's own rule, ``safely_chroot`` in session.c)."""
    current = Path(path).resolve()
    for part in (current, *current.parents):
        try:
            info = part.stat()
        except OSError:
            return False
        if info.st_uid != 0 or info.st_mode & 0o022:
            return False
    return True


class SSHServer:
    """One sshd under ``base`` (0700), accepting the given public keys.

    ``host_key``: use this private key file instead of generating one (the twin's machine
    key). ``port``: a fixed port (22 on a machine's own address) instead of a free one.
    ``chroot``: confine every session to this directory, SFTP only. ``users``: the only
    accounts allowed to log in.
    """

    def __init__(self, base: Path, *, host: str = "127.0.0.1",
                 authorized_keys: Iterable[str] = (), host_key: Path | None = None,
                 port: int = 0, chroot: Path | None = None,
                 users: Iterable[str] = ()) -> None:
        self.base = Path(base)
        self.host = host
        self.port = port
        self._fixed_port = port
        self._authorized = list(authorized_keys)
        self._process: subprocess.Popen[bytes] | None = None
        self._host_public = ""
        self._host_key = Path(host_key) if host_key else None
        self.chroot = Path(chroot) if chroot else None
        self.users = tuple(users)

    @property
    def host_key_path(self) -> Path:
        """The server's private host key."""
        return self._host_key or self.base / "ssh_host_ed25519_key"

    @property
    def host_public_key(self) -> str:
        """``ssh-ed25519 AAAA… comment``: what Juju would record for the machine."""
        if not self._host_public:
            raise SSHDError("the sshd has no host key yet (start it first)")
        return self._host_public

    @property
    def log_path(self) -> Path:
        """sshd's own log (``-e`` sends it to stderr, redirected here)."""
        return self.base / "sshd.log"

    @property
    def running(self) -> bool:
        """Whether the daemon we started is alive."""
        return self._process is not None and self._process.poll() is None

    def authorize(self, public_key: str) -> None:
        """Accept ``public_key`` (an OpenSSH public-key line) from now on."""
        self._authorized.append(public_key.strip())
        if self.base.exists():
            self._write_authorized()

    def start(self, timeout: float = START_TIMEOUT) -> int:
        """Create keys and config on first use, start sshd, wait until it accepts TCP."""
        if self.running:
            return self.port
        if not Path(SSHD).exists():
            raise SSHDError(f"{SSHD} is not installed", hint="run scripts/bootstrap.sh")
        self.base.mkdir(parents=True, exist_ok=True)
        os.chmod(self.base, 0o700)
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        if self.chroot is not None and not chroot_safe(self.chroot):
            raise SSHDError(f"sshd cannot chroot into {self.chroot}: every directory on the "
                            "path must be root-owned and not group/other-writable")
        if not self.host_key_path.exists():
            keygen(self.host_key_path, comment=f"octane-twin@{self.host}")
        self._host_public = Path(f"{self.host_key_path}.pub").read_text().strip()
        self._write_authorized()
        for _ in range(1 if self._fixed_port else 5):
            self.port = self.port or free_port(self.host)
            self._write_config()
            if self._launch(timeout):
                return self.port
            self.port = self._fixed_port  # taken meanwhile: pick another (unless fixed)
        raise SSHDError(f"sshd did not start on {self.host}:{self.port or 'a free port'}: "
                        f"{self._log_tail()}")

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM the daemon, SIGKILL after ``timeout``."""
        process, self._process = self._process, None
        if process is not None:
            stop_processes([process], grace=timeout)

    def __enter__(self) -> SSHServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _write_authorized(self) -> None:
        path = self.base / "authorized_keys"
        path.write_text("".join(f"{key}\n" for key in self._authorized))
        os.chmod(path, 0o600)

    def _write_config(self) -> None:
        config = "\n".join([
            f"Port {self.port}",
            f"ListenAddress {self.host}",
            f"HostKey {self.host_key_path}",
            f"PidFile {self.base / 'sshd.pid'}",
            f"AuthorizedKeysFile {self.base / 'authorized_keys'}",
            "PermitRootLogin prohibit-password",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PubkeyAuthentication yes",
            "UsePAM no",
            "StrictModes no",
            "Subsystem sftp internal-sftp",
            "LogLevel INFO",
        ])
        if self.users:
            config += f"\nAllowUsers {' '.join(self.users)}"
        if self.chroot is not None:
            # every session (shell, exec, sftp) becomes SFTP inside the machine's tree
            config += f"\nChrootDirectory {self.chroot}\nForceCommand internal-sftp"
        config += "\n"
        (self.base / "sshd_config").write_text(config)

    def _launch(self, timeout: float) -> bool:
        self._process = start_logged([SSHD, "-D", "-e", "-f", str(self.base / "sshd_config")],
                                     self.log_path, start_new_session=True)
        accepted = wait_ready(self._process, self._accepts, timeout=timeout, interval=0.02)
        if accepted is False:
            self._process = None
        if accepted is not None:
            return accepted
        self.stop()
        raise SSHDError(f"sshd did not accept connections within {timeout:.0f}s")

    def _accepts(self) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def _log_tail(self) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            return "no log"
        return " | ".join(lines[-3:]) or "no log"
