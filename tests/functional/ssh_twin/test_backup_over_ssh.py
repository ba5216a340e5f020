"""The in-place MySQL backup fetches the dump over SSH from the twin's real sshd.

focal-ussuri's database leader machine runs a real sshd on port 22 of its own loopback
address, with the host key the twin generated for that machine (the one SSHClient serves)
and the machine's file tree as its root. ``octane upgrade`` runs mysqldump on the leader
(a real gzipped dump of the real MariaDB), then fetches it with octane/ssh: Juju client key
from JUJU_DATA, host key from the facade, never auto-accepted.
"""

from __future__ import annotations

import gzip
import stat
import subprocess
from pathlib import Path

from octane.engine.journal import Journal
from octane.twin.state.controller import ControllerState
from octane.twin.state.machines import host_key_pair
from tests.functional.upgrade_db.rig import Rig, scenario, side_by_side
from tests.rigs import ROOT

LEADER = "mysql-innodb-cluster/0"
CONTROL_PLANE = ("upgrade", "control-plane", "--model", "openstack", "--auto-approve",
                 "--no-archive")


def _focal() -> Path:
    return ROOT / "etc" / "scenarios" / "focal-ussuri.yaml"


def _sshd_log(rig: Rig) -> str:
    db = rig.databases.database("openstack")
    sshd = db.machines[db.machine].sshd
    assert sshd is not None
    return sshd.log_path.read_text()


def test_the_dump_travels_over_ssh_and_lands_private(tmp_path: Path) -> None:
    with side_by_side(tmp_path, scenario(_focal())) as rig:
        run = rig.run(*CONTROL_PLANE)
        assert run.code == 0, run.out[-2000:] + run.err[-2000:]
        backups = rig.data / "backups" / "openstack"
        [local] = list(backups.iterdir())
        assert f"Database dump of 'mysql-innodb-cluster' saved to {local}" in run.out
        db = rig.databases.database("openstack")
        remote = db.root() / "var" / "backups" / "mysql" / local.name
        assert local.read_bytes() == remote.read_bytes()        # the machine's real dump
        assert b"CREATE TABLE `instances`" in gzip.decompress(local.read_bytes())
        assert stat.S_IMODE(local.stat().st_mode) == 0o600
        assert stat.S_IMODE(backups.stat().st_mode) == 0o700
        assert "Accepted publickey for root" in _sshd_log(rig)  # it came over SSH
        journal = Journal(rig.data / "journal" / "octane.sqlite")
        try:
            record = journal.steps(journal.resolve(None).id)["pre/backup"]
        finally:
            journal.close()
        assert record.result == {"unit": LEADER, "local": str(local),
                                 "remote": f"/var/backups/mysql/{local.name}"}


def test_a_machine_presenting_another_host_key_is_refused(tmp_path: Path) -> None:
    with side_by_side(tmp_path, scenario(_focal())) as rig:
        db = rig.databases.database("openstack")
        _, impostor = host_key_pair()

        def record_another_key(controller: ControllerState) -> None:  # Juju's record differs
            model = next(m for m in controller.models.values() if m.name == "openstack")
            model.machines[db.machine].host_keys = [impostor]
        rig.twin.inspect(record_another_key)
        key = rig.twin.data_dir / "hostkeys" / "openstack" / db.machine.replace("/", "-") / \
            "ssh_host_ed25519_key.pub"
        printed = subprocess.run(["ssh-keygen", "-lf", str(key)], capture_output=True,
                                 text=True, check=True).stdout.split()[1]
        run = rig.run(*CONTROL_PLANE)
        assert run.code == 1
        assert run.errors() == [
            "octane: error: step 'pre/backup' failed: the machine of "
            f"'{LEADER}' at {db.machines[db.machine].lease.addr}:22 presented host key "
            f"ssh-ed25519 {printed}, which Juju does not know for it; refusing to connect "
            "(check the machine's address)"]
        assert not (rig.data / "backups" / "openstack").exists() or \
            not list((rig.data / "backups" / "openstack").iterdir())
        assert "Accepted publickey" not in _sshd_log(rig)
