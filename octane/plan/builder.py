"""The in-place plan: cloud pre-steps, control plane in waves, hypervisors AZ by AZ, the rest
of the data plane, post-steps -- built from an analysis, the operator's options and probes.

Sections run in this order (the root is sequential)::

    Upgrade cloud from 'ussuri' to 'victoria'
      pre: idle check, MySQL backup, nova archive / purge
      Control Plane principal(s)      waves from charms.yaml; apps of one wave concurrently
      Control Plane subordinate(s)    concurrently
      hypervisors                     one AZ at a time, units of an AZ concurrently
      Data Plane subordinate(s)       concurrently (ovn-chassis before ovn-central)
      Remaining Data Plane principal(s)  ovn-central, neutron-api, ceph-osd, ... one at a time
      post: ceph require-osd-release

COU upgrades data-plane subordinates last; octane moves them before the remaining data-plane
principals because OVN's order is chassis -> central -> neutron-api (COU PR #641 moved
central and neutron-api after the hypervisors for the same reason). The orderings that
matter are also stated as ``requires`` so they survive any scheduler.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from octane.apps import steps as s
from octane.apps.base import AppRules
from octane.apps.context import Finding, Level, PlanContext, Probes
from octane.apps.registry import RulesRegistry
from octane.cloud.analysis import CONTROL_PLANE, Analysis
from octane.plan import hypervisors as hv
from octane.plan.checks import (
    NothingToUpgrade,
    PlanRefused,
    analysis_findings,
    find_target,
    model_findings,
)
from octane.plan.options import PlanOptions
from octane.plan.step import Plan, Step
from octane.releases import CharmKind, catalogue


@dataclass(frozen=True)
class PlanResult:
    """The plan and what the operator should read next to it."""

    plan: Plan
    findings: tuple[Finding, ...]

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """Findings that do not stop the plan."""
        return tuple(f for f in self.findings if f.level is Level.WARNING)


#: Charms whose upgrade checks that every nova-compute unit was upgraded before them.
_AFTER_COMPUTES = frozenset({"ovn-central", "neutron-api", "ceph-osd"})


def _sections_for(group: str | None) -> set[str]:
    return {None: {"cp", "cp-sub", "hv", "dp-sub", "dp"},
            "control-plane": {"cp", "cp-sub"},
            "data-plane": {"hv", "dp-sub", "dp"},
            "hypervisors": {"hv"}}[group]


def _section_of(rules: AppRules) -> str:
    app = rules.app
    if app.group == CONTROL_PLANE:
        return "cp-sub" if app.app.is_subordinate else "cp"
    if app.app.is_subordinate:
        return "dp-sub"
    return "hv" if app.on_hypervisors and rules.action_managed else "dp"


def _pre_steps(ctx: PlanContext, options: PlanOptions, findings: list[Finding]) -> list[Step]:
    cloud = ctx.analysis.cloud
    out = [s.action("pre/verify-idle", "Verify that all OpenStack applications are in idle "
                    "state", "model.verify_idle", timeout=ctx.standard_timeout)]
    mysql = cloud.apps_of_charm("mysql-innodb-cluster")
    if options.backup and mysql:
        out.append(s.action("pre/backup", "Back up MySQL databases", "mysql.backup",
                            application=mysql[0].name))
    elif options.backup:
        findings.append(Finding.warning("no mysql-innodb-cluster application: the database "
                                        "backup step is left out"))
    ncc = cloud.apps_of_charm("nova-cloud-controller")
    if ncc and options.archive:
        out.append(s.action("pre/archive", f"Archive old database data on {ncc[0].name}",
                            "nova.archive", application=ncc[0].name,
                            batch_size=options.archive_batch_size))
    if ncc and options.purge:
        when = f" before '{options.purge_before}'" if options.purge_before else ""
        out.append(s.action("pre/purge", f"Purge old database data{when} on {ncc[0].name}",
                            "nova.purge", application=ncc[0].name, before=options.purge_before))
    return out


def _control_plane(plans: dict[str, Step], rules: Sequence[AppRules]) -> list[Step]:
    """App plans grouped in waves; unlisted charms after them, one at a time."""
    cat = catalogue()
    by_wave: dict[str, list[Step]] = {}
    tail: list[tuple[tuple[int, str, str], Step]] = []
    for r in rules:
        wave = cat.wave_of(r.app.charm)
        if wave is None:
            tail.append((cat.order_key(r.app.charm, r.name), plans[r.name]))
        else:
            by_wave.setdefault(wave.name, []).append(plans[r.name])
    out = []
    for wave in cat.waves:
        members = sorted(by_wave.get(wave.name, ()), key=lambda p: p.id)
        if len(members) == 1:
            out.append(members[0])
        elif members:
            names = ", ".join(f"'{p.id.split('/', 1)[1]}'" for p in members)
            out.append(s.group(f"cp/wave-{wave.name}", f"Upgrade concurrently: {names}",
                               members, parallel=True))
    out += [p for _, p in sorted(tail, key=lambda t: t[0])]
    return out


def _data_plane(plans: dict[str, Step], rules: Sequence[AppRules], hv_ids: Sequence[str],
                chassis_ids: Sequence[str]) -> list[Step]:
    """Remaining principals in data_plane_order, each requiring what must precede it:
    the hypervisors for all; OVN chassis for ovn-central; ovn-central for neutron-api."""
    cat = catalogue()
    ordered = sorted(rules, key=lambda r: cat.order_key(r.app.charm, r.name))
    out: list[Step] = []
    central_ids: list[str] = []
    for r in ordered:
        step = plans[r.name]
        needs = list(hv_ids)
        if r.app.charm == "ovn-central":
            needs += chassis_ids
            central_ids.append(step.id)
        elif r.app.charm == "neutron-api":
            needs += central_ids
        out.append(replace(step, requires=tuple(dict.fromkeys((*step.requires, *needs)))))
    return out


def _in_scope(analysis: Analysis, options: PlanOptions, ctx: PlanContext,
              registry: RulesRegistry) -> list[AppRules]:
    """Rules of the applications the plan's group covers (skipped ones left out).

    Unsupported charms (swift) stay in scope so their refusal is reported.
    """
    sections = _sections_for(options.group)
    out = []
    for app in sorted(analysis.apps.values(), key=lambda a: a.name):
        if app.name not in options.skip_apps:
            rules = registry.rules_for(app, ctx)
            if _section_of(rules) in sections:
                out.append(rules)
    return out


def _app_plans(rules: Sequence[AppRules], findings: list[Finding]) -> dict[str, Step]:
    """Each application's plan (hypervisor ones excepted); checks of those with work."""
    plans: dict[str, Step] = {}
    for r in rules:
        section = _section_of(r)
        if section == "hv":
            continue
        plan = r.plan(s.sid(section.split("-")[0], r.name))
        if plan is not None:
            plans[r.name] = plan
        if plan is not None or r.app.kind is CharmKind.UNSUPPORTED:
            findings += r.checks()
    return plans


def _hypervisor_steps(ctx: PlanContext, options: PlanOptions, rules: Sequence[AppRules],
                      findings: list[Finding]) -> list[Step]:
    """The AZ groups; checks of the hypervisor applications that have work."""
    if not rules:
        return []
    machines = hv.select_machines(ctx, options.machines, options.azs)
    scope, hv_findings = hv.exclude_busy(ctx, machines)
    findings += hv_findings
    followers = sorted(a.name for a in ctx.analysis.apps.values()
                       if a.app.charm in _AFTER_COMPUTES and a.name not in options.skip_apps
                       and options.group in (None, "data-plane"))
    if scope.excluded and followers:
        findings.append(Finding.warning(
            f"{', '.join(followers)} verify that every nova-compute unit is upgraded first; "
            f"with {len(scope.excluded)} hypervisor(s) left out those steps will stop the run"))
    chosen = set(scope.machines)
    for r in rules:
        if hv.pending_units(r, chosen):
            findings += r.checks()
    return hv.az_groups(ctx, rules, scope)


#: Charms octane leaves alone unless the operator asks (DESIGN.md: "vault is never touched
#: unless asked"): a vault refresh restarts it sealed and needs the unseal keys.
OPT_IN = {"vault": "upgrade_vault"}


def left_out(analysis: Analysis, options: PlanOptions) -> tuple[str, ...]:
    """Applications of opt-in charms the operator did not ask for, with the subordinates that
    live only on their units (vault's hacluster and mysql-router touch vault's machines)."""
    cloud = analysis.cloud
    out = {a.name for a in cloud.applications.values()
           if a.charm in OPT_IN and not getattr(options, OPT_IN[a.charm])}
    out |= {a.name for a in cloud.applications.values()
            if a.subordinate_to and set(a.subordinate_to) <= out}
    return tuple(sorted(out - options.skip_apps))


def effective_options(analysis: Analysis, options: PlanOptions) -> PlanOptions:
    """``options`` with the left-out opt-in applications added to the skipped ones."""
    extra = left_out(analysis, options)
    return replace(options, skip_apps=options.skip_apps | set(extra)) if extra else options


def _left_out_warning(analysis: Analysis, left: Sequence[str]) -> Finding:
    apps = analysis.cloud.applications
    opt_in = [n for n in left if apps[n].charm in OPT_IN]
    subs = ", ".join(f"'{n}'" for n in left if n not in opt_in)
    if not opt_in:
        return Finding.warning(f"{subs} left out: subordinates of a skipped vault")
    shown = ", ".join(f"'{n}'" for n in opt_in) + (f" (with {subs})" if subs else "")
    return Finding.warning(f"{shown} left out: octane touches vault only when asked; add "
                           "--upgrade-vault to upgrade it (you will be asked for its unseal "
                           "keys)")


def build(analysis: Analysis, asked: PlanOptions, *, probes: Probes | None = None,
          registry: RulesRegistry | None = None) -> PlanResult:
    """Build the plan; raise :class:`PlanRefused` (or NotFound for a bad filter) on errors."""
    options = effective_options(analysis, asked)
    target = find_target(analysis, options)
    ctx = PlanContext(analysis=analysis, target=target.target, series=target.series,
                      model=analysis.cloud.model, force=options.force,
                      standard_timeout=options.standard_timeout,
                      long_timeout=options.long_timeout, probes=probes or Probes())
    unknown_skips = sorted(asked.skip_apps - set(analysis.cloud.applications))
    if unknown_skips:
        raise PlanRefused(f"--skip-apps names no application of model '{ctx.model}': "
                          f"{', '.join(unknown_skips)}")
    in_scope = _in_scope(analysis, options, ctx, registry or RulesRegistry.from_entry_points())
    names = [r.name for r in in_scope]
    findings: list[Finding] = [Finding.warning(n) for n in ctx.probes.notes]
    findings += analysis_findings(analysis, names) + model_findings(analysis, names)
    findings += [Finding.warning(f"'{n}' is skipped (--skip-apps): check it stays compatible "
                                 "with the upgraded cloud", n) for n in sorted(asked.skip_apps)]
    left = left_out(analysis, asked)
    if left and asked.group in (None, "control-plane"):  # vault is control plane: the advice
        findings.append(_left_out_warning(analysis, left))  # means nothing to another group
    plans = _app_plans(in_scope, findings)
    hv_steps = _hypervisor_steps(ctx, options, [r for r in in_scope if _section_of(r) == "hv"],
                                 findings)
    errors = [f for f in findings if f.level is Level.ERROR]
    if errors:
        more = f" (and {len(errors) - 1} more error(s))" if len(errors) > 1 else ""
        raise PlanRefused(errors[0].message + more)
    by_section: dict[str, list[AppRules]] = {}
    for r in in_scope:
        if r.name in plans:
            by_section.setdefault(_section_of(r), []).append(r)
    chassis_ids = [plans[r.name].id for r in by_section.get("dp-sub", [])
                   if r.app.charm == "ovn-chassis"]
    body: list[Step] = []
    if by_section.get("cp"):
        body.append(s.group("cp", "Control Plane principal(s) upgrade plan",
                            _control_plane(plans, by_section["cp"])))
    if by_section.get("cp-sub"):
        body.append(s.group("cp-sub", "Control Plane subordinate(s) upgrade plan",
                            _sorted_plans(plans, by_section["cp-sub"]), parallel=True))
    if hv_steps:
        body.append(s.group("hv", "Upgrading all applications deployed on machines with "
                            "hypervisor.", hv.batched(hv_steps, options.az_batch)))
    if by_section.get("dp-sub"):
        body.append(s.group("dp-sub", "Data Plane subordinate(s) upgrade plan",
                            _sorted_plans(plans, by_section["dp-sub"]), parallel=True))
    if by_section.get("dp"):
        body.append(s.group("dp", "Remaining Data Plane principal(s) upgrade plan",
                            _data_plane(plans, by_section["dp"], [g.id for g in hv_steps],
                                        chassis_ids)))
    if not body:
        raise NothingToUpgrade(f"nothing to upgrade to {ctx.target} in "
                               f"{options.group or 'the cloud'}" + _why_empty(findings))
    root = s.group("cloud", f"Upgrade cloud from '{target.current}' to '{target.target}'",
                   [*_pre_steps(ctx, options, findings), *body,
                    *_post_steps(ctx, options)], prompt=True)
    meta = {
        "model": ctx.model, "controller": analysis.cloud.controller,
        "series": ctx.series.name, "from": target.current.codename,
        "to": target.target.codename, "group": options.group or "all",
        "options": asked.to_dict(), "left_out": list(left),
        "cloud_fingerprint": analysis.cloud.fingerprint(),
        "warnings": [f.message for f in findings if f.level is Level.WARNING],
        "unknown_applications": [a.name for a in analysis.unknown],
    }
    return PlanResult(Plan(root=_prune_requires(root), meta=meta), tuple(findings))


def _why_empty(findings: Iterable[Finding]) -> str:
    warnings = [f.message for f in findings if f.level is Level.WARNING]
    left_out = next((w for w in warnings if "left out" in w), None)
    return f" ({left_out})" if left_out else ""


def _sorted_plans(plans: dict[str, Step], rules: Sequence[AppRules]) -> list[Step]:
    return [plans[r.name] for r in sorted(rules, key=lambda r: r.name)]


def _post_steps(ctx: PlanContext, options: PlanOptions) -> list[Step]:
    cloud = ctx.analysis.cloud
    mons, osds = cloud.apps_of_charm("ceph-mon"), cloud.apps_of_charm("ceph-osd")
    if options.group in (None, "data-plane") and mons and osds:
        return [s.action("post/require-osd-release", "Ensure that the 'require-osd-release' "
                         "option in 'ceph-mon' matches the 'ceph-osd' version",
                         "ceph.ensure_require_osd_release", mon_application=mons[0].name)]
    return []


def _prune_requires(root: Step) -> Step:
    """Drop ``requires`` naming steps absent from this plan (another group's, done ones)."""
    ids = {step.id for step in root.walk()}

    def visit(step: Step) -> Step:
        children = tuple(visit(c) for c in step.children)
        requires = tuple(r for r in step.requires if r in ids)
        if children == step.children and requires == step.requires:
            return step
        return replace(step, children=children, requires=requires)

    return visit(root)

