"""Fixtures for the database port's functional tests: real MariaDB servers, seeded."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

from octane.db.session import connect
from octane.twin.db import catalog, seed
from octane.twin.services.mariadb import MariaDBServer
from tests.functional.db.edge import create_edge
from tests.functional.db.servers import endpoint, mariadb

#: The databases a seeded source holds: the core services plus the awkward-values one.
SEEDED = (*catalog.CORE, "edge")


def seeded_server(base: Path, name: str, size: seed.SeedSize | None = None
                  ) -> Generator[MariaDBServer, None, None]:
    """A server with the core service databases (tiny) and the edge database."""
    with mariadb(base, name) as server:
        seed.seed(server, size or seed.SeedSize.tiny())
        with connect(endpoint(server)) as session:
            create_edge(session)
        yield server


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MariaDBServer]:
    """A seeded source shared by a module's tests (tests must not modify it)."""
    yield from seeded_server(tmp_path_factory.mktemp("mariadb"), "source")


@pytest.fixture
def own_source(tmp_path: Path) -> Iterator[MariaDBServer]:
    """A seeded source for one test, which may stop or modify it."""
    yield from seeded_server(tmp_path, "source")


@pytest.fixture
def target(tmp_path: Path) -> Iterator[MariaDBServer]:
    """An empty server for one test."""
    with mariadb(tmp_path, "target") as server:
        yield server
