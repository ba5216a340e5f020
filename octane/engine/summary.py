"""Where a run stands, from its journal: what ``octane status`` shows.

An operator coming back to an interrupted maintenance window asks four things: did the run
die or is it still going, what is finished, what was in flight, and what happens if I run it
again. :func:`summarize` answers from the journal alone (no cloud access), using the same
scheduler as the run, so "next" is exactly what a resume would start first.

"Done" lists only the largest finished subtrees (an application whose every step is done is
one line, not ten); "verify on resume" lists the steps started but not recorded finished,
which a resume checks with their action's ``verify`` and redoes only if needed.
"""

from __future__ import annotations

from dataclasses import dataclass

from octane.engine.graph import PlanGraph
from octane.engine.journal import UNFINISHED, Journal, RunLock, RunRecord, StepRecord
from octane.engine.scheduler import Scheduler


@dataclass(frozen=True)
class RunSummary:
    """One run as ``octane status`` reports it."""

    run: RunRecord
    #: The journal's status, except a ``running`` run whose process died is ``interrupted``.
    status: str
    pid: int | None
    total: int
    done_count: int
    done: tuple[str, ...]
    running: tuple[str, ...]
    next: tuple[str, ...]
    failed: tuple[str, ...]
    verify_on_resume: tuple[str, ...]
    safe_to_rerun: str
    log_path: str | None


def _label(graph: PlanGraph, sid: str) -> str:
    return f"{graph.step(sid).description} [{sid}]"


def _next_actions(graph: PlanGraph, records: dict[str, StepRecord]) -> list[str]:
    """The actions a resume would start first: replay groups until only actions remain."""
    sched = Scheduler(graph, max_parallel=len(graph) or 1,
                      done={s for s, r in records.items() if r.state == "done"},
                      acted={s for s, r in records.items() if r.state in ("acted", "done")})
    while True:
        startable = sched.startable()
        groups = [s for s in startable if not sched.needs_action(s)]
        if not groups:
            return [s for s in startable if sched.needs_action(s)]
        sched.start(groups[0])
        sched.acted(groups[0])


def summarize(journal: Journal, run: RunRecord) -> RunSummary:
    """Summarise ``run`` from ``journal``; see the module docstring."""
    graph = PlanGraph(run.plan().root)
    records = {s: r for s, r in journal.steps(run.id).items() if s in graph.nodes}
    pid = RunLock(run.id, journal.path.parent).holder()
    live = pid is not None
    status = "interrupted" if run.status == "running" and not live else run.status
    done = {s for s, r in records.items() if r.state == "done"}
    top_done = [n.id for n in graph if n.id in done and (n.parent is None or n.parent not in done)]
    in_flight = [n.id for n in graph if n.id in records
                 and records[n.id].state == "running" and n.step.action is not None]
    failed = [f"{_label(graph, n.id)}: {records[n.id].error}" for n in graph
              if n.id in records and records[n.id].state in ("failed", "cancelled", "stopped")]
    unfinished = [n.id for n in graph if n.id in records and records[n.id].state in UNFINISHED
                  and n.step.action is not None]
    nxt = [] if status == "completed" else [
        s for s in _next_actions(graph, records) if not (live and s in in_flight)]
    if status == "completed":
        safe = "nothing to re-run: the run completed"
    elif live:
        safe = f"not now: process {pid} is running it (Ctrl+C stops it safely)"
    else:
        safe = ("yes: finished steps are skipped"
                + (f"; {len(unfinished)} interrupted step(s) are verified first and redone "
                   "only if needed" if unfinished else ""))
    attempts = journal.attempts(run.id)
    return RunSummary(
        run=run, status=status, pid=pid, total=len(graph),
        done_count=len(done & graph.nodes.keys()),
        done=tuple(_label(graph, s) for s in top_done),
        running=tuple(_label(graph, s) for s in in_flight) if live else (),
        next=tuple(_label(graph, s) for s in nxt),
        failed=tuple(failed),
        verify_on_resume=() if live else tuple(_label(graph, s) for s in unfinished),
        safe_to_rerun=safe,
        log_path=attempts[-1].log_path if attempts else None)
