"""Plan one application of a small cloud with its registered rules."""

from __future__ import annotations

from octane.apps.base import AppRules
from octane.apps.context import PlanContext, Probes
from octane.apps.registry import RulesRegistry
from octane.cloud.analysis import analyse
from octane.cloud.model import Cloud
from octane.plan.step import Step
from octane.releases import catalogue

REGISTRY = RulesRegistry.from_entry_points()


def rules(cloud: Cloud, app: str, target: str, *, force: bool = False,
          probes: Probes | None = None) -> AppRules:
    analysis = analyse(cloud)
    cat = catalogue()
    series = analysis.apps[app].series or "focal"
    ctx = PlanContext(analysis=analysis, target=cat.release(target),
                      series=cat.series(series), model=cloud.model, force=force,
                      probes=probes or Probes())
    return REGISTRY.rules_for(analysis.apps[app], ctx)


def actions(step: Step | None) -> list[tuple[str, dict[str, object]]]:
    assert step is not None
    return [(s.action, dict(s.params)) for s in step.walk() if s.action]


def descriptions(step: Step | None) -> list[str]:
    assert step is not None
    return [s.description for s in step.walk()]
