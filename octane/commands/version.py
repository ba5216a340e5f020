"""``octane version``: print the version of octane and of the libraries it drives."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import metadata
from typing import Any

from cliff.lister import Lister

from octane import __version__
from octane.commands.base import ErrorContract


class Version(ErrorContract, Lister):
    """Show octane's version and the versions of the libraries that talk to the cloud."""

    def take_action(self, parsed_args: Any) -> tuple[tuple[str, str], Iterable[tuple[str, str]]]:
        """List octane and its client libraries, as operators attach this to bug reports."""
        rows = [("octane", __version__)]
        for dist in ("juju", "openstacksdk", "PyMySQL", "paramiko", "cliff"):
            try:
                rows.append((dist, metadata.version(dist)))
            except metadata.PackageNotFoundError:
                rows.append((dist, "not installed"))
        return ("Component", "Version"), rows
