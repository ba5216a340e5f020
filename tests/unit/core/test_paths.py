import stat
from pathlib import Path

import pytest

from octane import paths


def test_write_private_is_0600_in_0700(tmp_path: Path) -> None:
    target = tmp_path / "secrets" / "dump.sql"
    paths.write_private(target, "password=hunter2")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    assert target.read_text() == "password=hunter2"
    assert [p.name for p in target.parent.iterdir()] == ["dump.sql"]  # no temp file left


def test_data_dir_follows_octane_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCTANE_DATA", str(tmp_path / "d"))
    d = paths.data_dir()
    assert d == tmp_path / "d"
    assert stat.S_IMODE(d.stat().st_mode) == 0o700
    assert paths.subdir("log") == d / "log"


def test_data_dir_falls_back_to_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OCTANE_DATA", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert paths.data_dir() == tmp_path / "octane"
