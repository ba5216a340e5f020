"""``octane twin up/down/list`` as an operator runs them (a real detached daemon)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from octane.errors import OctaneError
from octane.twin import runtime


def octane(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "octane.cli", *args], capture_output=True,
                          text=True, timeout=90, env=env or dict(os.environ), check=False)


def test_up_list_down(tmp_path: Path) -> None:
    data_dir = tmp_path / "twin"
    try:
        up = octane("twin", "up", "mini", "--data-dir", str(data_dir), "--scale", "2000")
        assert up.returncode == 0, up.stderr
        lines = up.stdout.splitlines()
        assert lines[0] == f"export JUJU_DATA={data_dir / 'juju'}"
        assert lines[1] == f"export PATH={data_dir / 'bin'}:$PATH"
        info = json.loads((data_dir / "twin.json").read_text())
        assert info["ports"]["api"] != info["ports"]["admin"]
        env = dict(os.environ, JUJU_DATA=str(data_dir / "juju"))
        status = subprocess.run([str(data_dir / "bin" / "juju"), "status", "--format", "json"],
                                capture_output=True, text=True, timeout=60, env=env,
                                check=True)
        assert "keystone" in json.loads(status.stdout)["applications"]
        listed = json.loads(octane("twin", "list", "-f", "json").stdout)
        assert [(e["Controller"], e["Status"], e["PID"]) for e in listed] == [
            ("twin", "running", info["pid"])]
        again = octane("twin", "up", "mini", "--data-dir", str(data_dir))
        assert again.returncode == 1
        assert again.stderr.startswith("octane: error: a twin is already running in")
        down = octane("twin", "down")
        assert down.returncode == 0, down.stderr
        assert f"(pid {info['pid']})" in down.stdout
        assert not runtime.alive(info["pid"]) or runtime.running(data_dir) is None
        listed = json.loads(octane("twin", "list", "-f", "json").stdout)
        assert listed == []
        none_left = octane("twin", "down")
        assert none_left.returncode == 2
        assert none_left.stderr == "octane: error: no twin is running\n"
    finally:
        if runtime.running(data_dir):
            runtime.stop(data_dir)


@pytest.mark.parametrize(("args", "code", "message"), [
    (["nope"], 1, 'no scenario named "nope"'),
    (["mini", "--scale", "0"], 2, "--scale must be a positive number"),
])
def test_up_refuses(tmp_path: Path, args: list[str], code: int, message: str) -> None:
    result = octane("twin", "up", *args, "--data-dir", str(tmp_path / "t"))
    assert result.returncode == code
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_up_reports_an_impossible_scenario(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("models:\n  m:\n    applications:\n      a: {to: ['9']}\n")
    result = octane("twin", "up", str(bad), "--data-dir", str(tmp_path / "t"))
    assert result.returncode == 1
    assert result.stderr == ('octane: error: bad.yaml: models.m.applications.a.to[0]: '
                             'machine "9" is not declared\n')


def test_down_of_a_directory_without_twin(tmp_path: Path) -> None:
    with pytest.raises(OctaneError, match="no twin is running"):
        runtime.stop(tmp_path)
