"""Runs a plan: scheduler, journal and resume, prompts, signals, progress.

The public surface (see docs/engine.md):

* :func:`run_plan`, :class:`RunOptions`, :class:`RunOutcome` — execute or resume a plan;
* :class:`Registry`, :class:`Action`, :class:`StepContext`, :class:`StoppedSafely` — what
  actions are and what they receive;
* :func:`validate_plan`, :class:`PlanInvalid` — refuse a broken plan before running it;
* :class:`Journal` — the run records ``octane status`` reads;
* :func:`simulate` — the scheduler's makespan on given durations;
* :func:`log_banner` — the "Full execution log" line a command prints first.
"""

from __future__ import annotations

from collections.abc import Collection

from octane.engine.api import RunOptions, RunOutcome, run_plan
from octane.engine.console import log_banner
from octane.engine.context import Progress, StepContext, StoppedSafely
from octane.engine.graph import PlanGraph, PlanInvalid, validate
from octane.engine.journal import Journal, PlanMismatch, RunBusy
from octane.engine.makespan import Simulation, simulate
from octane.engine.registry import Action, ActionFn, Registry, VerifyFn
from octane.plan.step import Plan


def validate_plan(plan: Plan, registry: Collection[str] | None = None) -> PlanGraph:
    """Check ``plan`` (and its action names against a registry); raise :class:`PlanInvalid`.

    Returns the graph so a caller that validates first does not build it twice.
    """
    graph = PlanGraph(plan.root)
    validate(graph, registry)
    return graph


__all__ = [
    "Action", "ActionFn", "Journal", "PlanInvalid", "PlanMismatch", "Progress", "Registry",
    "RunBusy", "RunOptions", "RunOutcome", "Simulation", "StepContext", "StoppedSafely",
    "VerifyFn", "log_banner", "run_plan", "simulate", "validate_plan",
]
