"""The MySQL backup before an upgrade: ``mysqldump`` on the leader, the dump copied home.

mysql-innodb-cluster's ``mysqldump`` action writes a gzipped dump on the unit and returns
its path (``mysqldump-file``); COU then copies it to the operator's data dir. octane does
the same and keeps it 0600 in a 0700 directory (a dump holds every secret of the cloud).

The copy goes through a :class:`~octane.actions.deps.FileFetcher`. By default it is
:class:`SSHFetcher`: straight from the unit's machine over SSH (``octane/ssh``), logged in
with the Juju client key from JUJU_DATA, the machine accepted only with a host key Juju
recorded for it (SSHClient facade; never auto-accepted), the root-owned dump read through
``sudo -n`` sftp-server. :class:`JujuExecFetcher` copies over the Juju port itself (size and
SHA-256 read on the unit, then base64 chunks through ``juju exec``), for a caller that has no
SSH route to the machines.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import shlex
import tempfile
from pathlib import Path

from octane import paths
from octane.actions.common import Ctx, application, check, leader, param
from octane.actions.deps import JujuPort
from octane.errors import OctaneError
from octane.plan.step import JSON, Step

#: Bytes per ``juju exec`` read: well below Juju's action-output limit once base64'd.
CHUNK = 1 << 20
#: Seconds one command of the copy may take.
COMMAND_TIMEOUT = 300.0


class JujuExecFetcher:
    """Copies a file from a unit through ``juju exec`` (interim, until the SSH port)."""

    def __init__(self, juju: JujuPort, chunk: int = CHUNK) -> None:
        self.juju = juju
        self.chunk = chunk

    async def _run(self, unit: str, command: str) -> str:
        result = (await self.juju.run_command([unit], command, timeout=COMMAND_TIMEOUT))[unit]
        if result.return_code != 0:
            raise OctaneError(f"copying from '{unit}': `{command.split()[0]}` exited "
                              f"{result.return_code}: {result.stderr.strip()[-200:]}")
        return result.stdout

    async def fetch(self, unit: str, remote: str, local: Path) -> Path:
        """Copy ``remote`` to ``local`` (0600, atomically), verified by size and SHA-256."""
        quoted = shlex.quote(remote)
        size = int((await self._run(unit, f"stat -c %s {quoted}")).strip() or "0")
        digest = (await self._run(unit, f"sha256sum {quoted}")).split()[0]
        sink = await asyncio.to_thread(_Sink, local)
        try:
            for index in range((size + self.chunk - 1) // self.chunk):
                text = await self._run(unit, f"dd if={quoted} bs={self.chunk} skip={index} "
                                             "count=1 status=none | base64 -w0")
                await asyncio.to_thread(sink.write, base64.b64decode(text.strip()))
            if sink.sha.hexdigest() != digest or sink.size != size:
                raise OctaneError(f"copy of {remote} from '{unit}' does not match the unit's "
                                  "size and SHA-256; nothing kept")
            await asyncio.to_thread(sink.commit)
        except BaseException:
            await asyncio.to_thread(sink.abort)
            raise
        return local


class SSHFetcher:
    """Copies a file from a unit's machine over SSH, the machine's host key verified.

    An adapter between two ports, so it imports them only when used: the Juju port says
    where the machine is and which host keys are its own (``octane.juju.machines``), the
    SSH port does the transfer (``octane.ssh.client``; 0600 in a 0700 directory, written
    under a temporary name and renamed once complete and of the right size).
    """

    def __init__(self, juju: JujuPort) -> None:
        self.juju = juju

    async def fetch(self, unit: str, remote: str, local: Path) -> Path:
        """Copy ``remote`` from ``unit``'s machine to ``local`` (0600)."""
        from octane.juju.machines import ssh_target
        from octane.juju.model import JujuModel
        from octane.ssh.client import Machine, fetch, login_user

        if not isinstance(self.juju, JujuModel):
            raise OctaneError(f"no SSH route to '{unit}' through this Juju connection")
        target = await ssh_target(self.juju, unit)
        user = login_user()
        machine = Machine(f"the machine of '{unit}'", target.address, target.host_keys,
                          user=user)
        fetched = await asyncio.to_thread(fetch, machine, remote, local.parent,
                                          elevated=user != "root")
        if fetched != local:
            await asyncio.to_thread(os.replace, fetched, local)
        return local


class _Sink:
    """A 0600 temporary file next to ``local``, renamed over it only once verified."""

    def __init__(self, local: Path) -> None:
        paths.private_dir(local.parent)
        self.local = local
        fd, name = tempfile.mkstemp(dir=local.parent, prefix=f".{local.name}.")
        os.fchmod(fd, 0o600)
        self.tmp = Path(name)
        self.out = os.fdopen(fd, "wb")
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.out.write(data)
        self.sha.update(data)
        self.size += len(data)

    def commit(self) -> None:
        self.out.flush()
        os.fsync(self.out.fileno())
        self.out.close()
        os.replace(self.tmp, self.local)

    def abort(self) -> None:
        if not self.out.closed:
            self.out.close()
        self.tmp.unlink(missing_ok=True)


def _local_dir(ctx: Ctx) -> Path:
    base = ctx.deps.backups if ctx.deps.backups is not None else paths.subdir("backups")
    return paths.private_dir(base / ctx.deps.juju.name)


async def backup(ctx: Ctx, step: Step) -> JSON:
    """``mysqldump`` on the leader, then the dump copied into the data dir (0600)."""
    name = param(step, "application")
    unit = leader(application(await ctx.deps.juju.status(), name)).name
    ctx.progress(f"mysqldump on '{unit}'", busy=[unit])
    output = check(await ctx.deps.juju.run_action(
        unit, "mysqldump", {},
        timeout=ctx.deps.timeout(ctx.deps.settings.timeouts.plan_long)),
        f"mysqldump on '{unit}'")
    remote = str(output.get("mysqldump-file") or "").strip()
    if not remote:
        raise OctaneError(f"mysqldump on '{unit}' did not say where the dump is")
    fetcher = ctx.deps.fetcher or SSHFetcher(ctx.deps.juju)
    ctx.progress(f"copying {remote} from '{unit}'", busy=[unit])
    local = await fetcher.fetch(unit, remote, _local_dir(ctx) / Path(remote).name)
    await ctx.deps.notes.backup(ctx.run_id, name, local)
    ctx.say(f"Database dump of '{name}' saved to {local}")
    return {"unit": unit, "remote": remote, "local": str(local)}


async def backed_up(ctx: Ctx, step: Step) -> bool:
    """This run already copied a non-empty dump of the application."""
    local = ctx.deps.notes.backups(ctx.run_id).get(param(step, "application"))
    return local is not None and await asyncio.to_thread(_non_empty, Path(local))


def _non_empty(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0
