"""A loopback Ceph cluster for the twin and the tests: real daemons, or a simulated monmap.

Why real daemons: octane's monitor hand-over must be proven against what only real
``ceph-mon`` does (an election after every monmap change, ``ceph -s`` answering from a stale
quorum, CLI quirks). The twin backs a model's ceph-mon units with a :class:`CephCluster` and
routes ``juju exec``/``juju run`` on them to :meth:`CephCluster.exec_as`, so octane talks to
it exactly as to a deployment. :func:`open_cluster` gives the real one
(:mod:`octane.twin.services.ceph_daemons`) when the Debian packages are installed, else a
:class:`SimulatedCephCluster` with the same interface over an in-memory monmap (instant
elections, quorum = a majority of running members).

The interface's first group of methods is exactly the port octane's hand-over executor
calls (``octane.ceph.port.CephPort``); the twin does not import octane.ceph, the match is
structural.
"""

from __future__ import annotations

import ipaddress
import json
import os
import shlex
import shutil
import tempfile
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from octane.paths import private_dir

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

    @abstractmethod
    def deploy_mon(self, name: str, addr: str, *, monmap: Path, keyring: Path) -> None:
        """Create (mkfs) and start monitor ``name`` on ``addr``; idempotent."""

    @abstractmethod
    def retire_mon(self, name: str) -> None:
        """After ``ceph mon remove``: reap the daemon and delete its store."""

    @abstractmethod
    def point_clients_at(self, addrs: Sequence[str]) -> None:
        """Rewrite clients' ``mon_host`` (pitfall 10: new clients bootstrap from it)."""

    # -- daemons -------------------------------------------------------------------------
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
        """Remove a monitor from the monmap, reap it and wait for the others' quorum."""
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


class SimulatedCephCluster(CephCluster):
    """The same interface without daemons: the twin's fallback when ceph-mon is absent.

    Elections are instant and a quorum is simply a majority of the monmap's running members,
    which is all the hand-over logic observes. Only the CLI commands octane uses are
    understood; anything else answers EINVAL, as an unknown command does.
    """

    def __init__(self, names: Sequence[str] = ("a", "b", "c"), *, release: str = "pacific",
                 osds: int = 1) -> None:
        super().__init__(str(uuid.uuid4()))
        self.release, self.osds, self.epoch = release, osds, 1
        self.require_osd_release = release
        self.flags: set[str] = set()
        self._hosts = 0
        self._members = list(names)          # the monmap's members
        self._running = set(names)
        self._mons = {name: self.allocate_mon_address() for name in names}
        self.client_hosts = list(self._mons.values())

    def allocate_mon_address(self) -> str:
        """A label only: nothing binds it, so no lease is needed."""
        self._hosts += 1
        return f"127.0.{self._hosts // 250}.{self._hosts % 250 + 2}"

    def _ranked(self) -> list[str]:
        """Members in rank order: like Ceph, ranks follow the monitors' addresses."""
        return sorted(self._members, key=lambda n: ipaddress.ip_address(self._mons[n]))

    def _quorum(self) -> list[str]:
        up = [name for name in self._ranked() if name in self._running]
        return up if 2 * len(up) > len(self._members) else []

    def _monmap(self) -> dict[str, Any]:
        mons = [{"rank": rank, "name": name, "addr": f"{self._mons[name]}:6789/0",
                 "public_addrs": {"addrvec": [
                     {"type": "v2", "addr": f"{self._mons[name]}:3300", "nonce": 0},
                     {"type": "v1", "addr": f"{self._mons[name]}:6789", "nonce": 0}]}}
                for rank, name in enumerate(self._ranked())]
        return {"epoch": self.epoch, "fsid": self.fsid, "mons": mons}

    def _quorum_status(self) -> dict[str, Any]:
        quorum = self._quorum()
        ranks = self._ranked()
        return {"quorum": [ranks.index(n) for n in quorum], "quorum_names": quorum,
                "quorum_leader_name": quorum[0] if quorum else "", "monmap": self._monmap()}

    def mon_status(self, name: str, *, timeout: float = 5.0) -> dict[str, Any] | None:
        """A synthetic admin-socket ``mon_status``: leader, peon or probing."""
        if name not in self._running:
            return None
        quorum = self._quorum()
        state = ("leader" if quorum[0] == name else "peon") if name in quorum else "probing"
        return {"name": name, "state": state,
                "rank": self._ranked().index(name) if name in self._members else -1,
                "quorum": self._quorum_status()["quorum"] if name in quorum else [],
                "monmap": self._monmap()}

    def admin_command(self, name: str, words: Sequence[str]) -> CommandResult:
        """``mon_status`` and ``quorum_status`` through the simulated admin socket."""
        argv = ("ceph", "daemon", f"mon.{name}", *words)
        status = self.mon_status(name)
        if status is None:
            return CommandResult(argv, 22, "", f"admin_socket: connect to mon.{name} failed\n")
        if list(words) == ["mon_status"]:
            return CommandResult(argv, 0, json.dumps(status), "")
        if list(words) == ["quorum_status"]:
            return CommandResult(argv, 0, json.dumps(self._quorum_status()), "")
        return CommandResult(argv, 22, "", f"unknown admin socket command {words}\n")

    def ceph(self, args: Sequence[str], *, timeout: float | None = None,
             output: Path | None = None) -> CommandResult:
        """The subset of the CLI that octane uses, with the real commands' exit codes."""
        argv, words, skip = ("ceph", *args), [], False
        for i, word in enumerate(args):       # drop "-f json" and "-o FILE"
            if skip or word in ("-f", "--format", "-o"):
                skip = not skip and word in ("-f", "--format", "-o")
                if word == "-o" and i + 1 < len(args):
                    output = Path(args[i + 1])
                continue
            words.append(word)
        if not self._quorum():     # what a client sees with --connect-timeout and no quorum
            return CommandResult(argv, 1, "", "[errno 110] RADOS timed out\n")

        def ok(out: str = "", err: str = "") -> CommandResult:
            if output is not None and out:
                private_file(output)
                output.write_text(out)
                out = ""
            return CommandResult(argv, 0, out, err)

        match words:
            case ["quorum_status"]:
                return ok(json.dumps(self._quorum_status()))
            case ["mon", "dump"]:
                return ok(json.dumps(self._monmap()), f"dumped monmap epoch {self.epoch}\n")
            case ["mon", "getmap"]:
                return ok(f"simulated monmap {self.fsid} epoch {self.epoch}\n",
                          f"got monmap epoch {self.epoch}\n")
            case ["auth", "get", "mon."]:
                return ok("[mon.]\n\tkey = c2ltdWxhdGVkIG1vbiBrZXk=\n\tcaps mon = \"allow *\"\n")
            case ["mon", "add", name, addr]:
                if name in self._members:
                    same = self._mons.get(name) == addr
                    return CommandResult(argv, 0 if same else 17, "", f"mon.{name} exists\n")
                self._members.append(name)
                self._mons.setdefault(name, addr)
                self.epoch += 1
                return ok(err=f"adding mon.{name} at {addrvec(addr)}\n")
            case ["mon", "remove", name]:
                if name not in self._members:
                    return CommandResult(argv, 2, "", f"mon.{name} does not exist or has "
                                         "already been removed\n")
                self._members.remove(name)
                self._running.discard(name)       # a removed monitor exits by itself
                self.epoch += 1
                return ok(err=f"removing mon.{name}, there will be {len(self._members)} "
                          "monitors\n")
            case ["osd", ("set" | "unset") as verb, flag]:
                (self.flags.add if verb == "set" else self.flags.discard)(flag)
                return ok(err=f"{flag} is {verb}\n")
            case ["osd", "dump"]:
                return ok(json.dumps({"flags": ",".join(sorted(self.flags)),
                                      "require_osd_release": self.require_osd_release}))
            case ["versions"]:
                version = f"ceph version 16.2.15 (simulated) {self.release} (stable)"
                return ok(json.dumps({"mon": {version: len(self._quorum())},
                                      "osd": {version: self.osds} if self.osds else {}}))
        return CommandResult(argv, 22, "", f"unrecognized command {' '.join(words)!r}\n")

    def deploy_mon(self, name: str, addr: str, *, monmap: Path, keyring: Path) -> None:
        """Start a monitor; like ceph-mon --mkfs it needs both files to exist."""
        if not (monmap.is_file() and keyring.is_file()):
            raise CephUnavailable(f"mon.{name}: monmap or keyring missing")
        if self._mons.get(name, addr) != addr:
            raise ValueError(f"mon.{name} is already deployed at {self._mons[name]}")
        self._mons[name] = addr
        self._running.add(name)

    def retire_mon(self, name: str) -> None:
        """Forget a removed monitor (a member keeps its address: the monmap still has it)."""
        self._running.discard(name)
        if name not in self._members:
            self._mons.pop(name, None)

    def point_clients_at(self, addrs: Sequence[str]) -> None:
        """Record the clients' ``mon_host``."""
        self.client_hosts = list(addrs)

    def start_mon(self, name: str) -> None:
        """Start a deployed monitor."""
        if name not in self._mons:
            raise KeyError(f"mon.{name} is not deployed")
        self._running.add(name)

    def stop_mon(self, name: str, *, kill: bool = False) -> None:
        """Stop a monitor (kill and stop look the same without a daemon)."""
        self._running.discard(name)

    def destroy(self) -> None:
        """Nothing runs; forget everything."""
        self._running.clear()
        self._members.clear()
        self._mons.clear()


def open_cluster(base: Path, names: Sequence[str] = ("a", "b", "c"), *,
                 real: bool | None = None, fast: bool = True) -> CephCluster:
    """A cluster of monitors ``names``: real daemons under ``base`` when ceph is installed.

    ``real=None`` picks the real cluster when the binaries exist, else the simulated one;
    ``fast`` applies MON_FAST election timings (functional tests) to real daemons.
    """
    if real is None:
        real = real_ceph_available()
    if not real:
        return SimulatedCephCluster(names)
    from octane.twin.services.ceph_daemons import RealCephCluster
    return RealCephCluster.bootstrap(base, names, fast=fast)
