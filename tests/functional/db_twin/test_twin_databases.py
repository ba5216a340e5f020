"""The twin's ``databases:`` section: a real MariaDB behind each model's units.

Driven through the ``juju`` CLI shim and the real ``octane db copy`` process, asserted on
the servers themselves (rows, shadow rows, version tables), the machines' file trees and
the processes the twin started (all gone when it stops).
"""

from __future__ import annotations

import gzip
import json
import os
import stat
import subprocess
from pathlib import Path
from typing import Any

from octane.db.session import connect
from octane.twin.services.loopback import LOCK_DIR
from tests.functional.upgrade_db.rig import Rig, checksums, scenario, side_by_side

CORE = ("keystone", "glance", "nova_api", "nova", "nova_cell0", "neutron", "cinder",
        "placement", "heat")


def juju(rig: Rig, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["juju", *args], capture_output=True, text=True, env=rig.env,
                          timeout=120, check=False)


def action(rig: Rig, model: str, unit: str, name: str, *params: str) -> dict[str, Any]:
    done = juju(rig, "run", "-m", model, unit, name, *params, "--format", "json",
                "--wait", "60s")
    assert done.returncode == 0, done.stdout + done.stderr
    found: dict[str, Any] = json.loads(done.stdout)[unit]
    return found


def scalar(rig: Rig, model: str, sql: str) -> Any:
    with connect(rig.endpoint(model)) as session:
        return session.scalar(sql)


def test_each_model_has_its_server_where_juju_says(tmp_path: Path) -> None:
    with side_by_side(tmp_path) as rig:
        for model, tables in (("openstack", True), ("seed", False)):
            db = rig.databases.database(model)
            status = json.loads(juju(rig, "status", "-m", model, "--format", "json").stdout)
            unit = status["applications"]["mysql-innodb-cluster"]["units"][db.unit]
            assert unit["public-address"] == db.server.host
            assert db.server.port == 3306
            password = juju(rig, "exec", "-m", model, "--unit", db.unit, "--",
                            "leader-get", "mysql.passwd").stdout.strip()
            assert password == db.server.credentials.password
            with connect(rig.endpoint(model)) as session:
                for name in CORE:
                    count = session.scalar("SELECT COUNT(*) FROM information_schema.tables "
                                           "WHERE table_schema = %s", (name,))
                    assert (count > 0) is tables, (model, name, count)
        assert scalar(rig, "openstack", "SELECT COUNT(*) FROM nova.instances "
                                        "WHERE deleted <> 0") > 0
        assert scalar(rig, "openstack", "SELECT COUNT(*) FROM nova.shadow_instances") > 0
        processes = [rig.server(m)._process for m in ("openstack", "seed")]
        sshds = [m.sshd for db in rig.databases.models.values() for m in db.machines.values()]
        addresses = [m.lease.addr for db in rig.databases.models.values()
                     for m in db.machines.values()]
        roots = rig.databases.roots
    assert all(p is not None and p.poll() is not None for p in processes)
    assert all(s is not None and not s.running for s in sshds)
    assert not any((LOCK_DIR / a).exists() for a in addresses)
    assert not roots.exists()


def test_the_charms_actions_run_real_sql_and_write_real_dumps(tmp_path: Path) -> None:
    with side_by_side(tmp_path) as rig:
        db = rig.databases.database("openstack")
        dump = action(rig, "openstack", db.unit, "mysqldump", "databases=keystone,nova")
        remote = dump["results"]["mysqldump-file"]
        assert remote.startswith("/var/backups/mysql/mysqldump-keystone-nova-")
        local = db.root() / remote.lstrip("/")
        assert stat.S_IMODE(local.stat().st_mode) == 0o600
        text = gzip.decompress(local.read_bytes())
        assert b"CREATE TABLE `instances`" in text and b"CREATE TABLE `images`" not in text

        deleted = scalar(rig, "openstack", "SELECT COUNT(*) FROM nova.instances "
                                           "WHERE deleted <> 0")
        shadow = scalar(rig, "openstack", "SELECT COUNT(*) FROM nova.shadow_instances")
        first = action(rig, "openstack", "nova-cloud-controller/0", "archive-data",
                       "batch-size=3")
        assert "Number of Rows Archived" in first["results"]["archive-deleted-rows"]
        assert scalar(rig, "openstack", "SELECT COUNT(*) FROM nova.instances "
                                        "WHERE deleted <> 0") == deleted - 3
        assert scalar(rig, "openstack", "SELECT COUNT(*) FROM nova.shadow_instances") == \
            shadow + 3
        action(rig, "openstack", "nova-cloud-controller/0", "archive-data",
               "batch-size=10000")
        assert scalar(rig, "openstack", "SELECT COUNT(*) FROM nova.instances "
                                        "WHERE deleted <> 0") == 0
        purged = action(rig, "openstack", "nova-cloud-controller/0", "purge-data",
                        "before=2999-01-01 00:00")  # a bare date: the shim YAML-parses it
        assert purged["status"] == "completed"
        assert scalar(rig, "openstack", "SELECT COUNT(*) FROM nova.shadow_instances") == 0


def _seeded_seed(doc: dict[str, Any]) -> None:
    doc["models"]["seed"]["databases"] = {"release": "ussuri"}


def test_schema_sync_lines_move_the_schema_to_the_units_release(tmp_path: Path) -> None:
    with side_by_side(tmp_path, scenario(tweak=_seeded_seed)) as rig:
        assert scalar(rig, "seed", "SELECT version FROM keystone.migrate_version") == 75
        done = juju(rig, "exec", "-m", "seed", "--unit", "keystone/0", "--",
                    "sudo", "keystone-manage", "db_sync")
        assert done.returncode == 0, done.stderr
        assert scalar(rig, "seed", "SELECT version FROM keystone.migrate_version") == 76
        nova = juju(rig, "exec", "-m", "seed", "--unit", "nova-cloud-controller/0", "--",
                    "nova-manage", "db", "sync")
        assert nova.returncode == 0, nova.stderr
        assert scalar(rig, "seed", "SELECT version FROM nova.migrate_version") == 412
        assert scalar(rig, "seed", "SELECT version FROM nova_cell0.migrate_version") == 412
        # on the original (ussuri units) the same line has nothing to do
        juju(rig, "exec", "-m", "openstack", "--unit", "keystone/0", "--",
             "keystone-manage", "db_sync")
        assert scalar(rig, "openstack", "SELECT version FROM keystone.migrate_version") == 75
        # a unit of another service has no keystone-manage
        wrong = juju(rig, "exec", "-m", "seed", "--unit", "glance/0", "--",
                     "keystone-manage", "db_sync")
        assert wrong.returncode != 0
        assert scalar(rig, "seed", "SELECT version FROM keystone.migrate_version") == 76


def test_db_copy_between_two_models_found_through_juju(tmp_path: Path) -> None:
    with side_by_side(tmp_path) as rig:
        env_before = dict(rig.env)
        done = rig.run("db", "copy", "juju:openstack", "juju:seed", "-f", "json")
        assert done.code == 0, done.out[-2000:] + done.err[-2000:]
        rows = json.loads(done.out)
        assert rows and all(r["Status"].startswith("ok") for r in rows)
        assert checksums(rig.endpoint("seed")) == checksums(rig.endpoint("openstack"))
        password = rig.server("openstack").credentials.password
        assert password not in done.out + done.err
        assert "visible to other users" not in done.err
        assert rig.env == env_before and not any("PASSWORD" in k for k in os.environ
                                                  if k.startswith("OCTANE_DB"))
