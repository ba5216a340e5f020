"""``octane upgrade [control-plane|data-plane|hypervisors]``: run the in-place plan.

The flags are ``octane plan``'s (shared: :func:`octane.commands.plan.add_plan_arguments`)
plus ``--auto-approve``, ``--quiet``, ``--max-parallel``, ``--plan FILE``, ``--resume RUN``
and ``--replan``. What it runs, in this order of precedence:

1. an *unfinished run* of this model in the journal (interrupted, stopped, failed): its
   journaled plan is continued where it stopped, the step that was running re-verified
   first. A half-upgraded cloud is never re-planned behind the operator's back; flags that
   would shape a different plan are refused with a pointer to ``--replan``;
2. ``--plan FILE``: exactly that saved plan, if the cloud still matches it
   (:mod:`octane.commands.upgrade_plans`);
3. otherwise a fresh plan, built as ``octane plan`` builds it.

Then :func:`octane.engine.run_plan` does the rest: the plan and the run prompt, a prompt per
application and AZ group (unless ``--auto-approve``), progress, Ctrl+C handling, the journal,
the closing lines and the command that resumes. The exit status is the engine's.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cliff.command import Command

from octane.commands.base import ErrorContract
from octane.commands.plan import add_plan_arguments, nova_emptiness, options_from_args
from octane.commands.upgrade_plans import Session, choose_plan
from octane.engine import RunOptions, log_banner, run_plan
from octane.engine.journal import Journal
from octane.errors import UsageError
from octane.plan.options import PlanOptions

if TYPE_CHECKING:  # the port is imported only when credentials are given
    from octane.openstack import OpenStackClient

#: Actions at once by default. COU upgrades every unit of an AZ at once; 128 keeps that for
#: AZs of up to ~120 hypervisors (benchmarks/RESULTS.md: at 8, the large cloud's simulated
#: upgrade takes 7x longer), while bounding the load on the controller.
DEFAULT_MAX_PARALLEL = 128


async def _connect(model: str | None) -> Session:
    # imported here: cliff imports every command module at startup (see plan.py)
    from octane.juju.model import JujuModel

    return await JujuModel.connect(model)


#: How ``upgrade`` opens the model (the Juju port); tests may replace it.
open_model: Callable[[str | None], Awaitable[Session]] = _connect


@dataclass(frozen=True)
class Request:
    """What the operator asked for, validated."""

    model: str | None
    options: PlanOptions
    auto_approve: bool
    quiet: bool
    max_parallel: int
    plan_file: Path | None
    resume: str | None
    replan: bool
    log_path: Path | None

    def resume_command(self) -> str:
        """How to continue this run (the journal finds it again)."""
        parts = ["octane upgrade"]
        if self.options.group:
            parts.append(self.options.group)
        if self.model:
            parts.append(f"--model {self.model}")
        if self.plan_file is not None:
            parts.append(f"--plan {self.plan_file}")
        return " ".join(parts)


def _positive(text: str, flag: str) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        value = 0
    if value < 1:
        raise UsageError(f"{flag} must be a positive integer, not {text!r}")
    return value


class Printer:
    """COU's lines around the run ("Connected to 'm' ✓"), silenced by --quiet."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    def line(self, text: str) -> None:
        """One progress line on stdout."""
        if not self.quiet:
            sys.stdout.write(text + "\n")
            sys.stdout.flush()

    def warning(self, text: str) -> None:
        """A planning warning on stderr."""
        if not self.quiet:
            sys.stderr.write(f"octane: warning: {text}\n")


async def upgrade(request: Request) -> int:
    """Connect, choose the plan (resume, saved, fresh), run it; the exit status."""
    out = Printer(request.quiet)
    session = await open_model(request.model)
    nova: OpenStackClient | None = None
    try:
        out.line(f"Connected to '{session.name}' ✓")
        scope = f"upgrade:{session.controller}:{session.name}"
        journal = await asyncio.to_thread(Journal)
        try:
            chosen = await choose_plan(session, journal, scope, request, out)
        finally:
            await asyncio.to_thread(journal.close)
        nova, note = await nova_emptiness()
        if note:
            out.warning(note)
        from octane.actions import RunNotes, Settings, UpgradeDeps, registry

        deps = UpgradeDeps(juju=session, notes=RunNotes(), nova=nova,
                           settings=Settings.from_env(chosen.plan.meta,
                                                      force=request.options.force))
        outcome = await run_plan(chosen.plan, registry(), deps, RunOptions(
            auto_approve=request.auto_approve, quiet=request.quiet,
            max_parallel=request.max_parallel, resume=chosen.resume, scope=scope,
            resume_command=request.resume_command(), log_path=request.log_path))
        return outcome.exit_code
    finally:
        if nova is not None:
            await nova.close()
        await session.close()


class Upgrade(ErrorContract, Command):
    """Upgrade the cloud to the next OpenStack release, step by step (resumable)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        """``octane plan``'s flags plus the run's own."""
        parser = super().get_parser(prog_name)
        add_plan_arguments(parser)
        parser.add_argument("--auto-approve", action="store_true",
                            help="do not ask before each step (for scripts)")
        parser.add_argument("--quiet", "-q", action="store_true",
                            help="print only the plan, prompts and important lines")
        parser.add_argument("--max-parallel", default=str(DEFAULT_MAX_PARALLEL), metavar="N",
                            help=f"at most N actions at once (default {DEFAULT_MAX_PARALLEL})")
        parser.add_argument("--plan", dest="plan_file", type=Path, metavar="FILE",
                            help="run exactly this saved plan (`octane plan -f json`), if the "
                                 "cloud still matches it")
        parser.add_argument("--resume", metavar="RUN", nargs="?", const="latest",
                            default=None,
                            help="continue this run (id or prefix), or without RUN the newest "
                                 "run of the model: nothing to do if it completed (by "
                                 "default an unfinished run is continued anyway)")
        parser.add_argument("--replan", action="store_true",
                            help="plan again from the cloud as it is now instead of "
                                 "continuing an unfinished run")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> int:
        """Print the log file's path, then run (see the module docstring)."""
        quiet = bool(parsed_args.quiet) or getattr(self.app.options, "verbose_level", 1) == 0
        if not quiet:
            sys.stdout.write(log_banner(self.log_path) + "\n")
            sys.stdout.flush()
        if parsed_args.replan and parsed_args.resume:
            raise UsageError("--replan and --resume cannot be used together")
        request = Request(
            model=parsed_args.model, options=options_from_args(parsed_args),
            auto_approve=parsed_args.auto_approve, quiet=quiet,
            max_parallel=_positive(parsed_args.max_parallel, "--max-parallel"),
            plan_file=parsed_args.plan_file, resume=parsed_args.resume,
            replan=parsed_args.replan, log_path=self.log_path)
        return asyncio.run(upgrade(request))
