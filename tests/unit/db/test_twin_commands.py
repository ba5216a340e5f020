"""Parsing in the twin's database commands (no server: pure helpers)."""

from __future__ import annotations

import datetime as dt

import pytest

from octane.twin.db import commands
from octane.twin.db.actions import ArchiveResult
from octane.twin.db.seed import SeedSize


def test_purge_dates_take_cou_formats() -> None:
    assert commands._date("2024-02-03") == dt.datetime(2024, 2, 3)
    assert commands._date("2024-02-03 04:05") == dt.datetime(2024, 2, 3, 4, 5)
    assert commands._date("2024-02-03 04:05:06") == dt.datetime(2024, 2, 3, 4, 5, 6)
    with pytest.raises(ValueError, match="expected YYYY-MM-DD"):
        commands._date("03/02/2024")


def test_neutron_config_files_do_not_hide_the_subcommand() -> None:
    argv = ["neutron-db-manage", "--config-file", "/etc/a", "--config-file=/etc/b",
            "upgrade", "heads"]
    assert commands._strip_config(argv) == ["neutron-db-manage", "upgrade", "heads"]


def test_archive_output_reads_like_nova_manage() -> None:
    assert ArchiveResult().text() == "Nothing was archived."
    text = ArchiveResult({"instances": 2, "API_DB.instance_mappings": 2, "x": 0}).text()
    lines = text.splitlines()
    assert lines[1] == "| Table                    | Number of Rows Archived |"
    assert "| instances                | 2                       |" in lines
    assert all("| x " not in line for line in lines) and len({len(x) for x in lines}) == 1


def test_seed_sizes_scale_from_instances() -> None:
    tiny = SeedSize.tiny()
    assert (tiny.instances, tiny.projects, tiny.hosts, tiny.cell0_instances) == (40, 3, 2, 2)
    big = SeedSize.for_megabytes(2048)
    assert big.instances == 134217 and big.wide_row_bytes == 4 * 1024 * 1024
