"""Real services on loopback: an address or port of their own, started, awaited, stopped.

Why one module: the twin's real MariaDB servers, sshds and Ceph daemons (and the tests that
start them directly) all need the same four things, and each is easy to get subtly wrong:

- **a port or an address nobody else uses.** Several developers' test runs share this
  machine. A server on a port of its own takes :func:`free_port`; a twin machine that
  serves on a well-known port (a database on 3306, SSH on 22, a monitor on 3300/6789, as a
  client of Juju reaches them) gets its own ``127.a.b.c``, *leased*: an exclusive ``flock``
  on ``<tmp>/<lock dir>/<ip>`` held for as long as the service runs, and taken only if
  nothing listens on the wanted ports yet. The databases' machines lease from
  ``127.192-254.x.y`` (:func:`lease`), the Ceph daemons from ``127.64-191.x.y`` in their own
  lock directory (``ceph_daemons.lease_address``), so the two never compete for an address;
- **a process whose output goes to a log file** and that we keep, so we stop exactly the
  processes we started, by PID (:func:`start_logged`);
- **a bounded wait** until it answers, telling "answers" from "exited" (a port taken in the
  meantime) from "never answered" (:func:`wait_ready`);
- **a bounded stop**: a signal, a grace period, then SIGKILL (:func:`stop_processes`).
"""

from __future__ import annotations

import fcntl
import os
import random
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from octane.errors import OctaneError

#: Where the databases' machine addresses are locked (the Ceph daemons use their own).
LOCK_DIR = Path(tempfile.gettempdir()) / "octane-twin-addresses"
#: The second octet of the databases' machine addresses.
MACHINE_RANGE = (192, 254)


# -- ports and addresses --------------------------------------------------------------------

def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the kernel's pick for port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_free(addr: str, port: int) -> bool:
    """Nothing listens on ``addr:port``. SO_REUSEADDR, as the servers themselves set it: a
    TIME_WAIT left by a server that just stopped must not keep its successor off the same
    address."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((addr, port))
        except OSError:
            return False
    return True


class AddressLease:
    """A loopback address held by this process; its locked file makes other runs skip it."""

    def __init__(self, addr: str, fd: int, lock_dir: Path = LOCK_DIR) -> None:
        self.addr = addr
        self._fd = fd
        self._lock_dir = lock_dir

    def release(self) -> None:
        """Let other runs use the address again (safe to call twice). The lock file goes
        while still locked: a run that opened it meanwhile sees it was unlinked and tries
        another address (see :func:`hold`)."""
        if self._fd >= 0:
            (self._lock_dir / self.addr).unlink(missing_ok=True)
            os.close(self._fd)
            self._fd = -1


def _lock(path: Path) -> int | None:
    """An fd holding an exclusive flock on ``path``'s current file, or None."""
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if os.fstat(fd).st_ino == os.stat(path).st_ino:  # not unlinked under us
            return fd
    except OSError:           # held by another run, or unlinked after we opened it
        pass
    os.close(fd)
    return None


def hold(ports: Iterable[int], *, lock_dir: Path, second_octet: tuple[int, int],
         addr: str | None = None, attempts: int = 200,
         rng: random.Random | None = None) -> AddressLease | None:
    """Hold ``addr``, or a random ``127.a.b.c`` with ``a`` in ``second_octet``, on which every
    one of ``ports`` is free; None when none was found (the caller says why in its terms)."""
    wanted = tuple(ports)
    rng = rng or random.SystemRandom()
    low, high = second_octet
    lock_dir.mkdir(mode=0o1777, exist_ok=True)
    for _ in range(1 if addr else attempts):
        ip = addr or f"127.{rng.randint(low, high)}.{rng.randint(0, 255)}.{rng.randint(2, 254)}"
        fd = _lock(lock_dir / ip)
        if fd is None:
            continue
        if all(port_free(ip, port) for port in wanted):
            return AddressLease(ip, fd, lock_dir)
        AddressLease(ip, fd, lock_dir).release()    # busy: drop our lock file with the lock
    return None


def lease(ports: Iterable[int], *, attempts: int = 200,
          rng: random.Random | None = None) -> AddressLease:
    """A twin machine's own address: a random free ``127.a.b.c`` (a in 192..254) on which
    every one of ``ports`` is free."""
    wanted = tuple(ports)
    held = hold(wanted, lock_dir=LOCK_DIR, second_octet=MACHINE_RANGE, attempts=attempts,
                rng=rng)
    if held is None:
        raise OctaneError(f"no free loopback address for ports {', '.join(map(str, wanted))} "
                          f"after {attempts} tries")
    return held


# -- processes -----------------------------------------------------------------------------

def start_logged(argv: Sequence[str], log: Path, **popen: Any) -> subprocess.Popen[bytes]:
    """Start ``argv`` with stdin closed and stdout and stderr appended to ``log``.

    ``popen``: further :class:`subprocess.Popen` arguments (``env``, ``start_new_session``,
    ``preexec_fn``).
    """
    with open(log, "ab") as out:
        return subprocess.Popen(list(argv), stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, **popen)


def wait_ready(process: subprocess.Popen[bytes], ready: Callable[[], bool], *,
               timeout: float, interval: float) -> bool | None:
    """Poll ``ready()`` every ``interval`` seconds until it holds: True; False as soon as the
    process has exited (often: another process took its port first); None after ``timeout``
    (the process still runs: the caller stops it and says so)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if ready():
            return True
        time.sleep(interval)
    return None


def stop_processes(processes: Iterable[subprocess.Popen[bytes]], *,
                   sig: int = signal.SIGTERM, grace: float = 10.0) -> None:
    """Send ``sig`` to every process still running, give them ``grace`` seconds together to
    exit, then SIGKILL the ones left (each reaped, bounded)."""
    procs = list(processes)
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(sig)
    deadline = time.monotonic() + grace
    for proc in procs:
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
