"""The services charm actions act on, and the simulated stand-ins used when none is real.

Some actions only make sense against a real service: ``mysqldump`` dumps the model's
databases, ``archive-data`` / ``purge-data`` move nova's soft-deleted rows, ``set-noout``
changes the Ceph OSD map, nova-compute's ``disable`` switches the Nova service off. The twin
gives every model a handle per *kind* of service (``UnitContext.services``):

- ``"database"`` -- :class:`DatabaseService`: the model's MySQL. A real MariaDB is attached
  by ``octane/twin/services/database_extension.py`` (``TwinServer.attach_service(model,
  "database", handle)``); otherwise :class:`SimulatedDatabases` keeps row counts in memory.
- ``"ceph"`` -- :class:`CephService`: OSD flags and ``ceph versions``. Real ceph-mon daemons
  attach theirs from ``octane/twin/services/ceph_extension.py``; otherwise :class:`SimulatedCeph`
  derives the daemon versions from the ceph units of the model.
- ``"openstack"`` -- :class:`ComputeService`: the Nova view of one hypervisor. The twin's
  OpenStack APIs (``octane/twin/openstack``) attach their state when the scenario has an
  ``openstack:`` section; otherwise nova-compute answers from its unit's own state.

Methods are ``async`` so a real backend can run a subprocess or a query without blocking the
twin's loop; an exception fails the action with its message (one line). The simulated
stand-ins never suspend, so a behaviour may also call them without an event loop.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from octane import releases

#: Rows nova soft-deletes over a cloud's life, per table, in a fresh simulated model.
NOVA_DELETED_ROWS = {"instances": 240, "instance_actions": 960, "instance_actions_events": 900,
                     "instance_extra": 240, "instance_faults": 12, "instance_info_caches": 240,
                     "instance_system_metadata": 2880, "block_device_mapping": 260,
                     "virtual_interfaces": 250, "migrations": 6}
#: The OSD map flags a healthy cluster carries.
HEALTHY_FLAGS = ("sortbitwise", "recovery_deletes", "purged_snapdirs", "pglog_hardlimit")
#: Charm -> ``ceph versions`` daemon section.
CEPH_DAEMONS = {"ceph-mon": ("mon", "mgr"), "ceph-osd": ("osd",), "ceph-radosgw": ("rgw",),
                "ceph-fs": ("mds",)}
#: A made-up but stable git sha per Ceph release, as ``ceph versions`` prints one.
_SHA = {"octopus": "5f6bb4f3b2a5c3c2e0b97a1d4cf5b8a7e4a2a1c9",
        "pacific": "1ac2c1f8e0e4cb4bd6c7c1cc5ba6e1f3f9a4a8b2",
        "quincy": "b12291d110049b2f35e32e0de30d70e9a4c060d2",
        "reef": "e7ad5345525c7aa95470c26863873b581076945d",
        "squid": "0f5c7a9fa52d2e7b4e6c6c2f2b1d9b8a7c6d5e4f"}


class DatabaseService(Protocol):
    """The model's MySQL as charm actions use it."""

    async def mysqldump(self, databases: Sequence[str], basedir: str) -> str:
        """Dump ``databases`` (all when empty) into ``basedir``; the dump file's path."""
        ...

    async def archive_deleted_rows(self, max_rows: int) -> str:
        """One ``nova-manage db archive_deleted_rows --verbose --max_rows N`` run: its
        table, or ``Nothing was archived.``."""
        ...

    async def purge(self, before: str | None) -> int:
        """``nova-manage db purge [--before DATE]``: rows deleted from the shadow tables."""
        ...


class CephService(Protocol):
    """The Ceph cluster as the ceph-mon charm's actions and ``ceph`` commands see it."""

    async def set_flag(self, flag: str, on: bool) -> None:
        """``ceph osd set|unset <flag>``."""
        ...

    async def command(self, args: Sequence[str]) -> tuple[int, str, str]:
        """``ceph <args>``: return code, stdout, stderr."""
        ...


class ComputeService(Protocol):
    """Nova's view of the hypervisors (what nova-compute's actions change or count)."""

    def instance_count(self, hostname: str) -> int:
        """VMs running on the hypervisor ``hostname``."""
        ...

    def set_enabled(self, hostname: str, enabled: bool, reason: str = "") -> None:
        """Enable or disable the hypervisor's nova-compute service."""
        ...


# -- databases -------------------------------------------------------------------------------


@dataclass
class SimulatedDatabases:
    """Row counts instead of a server: archive moves them, purge deletes them."""

    deleted: dict[str, int] = field(default_factory=lambda: dict(NOVA_DELETED_ROWS))
    shadow: dict[str, int] = field(default_factory=dict)
    #: When each batch of shadow rows was deleted (scenario seconds, for purge --before).
    archived_at: list[tuple[float, str, int]] = field(default_factory=list)
    dumps: list[str] = field(default_factory=list)
    #: The twin's scenario clock (dump names and purge dates follow it).
    clock: Callable[[], float] = field(default=lambda: 1.7e9)

    async def mysqldump(self, databases: Sequence[str], basedir: str) -> str:
        """A dump file name as the charm builds it (charm-helpers' mysqldump)."""
        stamp = dt.datetime.fromtimestamp(self.clock(), dt.timezone.utc)
        label = "-".join(d for d in databases if d) or "all-databases"
        path = f"{basedir.rstrip('/')}/mysqldump-{label}-{stamp:%Y%m%d%H%M}.gz"
        self.dumps.append(path)
        return path

    async def archive_deleted_rows(self, max_rows: int) -> str:
        """Move up to ``max_rows`` deleted instances, with their share of every other
        table's rows, into the shadow tables (nova archives an instance with its rows)."""
        left = self.deleted.get("instances", 0)
        fraction = 1.0 if left <= max_rows else max_rows / left
        moved = {}
        for table, count in self.deleted.items():
            take = count if fraction == 1.0 else min(count, round(count * fraction))
            if take:
                moved[table] = take
                self.deleted[table] = count - take
                self.shadow[table] = self.shadow.get(table, 0) + take
                self.archived_at.append((self.clock(), table, take))
        if not moved:
            return "Nothing was archived."
        width = max(len(t) for t in moved) + 2
        rule = f"+{'-' * (width + 1)}+-------------------------+"
        rows = "".join(f"| {t.ljust(width)}| {str(n).ljust(24)}|\n" for t, n in sorted(
            moved.items()))
        return (f"Archiving.....stopped\n{rule}\n| {'Table'.ljust(width)}| Number of Rows "
                f"Archived |\n{rule}\n{rows}{rule}\n")

    async def purge(self, before: str | None) -> int:
        """Delete shadow rows archived before ``before`` (all when None)."""
        limit = _parse_date(before) if before else None
        keep: list[tuple[float, str, int]] = []
        deleted = 0
        for at, table, count in self.archived_at:
            if limit is None or at < limit:
                deleted += count
                self.shadow[table] = self.shadow.get(table, 0) - count
            else:
                keep.append((at, table, count))
        self.archived_at = keep
        return deleted


def _parse_date(text: str) -> float:
    """``YYYY-MM-DD[ HH:mm[:ss]]`` (nova-manage's --before) -> epoch seconds, UTC."""
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            parsed = dt.datetime.strptime(text.strip(), pattern)
        except ValueError:
            continue
        return parsed.replace(tzinfo=dt.timezone.utc).timestamp()
    raise ValueError(f"Invalid value for --before: {text}")


# -- ceph ------------------------------------------------------------------------------------


def ceph_release_of(version: str) -> str:
    """``17.2.7`` -> ``quincy`` ("" when unknown)."""
    found = releases.catalogue().ceph_release_for_version(version)
    return found.name if found is not None else ""


def version_line(version: str) -> str:
    """``ceph version 17.2.7 (sha) quincy (stable)`` as ``ceph versions`` keys it."""
    name = ceph_release_of(version)
    return f"ceph version {version} ({_SHA.get(name, '0' * 40)}) {name} (stable)"


class SimulatedCeph:
    """OSD flags kept in memory; daemon versions read from the model's ceph units.

    ``model`` is the twin's model state, read only: each ceph-mon unit contributes a
    monitor and a manager, each ceph-osd unit its OSDs (``osds-per-unit``), each radosgw and
    ceph-fs unit one daemon, at the version the unit reports.
    """

    def __init__(self, model: Any, osds_per_unit: int = 3) -> None:
        self.model = model
        self.osds_per_unit = osds_per_unit
        self.flags: list[str] = list(HEALTHY_FLAGS)
        self.require_osd_release = ""

    def versions(self) -> dict[str, dict[str, int]]:
        """``ceph versions``."""
        out: dict[str, dict[str, int]] = {}
        for unit in self.model.units.values():
            app = self.model.applications.get(unit.application)
            sections = CEPH_DAEMONS.get(app.charm.name, ()) if app is not None else ()
            if not sections or not unit.workload_version:
                continue
            line = version_line(unit.workload_version)
            for section in sections:
                count = self.osds_per_unit if section == "osd" else 1
                daemons = out.setdefault(section, {})
                daemons[line] = daemons.get(line, 0) + count
        overall: dict[str, int] = {}
        for daemons in out.values():
            for line, count in daemons.items():
                overall[line] = overall.get(line, 0) + count
        out["overall"] = overall
        return out

    def osd_release(self) -> str:
        """The release the OSDs run (the oldest when mixed)."""
        lines = sorted(self.versions().get("osd", {}))
        names = [line.split()[-2] for line in lines]
        order = [c.name for c in releases.catalogue().ceph_releases]
        known = [n for n in names if n in order]
        return min(known, key=order.index) if known else ""

    async def set_flag(self, flag: str, on: bool) -> None:
        """``ceph osd set|unset``."""
        self.flag(flag, on)

    async def command(self, args: Sequence[str]) -> tuple[int, str, str]:
        """``ceph <args>`` (see :meth:`run`)."""
        return self.run(args)

    def flag(self, flag: str, on: bool) -> None:
        """Set or clear an OSD map flag."""
        if on and flag not in self.flags:
            self.flags.append(flag)
        elif not on and flag in self.flags:
            self.flags.remove(flag)

    def run(self, args: Sequence[str]) -> tuple[int, str, str]:
        """The ``ceph`` commands octane reads or writes, answered at once."""
        words = [a for a in args if a not in ("--format", "-f", "json", "json-pretty")]
        fmt_json = any(a in ("json", "json-pretty") or a.startswith("--format=json")
                       for a in args)
        words = [w for w in words if not w.startswith("--format=")]
        if words == ["versions"]:
            return 0, json.dumps(self.versions(), indent=4) + "\n", ""
        if words == ["osd", "dump"]:
            required = self.require_osd_release or self.osd_release()
            doc = {"epoch": 42, "flags": ",".join(self.flags), "flags_num": 0,
                   "flags_set": list(self.flags), "require_osd_release": required,
                   "require_min_compat_client": "luminous"}
            text = json.dumps(doc) if fmt_json else (
                f"epoch 42\nflags {','.join(self.flags)}\nrequire_osd_release {required}\n")
            return 0, text + "\n", ""
        if len(words) == 3 and words[:2] == ["osd", "require-osd-release"]:
            self.require_osd_release = words[2]
            return 0, "", ""
        if len(words) == 3 and words[:2] in (["osd", "set"], ["osd", "unset"]):
            self.flag(words[2], words[1] == "set")
            state = "set" if words[1] == "set" else "unset"
            return 0, "", f"{words[2]} is {state}\n"
        if words in (["health"], ["health", "detail"]):
            warn = [f for f in self.flags if f in ("noout", "nodown", "noup")]
            if warn:
                return 0, f"HEALTH_WARN {','.join(warn)} flag(s) set\n", ""
            return 0, "HEALTH_OK\n", ""
        if words[:1] == ["-s"] or words[:1] == ["status"]:
            return 0, "  cluster:\n    health: HEALTH_OK\n", ""
        return 22, "", f"no valid command found; 10 closest matches:\n{' '.join(words)}\n"


# -- nova --------------------------------------------------------------------------------------


class OpenStackCompute:
    """:class:`ComputeService` over the twin's OpenStack state (``octane/twin/openstack``).

    The OpenStack extension attaches its ``OpenStackState``; this adapter reads it the way
    the API does (after applying what the clock says has happened).
    """

    def __init__(self, state: Any) -> None:
        self.state = state

    def instance_count(self, hostname: str) -> int:
        """VMs on the hypervisor now."""
        self.state.settle()
        try:
            return len(self.state.vms_on(hostname))
        except Exception:  # a host Nova does not know runs nothing
            return 0

    def set_enabled(self, hostname: str, enabled: bool, reason: str = "") -> None:
        """Flip the compute service as ``openstack compute service set`` would."""
        try:
            service = self.state.host(hostname).service
        except Exception:
            return
        service.disabled = not enabled
        service.disabled_reason = None if enabled else (reason or None)


def compute_of(services: Mapping[str, Any]) -> ComputeService | None:
    """The model's Nova: the OpenStack state wrapped, or None (the unit's own state then)."""
    handle = services.get("openstack")
    if handle is None:
        return None
    if hasattr(handle, "instance_count"):
        return handle  # type: ignore[no-any-return]
    return OpenStackCompute(handle)
