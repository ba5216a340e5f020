"""``octane twin down [DIR]``: stop a running twin."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from cliff.command import Command

from octane.commands.base import ErrorContract
from octane.errors import UsageError
from octane.twin import runtime


class TwinDown(ErrorContract, Command):
    """Stop a twin started with ``octane twin up`` (the only one, or the one in DIR)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        """DIR is the twin's data dir; it may be left out when one twin runs."""
        parser = super().get_parser(prog_name)
        parser.add_argument("data_dir", nargs="?", type=Path, default=None,
                            help="the twin's data dir (default: the only running twin)")
        return parser

    def take_action(self, parsed_args: Any) -> int:
        """Find the twin, stop it, say so."""
        data_dir = parsed_args.data_dir
        if data_dir is None:
            alive = [e for e in runtime.registered() if e["running"]]
            if not alive:
                raise UsageError("no twin is running")
            if len(alive) > 1:
                dirs = ", ".join(e["data_dir"] for e in alive)
                raise UsageError(f"several twins are running ({dirs}); name one")
            data_dir = Path(alive[0]["data_dir"])
        pid = runtime.stop(data_dir.resolve())
        self.app.stdout.write(f"stopped the twin in {data_dir} (pid {pid})\n")
        return 0
