"""Cloud-level and auxiliary steps: backup, archive, purge, ceph, OVN, vault."""

from __future__ import annotations

import asyncio
import hashlib
import stat
from pathlib import Path

import pytest

from octane.actions import RunNotes, database, infra, nova
from octane.engine import StoppedSafely
from octane.engine.signals import StopController
from octane.errors import GateFailed, OctaneError
from octane.juju.model import CommandResult
from octane.plan.step import Step
from tests.golden.scenarios import focal_ussuri
from tests.unit.actions.fake import FakeJuju, Screen, context


def _step(action: str, **params: object) -> Step:
    return Step(id="pre/x", description="d", action=action, params=params)


@pytest.fixture
def juju() -> FakeJuju:
    return FakeJuju(focal_ussuri())


@pytest.fixture
def notes(tmp_path: Path) -> RunNotes:
    return RunNotes(tmp_path / "runs")


def test_backup_copies_the_dump_privately_and_verified(juju: FakeJuju, notes: RunNotes,
                                                       tmp_path: Path) -> None:
    step = _step("mysql.backup", application="mysql-innodb-cluster")
    ctx = context(juju, step, notes=notes, backups=tmp_path / "backups")
    assert not asyncio.run(database.backed_up(ctx, step))
    fetcher = database.JujuExecFetcher(juju, chunk=300_000)  # several chunks
    ctx.deps.fetcher = fetcher
    result = asyncio.run(database.backup(ctx, step))
    local = Path(str(result["local"]))
    remote = ("mysql-innodb-cluster/0",
              "/var/backups/mysql/mysqldump-all-databases-202601010000.gz")
    assert local == tmp_path / "backups" / "openstack" / Path(remote[1]).name
    assert hashlib.sha256(local.read_bytes()).digest() == \
        hashlib.sha256(juju.files[remote]).digest()
    assert stat.S_IMODE(local.stat().st_mode) == 0o600
    assert stat.S_IMODE(local.parent.stat().st_mode) == 0o700
    assert sorted(p.name for p in local.parent.iterdir()) == [local.name]
    assert asyncio.run(database.backed_up(ctx, step))


def test_a_copy_that_does_not_match_is_not_kept(juju: FakeJuju, tmp_path: Path) -> None:
    juju.files[("u/0", "/d.gz")] = b"x" * 10
    fetcher = database.JujuExecFetcher(juju)
    real = juju._command

    def corrupt(unit: str, command: str) -> CommandResult:
        result = real(unit, command)
        if command.startswith("sha256sum"):
            return CommandResult(unit, 0, "0" * 64 + "  /d.gz", "")
        return result

    juju._command = corrupt  # type: ignore[method-assign]  # patches this fake only
    with pytest.raises(OctaneError, match="does not match the unit's size and SHA-256"):
        asyncio.run(fetcher.fetch("u/0", "/d.gz", tmp_path / "out" / "d.gz"))
    assert list((tmp_path / "out").iterdir()) == []


def test_archive_repeats_until_nothing_is_left(juju: FakeJuju, notes: RunNotes) -> None:
    juju.archive_rows = 2500
    step = _step("nova.archive", application="nova-cloud-controller", batch_size=1000)
    screen = Screen()
    result = asyncio.run(nova.archive(context(juju, step, notes=notes, screen=screen), step))
    assert result == {"batches": 4, "rows": 2500}
    assert juju.archive_rows == 0
    assert screen.progress[-1][0] == \
        "archive batch 4 on 'nova-cloud-controller/0' (2500 rows so far)"


def test_archive_stops_safely_between_batches(juju: FakeJuju, notes: RunNotes) -> None:
    juju.archive_rows = 2500
    stop = StopController()
    stop.request("SIGINT")
    step = _step("nova.archive", application="nova-cloud-controller", batch_size=1000)
    with pytest.raises(StoppedSafely, match="after 1 archive batch"):
        asyncio.run(nova.archive(context(juju, step, notes=notes, stop=stop), step))
    assert juju.archive_rows == 1500


def test_archived_rows_reads_nova_manage_tables() -> None:
    table = ("+-----------+-------------------------+\n"
             "| Table     | Number of Rows Archived |\n"
             "+-----------+-------------------------+\n"
             "| instances | 10                      |\n"
             "| API_DB.instance_mappings | 10       |\n"
             "+-----------+-------------------------+")
    assert nova.archived_rows(table) == 20
    assert nova.archived_rows("Nothing was archived.") == 0


def test_purge_passes_the_date_only_when_given(juju: FakeJuju, notes: RunNotes) -> None:
    step = _step("nova.purge", application="nova-cloud-controller", before="2024-01-02")
    asyncio.run(nova.purge(context(juju, step, notes=notes), step))
    assert juju.calls[-1] == ("action", "nova-cloud-controller/0", "purge-data")


def test_require_osd_release_is_raised_to_the_osds_release_never_lowered(
        juju: FakeJuju, notes: RunNotes) -> None:
    step = _step("ceph.ensure_require_osd_release", mon_application="ceph-mon")
    ctx = context(juju, step, notes=notes)
    assert asyncio.run(infra.require_osd_release_ok(ctx, step))
    juju.osd_release = "pacific"
    assert not asyncio.run(infra.require_osd_release_ok(ctx, step))
    assert asyncio.run(infra.ensure_require_osd_release(ctx, step)) == {
        "require_osd_release": "pacific", "was": "octopus", "changed": True}
    assert juju.require_osd_release == "pacific"
    juju.osd_release = "octopus"  # OSDs older than the flag: leave it
    assert asyncio.run(infra.ensure_require_osd_release(ctx, step))["changed"] is False
    assert juju.require_osd_release == "pacific"


def test_ovn_below_22_03_stops_the_run(juju: FakeJuju, notes: RunNotes) -> None:
    step = _step("ovn.verify_version", application="ovn-central", minimum="22.03")
    ctx = context(juju, step, notes=notes)
    assert asyncio.run(infra.verify_ovn(ctx, step)) == {"verified": 3}
    juju.set_unit("ovn-central/2", workload_version="20.03.2")
    with pytest.raises(GateFailed, match=r"ovn-central/2 20\.03\.2"):
        asyncio.run(infra.verify_ovn(ctx, step))


class _Vault:
    """Unseals a unit once it got ``threshold`` correct shares."""

    def __init__(self, juju: FakeJuju, threshold: int) -> None:
        self.juju, self.threshold = juju, threshold
        self.got: dict[str, int] = {}

    async def unseal(self, unit: str, key: str) -> bool:
        assert key in ("share-1", "share-2")
        self.got[unit] = self.got.get(unit, 0) + 1
        done = self.got[unit] >= self.threshold
        if done:
            self.juju.set_unit(unit, workload_status="active", workload_message="Unit is ready")
        return done


def test_vault_unseal_asks_secretly_for_shares_until_every_unit_is_unsealed(
        juju: FakeJuju, notes: RunNotes) -> None:
    for n in range(3):
        juju.set_unit(f"vault/{n}", workload_status="blocked", workload_message="Unit is sealed")
    step = _step("vault.unseal", application="vault", timeout=2400)
    screen = Screen(answers=["share-1", "share-2"])
    ctx = context(juju, step, notes=notes, screen=screen, unsealer=_Vault(juju, 2))
    assert not asyncio.run(infra.vault_unsealed(ctx, step))
    result = asyncio.run(infra.unseal(ctx, step))
    assert result == {"unsealed": ["vault/0", "vault/1", "vault/2"], "shares": 2}
    assert [secret for _, secret in screen.asked] == [True, True]
    assert asyncio.run(infra.vault_unsealed(ctx, step))
    assert asyncio.run(infra.unseal(ctx, step)) == {"unsealed": [], "already": True}


def test_vault_without_an_answer_stays_sealed_and_says_how_to_go_on(
        juju: FakeJuju, notes: RunNotes) -> None:
    juju.set_unit("vault/0", workload_status="blocked", workload_message="Unit is sealed")
    step = _step("vault.unseal", application="vault", timeout=2400)
    ctx = context(juju, step, notes=notes, unsealer=_Vault(juju, 1))
    with pytest.raises(OctaneError) as caught:
        asyncio.run(infra.unseal(ctx, step))
    assert caught.value.one_line() == ("no unseal key given; 'vault' is still sealed on "
                                       "vault/0 (unseal it by hand, then resume)")
    verify = _step("vault.verify_unsealed", application="vault")
    with pytest.raises(GateFailed, match="'vault' is sealed on vault/0"):
        asyncio.run(infra.verify_unsealed(context(juju, verify, notes=notes), verify))
