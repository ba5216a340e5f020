"""Private MariaDB servers for tests: started on free loopback ports, always stopped."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from octane.db.endpoint import Endpoint
from octane.twin.services.mariadb import MariaDBServer, Tuning
from tests.real import need_binaries

#: Small enough to start fast and leave memory to the other developers' tests.
TEST_TUNING = Tuning(buffer_pool="64M", log_file_size="16M")
BINARIES = ("mariadbd", "mariadb-install-db", "mariadb", "mariadb-admin")


def need_mariadb() -> None:
    """Skip (or fail in CI) without the MariaDB binaries."""
    need_binaries(*BINARIES, what="a real MariaDB server")


@contextmanager
def mariadb(base: Path, name: str, tuning: Tuning = TEST_TUNING) -> Iterator[MariaDBServer]:
    """A started server under ``base/name``, stopped on the way out whatever happened."""
    need_mariadb()
    server = MariaDBServer(base / name, name=name, tuning=tuning)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def endpoint(server: MariaDBServer) -> Endpoint:
    """The server's root account as octane's database port sees it."""
    creds = server.credentials
    return Endpoint(creds.host, creds.port, creds.user, creds.password)
