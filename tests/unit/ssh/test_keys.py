"""Finding the Juju client key and reading recorded host keys (no server needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from octane.errors import NotFound
from octane.ssh.client import (
    HostKeyMismatch,
    Machine,
    _pinned,
    client_key_path,
    juju_data,
    parse_public_keys,
)

ED25519 = ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMbw7ndsUs3Zfp2nYrLc+lW2ctPm/sQxOnSPVYAkLHPB "
           "root@machine-0")


def test_juju_data_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           ) -> None:
    monkeypatch.setenv("JUJU_DATA", str(tmp_path))
    assert juju_data() == tmp_path
    monkeypatch.delenv("JUJU_DATA")
    assert juju_data() == Path.home() / ".local" / "share" / "juju"


def test_client_key_prefers_ed25519_then_rsa(tmp_path: Path) -> None:
    ssh = tmp_path / "ssh"
    ssh.mkdir()
    with pytest.raises(NotFound, match="no Juju client key in"):
        client_key_path(tmp_path)
    (ssh / "juju_id_rsa").write_text("rsa")
    assert client_key_path(tmp_path) == ssh / "juju_id_rsa"
    (ssh / "juju_id_ed25519").write_text("ed")
    assert client_key_path(tmp_path) == ssh / "juju_id_ed25519"


def test_public_keys_parse_from_facade_text() -> None:
    assert parse_public_keys(f"# header\n\n{ED25519}\n") == (ED25519,)
    assert parse_public_keys([ED25519, "  "]) == (ED25519,)
    [key] = _pinned(Machine("m", "h", (ED25519,)))
    assert key.get_name() == "ssh-ed25519"


def test_unusable_host_keys_refuse() -> None:
    with pytest.raises(HostKeyMismatch, match="no usable host key for m"):
        _pinned(Machine("m", "h", ("ssh-ed25519 not-base64!", "x")))
