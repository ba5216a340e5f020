"""The ``octane`` command-line application (cliff).

Commands are loaded with stevedore from the ``octane.commands`` entry-point namespace, so a
third party can add a command by shipping an entry point. This module owns what every
command shares: verbosity as COU defines it (warning by default; ``-v`` info; ``-vv`` debug
without libjuju and websockets; ``-vvv`` everything), one log file per run in the XDG data
directory, and the rule that an operator-caused error is one line on stderr, never a
traceback.

Start-up stays cheap: the command modules are imported only when their command runs (or
``octane help`` lists them), so ``octane plan`` does not pay for ``octane db copy``'s
dependencies.
"""

from __future__ import annotations

import importlib.metadata
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


class LazyCommandManager(CommandManager):
    """cliff's command manager without importing every command module at start-up.

    cliff's own manager loads each entry point through stevedore only to keep the entry
    point; importing all twelve command modules cost ~0.25 s of other commands' dependencies
    (pymysql, paramiko, the engine, the twin) on every run (benchmarks/RESULTS.md, "octane
    plan, large cloud"). The entry points are kept unloaded here; cliff loads the one it
    finds (``find_command``) and ``help`` loads them all, as with the stock manager.
    """

    def load_commands(self, namespace: str) -> None:
        """Register the namespace's entry points by name, without loading them."""
        self.group_list.append(namespace)
        for entry in importlib.metadata.entry_points(group=namespace):
            name = entry.name.replace("_", " ") if self.convert_underscores else entry.name
            if self._is_module_ignored(entry.value, self.ignored_modules):
                continue
            if name in self.commands:
                LOG.warning("command %r is registered twice (%s, %s); the second wins",
                            name, getattr(self.commands[name], "value", "?"), entry.value)
            self.commands[name] = entry


class OctaneApp(App):
    """The cliff application; see the module docstring for what it adds."""

    log_path: Path | None = None

    def __init__(self) -> None:
        super().__init__(
            description="Upgrade a Juju-deployed Charmed OpenStack cloud to the next release.",
            version=__version__,
            command_manager=LazyCommandManager("octane.commands"),
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
        self.log_path = attach_log_file()


def attach_log_file() -> Path | None:
    """Open this run's log file and send every record, at debug level, to it.

    Also called by a command run from another cliff application (``openstack upgrade ...``,
    see :class:`octane.commands.base.ErrorContract`): its log goes to the same place as under
    ``octane``. None when the data directory cannot be written -- a read-only home must not
    stop a read-only command.
    """
    try:
        path = new_log_file(paths.subdir("log"))
        handler = logging.FileHandler(path)
    except OSError as exc:
        LOG.debug("no log file: %s", exc)
        return None
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(name)s] %(message)s"))
    root = logging.getLogger()
    root.setLevel(logging.DEBUG)
    root.addHandler(handler)
    return path


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
