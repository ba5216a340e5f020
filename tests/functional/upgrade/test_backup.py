"""The MySQL backup step on the twin: ``mysqldump`` on the leader, the dump copied home.

The scenario gets a ``databases:`` section, so a real MariaDB stands behind
mysql-innodb-cluster and its leader's machine runs a real sshd with a host key the twin's
Juju records (docs/db.md): the dump is a real gzipped ``mysqldump``, fetched over the SSH
port with that host key verified, and lands 0600 in the octane data dir.
"""

from __future__ import annotations

import gzip
import stat
from pathlib import Path
from typing import Any

import pytest

from octane.engine.journal import Journal
from tests.functional.upgrade.cloud import octane_on, scenario
from tests.real import need_binaries


def _with_database(doc: dict[str, Any]) -> None:
    doc["models"]["openstack"]["databases"] = {"release": "ussuri", "size": "tiny"}


@pytest.mark.real
def test_the_dump_lands_privately_in_the_data_dir(tmp_path: Path) -> None:
    need_binaries("mariadbd", "sshd", what="the MySQL backup over SSH")
    with octane_on(scenario("focal-ussuri", vms=False, tweak=_with_database),
                   tmp_path) as octane:
        run = octane.run("upgrade", "control-plane", "--auto-approve", "--no-archive")
        assert run.code == 0, run.out[-2000:] + run.err[-2000:]
        journal = Journal(octane.data / "journal" / "octane.sqlite")
        try:
            result = journal.steps(journal.resolve(None).id)["pre/backup"].result
        finally:
            journal.close()
        local = Path(result["local"])
        assert result["unit"] == "mysql-innodb-cluster/0"
        assert local == octane.data / "backups" / "openstack" / Path(result["remote"]).name
        assert f"Database dump of 'mysql-innodb-cluster' saved to {local}" in run.out
        text = gzip.decompress(local.read_bytes()).decode(errors="replace")
        assert "CREATE DATABASE" in text and "`keystone`" in text  # a real dump
        assert stat.S_IMODE(local.stat().st_mode) == 0o600
        assert stat.S_IMODE(local.parent.stat().st_mode) == 0o700
        assert sorted(p.name for p in local.parent.iterdir()) == [local.name]  # no temp left
