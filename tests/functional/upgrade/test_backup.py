"""The MySQL backup step on the twin: ``mysqldump`` on the leader, the dump copied home.

The twin's simulated database names a dump file but writes none, and its machines have no
sshd yet; so the leader's machine gets an executor (the twin's seam for commands backed by
something real, docs/twin.md "Executors") that serves the dump's bytes to the commands the
copy runs -- ``stat``, ``sha256sum`` and ``dd | base64`` -- through ``juju exec``, as a real
machine's shell would.
"""

from __future__ import annotations

import base64
import hashlib
import re
import shlex
import stat
from pathlib import Path

from octane.engine.journal import Journal
from octane.twin.behaviours.base import ExecResult
from octane.twin.executors import DefaultExecutor, ExecRequest
from tests.functional.upgrade.cloud import MODEL, octane_on, scenario

DUMPS = "/var/backups/mysql/"
_DD = re.compile(r"^dd if=(\S+) bs=(\d+) skip=(\d+) count=1 status=none \| base64 -w0$")


class DumpShell:
    """``stat``, ``sha256sum`` and ``dd | base64`` over dump files; the rest as usual."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.fallback = DefaultExecutor()

    def content(self, path: str) -> bytes:
        # ~2.5 MiB, so the copy takes several chunks
        return self.files.setdefault(path, hashlib.sha512(path.encode()).digest() * 40_000)

    async def run(self, request: ExecRequest) -> ExecResult:
        words = shlex.split(request.command.split("|")[0])
        target = words[-1] if words and words[0] in ("stat", "sha256sum") else ""
        found = _DD.match(request.command)
        if found:
            target = found.group(1)
        if not target.startswith(DUMPS):
            return await self.fallback.run(request)
        data = self.content(target)
        if words[0] == "stat":
            return ExecResult(0, f"{len(data)}\n")
        if words[0] == "sha256sum":
            return ExecResult(0, f"{hashlib.sha256(data).hexdigest()}  {target}\n")
        assert found is not None
        size, skip = int(found.group(2)), int(found.group(3))
        return ExecResult(0, base64.b64encode(data[skip * size:(skip + 1) * size]).decode())


def test_the_dump_lands_privately_in_the_data_dir(tmp_path: Path) -> None:
    with octane_on(scenario("focal-ussuri", vms=False), tmp_path) as octane:
        leader = "mysql-innodb-cluster/0"
        shell = DumpShell()
        octane.twin.set_executor(MODEL, octane.state()["units"][leader]["machine"], shell)
        run = octane.run("upgrade", "control-plane", "--auto-approve", "--no-archive")
        assert run.code == 0, run.out[-2000:] + run.err[-2000:]
        [(remote, data)] = shell.files.items()
        local = octane.data / "backups" / "openstack" / Path(remote).name
        assert f"Database dump of 'mysql-innodb-cluster' saved to {local}" in run.out
        assert local.read_bytes() == data
        assert stat.S_IMODE(local.stat().st_mode) == 0o600
        assert stat.S_IMODE(local.parent.stat().st_mode) == 0o700
        assert sorted(p.name for p in local.parent.iterdir()) == [local.name]  # no temp left
        journal = Journal(octane.data / "journal" / "octane.sqlite")
        try:
            record = journal.steps(journal.resolve(None).id)["pre/backup"]
        finally:
            journal.close()
        assert record.result == {"unit": leader, "remote": remote, "local": str(local)}
