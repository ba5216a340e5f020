"""``octane twin list``: the twins started on this machine."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cliff.lister import Lister

from octane.commands.base import ErrorContract
from octane.twin import runtime


class TwinList(ErrorContract, Lister):
    """List twins started with ``octane twin up`` and whether they still run."""

    def take_action(self, parsed_args: Any) -> tuple[tuple[str, ...], Iterable[tuple[Any, ...]]]:
        """One row per registered twin."""
        rows = [(e["controller"], e["scenario"], e["pid"], e["api"],
                 "running" if e["running"] else "stopped", e["data_dir"])
                for e in runtime.registered()]
        return ("Controller", "Scenario", "PID", "API", "Status", "Data dir"), rows
