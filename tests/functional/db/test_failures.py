"""Failures of ``octane db copy`` (issue 6 item 5), each against real servers.

Faults are injected through the copy's progress callback, which loaders call after every
piece they load: that makes "mid-copy" deterministic without sleeping.
"""

from __future__ import annotations

import os
import stat
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from octane import paths
from octane.db.copy import CopyFailed, CopyOptions, copy_databases
from octane.db.endpoint import Endpoint
from octane.db.session import connect
from octane.db.transfer import Progress
from octane.errors import ConnectionFailed
from octane.twin.db import seed
from octane.twin.services.loopback import free_port
from octane.twin.services.mariadb import MariaDBServer, Tuning
from tests.functional.db.checks import table_sums
from tests.functional.db.conftest import SEEDED, seeded_server
from tests.functional.db.servers import endpoint, mariadb, need_mariadb
from tests.real import require_real

SMALL_CHUNKS = 32 * 1024


def test_wrong_credentials_are_refused_without_echoing_the_password(
        source: MariaDBServer, target: MariaDBServer) -> None:
    good = endpoint(source)
    wrong = Endpoint(good.host, good.port, "root", "not-the-password")
    with pytest.raises(ConnectionFailed) as caught:
        copy_databases(wrong, endpoint(target), CopyOptions())
    assert caught.value.one_line() == (f"access denied for user 'root' on {good.address} "
                                       "(check the user and password)")
    assert "not-the-password" not in caught.value.one_line()


def test_unreachable_server_is_a_clear_error(target: MariaDBServer) -> None:
    need_mariadb()
    nobody = Endpoint("127.0.0.1", free_port(), "root", "x")
    with pytest.raises(ConnectionFailed, match=f"cannot reach the database server at "
                                               f"{nobody.address}"):
        copy_databases(nobody, endpoint(target), CopyOptions())


def test_source_stopped_mid_copy_then_resumed(own_source: MariaDBServer,
                                              target: MariaDBServer) -> None:
    before = table_sums(own_source, SEEDED)
    stopped = threading.Event()

    def stop_source_after_some_tables(event: Progress) -> None:
        if event.tables_done >= 5 and not stopped.is_set():
            stopped.set()
            own_source.stop()  # SIGTERM: a clean shutdown under the copy's feet

    with pytest.raises(CopyFailed) as caught:
        copy_databases(endpoint(own_source), endpoint(target),
                       CopyOptions(parallel=2, chunk_bytes=SMALL_CHUNKS,
                                   progress=stop_source_after_some_tables))
    assert stopped.is_set()
    message = caught.value.one_line()
    assert f"lost the connection to {endpoint(own_source).address}" in message
    assert "re-run the same command to resume" in message

    [state_file] = (paths.data_dir() / "db-copy").glob("*.json")
    assert stat.S_IMODE(state_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(state_file.parent.stat().st_mode) == 0o700
    recorded = state_file.read_text()
    assert endpoint(own_source).password not in recorded

    own_source.start()  # same datadir, same port
    report = copy_databases(endpoint(own_source), endpoint(target),
                            CopyOptions(parallel=2, chunk_bytes=SMALL_CHUNKS))

    assert report.ok
    resumed = [t.label for t in report.tables if t.resumed]
    assert len(resumed) >= 5
    assert all(f'"{label}"' in recorded for label in resumed)
    assert table_sums(target, SEEDED) == before == table_sums(own_source, SEEDED)
    assert not state_file.exists()


def test_table_changed_during_the_copy_keeps_the_snapshot(own_source: MariaDBServer,
                                                          target: MariaDBServer) -> None:
    before = table_sums(own_source, SEEDED)
    changed = threading.Event()

    def write_to_the_source(event: Progress) -> None:
        if changed.is_set():
            return
        changed.set()
        with connect(endpoint(own_source)) as session:
            session.execute("UPDATE nova.instances SET display_name = 'renamed' WHERE id = 1")
            session.execute("INSERT INTO keystone.region (id, description) "
                            "VALUES ('late', 'after the snapshot')")
            session.execute("DELETE FROM glance.image_tags WHERE id = 1")

    report = copy_databases(endpoint(own_source), endpoint(target),
                            CopyOptions(parallel=2, chunk_bytes=SMALL_CHUNKS,
                                        progress=write_to_the_source))

    assert changed.is_set() and report.ok
    assert table_sums(target, SEEDED) == before
    after = table_sums(own_source, SEEDED)
    for label in ("nova.instances", "keystone.region", "glance.image_tags"):
        assert after[label] != before[label]
    assert target.scalar("SELECT display_name FROM nova.instances WHERE id = 1") != "renamed"
    assert target.scalar("SELECT COUNT(*) FROM keystone.region WHERE id = 'late'") == "0"
    assert target.scalar("SELECT COUNT(*) FROM glance.image_tags WHERE id = 1") == "1"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 96 MiB tmpfs (mounting needs root; elsewhere the test skips, in CI it fails)."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96m,mode=0700",
                           "octane-test-tmpfs", str(mount)], capture_output=True, check=False)
    if done.returncode != 0 or os.geteuid() != 0:
        message = "a disk-full test needs to mount a tmpfs (root)"
        if require_real():
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, check=False)


def test_target_disk_full_fails_cleanly(tmp_path: Path, small_disk: Path) -> None:
    # InnoDB grows ibdata1 by 64 MiB at a time by default: on a small disk that fails at
    # CREATE TABLE already. 1 MiB steps leave the space to the rows, where we want it full.
    tiny = Tuning(buffer_pool="32M", log_file_size="8M",
                  extra={"innodb_autoextend_increment": "1"})
    gen = seeded_server(tmp_path, "source", seed.SeedSize(instances=4000))
    source = next(gen)
    try:
        before = table_sums(source, SEEDED)
        with mariadb(small_disk, "target", tuning=tiny) as target:
            with pytest.raises(CopyFailed) as caught:
                copy_databases(endpoint(source), endpoint(target),
                               CopyOptions(parallel=2, chunk_bytes=256 * 1024))
            message = caught.value.one_line()
            assert message.startswith("the target ran out of space")
            assert "is full" in message  # while loading rows, not creating tables
            assert "free space on the target, then re-run" in message
            assert "\n" not in str(caught.value)
        assert table_sums(source, SEEDED) == before
    finally:
        gen.close()
