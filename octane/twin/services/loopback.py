"""Loopback addresses for twin machines that serve something on a well-known port.

Why: a client of Juju reaches a database at its unit's address on 3306 and a machine's SSH
on 22; to keep octane's production code path unchanged against the twin, a twin machine
that runs a real MariaDB or sshd gets its own ``127.a.b.c`` and the service listens on the
standard port there. Several developers' test runs share this machine, so an address is
*leased*: an exclusive ``flock`` on ``<tmp>/octane-twin-addresses/<ip>`` held for as long as
the twin runs, and taken only if nothing listens on the wanted ports yet. The range
(``127.192-254.x.y``) is disjoint from the ceph extension's (``127.64-191.x.y``), so the two
never compete for an address.
"""

from __future__ import annotations

import fcntl
import os
import random
import socket
import tempfile
from collections.abc import Iterable
from pathlib import Path

from octane.errors import OctaneError

LOCK_DIR = Path(tempfile.gettempdir()) / "octane-twin-addresses"


class AddressLease:
    """A loopback address this process holds; released when the twin stops."""

    def __init__(self, addr: str, fd: int) -> None:
        self.addr = addr
        self._fd = fd

    def release(self) -> None:
        """Let other runs use the address again (safe to call twice)."""
        if self._fd >= 0:
            (LOCK_DIR / self.addr).unlink(missing_ok=True)
            os.close(self._fd)
            self._fd = -1


def _lock(path: Path) -> int | None:
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if os.fstat(fd).st_ino == os.stat(path).st_ino:  # not unlinked under us
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


def port_free(addr: str, port: int) -> bool:
    """Nothing listens on ``addr:port`` (SO_REUSEADDR: a TIME_WAIT does not count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((addr, port))
        except OSError:
            return False
    return True


def lease(ports: Iterable[int], *, attempts: int = 200,
          rng: random.Random | None = None) -> AddressLease:
    """A random free ``127.a.b.c`` (a in 192..254) on which every one of ``ports`` is free."""
    wanted = tuple(ports)
    rng = rng or random.SystemRandom()
    LOCK_DIR.mkdir(mode=0o1777, exist_ok=True)
    for _ in range(attempts):
        ip = f"127.{rng.randint(192, 254)}.{rng.randint(0, 255)}.{rng.randint(2, 254)}"
        fd = _lock(LOCK_DIR / ip)
        if fd is None:
            continue
        if all(port_free(ip, port) for port in wanted):
            return AddressLease(ip, fd)
        AddressLease(ip, fd).release()
    raise OctaneError(f"no free loopback address for ports {', '.join(map(str, wanted))} "
                      f"after {attempts} tries")
