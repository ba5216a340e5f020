"""``octane status [RUN]``: where a run stands, from the journal, without touching the cloud."""

from __future__ import annotations

import time
from typing import Any

from cliff.columns import FormattableColumn
from cliff.show import ShowOne

from octane.commands.base import ErrorContract
from octane.engine.journal import Journal, default_path
from octane.engine.summary import summarize
from octane.errors import NotFound


class Lines(FormattableColumn[list[str]]):
    """A list shown one item per line in a table, as a list in JSON/YAML."""

    def human_readable(self) -> str:
        """One item per line; "-" for none, so an empty cell still reads as an answer."""
        return "\n".join(self._value) or "-"


def _when(stamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(stamp))


class Status(ErrorContract, ShowOne):
    """Show a run: done, running, next, and what is safe to re-run."""

    def get_parser(self, prog_name: str) -> Any:
        """Add the optional RUN argument."""
        parser = super().get_parser(prog_name)
        parser.add_argument("run", nargs="?", metavar="RUN",
                            help="run id or unique prefix (default: the newest run)")
        return parser

    def take_action(self, parsed_args: Any) -> tuple[tuple[str, ...], tuple[Any, ...]]:
        """Read the journal (never creating it) and summarise the run."""
        path = default_path()
        if not path.exists():
            raise NotFound(f"no run recorded yet (no journal at {path})")
        journal = Journal(path)
        try:
            summary = summarize(journal, journal.resolve(parsed_args.run))
        finally:
            journal.close()
        run = summary.run
        resume = "-" if summary.status == "completed" else run.resume_command
        fields: list[tuple[str, Any]] = [
            ("run", run.id),
            ("status", summary.status),
            ("scope", run.scope or "-"),
            ("plan", run.plan_digest),
            ("started", _when(run.created)),
            ("updated", _when(run.updated)),
            ("progress", f"{summary.done_count} of {summary.total} steps done"),
            ("done", Lines(list(summary.done))),
            ("running", Lines(list(summary.running))),
            ("next", Lines(list(summary.next))),
            ("failed", Lines(list(summary.failed))),
            ("verify on resume", Lines(list(summary.verify_on_resume))),
            ("safe to re-run", summary.safe_to_rerun),
            ("resume with", resume),
            ("log", summary.log_path or "-"),
        ]
        return tuple(k for k, _ in fields), tuple(v for _, v in fields)
