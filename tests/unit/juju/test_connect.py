"""Connecting through libjuju's JUJU_DATA handling: each failure is one line, no traceback.

No controller runs here: the client configuration points at a loopback port nobody listens
on, which is exactly what an operator with a stale JUJU_DATA or a down controller sees.
"""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest
import yaml

from octane.errors import ConnectionFailed, NotFound
from octane.juju.model import JujuModel
from octane.juju.settings import JujuSettings

FAST = JujuSettings(timeout=1, model_retries=0, model_retry_backoff=0)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def juju_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    port = _closed_port()
    (tmp_path / "cookies").mkdir()
    (tmp_path / "cookies" / "ctl.json").write_text("[]")
    (tmp_path / "controllers.yaml").write_text(yaml.safe_dump({
        "current-controller": "ctl",
        "controllers": {"ctl": {"uuid": "c-uuid", "api-endpoints": [f"127.0.0.1:{port}"],
                                "ca-cert": ""}}}))
    (tmp_path / "models.yaml").write_text(yaml.safe_dump({"controllers": {"ctl": {
        "current-model": "admin/openstack",
        "models": {"admin/openstack": {"uuid": "m-uuid", "type": "iaas"}}}}}))
    (tmp_path / "accounts.yaml").write_text(yaml.safe_dump({"controllers": {"ctl": {
        "user": "admin", "password": "secret"}}}))
    monkeypatch.setenv("JUJU_DATA", str(tmp_path))
    return tmp_path


def test_unreachable_controller_is_one_line(juju_data: Path) -> None:
    with pytest.raises(ConnectionFailed) as info:
        asyncio.run(JujuModel.connect("openstack", FAST))
    assert "cannot reach the controller" in info.value.one_line()
    assert "admin/openstack" in info.value.one_line()


def test_unknown_controller_is_not_found(juju_data: Path) -> None:
    with pytest.raises(NotFound, match="nope"):
        asyncio.run(JujuModel.connect("nope:openstack", FAST))


def test_no_current_model_is_not_found(juju_data: Path) -> None:
    models = yaml.safe_load((juju_data / "models.yaml").read_text())
    del models["controllers"]["ctl"]["current-model"]
    (juju_data / "models.yaml").write_text(yaml.safe_dump(models))
    with pytest.raises(NotFound, match="no current Juju model"):
        asyncio.run(JujuModel.connect(None, FAST))


def test_missing_client_configuration_is_not_found(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUJU_DATA", str(tmp_path / "empty"))
    with pytest.raises(NotFound, match=r"controllers\.yaml"):
        asyncio.run(JujuModel.connect("openstack", FAST))
