"""The service management commands a twin unit answers with real SQL.

The twin developer routes a unit's ``juju exec`` / action command line here (one call:
:func:`run`); the unit's installed release says what a schema sync brings the schema to.
Covered: every service's schema sync (as ``octane.migrations`` lists them), nova's
``cell_v2 map_cell0``, ``db online_data_migrations`` (nova, cinder, placement),
``db archive_deleted_rows`` and ``db purge``. Anything else is not answered here (None),
so the caller falls back to its own handling.

Output imitates the real tools closely enough for a human or a parser looking for the
usual markers ("Nothing was archived.", the migration tables).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from octane.twin.db import actions, schema_sync
from octane.twin.services.mariadb import MariaDBError, MariaDBServer


@dataclass(frozen=True)
class CommandResult:
    """What the command printed and its exit status."""

    return_code: int
    stdout: str = ""
    stderr: str = ""


#: argv prefix -> (service, databases it syncs; None = all the service owns).
SYNC_COMMANDS: dict[tuple[str, ...], tuple[str, tuple[str, ...] | None]] = {
    ("keystone-manage", "db_sync"): ("keystone", None),
    ("glance-manage", "db_sync"): ("glance", None),
    ("nova-manage", "api_db", "sync"): ("nova", ("nova_api",)),
    ("nova-manage", "db", "sync"): ("nova", ("nova", "nova_cell0")),
    ("cinder-manage", "db", "sync"): ("cinder", None),
    ("placement-manage", "db", "sync"): ("placement", None),
    ("heat-manage", "db_sync"): ("heat", None),
    ("aodh-dbsync",): ("aodh", None),
    ("barbican-manage", "db", "upgrade"): ("barbican", None),
    ("designate-manage", "database", "sync"): ("designate", None),
    ("manila-manage", "db", "sync"): ("manila", None),
    ("masakari-manage", "db", "sync"): ("masakari", None),
    ("octavia-db-manage", "upgrade"): ("octavia", None),
    ("gnocchi-upgrade",): ("gnocchi", None),
}
ONLINE = {("nova-manage", "db", "online_data_migrations"),
          ("cinder-manage", "db", "online_data_migrations"),
          ("placement-manage", "db", "online_data_migrations")}


def run(server: MariaDBServer, command: str, release: str) -> CommandResult | None:
    """Execute ``command`` as a unit on ``release`` would; None when not a DB command."""
    try:
        argv = shlex.split(command)
    except ValueError:
        return None
    argv = _strip_config(argv)
    try:
        return _dispatch(server, argv, release)
    except MariaDBError as exc:
        return CommandResult(1, "", f"ERROR: {exc.message}\n")


def _dispatch(server: MariaDBServer, argv: list[str], release: str) -> CommandResult | None:
    for prefix, (service, databases) in SYNC_COMMANDS.items():
        if tuple(argv[: len(prefix)]) == prefix:
            result = schema_sync.sync(server, service, release, databases)
            return CommandResult(0, result.text() + "\n")
    if argv[:1] == ["neutron-db-manage"] and "upgrade" in argv:
        result = schema_sync.sync(server, "neutron", release)
        return CommandResult(0, result.text() + "\n")
    if argv[:3] == ["nova-manage", "cell_v2", "map_cell0"]:
        return CommandResult(0, "Cell0 is already setup\n")
    if tuple(argv[:3]) in ONLINE:
        return CommandResult(0, _online_table())
    if argv[:3] == ["nova-manage", "db", "archive_deleted_rows"]:
        return _archive(server, argv[3:])
    if argv[:3] == ["nova-manage", "db", "purge"]:
        return _purge(server, argv[3:])
    return None


def _strip_config(argv: list[str]) -> list[str]:
    """Drop ``--config-file X`` pairs (neutron-db-manage) so prefixes match."""
    out: list[str] = []
    skip = False
    for word in argv:
        if skip:
            skip = False
        elif word == "--config-file":
            skip = True
        elif not word.startswith("--config-file="):
            out.append(word)
    return out


def _online_table() -> str:
    rule = "+---------------+--------------+-----------+"
    return "\n".join(["Running batches of 50 until complete", rule,
                      "|   Migration   | Total Needed | Completed |", rule, rule, ""])


def _archive(server: MariaDBServer, args: Sequence[str]) -> CommandResult:
    parser = argparse.ArgumentParser(prog="nova-manage db archive_deleted_rows",
                                     add_help=False, exit_on_error=False)
    parser.add_argument("--max_rows", "--max-rows", type=int, default=actions.DEFAULT_BATCH)
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--until-complete", action="store_true")
    parser.add_argument("--before")
    parser.add_argument("--all-cells", action="store_true")
    try:
        opts = parser.parse_args(list(args))
        before = _date(opts.before) if opts.before else None
    except (argparse.ArgumentError, ValueError) as exc:
        return CommandResult(2, "", f"nova-manage: error: {exc}\n")
    if opts.max_rows < 1:
        return CommandResult(2, "", "Invalid input received: max_rows must be >= 1\n")
    cells = ("nova", "nova_cell0") if opts.all_cells else ("nova",)
    total = actions.ArchiveResult()
    for cell in cells:
        if opts.until_complete:
            part = actions.archive_until_complete(server, opts.max_rows, cell, "nova_api")
        else:
            part = actions.archive_deleted_rows(server, opts.max_rows, cell, "nova_api", before)
        for name, count in part.counts.items():
            total.counts[name] = total.counts.get(name, 0) + count
    text = total.text() if opts.verbose or not total.total else ""
    # nova-manage exits 1 when rows were archived (more may remain), 0 when nothing was.
    return CommandResult(1 if total.total else 0, text + "\n" if text else "")


def _purge(server: MariaDBServer, args: Sequence[str]) -> CommandResult:
    parser = argparse.ArgumentParser(prog="nova-manage db purge", add_help=False,
                                     exit_on_error=False)
    parser.add_argument("--all", action="store_true")
    parser.add_argument("--before")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--all-cells", action="store_true")
    try:
        opts = parser.parse_args(list(args))
        before = _date(opts.before) if opts.before else None
    except (argparse.ArgumentError, ValueError) as exc:
        return CommandResult(2, "", f"nova-manage: error: {exc}\n")
    if not opts.all and before is None:
        return CommandResult(1, "", "Must supply either --before or --all\n")
    cells = ("nova", "nova_cell0") if opts.all_cells else ("nova",)
    counts = actions.purge_shadow_rows(server, before, cells)
    lines = [f"Deleted {n} rows from {name}" for name, n in sorted(counts.items())]
    if not counts:
        return CommandResult(3, "", "No deleted rows to purge\n")  # nova-manage's exit 3
    return CommandResult(0, "\n".join(lines) + "\n" if opts.verbose else "")


def _date(text: str) -> dt.datetime:
    """COU's ``--purge-before-date`` formats: ``YYYY-MM-DD[ HH:mm[:ss]]``."""
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValueError(f"invalid date '{text}' (expected YYYY-MM-DD[ HH:mm[:ss]])")
