"""The error contract, through a real `octane` process."""

import subprocess
import sys


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
