"""The hypervisors section: machines running nova-compute, one availability zone at a time.

Within an AZ group the applications colocated on those machines that upgrade unit by unit
(nova-compute first in COU's order, then e.g. a colocated cinder... sorted by upgrade order)
get their application-wide steps (scheduler off, packages, refresh, action-managed-upgrade
on, channel, origin -- idempotent, so repeating them in every group is harmless and each
group stands alone when planned with ``--az``), then their units in parallel (pause,
openstack-upgrade, resume), then scheduler on, wait and verify. Groups run one after another
and each holds the ``hypervisors`` lock, so even a scheduler that flattens the tree never
upgrades two zones at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from octane.apps import steps as s
from octane.apps.base import AppRules
from octane.apps.context import Finding, PlanContext
from octane.cloud.model import Unit
from octane.errors import NotFound
from octane.plan.step import Step
from octane.releases import catalogue

NO_AZ = "no-az"
#: Held by each AZ group (or batch of AZ groups): one at a time, whatever the scheduler.
HV_LOCK = "hypervisors"


@dataclass(frozen=True)
class HypervisorScope:
    """Which hypervisor machines the plan covers, and which it leaves out and why."""

    machines: tuple[str, ...]
    excluded: Mapping[str, str]


def select_machines(ctx: PlanContext, machines: Sequence[str], azs: Sequence[str]
                    ) -> tuple[str, ...]:
    """Hypervisor machines named by ``--machine`` / ``--availability-zone`` (all by default).

    A machine that does not exist, is not a hypervisor, or an AZ without hypervisors is an
    error: a filter that silently matches nothing would plan nothing.
    """
    cloud = ctx.analysis.cloud
    hypervisors = ctx.analysis.hypervisor_machines
    hv_set = set(hypervisors)
    if machines:
        missing = [m for m in machines if m not in cloud.machines]
        if missing:
            raise NotFound(f"machine(s) {', '.join(missing)} not found in model "
                           f"'{cloud.model}'")
        not_hv = [m for m in machines if m not in hv_set]
        if not_hv:
            raise NotFound(f"machine(s) {', '.join(not_hv)} run no nova-compute unit; "
                           "hypervisors are: " + _short(hypervisors))
        wanted = set(machines)
        return tuple(m for m in hypervisors if m in wanted)
    if azs:
        known = sorted({az_of(ctx, m) for m in hypervisors}, key=natural)
        unknown = [a for a in azs if a not in known]
        if unknown:
            raise NotFound(f"availability zone(s) {', '.join(unknown)} have no hypervisor; "
                           f"known: {', '.join(known)}")
        wanted = set(azs)
        return tuple(m for m in hypervisors if az_of(ctx, m) in wanted)
    return hypervisors


def az_of(ctx: PlanContext, machine: str) -> str:
    """The machine's AZ, or ``no-az``."""
    found = ctx.analysis.cloud.machines.get(machine)
    return (found.az if found and found.az else NO_AZ)


def exclude_busy(ctx: PlanContext, machines: Sequence[str]
                 ) -> tuple[HypervisorScope, list[Finding]]:
    """Leave out hypervisors that host instances, unless ``--force`` (COU's behaviour)."""
    counts = ctx.probes.instance_counts
    findings: list[Finding] = []
    if counts is None:
        return HypervisorScope(tuple(machines), {}), findings
    busy: dict[str, str] = {}  # machine -> why; filled in unit order (app/9 before app/10)
    chosen = set(machines)
    for app in ctx.analysis.cloud.apps_of_charm("nova-compute"):
        for unit in app.units:
            if unit.machine in chosen and counts.get(unit.name, 0) > 0:
                busy[unit.machine] = f"{unit.name} runs {counts[unit.name]} instance(s)"
    if busy and not ctx.force:
        findings.append(Finding.warning(
            f"non-empty hypervisors left out of the plan ({_short(list(busy.values()))}); "
            "migrate their instances away, or include them with --force"))
        return HypervisorScope(tuple(m for m in machines if m not in busy), busy), findings
    if busy:
        findings.append(Finding.warning(
            f"--force: non-empty hypervisors are upgraded too ({_short(list(busy.values()))}); "
            "their instances lose connectivity while paused"))
    return HypervisorScope(tuple(machines), {}), findings


def natural(name: str) -> tuple[tuple[int, str], ...]:
    """Sort key that reads numbers as numbers: az2 before az10, as an operator counts zones."""
    return tuple((int(part), "") if part.isdigit() else (-1, part)
                 for part in re.split(r"(\d+)", name))


def pending_units(rules: AppRules, machines: set[str]) -> list[Unit]:
    """Units of the application on ``machines`` still below the target release."""
    target = rules.target
    done = {u.unit for u in rules.app.units if u.release is not None and u.release >= target}
    return [u for u in rules.units if u.machine in machines and u.name not in done]


def az_groups(ctx: PlanContext, rules: Sequence[AppRules], scope: HypervisorScope
              ) -> list[Step]:
    """One step per AZ with the plans of the colocated action-managed applications."""
    by_az: dict[str, set[str]] = {}
    for machine in scope.machines:
        by_az.setdefault(az_of(ctx, machine), set()).add(machine)
    cat = catalogue()
    ordered = sorted(rules, key=lambda r: cat.order_key(r.app.charm, r.name))
    groups = []
    for az in sorted(by_az, key=natural):
        base = s.sid("hv", s.slug(az))
        work = [(r, s.sid(base, s.slug(r.name)), units) for r in ordered
                if (units := pending_units(r, by_az[az]))]
        if not work:
            continue
        children: list[Step] = []
        for r, app_base, units in work:
            children += r.hypervisor_pre_steps(app_base, units)
        for r, app_base, units in work:
            children += r.hypervisor_upgrade_steps(app_base, units)
        for r, app_base, units in work:
            children += r.hypervisor_post_steps(app_base, units)
        groups.append(s.group(base, f"Upgrade plan for '{az}' to '{ctx.target}'", children,
                              prompt=True, locks=(HV_LOCK,)))
    return groups


def batched(groups: Sequence[Step], size: int) -> list[Step]:
    """Canary then batches: the first AZ group alone, then ``size`` groups at a time.

    ``size`` 1 keeps COU's one AZ at a time. Otherwise the groups after the canary are
    gathered ``size`` by ``size`` under a parallel step that takes the ``hypervisors`` lock
    for the whole batch (its members give theirs up: siblings cannot hold one lock
    together), so batches still run one after another and never overlap the canary, while
    the AZs of one batch go together. Each AZ group keeps its prompt and its id, so the
    ``requires`` of ceph-osd, ovn-central and neutron-api still name every AZ group.
    """
    if size <= 1 or len(groups) <= 2:
        return list(groups)
    out = [groups[0]]
    rest = list(groups[1:])
    for start in range(0, len(rest), size):
        members = [replace(g, locks=tuple(lk for lk in g.locks if lk != HV_LOCK))
                   for g in rest[start:start + size]]
        if len(members) == 1:
            out.append(replace(members[0], locks=(*members[0].locks, HV_LOCK)))
            continue
        names = ", ".join(f"'{m.id.split('/', 1)[1]}'" for m in members)
        out.append(s.group(s.sid("hv", f"batch-{start // size + 1}"),
                           f"Upgrade availability zones concurrently: {names}", members,
                           parallel=True, locks=(HV_LOCK,)))
    return out


def _short(items: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")
