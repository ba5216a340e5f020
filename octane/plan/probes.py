"""Read-only facts gathered before planning, concurrently: hypervisor emptiness, Ceph state.

``plan`` must not act on the cloud, yet two of its decisions need facts the status does not
carry: which hypervisors host instances (non-empty ones are left out unless ``--force``) and
whether Ceph runs mixed versions or has ``noout`` set. Emptiness comes from Nova when OpenStack
credentials are available (an :class:`EmptinessProvider` from the OpenStack port), otherwise
from nova-compute's ``instance-count`` action run on all hypervisors at once through the Juju
port. Ceph facts come from two read-only commands on one ceph-mon unit. A probe that fails
becomes a warning, never a crash: the run re-verifies each fact before acting on it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from octane.apps.context import Probes
from octane.cloud.analysis import Analysis
from octane.cloud.model import Cloud
from octane.errors import OctaneError
from octane.releases import OpenStackRelease

LOG = logging.getLogger(__name__)

#: A probe never holds the operator longer than this (seconds).
PROBE_TIMEOUT = 120.0


@dataclass(frozen=True)
class HypervisorRef:
    """A nova-compute unit and the machine it runs on, as Nova may know it."""

    unit: str
    machine: str
    hostname: str | None


class EmptinessProvider(Protocol):
    """Tells how many instances each hypervisor runs (keyed by nova-compute unit name)."""

    source: str

    async def instance_counts(self, hypervisors: Sequence[HypervisorRef]) -> Mapping[str, int]:
        """Instance count per unit; a unit missing from the answer is unknown."""
        ...


class ActionOutcome(Protocol):
    """What the probes read from an action result (the Juju port's ActionResult)."""

    @property
    def ok(self) -> bool: ...  # noqa: D102 - protocol member

    @property
    def output(self) -> Mapping[str, Any]: ...  # noqa: D102 - protocol member


class CommandOutcome(Protocol):
    """What the probes read from a command result (the Juju port's CommandResult)."""

    @property
    def return_code(self) -> int: ...  # noqa: D102 - protocol member

    @property
    def stdout(self) -> str: ...  # noqa: D102 - protocol member


class JujuReader(Protocol):
    """The part of the Juju port the probes use (``octane.juju.model.JujuModel``)."""

    async def run_actions(self, units: Sequence[str], action: str,
                          params: Mapping[str, Any] | None = None, *,
                          timeout: float | None = None) -> Mapping[str, ActionOutcome]:
        """Run a charm action on many units at once."""
        ...

    async def run_command(self, units: Sequence[str], command: str, *,
                          timeout: float | None = None) -> Mapping[str, CommandOutcome]:
        """Run a shell command on units."""
        ...


class ActionEmptiness:
    """Emptiness from nova-compute's ``instance-count`` action, all units in one batch."""

    source = "the instance-count action"

    def __init__(self, juju: JujuReader) -> None:
        self.juju = juju

    async def instance_counts(self, hypervisors: Sequence[HypervisorRef]) -> Mapping[str, int]:
        """Run ``instance-count`` on every unit concurrently; unreadable answers are left out."""
        results = await self.juju.run_actions([h.unit for h in hypervisors], "instance-count",
                                              timeout=PROBE_TIMEOUT)
        out = {}
        for unit, result in results.items():
            raw = result.output.get("instance-count")
            if result.ok and raw is not None and str(raw).strip().isdigit():
                out[unit] = int(str(raw).strip())
        return out


def hypervisors_to_probe(analysis: Analysis, target: OpenStackRelease,
                         machines: Sequence[str] | None = None) -> list[HypervisorRef]:
    """nova-compute units still below the target (on ``machines`` when given)."""
    done = {u.unit for app in analysis.cloud.apps_of_charm("nova-compute")
            if app.name in analysis.apps for u in analysis.apps[app.name].units
            if u.release is not None and u.release >= target}
    return [r for r in hypervisor_refs(analysis.cloud, machines) if r.unit not in done]


def hypervisor_refs(cloud: Cloud, machines: Sequence[str] | None = None
                    ) -> list[HypervisorRef]:
    """Every nova-compute unit (on ``machines`` when given): what an early probe asks about,
    before the analysis says which units are below the target."""
    wanted = set(machines) if machines else None
    out = []
    for app in cloud.apps_of_charm("nova-compute"):
        for unit in app.units:
            if wanted is None or unit.machine in wanted:
                machine = cloud.machines.get(unit.machine)
                out.append(HypervisorRef(unit.name, unit.machine,
                                         machine.hostname if machine else None))
    return out


#: What an emptiness probe yields: counts (None when unknown), their source, a note.
EmptinessResult = tuple[Mapping[str, int] | None, str, str | None]


async def probe_emptiness(provider: EmptinessProvider, refs: Sequence[HypervisorRef]
                          ) -> EmptinessResult:
    """Ask ``provider``; a failure becomes a note (the run verifies each hypervisor)."""
    try:
        return await provider.instance_counts(refs), provider.source, None
    except (OctaneError, OSError, asyncio.TimeoutError) as exc:
        return None, provider.source, (f"could not tell which hypervisors are empty "
                                       f"({provider.source}: {exc}); each one is verified "
                                       "before it is paused")


async def _ceph(juju: JujuReader, mon_unit: str
                ) -> tuple[Mapping[str, Mapping[str, int]] | None, tuple[str, ...] | None,
                           str | None]:
    try:
        results = await asyncio.gather(
            juju.run_command([mon_unit], "ceph versions", timeout=PROBE_TIMEOUT),
            juju.run_command([mon_unit], "ceph osd dump --format json", timeout=PROBE_TIMEOUT))
        versions_raw, dump_raw = results[0][mon_unit], results[1][mon_unit]
        if versions_raw.return_code or dump_raw.return_code:
            raise OctaneError("a ceph command failed")
        versions = json.loads(versions_raw.stdout)
        dump = json.loads(dump_raw.stdout)
    except (OctaneError, OSError, ValueError, KeyError, asyncio.TimeoutError) as exc:
        return None, None, f"could not read the Ceph state on {mon_unit} ({exc})"
    flags = dump.get("flags_set") or str(dump.get("flags") or "").split(",")
    return versions, tuple(f for f in flags if f), None


async def gather(analysis: Analysis, target: OpenStackRelease, *, group: str | None,
                 juju: JujuReader | None, emptiness: EmptinessProvider | None,
                 machines: Sequence[str] | None = None,
                 started: Awaitable[EmptinessResult] | None = None) -> Probes:
    """Gather the probes the plan's scope needs, all at once.

    ``started`` is an emptiness probe already under way (launched from the status while
    the configs were read); otherwise one is started here for the units below the target.
    """
    tasks: dict[str, Any] = {}
    if started is not None:
        tasks["empty"] = started
    elif group != "control-plane":
        refs = hypervisors_to_probe(analysis, target, machines)
        provider = emptiness or (ActionEmptiness(juju) if juju is not None else None)
        if refs and provider is not None:
            tasks["empty"] = probe_emptiness(provider, refs)
    mons = [u for a in analysis.cloud.apps_of_charm("ceph-mon") for u in a.units]
    if juju is not None and mons and group != "hypervisors":
        leader = next((u for u in mons if u.leader), mons[0])
        tasks["ceph"] = _ceph(juju, leader.name)
    done = dict(zip(tasks, await asyncio.gather(*tasks.values()), strict=True))
    notes: list[str] = []
    counts, source = None, ""
    if "empty" in done:
        counts, source, note = done["empty"]
        notes += [note] if note else []
    versions, flags = None, None
    if "ceph" in done:
        versions, flags, note = done["ceph"]
        notes += [note] if note else []
    return Probes(instance_counts=counts, emptiness_source=source, ceph_versions=versions,
                  ceph_flags=flags, notes=tuple(notes))
