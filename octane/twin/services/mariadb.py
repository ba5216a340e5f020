"""A private ``mariadbd``: own datadir, socket and loopback port, started and stopped on demand.

The twin keeps each Juju model's databases in a real MariaDB server (issue 6 item 1) so
that dumps, archive/purge and copies run real SQL against real InnoDB; the database tests
use the same class through a pytest fixture. Everything about running one server lives
here, as measured on these machines (``reference/components.md`` §1):

- ``--defaults-file`` must be mariadbd's *first* option, and a server started as root needs
  ``user=root`` in its config or it refuses to start;
- readiness is a successful ``mariadb-admin ping`` (0.4–0.5 s after exec), which answers
  even when authentication would fail, so credentials are checked separately;
- ``SIGTERM`` stops it cleanly in about 2 s; after a bounded wait we ``SIGKILL``.

The server listens on 127.0.0.1 only, on a free port probed at start (retried if another
process takes it first). The root password is random and lives only in the instance's
0600 client option file, so the ``mariadb`` command-line tools run with
``--defaults-file`` and no secret ever appears in a process list.

This module runs SQL through the ``mariadb`` client rather than pymysql: pymysql belongs
to ``octane/db`` (the database port), and the twin imports nothing from octane's layers.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from octane.errors import OctaneError
from octane.twin.services.loopback import free_port, start_logged, stop_processes, wait_ready

#: How long a fresh server may take to answer a ping (measured 0.4–0.5 s; CI is slower).
START_TIMEOUT = 60.0
#: How long a clean shutdown may take before SIGKILL (measured 1.8–1.9 s).
STOP_TIMEOUT = 30.0


class MariaDBError(OctaneError):
    """A private MariaDB server could not be initialised, started, stopped or queried."""


def binary(name: str) -> str:
    """The absolute path of a MariaDB executable (mariadbd lives in /usr/sbin)."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if not found:
        raise MariaDBError(f"{name} is not installed", hint="run scripts/bootstrap.sh")
    return found


@dataclass(frozen=True)
class Tuning:
    """Server settings that trade durability for speed; the same for every tool compared.

    The defaults suit tests (small memory, fast start); the benchmark raises the buffer
    pool and redo log so loads are not throttled by checkpoints.
    """

    buffer_pool: str = "128M"
    log_file_size: str = "64M"
    max_allowed_packet: str = "256M"
    #: Any further ``[mariadbd]`` options (name -> value; an empty value writes the bare name).
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Credentials:
    """How a client reaches the server over TCP."""

    host: str
    port: int
    user: str
    password: str

    @property
    def url(self) -> str:
        """The ``mysql://user:pass@host:port`` form ``octane db copy`` accepts."""
        return f"mysql://{self.user}:{self.password}@{self.host}:{self.port}"

    def __repr__(self) -> str:  # never print the password
        return f"Credentials({self.user}@{self.host}:{self.port})"


class MariaDBServer:
    """One private mariadbd instance under ``base`` (created 0700)."""

    def __init__(self, base: Path, *, name: str = "mariadb", tuning: Tuning | None = None,
                 host: str = "127.0.0.1", port: int = 0) -> None:
        self.base = Path(base)
        self.name = name
        self.tuning = tuning or Tuning()
        self.host = host
        self.port = port
        #: A twin machine's server listens on 3306 of its own address, as a cluster does.
        self._fixed_port = port
        self._password = ""
        self._process: subprocess.Popen[bytes] | None = None

    # -- layout --------------------------------------------------------------------------
    @property
    def datadir(self) -> Path:
        """Where InnoDB keeps its files."""
        return self.base / "data"

    @property
    def socket_path(self) -> Path:
        """The unix socket (admin traffic; clients of the copy use TCP)."""
        return self.base / "run" / "mysqld.sock"

    @property
    def server_cnf(self) -> Path:
        """mariadbd's own option file."""
        return self.base / "my.cnf"

    @property
    def client_cnf(self) -> Path:
        """0600 option file for the ``mariadb`` tools (holds the root password)."""
        return self.base / "client.cnf"

    @property
    def error_log(self) -> Path:
        """The server's error log (read when it fails to start)."""
        return self.base / "error.log"

    @property
    def credentials(self) -> Credentials:
        """Root over TCP on loopback; valid once :meth:`start` returned."""
        if not self.port:
            raise MariaDBError(f"MariaDB '{self.name}' is not running")
        return Credentials(self.host, self.port, "root", self._password)

    @property
    def running(self) -> bool:
        """Whether the server process we started is still alive."""
        return self._process is not None and self._process.poll() is None

    # -- lifecycle -----------------------------------------------------------------------
    def start(self, timeout: float = START_TIMEOUT) -> Credentials:
        """Initialise the datadir on first use, start the server and wait until it answers."""
        if self.running:
            return self.credentials
        binary("mariadbd")
        for sub in ("", "data", "tmp", "run"):
            (self.base / sub).mkdir(parents=True, exist_ok=True)
        os.chmod(self.base, 0o700)
        fresh = not (self.datadir / "mysql").is_dir()
        if not fresh and not self._password:
            self._password = self._saved_password()
        previous = self.port or self._saved_port()
        for attempt in range(1 if self._fixed_port else 5):
            # A restarted server keeps its port when it can, as a real one would.
            self.port = self._fixed_port or (
                previous if attempt == 0 and previous else free_port(self.host))
            self._write_configs(self._password or "")
            if fresh and attempt == 0:
                self._install()
            if self._launch(timeout):
                break
            if "Address already in use" not in self._log_tail():
                raise MariaDBError(f"MariaDB '{self.name}' did not start: {self._log_tail()}")
        else:
            raise MariaDBError(f"MariaDB '{self.name}' found no free port after 5 attempts")
        if fresh:
            self.set_root_password()
        return self.credentials

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM, wait up to ``timeout`` for a clean shutdown, then SIGKILL."""
        process, self._process = self._process, None
        if process is not None:
            stop_processes([process], grace=timeout)

    def kill(self) -> None:
        """SIGKILL at once: a crash, for tests of what survives one."""
        process, self._process = self._process, None
        if process is not None:
            stop_processes([process], sig=signal.SIGKILL)

    def __enter__(self) -> MariaDBServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- SQL through the mariadb client ---------------------------------------------------
    def client_args(self, tool: str = "mariadb") -> list[str]:
        """argv prefix for a MariaDB tool talking to this server (no secret in it)."""
        return [binary(tool), f"--defaults-file={self.client_cnf}"]

    def run_client(self, args: Sequence[str], *, tool: str = "mariadb", stdin: bytes | None = None,
                   timeout: float = 600.0) -> bytes:
        """Run a client tool with this server's credentials; its stdout, or MariaDBError."""
        try:
            done = subprocess.run([*self.client_args(tool), *args], input=stdin,
                                  capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise MariaDBError(f"{tool} timed out after {timeout:.0f}s") from exc
        if done.returncode != 0:
            message = done.stderr.decode(errors="replace").strip().splitlines()
            raise MariaDBError(f"{tool} failed: {message[-1] if message else done.returncode}")
        return done.stdout

    def sql(self, statements: str, database: str | None = None,
            timeout: float = 600.0) -> list[list[str | None]]:
        """Run SQL and return the last result's rows (text; SQL NULL becomes None).

        For the twin's own bookkeeping, not for data: a stored string 'NULL' also reads back
        as None in the client's batch format.
        """
        args = ["--batch", "--skip-column-names"]
        if database:
            args.append(f"--database={database}")
        out = self.run_client(args, stdin=statements.encode(), timeout=timeout)
        rows: list[list[str | None]] = []
        for line in out.decode().splitlines():
            rows.append([None if cell == "NULL" else _unescape(cell)
                         for cell in line.split("\t")])
        return rows

    def scalar(self, statement: str, database: str | None = None) -> str | None:
        """The first column of the first row of ``statement`` (None if no row)."""
        rows = self.sql(statement, database)
        return rows[0][0] if rows and rows[0] else None

    # -- internals -----------------------------------------------------------------------
    def _write_configs(self, password: str) -> None:
        tuning = self.tuning
        lines = [
            "[mariadbd]",
            "user=root",  # mariadbd refuses to run as root without it (components.md §1)
            f"datadir={self.datadir}",
            f"tmpdir={self.base / 'tmp'}",
            f"socket={self.socket_path}",
            f"pid-file={self.base / 'run' / 'mysqld.pid'}",
            f"bind-address={self.host}",
            f"port={self.port}",
            f"log-error={self.error_log}",
            "skip-name-resolve",
            f"innodb_buffer_pool_size={tuning.buffer_pool}",
            f"innodb_log_file_size={tuning.log_file_size}",
            "innodb_flush_log_at_trx_commit=2",
            "innodb_doublewrite=0",
            f"max_allowed_packet={tuning.max_allowed_packet}",
            "local_infile=1",
        ]
        lines += [f"{key}={value}" if value else key for key, value in tuning.extra.items()]
        self.server_cnf.write_text("\n".join(lines) + "\n")
        _write_0600(self.client_cnf, "\n".join([
            "[client]", f"host={self.host}", f"port={self.port}", "protocol=tcp",
            "user=root", f"password={password}", "default-character-set=utf8mb4", "",
        ]))

    def _install(self) -> None:
        done = subprocess.run(
            [binary("mariadb-install-db"), f"--defaults-file={self.server_cnf}",
             "--auth-root-authentication-method=normal", "--skip-test-db"],
            capture_output=True, timeout=120, check=False)
        if done.returncode != 0:
            tail = done.stderr.decode(errors="replace").strip()[-400:]
            raise MariaDBError(f"mariadb-install-db failed for '{self.name}': {tail}")

    def _launch(self, timeout: float) -> bool:
        """Start mariadbd; True once it answers a ping, False if it exited (port taken?)."""
        self.error_log.write_text("")
        self._process = start_logged(
            [binary("mariadbd"), f"--defaults-file={self.server_cnf}"],
            self.base / "stdout.log", start_new_session=True)
        answered = wait_ready(self._process, self._ping, timeout=timeout, interval=0.05)
        if answered is False:
            self._process = None
        if answered is not None:
            return answered
        self.kill()
        raise MariaDBError(f"MariaDB '{self.name}' did not answer within {timeout:.0f}s")

    def _ping(self) -> bool:
        done = subprocess.run(
            [binary("mariadb-admin"), f"--defaults-file={self.client_cnf}",
             "--connect-timeout=2", "ping"], capture_output=True, timeout=10, check=False)
        # "Access denied" still proves the server is up (components.md §1 pitfalls).
        return done.returncode == 0 or b"Access denied" in done.stderr

    def set_root_password(self) -> None:
        """A new random root password (a server started from a copied datadir gets its own)."""
        password = secrets.token_urlsafe(18)
        statements = "".join(
            f"ALTER USER 'root'@'{host}' IDENTIFIED BY '{password}';\n"
            for host in ("localhost", "127.0.0.1", "::1"))
        self.run_client(["--batch"], stdin=statements.encode())
        self._password = password
        self._write_configs(password)

    def _saved_port(self) -> int:
        """The port an existing instance used last time (0 if none)."""
        try:
            for line in self.server_cnf.read_text().splitlines():
                if line.startswith("port="):
                    return int(line.partition("=")[2])
        except (OSError, ValueError):
            pass
        return 0

    def _saved_password(self) -> str:
        """The root password of an existing datadir, from its client option file."""
        try:
            for line in self.client_cnf.read_text().splitlines():
                if line.startswith("password="):
                    return line.partition("=")[2]
        except OSError:
            pass
        raise MariaDBError(f"MariaDB '{self.name}' has a datadir but no client.cnf password",
                           hint=f"remove {self.base} to start afresh")

    def _log_tail(self, lines: int = 5) -> str:
        try:
            text = self.error_log.read_text(errors="replace")
        except OSError:
            return "no error log"
        errors = [line for line in text.splitlines() if "ERROR" in line] or text.splitlines()
        return " | ".join(errors[-lines:]) or "no error log"


def _write_0600(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        os.fchmod(fh.fileno(), 0o600)
        fh.write(text)


def _unescape(cell: str) -> str:
    """Undo the client's batch escaping (\\t, \\n, \\\\, \\0)."""
    if "\\" not in cell:
        return cell
    out, i = [], 0
    table = {"t": "\t", "n": "\n", "\\": "\\", "0": "\0"}
    while i < len(cell):
        ch = cell[i]
        if ch == "\\" and i + 1 < len(cell):
            out.append(table.get(cell[i + 1], cell[i + 1]))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


async def extension(ctx: Any) -> Any:
    """The twin's ``databases:`` section (``server.EXTENSIONS``): see database_extension."""
    from octane.twin.services.database_extension import start

    return await start(ctx)


@contextmanager
def running_server(base: Path, **kwargs: object) -> Iterator[MariaDBServer]:
    """A started server that is stopped on the way out, whatever happened inside."""
    server = MariaDBServer(base, **kwargs)  # type: ignore[arg-type]
    try:
        server.start()
        yield server
    finally:
        server.stop()
