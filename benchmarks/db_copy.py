"""Benchmark ``octane db copy`` against ``mariadb-dump | mariadb`` and mydumper/myloader.

Issue 6 item 6: about 2 GB across the service databases, between two real MariaDB servers
on this machine, the three methods in the same run, each into a fresh target server with
the same settings; MB/s, ratio to the mysqldump pipe, and every table's CHECKSUM TABLE and
row count compared with the source. Results are appended to benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/db_copy.py                 # the real run (minutes)
    .venv/bin/python benchmarks/db_copy.py --megabytes 200 --no-write   # a quick look

MB/s is measured on the source's InnoDB data + index size (information_schema), the same
yardstick for every method. Credentials go to the tools in option files, never argv.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from octane.db.copy import CopyOptions, copy_databases
from octane.twin.db import catalog, seed
from octane.twin.services.mariadb import MariaDBServer, Tuning
from tests.functional.db.checks import table_sums  # the tests' independent verification
from tests.functional.db.servers import endpoint

TUNING = Tuning(buffer_pool="2G", log_file_size="1G", max_allowed_packet="256M")
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


@dataclass
class Outcome:
    """One method's run."""

    method: str
    seconds: float
    identical: bool
    detail: str = ""


def timed(action: Callable[[], object]) -> float:
    start = time.monotonic()
    action()
    return time.monotonic() - start


def run_pipe(source: MariaDBServer, target: MariaDBServer, databases: list[str]) -> None:
    """``mariadb-dump --single-transaction --databases … | mariadb`` (the COU-era baseline)."""
    dump = subprocess.Popen([*source.client_args("mariadb-dump"), "--single-transaction",
                             "--quick", "--triggers", "--routines", "--events",
                             "--databases", *databases], stdout=subprocess.PIPE)
    load = subprocess.run(target.client_args("mariadb"), stdin=dump.stdout, check=False)
    assert dump.stdout is not None
    dump.stdout.close()
    if dump.wait() != 0 or load.returncode != 0:
        raise RuntimeError("mariadb-dump | mariadb failed")


def run_mydumper(source: MariaDBServer, target: MariaDBServer, databases: list[str],
                 work: Path) -> None:
    """mydumper -t 2 (consistent) then myloader -t 4, the fastest measured in components.md."""
    out = work / "mydump"
    shutil.rmtree(out, ignore_errors=True)
    regex = "^(" + "|".join(databases) + r")\."
    subprocess.run(["mydumper", f"--defaults-file={source.client_cnf}", "-h", "127.0.0.1",
                    "-P", str(source.port), "-u", "root", "--regex", regex, "-o", str(out),
                    "-t", "2", "-r", "100000", "--trx-consistency-only", "-G", "-E", "-R"],
                   check=True, capture_output=True)
    subprocess.run(["myloader", f"--defaults-file={target.client_cnf}", "-h", "127.0.0.1",
                    "-P", str(target.port), "-u", "root", "-d", str(out), "-t", "4", "-o"],
                   check=True, capture_output=True)
    shutil.rmtree(out, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--megabytes", type=float, default=2048)
    parser.add_argument("--parallel", type=int, default=4)
    parser.add_argument("--methods", default="pipe,mydumper,octane")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--no-write", action="store_true", help="do not touch RESULTS.md")
    args = parser.parse_args(argv)
    work = Path(args.workdir or tempfile.mkdtemp(prefix="octane-bench-"))
    databases = list(catalog.CORE)
    load_start = os.getloadavg()
    source = MariaDBServer(work / "source", name="source", tuning=TUNING)
    outcomes: list[Outcome] = []
    try:
        source.start()
        size = seed.SeedSize.for_megabytes(args.megabytes)
        started = time.monotonic()
        rows = sum(seed.seed(source, size, databases).values())
        seeded = time.monotonic() - started
        data_mb = seed.data_bytes(source, databases) / 1e6
        print(f"seeded {rows} rows, {data_mb:.0f} MB of data+index in {seeded:.0f}s",
              flush=True)
        expected = table_sums(source, databases)  # also warms the source's buffer pool
        for method in args.methods.split(","):
            target = MariaDBServer(work / f"target-{method}", name=method, tuning=TUNING)
            try:
                target.start()
                if method == "octane":
                    seconds = timed(lambda: copy_databases(
                        endpoint(source), endpoint(target),  # noqa: B023
                        CopyOptions(databases=databases, parallel=args.parallel)))
                elif method == "pipe":
                    seconds = timed(lambda: run_pipe(source, target, databases))  # noqa: B023
                else:
                    seconds = timed(lambda: run_mydumper(source, target, databases,  # noqa: B023
                                                         work))
                got = table_sums(target, databases)
                outcomes.append(Outcome(method, seconds, got == expected,
                                        "" if got == expected else _diff(expected, got)))
                print(f"{method}: {seconds:.1f}s, {data_mb / seconds:.1f} MB/s, "
                      f"checksums {'identical' if got == expected else 'DIFFER'}", flush=True)
            finally:
                target.stop()
                shutil.rmtree(target.base, ignore_errors=True)
    finally:
        source.stop()
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    report = _report(args, outcomes, rows, data_mb, seeded, load_start, os.getloadavg())
    print(report)
    if not args.no_write:
        _append(report)
    return 0 if all(o.identical for o in outcomes) else 1


def _diff(expected: dict[str, tuple[int, int]], got: dict[str, tuple[int, int]]) -> str:
    bad = [k for k in expected if got.get(k) != expected[k]]
    return f"{len(bad)} tables differ, e.g. {', '.join(bad[:3])}"


def _report(args: argparse.Namespace, outcomes: list[Outcome], rows: int, data_mb: float,
            seeded: float, load_start: tuple[float, ...], load_end: tuple[float, ...]) -> str:
    pipe = next((o.seconds for o in outcomes if o.method == "pipe"), None)
    names = {"pipe": "`mariadb-dump --single-transaction | mariadb`",
             "mydumper": "mydumper -t 2 + myloader -t 4",
             "octane": f"`octane db copy --parallel {args.parallel}` (incl. verification)"}
    lines = [
        f"## octane db copy vs mysqldump pipe vs mydumper/myloader ({dt.date.today()})",
        "",
        f"Command: `.venv/bin/python benchmarks/db_copy.py --megabytes {args.megabytes:g} "
        f"--parallel {args.parallel}`  ",
        f"Machine: {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}, MariaDB 10.11 (Debian 12), load average "
        f"{load_start[0]:.2f} at start, {load_end[0]:.2f} at end (shared with other sessions).",
        f"Data: {len(catalog.CORE)} service databases ({', '.join(catalog.CORE)}), {rows:,} rows, "
        f"{data_mb:,.0f} MB InnoDB data + indexes (seeded in {seeded:.0f}s). Both servers: "
        f"buffer pool {TUNING.buffer_pool}, redo log {TUNING.log_file_size}, "
        "flush_log_at_trx_commit=2, doublewrite off; each method loads a fresh target.",
        "",
        "| method | seconds | MB/s | × pipe | checksums + row counts |",
        "|---|---:|---:|---:|---|",
    ]
    for o in outcomes:
        ratio = f"{pipe / o.seconds:.2f}×" if pipe else "–"
        verdict = "identical" if o.identical else f"DIFFER ({o.detail})"
        lines.append(f"| {names.get(o.method, o.method)} | {o.seconds:.1f} | "
                     f"{data_mb / o.seconds:.1f} | {ratio} | {verdict} |")
    return "\n".join(lines) + "\n"


def _append(report: str) -> None:
    existing = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    RESULTS.write_text(existing.rstrip("\n") + "\n\n" + report)


if __name__ == "__main__":
    sys.exit(main())
