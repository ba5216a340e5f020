"""The MySQL backup before an upgrade: ``mysqldump`` on the leader, the dump copied home.

mysql-innodb-cluster's ``mysqldump`` action writes a gzipped dump on the unit and returns
its path (``mysqldump-file``); COU then copies it to the operator's data dir. octane does
the same and keeps it 0600 in a 0700 directory (a dump holds every secret of the cloud).

The copy goes through a :class:`~octane.actions.deps.FileFetcher`. The SSH port
(``octane/ssh``, verified host keys) is the intended one; until it exists,
:class:`JujuExecFetcher` copies over the Juju port itself: the file's size and SHA-256 are
read on the unit, then it is read in base64 chunks with ``juju exec`` and checked, so a
truncated or corrupted copy is never kept.
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
    fetcher = ctx.deps.fetcher or JujuExecFetcher(ctx.deps.juju)
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
