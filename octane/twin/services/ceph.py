"""A loopback Ceph cluster for the twin and the tests: real daemons, or a simulated monmap.

Why real daemons: octane's monitor hand-over must be proven against what only real
``ceph-mon`` does (an election after every monmap change, ``ceph -s`` answering from a stale
quorum, CLI quirks). The twin backs a model's ceph-mon units with a :class:`CephCluster` and
routes ``juju exec``/``juju run`` on them to :meth:`CephCluster.exec_as`, so octane talks to
it exactly as to a deployment. :func:`open_cluster` gives the real one
(:mod:`octane.twin.services.ceph_daemons`) when the Debian packages are installed, else a
``SimulatedCephCluster`` (:mod:`octane.twin.services.ceph_simulated`) with the same
interface over an in-memory monmap (instant elections, quorum = a majority of running
members). :func:`extension` is the twin's entry point for a scenario's ``ceph:`` section
(:mod:`octane.twin.services.ceph_extension`).

The interface's first group of methods is exactly the port octane's hand-over executor
calls (``octane.ceph.port.CephPort``); the twin does not import octane.ceph, the match is
structural.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import tempfile
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from octane.paths import private_dir

if TYPE_CHECKING:
    from octane.twin.server import ExtensionContext, ExtensionHandle

MON_PORTS = (3300, 6789)
BINARIES = ("ceph-mon", "ceph", "ceph-authtool", "monmaptool")
IN_QUORUM = frozenset({"leader", "peon"})
#: MON_FAST from the reference recipe: a monmap change costs ~1 s of election, not ~5 s.
FAST_SETTINGS = {"mon_election_timeout": "1", "mon_lease": "1", "mon_probe_timeout": "1"}
LOCK_DIR = Path(tempfile.gettempdir()) / "octane-ceph-addresses"


@dataclass(frozen=True)
class CommandResult:
    """What a unit's shell would report for one command (the shape of ``juju exec``)."""

    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        """True when the command exited 0."""
        return self.returncode == 0

    def json(self) -> Any:
        """The parsed ``-f json`` output."""
        return json.loads(self.stdout)


class CephUnavailable(RuntimeError):
    """The cluster did not answer in time (no quorum, or a daemon failed to start)."""


def real_ceph_available() -> bool:
    """True when the Debian ceph-mon/ceph-common binaries are installed."""
    return all(shutil.which(b) or shutil.which(b, path="/usr/sbin:/sbin") for b in BINARIES)


def addrvec(addr: str) -> str:
    """The msgr2+msgr1 address vector of a monitor on the standard ports."""
    return f"[v2:{addr}:3300,v1:{addr}:6789]"


def private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 so a CLI writing into it never widens it."""
    private_dir(path.parent)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
    os.chmod(path, 0o600)


class CephCluster(ABC):
    """What the twin and the tests use; the real and the simulated cluster share it.

    The first group of methods is the hand-over port that octane's executor
    (``octane.ceph.port.CephPort``) calls; the rest manages daemons for tests and the twin.
    """

    def __init__(self, fsid: str) -> None:
        self.fsid = fsid
        self._mons: dict[str, str] = {}      # deployed monitors: name -> address

    @property
    def mons(self) -> dict[str, str]:
        """Deployed monitors (name -> address); the live monmap may differ mid-hand-over."""
        return dict(self._mons)

    # -- the hand-over port -------------------------------------------------------------
    @abstractmethod
    def ceph(self, args: Sequence[str], *, timeout: float | None = None,
             output: Path | None = None) -> CommandResult:
        """``ceph ARGS`` as the admin client; ``output`` receives ``-o`` output, 0600."""

    @abstractmethod
    def mon_status(self, name: str, *, timeout: float = 5.0) -> dict[str, Any] | None:
        """The monitor's own view from its admin socket, None when it does not answer."""

    def deploy_mon(self, name: str, addr: str, *, monmap: Path, keyring: Path) -> None:
        """Create (mkfs) and start monitor ``name`` on ``addr``; idempotent."""
        self.create_mon(name, addr, monmap=monmap, keyring=keyring)
        self.start_mon(name)

    @abstractmethod
    def retire_mon(self, name: str) -> None:
        """After ``ceph mon remove``: reap the (stopped) daemon and delete its store."""

    @abstractmethod
    def point_clients_at(self, addrs: Sequence[str]) -> None:
        """Rewrite clients' ``mon_host`` (pitfall 10: new clients bootstrap from it)."""

    # -- daemons -------------------------------------------------------------------------
    @abstractmethod
    def create_mon(self, name: str, addr: str, *, monmap: Path, keyring: Path) -> None:
        """``ceph-mon --mkfs`` for ``name`` on ``addr`` without starting it; idempotent.

        Split from :meth:`deploy_mon` because a machine's shell in the twin runs the two
        halves as separate commands (``ceph-mon --mkfs``, then ``systemctl start``).
        """

    @abstractmethod
    def has_store(self, name: str) -> bool:
        """Whether monitor ``name`` has a store (was created and not retired)."""

    @abstractmethod
    def allocate_mon_address(self) -> str:
        """A fresh address for a new monitor, reserved for this cluster."""

    @abstractmethod
    def start_mon(self, name: str) -> None:
        """Start a deployed monitor (no-op when it runs)."""

    @abstractmethod
    def stop_mon(self, name: str, *, kill: bool = False) -> None:
        """Stop a monitor: SIGTERM with a bounded grace, or SIGKILL when ``kill``."""

    @abstractmethod
    def admin_command(self, name: str, words: Sequence[str]) -> CommandResult:
        """``ceph daemon mon.NAME WORDS...`` on the monitor's host."""

    @abstractmethod
    def destroy(self) -> None:
        """Stop every daemon this object started and delete the cluster's files."""

    def kill_mon(self, name: str) -> None:
        """SIGKILL a monitor, as a crashed host would."""
        self.stop_mon(name, kill=True)

    def quorum_status(self, *, timeout: float | None = None) -> dict[str, Any]:
        """``ceph quorum_status`` (needs a quorum); raises CephUnavailable without one."""
        result = self.ceph(["quorum_status", "-f", "json"], timeout=timeout)
        if not result.ok:
            raise CephUnavailable(f"quorum_status failed: {result.stderr.strip()}")
        status: dict[str, Any] = result.json()
        return status

    def mon_state(self, name: str) -> str:
        """``leader``/``peon``/``electing``/``probing``/... or ``down``."""
        status = self.mon_status(name, timeout=2.0)
        return str(status["state"]) if status else "down"

    def wait_for_quorum(self, names: Iterable[str] | None = None, *,
                        timeout: float = 60.0, interval: float = 0.1) -> None:
        """Until every named monitor (default: all deployed) is in one quorum of exactly them."""
        want = sorted(self._mons if names is None else names)
        deadline = time.monotonic() + timeout
        states: dict[str, str] = {}
        while True:
            quorums = set()
            for name in want:
                status = self.mon_status(name, timeout=2.0)
                states[name] = str(status["state"]) if status else "down"
                if status and status["state"] in IN_QUORUM:
                    ranks = {m["rank"]: m["name"] for m in status["monmap"]["mons"]}
                    quorums.add(tuple(sorted(ranks[r] for r in status["quorum"])))
            if quorums == {tuple(want)} and all(s in IN_QUORUM for s in states.values()):
                return
            if time.monotonic() >= deadline:
                raise CephUnavailable(f"no quorum of {','.join(want)} within {timeout:.0f}s "
                                      f"(states: {states})")
            time.sleep(interval)

    def add_mon(self, name: str, addr: str | None = None, *, timeout: float = 60.0) -> str:
        """Join a new monitor the way an operator would; returns its address."""
        addr = addr or self.allocate_mon_address()
        with tempfile.TemporaryDirectory(prefix="octane-mon-") as tmp:
            monmap, keyring = Path(tmp) / "monmap", Path(tmp) / "mon.keyring"
            for args, out in ((["mon", "getmap"], monmap), (["auth", "get", "mon."], keyring)):
                self._check(self.ceph(args, output=out))
            self.deploy_mon(name, addr, monmap=monmap, keyring=keyring)
        self._check(self.ceph(["mon", "add", name, addr]))   # bare IP: an addrvec crashes it
        self.point_clients_at(list(self._mons.values()))
        self.wait_for_quorum(timeout=timeout)
        return addr

    def remove_mon(self, name: str, *, timeout: float = 60.0) -> None:
        """Stop a monitor, remove it from the monmap, reap it, wait for the others' quorum.

        Stopped first, as octane's hand-over does (octane.ceph.handover, ``_remove``): a
        removed monitor still alive while the survivors renumber their ranks can leave a
        re-hunting client on a dead session.
        """
        self.stop_mon(name)
        self.wait_for_quorum([n for n in self._mons if n != name], timeout=timeout)
        result = self.ceph(["mon", "remove", name])
        if not result.ok and "does not exist or has already been removed" not in result.stderr:
            self._check(result)
        self.retire_mon(name)
        self.point_clients_at(list(self._mons.values()))
        self.wait_for_quorum(timeout=timeout)

    def exec_as(self, unit_mon: str | None, command: str | Sequence[str], *,
                timeout: float | None = None) -> CommandResult:
        """Run a ``ceph`` command line as the unit hosting monitor ``unit_mon`` would.

        This is where the twin routes ``juju exec``/``juju run`` on ceph-mon units: ``sudo``
        is dropped, ``ceph daemon mon.X ...`` (or ``--admin-daemon``) reaches the admin
        socket only of the unit's own monitor (as on a real host), anything else is the
        ``ceph`` CLI against this cluster.
        """
        argv = shlex.split(command) if isinstance(command, str) else list(command)
        if argv[:1] == ["sudo"]:
            argv = argv[1:]
        if argv[:1] != ["ceph"]:
            name = argv[0] if argv else ""
            return CommandResult(tuple(argv), 127, "", f"{name}: command not found\n")
        args = argv[1:]
        target = None
        if args[:1] == ["daemon"] and len(args) >= 3:
            target, words = args[1], args[2:]
        elif args[:1] == ["--admin-daemon"] and len(args) >= 3:
            target, words = Path(args[1]).name.removeprefix("ceph-").removesuffix(".asok"), args[2:]
        if target is None:
            return self.ceph(args, timeout=timeout)
        if unit_mon is None or target != f"mon.{unit_mon}" or unit_mon not in self._mons:
            return CommandResult(tuple(argv), 22, "", f"admin_socket: exception getting command "
                                 f"descriptions: [Errno 2] No such file or directory ({target})\n")
        return self.admin_command(unit_mon, words)

    @staticmethod
    def _check(result: CommandResult) -> None:
        if not result.ok:
            raise CephUnavailable(f"{' '.join(result.argv)}: rc={result.returncode} "
                                  f"{result.stderr.strip()}")

    def __enter__(self) -> CephCluster:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.destroy()


def open_cluster(base: Path, names: Sequence[str] = ("a", "b", "c"), *,
                 real: bool | None = None, fast: bool = True) -> CephCluster:
    """A cluster of monitors ``names``: real daemons under ``base`` when ceph is installed.

    ``real=None`` picks the real cluster when the binaries exist, else the simulated one;
    ``fast`` applies MON_FAST election timings (functional tests) to real daemons.
    """
    if real is None:
        real = real_ceph_available()
    if not real:
        from octane.twin.services.ceph_simulated import SimulatedCephCluster
        return SimulatedCephCluster(names)
    from octane.twin.services.ceph_daemons import RealCephCluster
    return RealCephCluster.bootstrap(base, names, fast=fast)


async def extension(ctx: ExtensionContext) -> ExtensionHandle:
    """The twin's ``ceph:`` section (``server.EXTENSIONS``): see ceph_extension.py."""
    from octane.twin.services.ceph_extension import start

    return await start(ctx)


def __getattr__(name: str) -> Any:
    """``SimulatedCephCluster`` moved to ceph_simulated.py; old imports keep working."""
    if name == "SimulatedCephCluster":
        from octane.twin.services.ceph_simulated import SimulatedCephCluster
        return SimulatedCephCluster
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
