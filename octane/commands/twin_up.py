"""``octane twin up [SCENARIO]``: start a twin in the background and print how to use it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from cliff.command import Command

from octane.commands.base import ErrorContract
from octane.errors import UsageError
from octane.twin import runtime, scenario


class TwinUp(ErrorContract, Command):
    """Start a twin (a simulated Juju controller and cloud) from a scenario, detached."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        """SCENARIO is a name in etc/scenarios or a file; the data dir defaults per controller."""
        parser = super().get_parser(prog_name)
        parser.add_argument("scenario", nargs="?", default="mini",
                            help="scenario name (etc/scenarios) or YAML file (default: mini)")
        parser.add_argument("--data-dir", type=Path, default=None,
                            help="where the twin keeps JUJU_DATA, the juju shim and its state")
        parser.add_argument("--scale", type=float, default=None,
                            help="scenario seconds per wall second (default: the scenario's)")
        parser.add_argument("--wait", type=float, default=60.0,
                            help="seconds to wait for the twin to be ready (default: 60)")
        return parser

    def take_action(self, parsed_args: Any) -> int:
        """Validate the scenario, start the daemon, print the shell lines."""
        if parsed_args.scale is not None and parsed_args.scale <= 0:
            raise UsageError("--scale must be a positive number")
        path = scenario.resolve(parsed_args.scenario)
        spec = scenario.load(path)
        data_dir = parsed_args.data_dir or runtime.default_data_dir(spec.controller)
        info = runtime.start(path.resolve(), data_dir.resolve(), parsed_args.scale,
                             parsed_args.wait)
        out = self.app.stdout
        out.write(f"export JUJU_DATA={info['juju_data']}\n")
        out.write(f"export PATH={info['bin']}:$PATH\n")
        ssh_user = info.get("services", {}).get("databases", {}).get("ssh_user")
        if ssh_user:   # the machines' sshds take the user running the twin (docs/db.md)
            out.write(f"export OCTANE_SSH_USER={ssh_user}\n")
        openrc = Path(info["juju_data"]).parent / "openrc"
        if "openstack" in info.get("services", {}) and openrc.exists():
            # OS_* credentials stay in the 0600 file, never on the terminal.
            out.write(f". {openrc}\n")
        return 0
