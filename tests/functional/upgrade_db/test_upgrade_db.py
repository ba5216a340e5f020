"""``octane upgrade-db`` end to end: the real command against the side-by-side twin.

The original (ussuri, seeded) and the seed (victoria, empty databases) each have a real
MariaDB; octane finds both through Juju, refuses the original's API writes, pauses the
seed's services, copies, records the guard, syncs every service on its seed leader and
verifies. Asserted on the servers (rows and checksums, version tables, the guard row), the
twin (units paused or not, the maintenance rule) and the OpenStack API (503 or not).
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

from octane.db import guard, versions
from octane.db.session import connect
from octane.engine.journal import Journal
from octane.migrations import registry as migrations
from tests.functional.upgrade_db.rig import (
    Rig,
    api_read,
    api_write,
    checksums,
    side_by_side,
    version_table,
)

SERVICES = ("keystone", "glance", "nova", "neutron", "cinder", "placement", "heat")
API_UNITS = ["cinder/0", "glance/0", "heat/0", "keystone/0", "keystone/1",
             "neutron-api/0", "nova-cloud-controller/0", "nova-cloud-controller/1",
             "placement/0"]


def _journal(rig: Rig) -> tuple[str, dict[str, str], dict[str, object]]:
    journal = Journal(rig.data / "journal" / "octane.sqlite")
    try:
        run = journal.resolve(None)
        records = journal.steps(run.id)
        return run.id, {s: r.state for s, r in records.items()}, \
            {s: r.result for s, r in records.items()}
    finally:
        journal.close()


def _sample_writes(rig: Rig, stop: threading.Event, seen: list[str]) -> None:
    """Probe the original's API for writes until told to stop (bounded by the run)."""
    while not stop.is_set() and len(seen) < 200:
        seen.append(api_write(rig))


def test_the_seed_gets_the_originals_rows_migrated_and_guarded(tmp_path: Path) -> None:
    with side_by_side(tmp_path) as rig:
        before = checksums(rig.endpoint("openstack"))
        assert api_write(rig) == "ok"
        stop, seen = threading.Event(), list[str]()
        sampler = threading.Thread(target=_sample_writes, args=(rig, stop, seen))
        proc = rig.start("upgrade-db", "seed", "--model", "openstack", "--auto-approve")
        sampler.start()
        try:
            proc.wait()
        finally:
            stop.set()
            sampler.join(60)
        assert proc.code == 0, proc.out[-3000:] + proc.err[-3000:]
        assert "503" in seen, seen          # writes were refused during the window

        # rows: every table of the original is in the seed, byte for byte
        seed_sums = checksums(rig.endpoint("seed"))
        assert {k: v for k, v in seed_sums.items() if not version_table(k)} == \
            {k: v for k, v in before.items() if not version_table(k)}
        assert checksums(rig.endpoint("openstack")) == before     # the original untouched
        # schema versions moved to the seed's release (victoria), proven by the tables
        with connect(rig.endpoint("seed")) as session:
            for service in SERVICES:
                for check in versions.verify_release(session, migrations.load(service),
                                                     "victoria"):
                    assert check.status in ("ok", "approximate"), check.describe()
                    assert check.expected is not None
                    assert check.expected.matches(check.recorded), check.describe()
            assert session.scalar("SELECT version FROM nova.migrate_version") == 412
            record = guard.read(session)
        # the guard: in the seed's database and in the journal, the same run
        run_id, states, results = _journal(rig)
        assert record is not None and record.authoritative and record.run_id == run_id
        assert states["db/seed/guard"] == states["db/seed/copy"] == "done"
        copy = results["db/seed/copy"]
        assert isinstance(copy, dict) and copy["tables"] == len(before)
        assert copy["rows"] == sum(rows for rows, _ in before.values())
        # the window: writes still refused, reads served, the seed running again
        assert rig.maintenance_units() == API_UNITS
        assert api_write(rig) == "503"
        assert api_read(rig) >= 2
        assert rig.paused("seed") == []
        assert re.search(r"copy and verification\s+\d+\.\d+ s", proc.out)
        assert "database phase (writes refused -> seed ready)" in proc.out
        # no secret in the journal, the plan or octane's log
        password = rig.server("openstack").credentials.password
        assert password not in json.dumps(results)
        assert all(password not in p.read_text() for p in (rig.data / "log").iterdir())

        # the copy cannot run again: refused in one line, the seed's data kept
        with connect(rig.endpoint("seed")) as session:
            session.execute("INSERT INTO keystone.region (id, description) VALUES "
                            "('written-to-seed', 'a write the seed took after the copy')")
        again = rig.upgrade_db()
        assert again.code == 1
        assert again.errors() == [
            f"octane: error: seed 'seed' is authoritative: {record.describe()}; copying again "
            "would discard what the seed holds now (use --force to copy anyway)"]
        assert checksums(rig.endpoint("seed"))["keystone.region"][0] == \
            before["keystone.region"][0] + 1

        # --abort refuses too without --force: the original would take writes the seed lacks
        refused = rig.run("upgrade-db", "seed", "--model", "openstack", "--abort")
        assert refused.code == 1 and "is authoritative" in refused.errors()[0]
        assert api_write(rig) == "503"

        # --force overrides: the seed gets the original's rows again
        forced = rig.upgrade_db("--force")
        assert forced.code == 0, forced.out[-3000:] + forced.err[-3000:]
        after = checksums(rig.endpoint("seed"), skip=version_table)
        assert after == {k: v for k, v in before.items() if not version_table(k)}

        # and the window closes only when the operator says so
        closed = rig.run("upgrade-db", "seed", "--model", "openstack", "--abort", "--force")
        assert closed.code == 0, closed.out + closed.err
        assert rig.maintenance_units() == []
        assert api_write(rig) == "ok"
