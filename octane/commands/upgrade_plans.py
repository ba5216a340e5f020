"""Which plan ``octane upgrade`` runs: an unfinished run's, a saved one, or a fresh one.

**Resume first.** The journal keeps every run of a model under the scope
``upgrade:<controller>:<model>``. If the newest one did not complete, ``octane upgrade``
continues *its* plan: re-planning a half-upgraded cloud could drop a step that was running
when the process died (its verify is what tells whether it took effect). The operator's
flags must not ask for another plan: a group or plan-shaping option that differs from the
journaled plan's (and is not the default) is refused with a pointer to ``--replan``.

**A saved plan "matches" the cloud** when it was made for this model and either

1. the cloud's fingerprint (charms, channels, revisions, config, units, workload versions,
   machines: :meth:`octane.cloud.model.Cloud.fingerprint`) equals the one in the plan's
   ``meta``, or
2. planning again now, with the options recorded in the plan, gives exactly the same steps
   (same plan digest): the cloud moved in ways the plan does not depend on.

Otherwise the run is refused, naming the first step that would differ.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from octane.actions.deps import ActionOutcome, JujuPort
from octane.cloud.model import Cloud
from octane.commands.plan import ModelSession, make_plan
from octane.engine.journal import Journal, RunRecord
from octane.errors import NotFound, OctaneError, UsageError
from octane.plan import actions
from octane.plan.options import PlanOptions
from octane.plan.step import Plan, Step

if TYPE_CHECKING:
    from octane.commands.upgrade import Printer, Request

#: ``--resume`` without a run id: the newest run of this model, whatever its status.
LATEST = "latest"
#: Options that only say how long to wait: they never make another plan.
_RUNTIME_ONLY = ("standard_timeout", "long_timeout")


class Session(JujuPort, Protocol):
    """A connected model that can be planned and upgraded (the Juju port's JujuModel):
    :class:`~octane.commands.plan.ModelSession` and :class:`JujuPort` together."""

    name: str
    controller: str

    async def complete(self, status: Cloud) -> Cloud:
        """``status`` with the applications' configs and actions."""
        ...

    async def read_cloud(self) -> Cloud:
        """A concurrent snapshot of the model."""
        ...

    async def run_actions(self, units: Sequence[str], action: str,
                          params: Mapping[str, Any] | None = None, *,
                          timeout: float | None = None) -> Mapping[str, ActionOutcome]:
        """Run a charm action on many units at once."""
        ...

    async def close(self) -> None:
        """Disconnect."""
        ...


def as_planning(session: Session) -> ModelSession:
    """The same object, seen by the planner."""
    return session


class PlanRefusedHere(OctaneError):
    """The plan at hand cannot be run on this cloud as asked."""


@dataclass(frozen=True)
class Chosen:
    """The plan to run, and the run it continues (None: a new run)."""

    plan: Plan
    resume: str | None


def options_from_meta(options: Mapping[str, Any]) -> PlanOptions:
    """The :class:`PlanOptions` a plan's ``meta.options`` records."""
    known = {f.name for f in fields(PlanOptions)}
    values = {k: v for k, v in options.items() if k in known}
    values["skip_apps"] = frozenset(values.get("skip_apps") or ())
    values["machines"] = tuple(values.get("machines") or ())
    values["azs"] = tuple(values.get("azs") or ())
    return PlanOptions(**values)


def _shaping(options: PlanOptions) -> dict[str, Any]:
    data = options.to_dict()
    for key in _RUNTIME_ONLY:
        data.pop(key, None)
    return data


def check_same_request(plan: Plan, asked: PlanOptions, run_id: str) -> None:
    """Refuse flags that ask for another plan than the unfinished run's."""
    recorded = options_from_meta(plan.meta.get("options") or {})
    default = _shaping(PlanOptions(group=asked.group))
    wanted, have = _shaping(asked), _shaping(recorded)
    if asked.group is not None and asked.group != recorded.group:
        what = f"group {asked.group!r} (the run is {recorded.group or 'the whole cloud'!r})"
    else:
        diff = sorted(k for k in wanted if k != "group" and wanted[k] != default[k]
                      and wanted[k] != have[k])
        if not diff:
            return
        what = ", ".join(f"{k}={wanted[k]!r} (the run has {have[k]!r})" for k in diff)
    raise PlanRefusedHere(f"run {run_id} of this model is unfinished and was planned "
                          f"differently: {what}",
                          hint="run `octane upgrade` to continue it, or add --replan to plan "
                               "again from the cloud as it is now")


def load_saved(path: Path) -> Plan:
    """Read a plan saved with ``octane plan -f json``; one-line usage errors."""
    try:
        doc = json.loads(path.read_text())
    except OSError as exc:
        raise UsageError(f"--plan {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise UsageError(f"--plan {path}: not JSON ({exc})") from None
    try:
        plan = Plan.from_dict(doc)
    except ValueError as exc:
        raise UsageError(f"--plan {path}: {exc}") from None
    except (KeyError, TypeError, AttributeError) as exc:
        raise UsageError(f"--plan {path}: not an octane plan (bad or missing {exc})") from None
    for step in plan.root.walk():
        if step.action is not None:
            problems = actions.validate(step.action, step.params)
            if problems:
                raise UsageError(f"--plan {path}: step {step.id!r}: {problems[0]}")
    return plan


def _shape(step: Step) -> Iterator[tuple[str, str | None, str]]:
    for s in step.walk():
        yield s.id, s.action, json.dumps(dict(s.params), sort_keys=True)


def first_difference(saved: Plan, now: Plan) -> str:
    """The id of the first step where two plans differ (for the refusal message)."""
    for a, b in zip(_shape(saved.root), _shape(now.root), strict=False):
        if a != b:
            return a[0]
    ours, theirs = sum(1 for _ in saved.root.walk()), sum(1 for _ in now.root.walk())
    return "the end of the plan" if ours != theirs else "nowhere"


async def check_matches(session: Session, plan: Plan, path: Path, out: Printer) -> None:
    """Refuse a saved plan the cloud no longer matches (see the module docstring)."""
    meta = plan.meta
    if meta.get("model") != session.name:
        raise PlanRefusedHere(f"--plan {path} was made for model '{meta.get('model')}', not "
                              f"'{session.name}'")
    cloud = await session.read_cloud()
    if cloud.fingerprint() == meta.get("cloud_fingerprint"):
        return
    try:
        fresh, _ = await make_plan(None, options_from_meta(meta.get("options") or {}),
                                   session=as_planning(session))
    except OctaneError as exc:
        raise PlanRefusedHere(f"the cloud no longer matches --plan {path}: planning it again "
                              f"fails ({exc.one_line()})") from None
    if fresh.plan.digest() != plan.digest():
        raise PlanRefusedHere(
            f"the cloud no longer matches --plan {path} (fingerprint "
            f"{meta.get('cloud_fingerprint')}, now {cloud.fingerprint()}; the plan would now "
            f"differ at {first_difference(plan, fresh.plan)!r})",
            hint="make a new plan with `octane plan -f json`")
    out.line("The cloud changed since the plan was made, but planning it again gives the same "
             "steps")


async def choose_plan(session: Session, journal: Journal, scope: str, request: Request,
                      out: Printer) -> Chosen:
    """Resume, saved or fresh plan (see the module docstring)."""
    record: RunRecord | None = None
    if request.resume == LATEST:
        runs = journal.runs(scope)
        if not runs:
            raise NotFound(f"no run of model '{session.name}' to resume in the journal",
                           hint="start one with `octane upgrade`")
        record = runs[0]
        if record.status == "completed":  # the engine says "already completed"
            return Chosen(record.plan(), record.id)
    elif request.resume is not None:
        record = journal.resolve(request.resume)
        if record.scope != scope:
            raise PlanRefusedHere(f"run {record.id} is about {record.scope}, not {scope}")
    elif not request.replan:
        record = journal.latest_unfinished(scope)
    saved = load_saved(request.plan_file) if request.plan_file is not None else None
    if record is not None:
        plan = record.plan()
        if saved is not None and saved.digest() != plan.digest():
            raise PlanRefusedHere(f"run {record.id} of this model is unfinished with another "
                                  "plan", hint="run `octane upgrade` to continue it, or add "
                                               "--replan to run this plan instead")
        check_same_request(plan, request.options, record.id)
        group = plan.meta.get("group", "all")
        out.line(f"Continuing run {record.id} ({record.status}, {group}) with its journaled "
                 "plan")
        return Chosen(plan, record.id)
    if saved is not None:
        assert request.plan_file is not None
        await check_matches(session, saved, request.plan_file, out)
        return Chosen(saved, None)
    out.line("Analyzing cloud... ✓")
    result, _ = await make_plan(None, request.options, session=as_planning(session))
    for warning in result.warnings:
        out.warning(warning.message)
    out.line("Generating upgrade plan... ✓")
    return Chosen(result.plan, None)
