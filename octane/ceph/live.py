"""Reading a live cluster's quorum, and waiting for the quorum a step should end with.

Why two sources: ``ceph -s`` exiting 0 does not prove a quorum — for about 12 s after two of
three monitors stopped it still answered HEALTH_OK with the old quorum (components.md §2,
"deliberate bad step"). So the cluster's own view (``quorum_status``: monmap and
``quorum_names``) is checked against every member's admin socket (``mon_status``: its
state and its monmap epoch), which answers at once, with or without a quorum.
"""

from __future__ import annotations

import json
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from octane.ceph.monmap import MonMap
from octane.ceph.port import CephPort

IN_QUORUM = frozenset({"leader", "peon"})


class NoQuorum(Exception):
    """``ceph quorum_status`` failed: no quorum answered within the CLI timeout."""


@dataclass(frozen=True)
class LiveState:
    """One reading of the cluster: the CLI's quorum plus each member's own state."""

    fsid: str
    epoch: int
    members: Mapping[str, str]          # name -> bare IP, from the monmap
    quorum: tuple[str, ...]             # quorum_names
    leader: str
    states: Mapping[str, str]           # admin-socket state, "down" when it does not answer
    epochs: Mapping[str, int]           # monmap epoch each answering member holds

    def healthy(self, name: str) -> bool:
        """In quorum by both accounts, and on the cluster's monmap epoch."""
        return (name in self.quorum and self.states.get(name) in IN_QUORUM
                and self.epochs.get(name) == self.epoch)

    @property
    def monmap(self) -> MonMap:
        """The monmap for the planner: a member runs when it is healthy."""
        return MonMap.of(self.members, down=[n for n in self.members if not self.healthy(n)])

    def degraded(self, *, leaving: str | None = None) -> str | None:
        """Why this is not a full quorum of every member (but ``leaving``), or None."""
        problems = []
        for name in sorted(set(self.members) - {leaving}):
            state = self.states.get(name, "down")
            if state == "down":
                problems.append(f"mon.{name} does not answer on its admin socket")
            elif name not in self.quorum or state not in IN_QUORUM:
                problems.append(f"mon.{name} is {state}, not in quorum")
            elif self.epochs.get(name) != self.epoch:
                problems.append(f"mon.{name} still has monmap epoch {self.epochs.get(name)}")
        strangers = sorted(set(self.quorum) - set(self.members))
        if strangers:
            problems.append(f"quorum names non-members {','.join(strangers)}")
        return "; ".join(problems) or None

    def describe(self) -> str:
        """``quorum a,b,c (leader a) of a,b,c,d, monmap epoch 7``."""
        return (f"quorum {','.join(self.quorum) or '(none)'} (leader {self.leader or '-'}) of "
                f"{','.join(sorted(self.members))}, monmap epoch {self.epoch}")


def mon_ip(entry: Mapping[str, Any]) -> str:
    """The bare IP of a monmap entry (from its address vector, else its legacy addr)."""
    vec = entry.get("public_addrs", {}).get("addrvec") or []
    raw = str(vec[0]["addr"]) if vec else str(entry.get("addr") or entry["public_addr"])
    host = raw.split("/", 1)[0].rsplit(":", 1)[0]
    return host.strip("[]")


def read_live(port: CephPort, *, timeout: float) -> LiveState:
    """``quorum_status`` through the CLI, then ``mon_status`` of every member."""
    result = port.ceph(["quorum_status", "-f", "json"], timeout=timeout)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise NoQuorum(f"`ceph quorum_status` failed (rc {result.returncode}): {last}")
    data = json.loads(result.stdout)
    monmap = data["monmap"]
    members = {str(m["name"]): mon_ip(m) for m in monmap["mons"]}
    states: dict[str, str] = {}
    epochs: dict[str, int] = {}
    for name in members:
        status = port.mon_status(name, timeout=min(timeout, 5.0))
        states[name] = str(status["state"]) if status else "down"
        if status:
            epochs[name] = int(status["monmap"]["epoch"])
    return LiveState(fsid=str(monmap.get("fsid", "")), epoch=int(monmap["epoch"]),
                     members=members, quorum=tuple(data.get("quorum_names", [])),
                     leader=str(data.get("quorum_leader_name", "")), states=states,
                     epochs=epochs)


def wait_for_quorum(port: CephPort, expected: Collection[str], *, timeout: float,
                    cli_timeout: float, interval: float = 0.25) -> LiveState:
    """Until the monmap is exactly ``expected`` and every member is in one full quorum.

    Raises TimeoutError carrying the last reading, so the operator sees where it stood.
    """
    want = set(expected)
    deadline = time.monotonic() + timeout
    last = "nothing read yet"
    while True:
        try:
            live = read_live(port, timeout=cli_timeout)
        except NoQuorum as exc:
            last = str(exc)
        else:
            if set(live.members) == want and live.degraded() is None:
                return live
            last = f"{live.describe()}: {live.degraded() or 'members differ'}"
        if time.monotonic() >= deadline:
            raise TimeoutError(f"no full quorum of {','.join(sorted(want))} within "
                               f"{timeout:.0f}s (last: {last})")
        time.sleep(interval)
