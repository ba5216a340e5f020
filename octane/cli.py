"""The ``octane`` command-line application (cliff).

Commands are loaded with stevedore from the ``octane.commands`` entry-point namespace, so a
third party can add a command by shipping an entry point. This module owns what every
command shares: verbosity as COU defines it (warning by default; ``-v`` info; ``-vv`` debug
without libjuju and websockets; ``-vvv`` everything), one log file per run in the XDG data
directory, and the rule that an operator-caused error is one line on stderr, never a
traceback.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from cliff.app import App
from cliff.commandmanager import CommandManager

from octane import __version__, paths

LOG = logging.getLogger(__name__)

#: Loggers that stay quiet below -vvv, as in COU.
NOISY_LOGGERS = ("juju", "websockets", "asyncio", "urllib3", "stevedore", "keystoneauth",
                 "openstack", "paramiko")


class OctaneApp(App):
    """The cliff application; see the module docstring for what it adds."""

    log_path: Path | None = None

    def __init__(self) -> None:
        super().__init__(
            description="Upgrade a Juju-deployed Charmed OpenStack cloud to the next release.",
            version=__version__,
            command_manager=CommandManager("octane.commands"),
            deferred_help=True,
        )

    def configure_logging(self) -> None:
        """Console at the operator's verbosity; a per-run file log at debug level."""
        root = logging.getLogger()
        root.setLevel(logging.DEBUG)
        for handler in list(root.handlers):
            root.removeHandler(handler)
        level = self.options.verbose_level
        console = logging.StreamHandler(sys.stderr)
        console.setLevel({0: logging.ERROR, 1: logging.WARNING, 2: logging.INFO}.get(
            level, logging.DEBUG))
        console.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        root.addHandler(console)
        for name in NOISY_LOGGERS:
            logging.getLogger(name).setLevel(logging.DEBUG if level >= 4 else logging.INFO)
        try:
            self.log_path = new_log_file(paths.subdir("log"))
            file_handler = logging.FileHandler(self.log_path)
            file_handler.setLevel(logging.DEBUG)
            file_handler.setFormatter(logging.Formatter(
                "%(asctime)s %(levelname)s [%(name)s] %(message)s"))
            root.addHandler(file_handler)
        except OSError as exc:  # a read-only home must not stop a read-only command
            self.log_path = None
            LOG.debug("no log file: %s", exc)


def new_log_file(log_dir: Path) -> Path:
    """A log file of this process alone: COU's timestamped name, or with the pid added when
    another octane process took that name within the same second (a resume right after an
    interruption, ``octane status`` beside a running upgrade)."""
    stamp = time.strftime("%Y%m%d%H%M%S")
    for name in (f"octane-{stamp}.log", f"octane-{stamp}-{os.getpid()}.log"):
        try:
            with (log_dir / name).open("x"):
                return log_dir / name
        except FileExistsError:
            continue
    return log_dir / f"octane-{stamp}-{os.getpid()}.log"


def main(argv: Sequence[str] | None = None) -> int:
    """Console-script entry point."""
    return OctaneApp().run(list(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
