"""Monmaps as the quorum planner sees them, and the one invariant every hand-over keeps.

Why a model of its own: the planner must decide, before anything changes, whether a
sequence of ``ceph mon add``/``ceph mon remove`` keeps the cluster safe at *every*
intermediate monmap. Only three facts matter for that — who is a member, at which address,
and who runs — so a monmap here is exactly that, frozen and comparable.

The invariant (DESIGN.md safety rules; TripleO OS-upgrade spec: "at least 2 ceph-mon
services run at all times"): the running members are a strict majority of the monmap, and
at least two of them run. A quorum of one survives no failure at all, so a plan that passes
through it is refused even though Ceph itself would accept it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace


@dataclass(frozen=True, order=True)
class Monitor:
    """One monmap member: its name (the host name on a Juju unit), bare IP, and whether it runs."""

    name: str
    addr: str
    running: bool = True


@dataclass(frozen=True)
class MonMap:
    """The members of a monmap, sorted by name; names and addresses are unique."""

    monitors: tuple[Monitor, ...]

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.monitors))
        object.__setattr__(self, "monitors", ordered)
        for attr in ("name", "addr"):
            values = [getattr(m, attr) for m in ordered]
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                raise ValueError(f"monmap has duplicate monitor {attr}s: {', '.join(dupes)}")

    @classmethod
    def of(cls, members: Mapping[str, str], *, down: Iterable[str] = ()) -> MonMap:
        """A monmap from ``{name: addr}``; the monitors named in ``down`` are not running."""
        stopped = set(down)
        unknown = stopped - set(members)
        if unknown:
            raise ValueError(f"not monmap members: {', '.join(sorted(unknown))}")
        return cls(tuple(Monitor(n, a, n not in stopped) for n, a in members.items()))

    def __iter__(self) -> Iterator[Monitor]:
        return iter(self.monitors)

    def __len__(self) -> int:
        return len(self.monitors)

    def __contains__(self, name: object) -> bool:
        return any(m.name == name for m in self.monitors)

    def __getitem__(self, name: str) -> Monitor:
        for mon in self.monitors:
            if mon.name == name:
                return mon
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        """Member names, sorted."""
        return tuple(m.name for m in self.monitors)

    @property
    def running(self) -> tuple[str, ...]:
        """Names of the members that run, sorted (the quorum a healthy cluster forms)."""
        return tuple(m.name for m in self.monitors if m.running)

    @property
    def addrs(self) -> dict[str, str]:
        """``{name: addr}``: what clients' ``mon_host`` must list."""
        return {m.name: m.addr for m in self.monitors}

    def problem(self) -> str | None:
        """Why this monmap is not safe (no majority running, or fewer than two), else None."""
        up, size = len(self.running), len(self.monitors)
        if up < 2:
            return f"{up} of {size} monitor(s) running; at least two must run at all times"
        if 2 * up <= size:
            return f"{up} of {size} monitors running, not a majority"
        return None

    def added(self, mon: Monitor) -> MonMap:
        """This monmap with ``mon`` joined."""
        return MonMap((*self.monitors, mon))

    def removed(self, name: str) -> MonMap:
        """This monmap without ``name``."""
        return MonMap(tuple(m for m in self.monitors if m.name != name))

    def started(self, name: str) -> MonMap:
        """This monmap with member ``name`` running."""
        return MonMap(tuple(replace(m, running=True) if m.name == name else m
                            for m in self.monitors))

    def stopped(self, name: str) -> MonMap:
        """This monmap with member ``name`` not running (still a member)."""
        return MonMap(tuple(replace(m, running=False) if m.name == name else m
                            for m in self.monitors))

    def describe(self) -> str:
        """``a,b,c (c down)``: a monmap in one short phrase for messages."""
        down = [m.name for m in self.monitors if not m.running]
        text = ",".join(self.names) or "(empty)"
        return f"{text} ({','.join(down)} down)" if down else text
