"""``octane db copy SOURCE TARGET``: copy whole databases between two servers, verified."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import threading
import time
from collections.abc import Iterable
from typing import Any

from cliff.lister import Lister

from octane.commands.base import ErrorContract
from octane.db.copy import CopyOptions, copy_databases
from octane.db.endpoint import Endpoint, parse_endpoint
from octane.db.transfer import Progress
from octane.errors import UsageError

LOG = logging.getLogger(__name__)

#: Where a password comes from when the URL has none (keeps it out of the process list).
PASSWORD_ENV = {"source": "OCTANE_DB_SOURCE_PASSWORD", "target": "OCTANE_DB_TARGET_PASSWORD"}


class DbCopy(ErrorContract, Lister):
    """Copy whole databases from SOURCE to TARGET, then verify every table.

    SOURCE and TARGET are mysql://user[:password]@host[:port] URLs or juju:<model> (the
    model's mysql-innodb-cluster leader, root, the password from the charm's leader
    settings). Put passwords in OCTANE_DB_SOURCE_PASSWORD and OCTANE_DB_TARGET_PASSWORD
    rather than in a URL: arguments are visible to every user of the machine. The copy
    reads one consistent snapshot of the source, moves tables in parallel, and checks each
    table with CHECKSUM TABLE and row counts. It refuses a target that already holds any of
    the databases unless --force; an interrupted copy resumes where it stopped when run
    again.
    """

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        """Arguments as in the design: SOURCE TARGET [--databases] [--parallel] [--force]."""
        parser = super().get_parser(prog_name)
        parser.add_argument("source", metavar="SOURCE",
                            help="mysql://user@host:port or juju:<model>")
        parser.add_argument("target", metavar="TARGET",
                            help="mysql://user@host:port or juju:<model>")
        parser.add_argument("--databases", metavar="A,B,...", default="",
                            help="databases to copy (default: every user database)")
        parser.add_argument("--parallel", type=int, default=4, metavar="N",
                            help="tables or chunks moved at once (default: 4)")
        parser.add_argument("--force", action="store_true",
                            help="replace databases that already exist on the target")
        return parser

    def take_action(self, parsed_args: Any) -> tuple[tuple[str, ...], Iterable[tuple[Any, ...]]]:
        """Run the copy; list every table with its rows, checksums and status."""
        source = _endpoint(parsed_args.source, "source")
        target = _endpoint(parsed_args.target, "target")
        if source.address == target.address:
            raise UsageError("SOURCE and TARGET are the same server")
        databases = [name for name in parsed_args.databases.split(",") if name.strip()]
        progress = _ProgressPrinter() if getattr(self.app.options, "verbose_level", 1) else None
        report = copy_databases(source, target, CopyOptions(
            databases=[name.strip() for name in databases] or None,
            parallel=parsed_args.parallel, force=parsed_args.force,
            progress=progress))
        sys.stderr.write(report.summary() + "\n")
        columns = ("Table", "Rows", "Source checksum", "Target checksum", "Status")
        rows: list[tuple[Any, ...]] = [
            (t.label, t.source_rows, t.source_checksum, t.target_checksum, t.status)
            for t in report.tables]
        rows += [(o.label, "", "", "", ("ok" if o.ok else "MISMATCH") + f" ({o.kind.lower()})")
                 for o in report.objects]
        return columns, rows


class JujuResolver:
    """``juju:<model>``: the model's mysql-innodb-cluster leader found the operator's way
    (``juju status``, ``leader-get mysql.passwd``; :mod:`octane.juju.database`)."""

    def resolve(self, model: str) -> Endpoint:
        """Connect to the model, read the cluster's leader and root password, disconnect."""
        return asyncio.run(self._resolve(model))

    async def _resolve(self, model: str) -> Endpoint:
        # imported here: cliff imports every command module at startup
        from octane.juju.database import access
        from octane.juju.topology import TopologyModel

        connection = await TopologyModel.connect(model)
        try:
            _, found = await access(connection)
        finally:
            await connection.close()
        return Endpoint(found.host, found.port, found.user, found.password)


def _endpoint(spec: str, side: str) -> Endpoint:
    if spec.startswith("juju:"):
        return parse_endpoint(spec, JujuResolver())
    endpoint = parse_endpoint(spec)
    if endpoint.password:
        LOG.warning("the %s password is in the command line, visible to other users; "
                    "use %s instead", side, PASSWORD_ENV[side])
        return endpoint
    password = os.environ.get(PASSWORD_ENV[side], "")
    return Endpoint(endpoint.host, endpoint.port, endpoint.user, password)


class _ProgressPrinter:
    """One line on stderr at most every two seconds (called from loader threads)."""

    def __init__(self, every: float = 2.0) -> None:
        self._every = every
        self._last = 0.0
        self._lock = threading.Lock()

    def __call__(self, event: Progress) -> None:
        now = time.monotonic()
        with self._lock:
            if now - self._last < self._every:
                return
            self._last = now
        estimate = max(event.bytes_estimate, event.bytes_done, 1)
        sys.stderr.write(
            f"copying: {event.bytes_done / 1e6:.0f} of ~{estimate / 1e6:.0f} MB "
            f"({100 * event.bytes_done / estimate:.0f}%), {event.tables_done}/"
            f"{event.tables_total} tables verified\n")
