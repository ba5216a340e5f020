"""``octane db copy`` between two real MariaDB servers: exact, verified, refusing to clobber."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from octane.cli import main
from octane.db.copy import CopyOptions, copy_databases
from octane.db.session import connect
from octane.errors import OctaneError, UsageError
from octane.twin.services.mariadb import MariaDBServer
from tests.functional.db.checks import databases_on, ddl, table_sums
from tests.functional.db.conftest import SEEDED
from tests.functional.db.edge import AWKWARD_COLUMNS, EDGE_ROWS
from tests.functional.db.servers import endpoint

SMALL_CHUNKS = 64 * 1024


def test_copy_is_exact_and_verified(source: MariaDBServer, target: MariaDBServer) -> None:
    report = copy_databases(endpoint(source), endpoint(target),
                            CopyOptions(parallel=3, chunk_bytes=SMALL_CHUNKS))

    assert report.ok, report.failures
    assert sorted(report.databases) == sorted(SEEDED)
    before, after = table_sums(source, SEEDED), table_sums(target, SEEDED)
    assert after == before
    assert {label: before[label][0] for label in EDGE_ROWS} == EDGE_ROWS
    assert {t.label: (t.target_rows, t.target_checksum) for t in report.tables} == after
    assert ddl(target, SEEDED) == ddl(source, SEEDED)
    kinds = {o.kind for o in report.objects}
    assert {"VIEW", "TRIGGER", "ROUTINE"} <= kinds


def test_awkward_values_arrive_byte_for_byte(source: MariaDBServer,
                                             target: MariaDBServer) -> None:
    copy_databases(endpoint(source), endpoint(target),
                   CopyOptions(databases=["edge"], parallel=2, chunk_bytes=SMALL_CHUNKS))

    columns = ", ".join(f"HEX(CAST({c} AS BINARY)), {c} IS NULL"
                        for c in AWKWARD_COLUMNS.split(", "))
    query = f"SELECT {columns}, g, gs FROM edge.awkward ORDER BY id"
    with connect(endpoint(source)) as a, connect(endpoint(target)) as b:
        assert b.execute(query) == a.execute(query)
        nulls = "SELECT v IS NULL, HEX(v) FROM edge.no_pk ORDER BY v IS NULL, v"
        assert b.execute(nulls) == a.execute(nulls)
        widths = "SELECT k, LENGTH(payload), MD5(payload) FROM edge.wide ORDER BY k"
        assert b.execute(widths) == a.execute(widths)


def test_copied_views_triggers_and_routines_work(source: MariaDBServer,
                                                 target: MariaDBServer) -> None:
    copy_databases(endpoint(source), endpoint(target),
                   CopyOptions(databases=["nova", "cinder", "keystone"]))

    with connect(endpoint(target)) as session:
        assert session.scalar("SELECT nova.soft_deleted(7)") == 1
        hosts = session.execute("SELECT host, instances FROM nova.instance_host_summary")
        assert sum(count for _, count in hosts) == session.scalar(
            "SELECT COUNT(*) FROM nova.instances WHERE deleted = 0")
        session.execute("INSERT INTO nova.instance_faults (code, message) VALUES (1, 'x')")
        assert session.scalar("SELECT created_at IS NOT NULL FROM nova.instance_faults "
                              "WHERE message = 'x'") == 1
        session.execute("USE cinder")
        assert session.execute("CALL volumes_in_status('in-use')")
        assert session.scalar("SELECT COUNT(*) FROM keystone.enabled_local_users") > 0


def test_refuses_a_non_empty_target_unless_forced(source: MariaDBServer,
                                                  target: MariaDBServer) -> None:
    copy_databases(endpoint(source), endpoint(target), CopyOptions(databases=["keystone"]))
    assert databases_on(target) == {"keystone"}
    target.sql("INSERT INTO keystone.region (id, description) VALUES ('marker', 'target only')")

    with pytest.raises(OctaneError, match="already has data in: keystone"):
        copy_databases(endpoint(source), endpoint(target), CopyOptions(databases=["keystone"]))
    assert target.scalar("SELECT COUNT(*) FROM keystone.region WHERE id = 'marker'") == "1"

    report = copy_databases(endpoint(source), endpoint(target),
                            CopyOptions(databases=["keystone"], force=True))
    assert report.ok
    assert target.scalar("SELECT COUNT(*) FROM keystone.region WHERE id = 'marker'") == "0"


def test_unknown_database_is_a_usage_error(source: MariaDBServer,
                                           target: MariaDBServer) -> None:
    with pytest.raises(UsageError, match=r"not on .*: nosuchdb"):
        copy_databases(endpoint(source), endpoint(target), CopyOptions(databases=["nosuchdb"]))
    assert databases_on(target) == set()


def test_command_line_copy_keeps_passwords_out_of_output_and_logs(
        source: MariaDBServer, target: MariaDBServer, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, _octane_data: Path) -> None:
    src, tgt = endpoint(source), endpoint(target)
    monkeypatch.setenv("OCTANE_DB_SOURCE_PASSWORD", src.password)
    monkeypatch.setenv("OCTANE_DB_TARGET_PASSWORD", tgt.password)

    code = main(["-vv", "db", "copy", f"mysql://root@{src.address}",
                 f"mysql://root@{tgt.address}", "--databases", "glance,placement",
                 "-f", "json"])

    out, err = capsys.readouterr()
    assert code == 0, err
    rows = json.loads(out)
    assert {row["Table"] for row in rows} >= {"glance.images", "placement.allocations"}
    assert all(row["Status"] == "ok" for row in rows)
    assert "copying:" in err and "all verified" in err
    logs = "".join(p.read_text() for p in (_octane_data / "log").glob("*.log"))
    for secret in (src.password, tgt.password):
        assert secret not in out + err + logs


def test_command_line_errors_are_one_line(target: MariaDBServer,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    creds = endpoint(target)
    code = main(["db", "copy", f"mysql://root:wrong-secret@{creds.address}",
                 f"mysql://root@127.0.0.1:{creds.port}"])
    err = capsys.readouterr().err
    assert code == 2 and "same server" in err

    code = main(["db", "copy", f"mysql://root:wrong-secret@{creds.address}",
                 "mysql://root@127.0.0.2:1"])
    err = capsys.readouterr().err
    assert code == 1
    lines = [line for line in err.splitlines() if line.startswith("octane: error:")]
    assert lines == [f"octane: error: access denied for user 'root' on {creds.address} "
                     "(check the user and password)"]
    assert "wrong-secret" not in err

    assert main(["db", "copy", "postgres://x@y", "mysql://root@127.0.0.2:1"]) == 2
    assert "is not a database URL" in capsys.readouterr().err
