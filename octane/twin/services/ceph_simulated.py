"""The twin's Ceph fallback when ceph-mon is not installed: a monmap in memory.

Why it exists: the twin must start (and octane's hand-over logic must be testable) on a
machine without Debian's ceph packages. It keeps the observable rules the hand-over relies
on — a quorum is a strict majority of the monmap's running members, ranks follow the
addresses, a removed monitor exits, the CLI answers with the real commands' exit codes and
messages, no quorum means "timed out" — and nothing else: elections are instant.
"""

from __future__ import annotations

import ipaddress
import json
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from octane.twin.services.ceph import (
    CephCluster,
    CephUnavailable,
    CommandResult,
    addrvec,
    private_file,
)

#: What ``ceph auth get client.admin`` prints here (a seed unit receives it as a file).
SIMULATED_ADMIN_KEYRING = ("[client.admin]\n\tkey = c2ltdWxhdGVkIGFkbWluIGtleSBmb3IgdGVzdHM=\n"
                           "\tcaps mon = \"allow *\"\n\tcaps osd = \"allow *\"\n")


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
        self.osd_epoch = 1                   # the OSD map's epoch (the monmap's is .epoch)
        #: OSDs whose map subscription is lost (docs/ceph.md, "Clients during the
        #: hand-over"): they stay on the epoch recorded here until restart_osd()
        self.stuck_osds: dict[int, int] = {}
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
            case ["auth", "get", "client.admin"]:
                return ok(SIMULATED_ADMIN_KEYRING)
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
                if (flag in self.flags) != (verb == "set"):
                    self.osd_epoch += 1             # a flag change is a new OSD map
                (self.flags.add if verb == "set" else self.flags.discard)(flag)
                return ok(err=f"{flag} is {verb}\n")
            case ["osd", "dump"]:
                return ok(json.dumps({"epoch": self.osd_epoch,
                                      "flags": ",".join(sorted(self.flags)),
                                      "require_osd_release": self.require_osd_release,
                                      "osds": [{"osd": i, "up": 1, "in": 1}
                                               for i in range(self.osds)]}))
            case ["tell", osd, "status"] if osd.startswith("osd."):
                if not osd[4:].isdigit() or int(osd[4:]) >= self.osds:
                    return CommandResult(argv, 2, "", f"problem getting command descriptions "
                                         f"from {osd}\n")
                newest = self.stuck_osds.get(int(osd[4:]), self.osd_epoch)
                return ok(json.dumps({"whoami": int(osd[4:]), "state": "active",
                                      "oldest_map": 1, "newest_map": newest}))
            case ["versions"]:
                version = f"ceph version 16.2.15 (simulated) {self.release} (stable)"
                return ok(json.dumps({"mon": {version: len(self._quorum())},
                                      "osd": {version: self.osds} if self.osds else {}}))
        return CommandResult(argv, 22, "", f"unrecognized command {' '.join(words)!r}\n")

    def lose_map_subscription(self, osd: int) -> None:
        """Fault: ``osd`` keeps the OSD map it has now and never receives a later one."""
        self.stuck_osds[osd] = self.osd_epoch

    def restart_osd(self, osd: int) -> None:
        """A restarted OSD subscribes afresh and catches up."""
        self.stuck_osds.pop(osd, None)

    def create_mon(self, name: str, addr: str, *, monmap: Path, keyring: Path) -> None:
        """Record a new monitor's store; like ceph-mon --mkfs it needs both files to exist."""
        if not (monmap.is_file() and keyring.is_file()):
            raise CephUnavailable(f"mon.{name}: monmap or keyring missing")
        if self._mons.get(name, addr) != addr:
            raise ValueError(f"mon.{name} is already deployed at {self._mons[name]}")
        self._mons[name] = addr

    def has_store(self, name: str) -> bool:
        """A deployed monitor has a store until it is retired."""
        return name in self._mons

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
