"""``octane twin capture [--model M] > scenario.yaml``: a live model as a twin scenario.

So an operator can rehearse an upgrade on a copy of their own cloud: the model's machines,
AZs, applications, config, relations and statuses are read (read-only) through the Juju port
and printed as a scenario ``octane twin up scenario.yaml`` starts. What the copy keeps and
leaves out is listed in ``octane/twin/capture.py`` and ``docs/twin-charms.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from typing import Any

from cliff.command import Command

from octane.commands.base import ErrorContract
from octane.juju.capture import read_model_documents
from octane.twin import capture


class TwinCapture(ErrorContract, Command):
    """Print a twin scenario copying a live model (default: the current model)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        """``--model`` as for ``octane plan``; ``--controller`` names the copy."""
        parser = super().get_parser(prog_name)
        parser.add_argument("--model", metavar="MODEL_NAME", default=None,
                            help="[controller:][user/]model (default: the current model)")
        parser.add_argument("--controller", metavar="NAME", default="twin",
                            help="the twin's controller name in the copy (default: twin)")
        return parser

    def take_action(self, parsed_args: Any) -> int:
        """Read the model, write the scenario to stdout."""
        docs = asyncio.run(read_model_documents(parsed_args.model))
        document = capture.scenario(docs.status, docs.applications, docs.model_config,
                                    model=docs.model, controller=parsed_args.controller,
                                    charms=docs.charms)
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        sys.stdout.write(f"# Captured from model '{docs.model}' on controller "
                         f"'{docs.controller}' at {stamp} by `octane twin capture`.\n"
                         "# Start it with `octane twin up <this file>`; see "
                         "docs/twin-charms.md.\n")
        sys.stdout.write(capture.dump(document))
        return 0
