"""Cloud-level pre-checks: which release to go to, and whether the cloud may go there now.

Every refusal is one line that says what to do next, because an operator reading it is in a
maintenance window: an unsupported series names the supported ones; the last release of a
series points to the OS-upgrade flow instead of refusing silently; a data-plane plan before
the control plane is done says which command to run first.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from octane.apps.context import Finding
from octane.cloud.analysis import CONTROL_PLANE, DATA_PLANE, Analysis, AppAnalysis
from octane.errors import OctaneError
from octane.plan.options import PlanOptions
from octane.releases import CharmKind, OpenStackRelease, UbuntuSeries, catalogue


class PlanRefused(OctaneError):
    """The cloud cannot be planned as asked; the message says why and what to do."""


class NothingToUpgrade(OctaneError):
    """Everything in scope is already on the target release."""


@dataclass(frozen=True)
class Target:
    """Where the plan goes: the series, the current and the target release."""

    series: UbuntuSeries
    current: OpenStackRelease
    target: OpenStackRelease
    control_plane: OpenStackRelease | None
    data_plane: OpenStackRelease | None


def counted(analysis: Analysis, skip: Collection[str]) -> list[AppAnalysis]:
    """Applications whose release counts: known, upgradable, not skipped by the operator,
    not on a release assumed from ``latest/stable``."""
    return [a for a in analysis.apps.values()
            if a.kind is not CharmKind.UNSUPPORTED and a.name not in skip and not a.assumed]


def _min(apps: list[AppAnalysis], group: str | None = None) -> OpenStackRelease | None:
    known = [a.release for a in apps if a.release is not None and
             (group is None or a.group == group)]
    return min(known) if known else None


def find_target(analysis: Analysis, options: PlanOptions) -> Target:
    """The target release, after the series, last-release and group-order checks."""
    cat = catalogue()
    apps = counted(analysis, options.skip_apps)
    model = analysis.cloud.model
    if not apps:
        raise PlanRefused(f"no OpenStack application octane knows was found in model '{model}'")
    series = sorted({a.series for a in apps if a.series})
    if len(series) != 1:
        spread = ", ".join(series) or "none"
        raise PlanRefused(f"applications run on several Ubuntu series ({spread}); finish the "
                          "series upgrade first (octane upgrade-os)")
    ubuntu = cat.find_series(series[0])
    supported = ", ".join(s.name for s in cat.supported_series)
    unknown = [a for a in apps if a.release is None]
    if unknown:
        names = ", ".join(f"'{a.name}'" for a in unknown[:5])
        raise PlanRefused(f"cannot tell the OpenStack release of {names}; fix the reported "
                          "problem or leave the application out with --skip-apps")
    current = _min(apps)
    assert current is not None
    if ubuntu is not None and ubuntu.releases and current == ubuntu.last_release:
        nxt = next((s for s in cat.all_series if s.lts and s.distro_release == current
                    and s.name != ubuntu.name), None)
        hint = (f"upgrade the series to {nxt.name} first (octane upgrade-os)" if nxt
                else f"octane knows no release after {current}")
        raise PlanRefused(f"No upgrades available for OpenStack {current} on Ubuntu "
                          f"{ubuntu.name}: {current} is the last release on {ubuntu.name}; "
                          f"{hint}")
    if ubuntu is None or not ubuntu.supported:
        raise PlanRefused(f"Cloud series '{series[0]}' is not an Ubuntu LTS series supported "
                          f"by octane; the supported series are: {supported}")
    target = cat.next_release(current)
    if current not in ubuntu.releases or target is None or target not in ubuntu.releases:
        raise PlanRefused(f"OpenStack {current} on Ubuntu {ubuntu.name} is outside the range "
                          f"octane upgrades ({ubuntu.releases[0]}..{ubuntu.last_release})")
    cp, dp = _min(apps, CONTROL_PLANE), _min(apps, DATA_PLANE)
    if options.group in ("data-plane", "hypervisors") and cp is not None and cp < target:
        raise PlanRefused(f"the control plane is still on {cp}: upgrade it to {target} first "
                          "(octane plan control-plane); the data plane follows it")
    if options.group == "control-plane" and (cp is None or cp >= target):
        raise NothingToUpgrade(f"the control plane is already on {cp or target}; upgrade the "
                               f"data plane to {target} next (octane plan data-plane)")
    return Target(ubuntu, current, target, cp, dp)


def model_findings(analysis: Analysis, scope: Collection[str]) -> list[Finding]:
    """The model-idle pre-check on the snapshot: units in error stop the plan, busy units
    are reported (the run's first step waits for them)."""
    failed, busy = [], []
    for name in sorted(scope):
        for unit in analysis.cloud.applications[name].units:
            if unit.workload_status == "error" or unit.agent_status in ("error", "failed",
                                                                         "lost"):
                failed.append(f"{unit.name} ({unit.agent_status}/{unit.workload_status})")
            elif unit.agent_status not in ("idle", "") or unit.workload_status in (
                    "maintenance", "waiting"):
                busy.append(unit.name)
    out = []
    if failed:
        out.append(Finding.error(f"units in error: {_short(failed)}; fix them before "
                                 "upgrading"))
    if busy:
        out.append(Finding.warning(f"the model is not idle ({len(busy)} unit(s) busy: "
                                   f"{_short(busy)}); the upgrade waits for it first"))
    return out


def analysis_findings(analysis: Analysis, scope: Collection[str]) -> list[Finding]:
    """Analysis problems of the applications in scope, and unknown charms, as warnings."""
    out = [Finding.warning(p) for p in analysis.problems]
    for name in sorted(scope):
        app = analysis.apps.get(name)
        if app is not None:
            out.extend(Finding.warning(p, name) for p in app.problems)
    return out


def _short(items: list[str], limit: int = 5) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")
