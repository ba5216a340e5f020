"""Failures before the guard: the original is back in service, and the work resumes.

The seed's MariaDB killed mid-copy (octane notices): octane lifts the maintenance rule and
resumes the seed's services itself; running the command again copies only the tables not
yet verified. octane itself killed mid-copy (nothing can notice): ``--abort`` puts the
original back in service in one command. Refusals before anything changes: one line each.
"""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Any

from octane.engine.journal import Journal
from tests.functional.upgrade_db.rig import (
    Rig,
    api_write,
    checksums,
    scenario,
    side_by_side,
    version_table,
    wait_for,
)


def _bigger(doc: dict[str, Any]) -> None:
    # ~50 MB: the copy takes long enough to be interrupted between two verified tables
    doc["models"]["openstack"]["databases"]["size"] = {"instances": 3000}


def _copy_state(rig: Rig) -> dict[str, Any] | None:
    found = list((rig.data / "db-copy").glob("copy-*.json")) \
        if (rig.data / "db-copy").exists() else []
    if not found:
        return None
    try:
        doc: dict[str, Any] = json.loads(found[0].read_text())
    except ValueError:      # caught between write and rename: read it next time
        return None
    return doc


def _verified(rig: Rig) -> int:
    state = _copy_state(rig)
    return len(state["done"]) if state else 0


def _copy_result(rig: Rig) -> dict[str, Any]:
    journal = Journal(rig.data / "journal" / "octane.sqlite")
    try:
        result = journal.steps(journal.resolve(None).id)["db/seed/copy"].result
    finally:
        journal.close()
    assert isinstance(result, dict)
    return result


def _copying(rig: Rig) -> Any:
    """``octane upgrade-db`` started, one table at a time, once its first table is verified."""
    proc = rig.start("upgrade-db", "seed", "--model", "openstack", "--auto-approve",
                     "--parallel", "1")
    wait_for(lambda: _verified(rig) > 0 or proc.popen.poll() is not None, 120,
             "the first verified table")
    return proc


def test_the_seed_server_dying_mid_copy_leaves_the_original_in_service(
        tmp_path: Path) -> None:
    with side_by_side(tmp_path, scenario(tweak=_bigger)) as rig:
        before = checksums(rig.endpoint("openstack"))
        proc = _copying(rig)
        rig.server("seed").kill()
        proc.wait()
        assert proc.code == 1, proc.out[-2000:]
        seed_address = rig.endpoint("seed").address
        assert any(f"lost the connection to {seed_address} during the copy" in line
                   for line in proc.errors()), proc.errors()
        assert "putting the original back in service" in proc.out
        copied = _verified(rig)
        assert 0 < copied < len(before)                    # it really stopped mid-copy
        assert rig.maintenance_units() == [] and api_write(rig) == "ok"
        assert rig.paused("seed") == []
        assert checksums(rig.endpoint("openstack")) == before   # the original untouched

        rig.server("seed").start()                          # the operator fixes the seed
        resumed = rig.upgrade_db()
        assert resumed.code == 0, resumed.out[-3000:] + resumed.err[-3000:]
        result = _copy_result(rig)
        assert result["resumed_tables"] >= copied          # verified, not copied again
        assert checksums(rig.endpoint("seed"), skip=version_table) == \
            {k: v for k, v in before.items() if not version_table(k)}
        assert api_write(rig) == "503"


def test_octane_killed_mid_copy_then_abort_in_one_command(tmp_path: Path) -> None:
    with side_by_side(tmp_path, scenario(tweak=_bigger)) as rig:
        before = checksums(rig.endpoint("openstack"))
        proc = _copying(rig)
        proc.popen.send_signal(signal.SIGKILL)
        proc.wait()
        assert api_write(rig) == "503"                     # nobody lifted the rule
        assert rig.paused("seed") != []

        abort = rig.run("upgrade-db", "seed", "--model", "openstack", "--abort")
        assert abort.code == 0, abort.out + abort.err
        assert "API writes on 'openstack' are accepted again" in abort.out
        assert rig.maintenance_units() == [] and api_write(rig) == "ok"
        assert rig.paused("seed") == []
        assert checksums(rig.endpoint("openstack")) == before

        again = rig.upgrade_db()                            # and the work still resumes
        assert again.code == 0, again.out[-3000:] + again.err[-3000:]
        assert checksums(rig.endpoint("seed"), skip=version_table) == \
            {k: v for k, v in before.items() if not version_table(k)}


def test_a_seed_holding_data_is_refused_before_anything_changes(tmp_path: Path) -> None:
    with side_by_side(tmp_path) as rig:
        server = rig.server("seed")
        server.sql("CREATE TABLE keystone.project (id VARCHAR(64) PRIMARY KEY);"
                   "INSERT INTO keystone.project VALUES ('the seed''s own');")
        refused = rig.upgrade_db()
        assert refused.code == 1
        assert refused.errors() == ["octane: error: seed 'seed' already has data in: "
                                    "keystone (use --force to replace it)"]
        assert rig.maintenance_units() == [] and rig.paused("seed") == []
        assert api_write(rig) == "ok"
        path = rig.data / "journal" / "octane.sqlite"
        if path.exists():
            journal = Journal(path)
            try:
                assert journal.runs() == []
            finally:
                journal.close()
