"""The error contract, through a real `octane` process; the application's start-up."""

import asyncio
import importlib.metadata
import subprocess
import sys

import cliff.command as cliff_command
import pytest

from octane.cli import OctaneApp
from octane.commands.base import run_async
from octane.commands.plan import Plan


def _octane(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "octane.cli", *args],
                          capture_output=True, text=True, timeout=60, check=False)


def test_unknown_command_is_usage_error() -> None:
    proc = _octane("no-such-command")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout


def test_bad_flag_is_usage_error() -> None:
    proc = _octane("version", "--bogus")
    assert proc.returncode == 2
    assert "unrecognized arguments: --bogus" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_version_lists_client_libraries() -> None:
    proc = _octane("version", "-f", "value")
    assert proc.returncode == 0, proc.stderr
    names = [line.split()[0] for line in proc.stdout.splitlines()]
    assert names[:3] == ["octane", "juju", "openstacksdk"]


def test_help_lists_every_registered_command() -> None:
    registered = {ep.name.replace("_", " ")
                  for ep in importlib.metadata.entry_points(group="octane.commands")}
    proc = _octane("--help")
    assert proc.returncode == 0, proc.stderr
    listed = proc.stdout.split("\nCommands:\n", 1)[1]
    shown = {line[2:15].strip() for line in listed.splitlines() if line.startswith("  ")}
    assert registered <= shown
    assert "Could not load" not in proc.stdout


def test_a_command_imports_only_its_own_module() -> None:
    # cliff's stock manager imported every command module (and their dependencies) at
    # start-up; octane's loads the one that runs
    code = ("import sys; from octane.cli import main; main(['version', '-f', 'value']); "
            "print(sorted(m for m in sys.modules if m.startswith('octane.commands.')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "['octane.commands.base', 'octane.commands.version']"


def test_command_help_does_not_scan_installed_distributions(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def scan() -> dict[str, str]:
        raise AssertionError("scanned every installed distribution")

    monkeypatch.setattr(cliff_command, "_get_distributions_by_modules", scan)
    app = OctaneApp()
    parser = Plan(app, None, cmd_name="plan").get_parser("octane plan")
    assert "--az-batch" in parser.format_help()


def test_run_async_returns_the_result_without_formatting_it() -> None:
    # asyncio.Runner on 3.11 formats the repr of the finished main task (and so of its
    # result) when it restores the SIGINT handler; a plan's result is a whole cloud
    class Big:
        reprs = 0

        def __repr__(self) -> str:
            Big.reprs += 1
            return "Big()"

    async def main() -> Big:
        await asyncio.sleep(0)
        return Big()

    value = run_async(main())
    assert isinstance(value, Big)
    assert Big.reprs == 0
