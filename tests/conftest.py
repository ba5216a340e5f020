"""Shared test configuration: every test runs with its own octane data directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest_plugins = ["octane.twin.testing"]


@pytest.fixture(autouse=True)
def _octane_data(tmp_path_factory: pytest.TempPathFactory,
                 monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point OCTANE_DATA at a fresh directory so tests never touch the real ~/.local."""
    path = tmp_path_factory.mktemp("octane-data")
    monkeypatch.setenv("OCTANE_DATA", str(path))
    yield path
