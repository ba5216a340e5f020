"""The twin's database actions against a real MariaDB: mysqldump, archive, purge."""

from __future__ import annotations

import datetime as dt
import gzip
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from octane.twin.db import actions, commands, seed
from octane.twin.services.mariadb import MariaDBServer
from tests.functional.db.checks import table_sums
from tests.functional.db.servers import mariadb

CELL_TABLES = ("instances", "instance_extra", "instance_metadata", "instance_system_metadata",
               "instance_info_caches", "instance_actions", "instance_actions_events",
               "block_device_mapping", "virtual_interfaces")


@pytest.fixture
def cloud(tmp_path: Path) -> Iterator[MariaDBServer]:
    """A seeded model database server (tiny: 40 instances, every 5th soft-deleted)."""
    with mariadb(tmp_path, "model") as server:
        seed.seed(server, seed.SeedSize.tiny())
        yield server


def count(server: MariaDBServer, sql: str) -> int:
    return int(server.scalar(sql) or 0)


def test_mysqldump_writes_a_private_gzip_that_restores(cloud: MariaDBServer,
                                                       tmp_path: Path) -> None:
    when = dt.datetime(2024, 5, 6, 7, 8)
    path = actions.mysqldump(cloud, tmp_path / "backups", ["keystone", "glance"], now=when)

    assert path == tmp_path / "backups" / "mysqldump-keystone-glance-202405060708.gz"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    sql = gzip.decompress(path.read_bytes())
    assert b"CREATE TABLE `project`" in sql and b"CREATE TABLE `images`" in sql
    assert b"CREATE TABLE `instances`" not in sql

    with mariadb(tmp_path, "restore") as other:
        other.run_client([], stdin=sql)
        assert table_sums(other, ["keystone", "glance"]) == table_sums(cloud, ["keystone",
                                                                               "glance"])
    whole = actions.mysqldump(cloud, tmp_path / "backups", now=when)
    assert whole.name == "mysqldump-all-databases-202405060708.gz"


def test_archive_moves_deleted_instances_and_their_rows_in_batches(
        cloud: MariaDBServer) -> None:
    deleted = count(cloud, "SELECT COUNT(*) FROM nova.instances WHERE deleted <> 0")
    live_before = count(cloud, "SELECT COUNT(*) FROM nova.instances WHERE deleted = 0")
    shadow_before = count(cloud, "SELECT COUNT(*) FROM nova.shadow_instances")
    mapped = count(cloud, "SELECT COUNT(*) FROM nova_api.instance_mappings")
    assert deleted == 8

    first = actions.archive_deleted_rows(cloud, max_rows=3)
    assert first.counts["instances"] == 3
    assert first.counts["instance_actions_events"] == 6 and first.counts["instance_metadata"] == 6
    assert first.counts["API_DB.instance_mappings"] == 3
    assert "| instances " in first.text()

    rest = actions.archive_until_complete(cloud, max_rows=3)
    assert rest.counts["instances"] == deleted - 3
    assert actions.archive_deleted_rows(cloud).text() == "Nothing was archived."

    assert count(cloud, "SELECT COUNT(*) FROM nova.instances WHERE deleted <> 0") == 0
    assert count(cloud, "SELECT COUNT(*) FROM nova.instances") == live_before
    assert count(cloud, "SELECT COUNT(*) FROM nova.shadow_instances") == shadow_before + deleted
    for table in CELL_TABLES[1:]:
        owner = ("(SELECT instance_uuid FROM nova.instance_actions a WHERE a.id = t.action_id)"
                 if table == "instance_actions_events" else "t.instance_uuid")
        orphans = count(cloud, f"SELECT COUNT(*) FROM nova.{table} t WHERE NOT EXISTS "
                               f"(SELECT 1 FROM nova.instances i WHERE i.uuid = {owner})")
        assert orphans == 0, table
    assert count(cloud, "SELECT COUNT(*) FROM nova_api.instance_mappings") == mapped - deleted
    archived = cloud.sql("SELECT uuid FROM nova.shadow_instances WHERE deleted <> 0 "
                         "AND uuid NOT LIKE '%-%-%-%-%' LIMIT 1")
    assert archived == []  # uuids moved intact


def test_purge_before_a_date_keeps_newer_shadow_rows(cloud: MariaDBServer) -> None:
    actions.archive_until_complete(cloud)
    old = count(cloud, "SELECT COUNT(*) FROM nova.shadow_instances "
                       "WHERE deleted_at < '2024-01-01'")
    total = count(cloud, "SELECT COUNT(*) FROM nova.shadow_instances")
    assert 0 < old < total

    counts = actions.purge_shadow_rows(cloud, dt.datetime(2024, 1, 1))
    assert counts["nova.shadow_instances"] == old
    assert count(cloud, "SELECT COUNT(*) FROM nova.shadow_instances") == total - old

    actions.purge_shadow_rows(cloud, None, ("nova", "nova_cell0"))
    assert count(cloud, "SELECT COUNT(*) FROM nova.shadow_instances") == 0


def test_nova_manage_command_lines(cloud: MariaDBServer) -> None:
    result = commands.run(cloud, "nova-manage db archive_deleted_rows --max_rows 100 --verbose",
                          "yoga")
    assert result is not None and result.return_code == 1 and "Number of Rows Archived" in \
        result.stdout
    again = commands.run(cloud, "nova-manage db archive_deleted_rows --max_rows 100", "yoga")
    assert again == commands.CommandResult(0, "Nothing was archived.\n")
    bad = commands.run(cloud, "nova-manage db archive_deleted_rows --max_rows 0", "yoga")
    assert bad is not None and bad.return_code == 2

    purge = commands.run(cloud, "nova-manage db purge --before '2024-01-01' --verbose", "yoga")
    assert purge is not None and purge.return_code == 0 and "shadow_instances" in purge.stdout
    assert commands.run(cloud, "nova-manage db purge", "yoga") == commands.CommandResult(
        1, "", "Must supply either --before or --all\n")
    bad_date = commands.run(cloud, "nova-manage db purge --before 2024-13-01", "yoga")
    assert bad_date is not None and bad_date.return_code == 2
    assert commands.run(cloud, "ls -l", "yoga") is None
