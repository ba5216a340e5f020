"""Endpoint parsing, redaction and option files."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from octane.db.endpoint import Endpoint, option_file, parse_endpoint
from octane.errors import UsageError


def test_url_with_everything() -> None:
    ep = parse_endpoint("mysql://nova%40svc:p%3Ass%2Fw@db.example:3307")
    assert ep == Endpoint("db.example", 3307, "nova@svc", "p:ss/w")
    assert ep.address == "db.example:3307"


def test_defaults_and_mariadb_scheme() -> None:
    assert parse_endpoint("mariadb://10.0.0.5") == Endpoint("10.0.0.5", 3306, "root", "")


def test_password_never_shown() -> None:
    ep = parse_endpoint("mysql://root:hunter2@h:1")
    assert "hunter2" not in repr(ep) and "hunter2" not in str(ep)


@pytest.mark.parametrize("spec, message", [
    ("postgres://u:secret@h", "is not a database URL"),
    ("mysql://u:secret@h:99999", "invalid port"),
    ("mysql://u:secret@h/nova", "names a database"),
    ("mysql://", "names no host"),
    ("juju:", "names no model"),
])
def test_bad_specs_are_usage_errors_without_the_password(spec: str, message: str) -> None:
    with pytest.raises(UsageError, match=message) as caught:
        parse_endpoint(spec)
    assert "secret" not in caught.value.one_line()


def test_juju_form_needs_a_resolver() -> None:
    with pytest.raises(UsageError, match="need the Juju connection"):
        parse_endpoint("juju:openstack")

    class Fake:
        def resolve(self, model: str) -> Endpoint:
            return Endpoint(f"{model}.db", 3306, "root", "pw")

    assert parse_endpoint("juju:openstack", Fake()).host == "openstack.db"


def test_option_file_is_private_and_quoted(tmp_path: Path) -> None:
    path = option_file(Endpoint("h", 1, "u", 'p"a\\ss'), tmp_path / "secrets" / "client.cnf")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    text = path.read_text()
    assert 'password="p\\"a\\\\ss"' in text and "port=1" in text and "protocol=tcp" in text
