"""A real process running the engine on a saved plan with the test actions.

    python -m tests.functional.engine.driver PLAN.json WORKDIR [--auto-approve] [--quiet]
        [--max-parallel N] [--resume latest|RUN] [--allow-plan-change] [--heartbeat S]

It does what ``octane upgrade`` will do around :func:`octane.engine.run_plan`: open a per-run
log file in the XDG data dir and print its path first, run (or resume) the plan with the real
journal, terminal and signals, and exit with the outcome's status.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path

from octane import paths
from octane.cli import new_log_file
from octane.engine import RunOptions, run_plan
from octane.engine.console import log_banner
from octane.errors import OctaneError
from octane.plan.step import Plan
from tests.functional.engine.actions import Work, registry


def _log_file() -> Path:
    path = new_log_file(paths.subdir("log"))
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(name)s] %(message)s"))
    root = logging.getLogger()
    root.setLevel(logging.DEBUG)
    root.addHandler(handler)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="engine-driver")
    parser.add_argument("plan", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("--auto-approve", action="store_true")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--max-parallel", type=int, default=4)
    parser.add_argument("--resume")
    parser.add_argument("--allow-plan-change", action="store_true")
    parser.add_argument("--heartbeat", type=float, default=30.0)
    args = parser.parse_args(argv)
    log_path = _log_file()
    if not args.quiet:
        print(log_banner(log_path), flush=True)
    plan = Plan.from_dict(json.loads(args.plan.read_text()))
    options = RunOptions(
        auto_approve=args.auto_approve, quiet=args.quiet, max_parallel=args.max_parallel,
        resume=args.resume, scope="engine-test", allow_plan_change=args.allow_plan_change,
        resume_command=f"engine-driver {args.plan} {args.work} --resume {{run_id}}",
        log_path=log_path, heartbeat=args.heartbeat)
    try:
        outcome = asyncio.run(run_plan(plan, registry(), Work(args.work), options))
    except OctaneError as exc:
        sys.stderr.write(f"octane: error: {exc.one_line()}\n")
        return exc.exit_code
    return outcome.exit_code


if __name__ == "__main__":
    sys.exit(main())
