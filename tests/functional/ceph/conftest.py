"""Real loopback Ceph clusters for the functional tests: started per test, always destroyed.

MON_FAST timings (elections ~1 s instead of ~5 s) keep a six-step hand-over under half a
minute. Each cluster lives in a short /tmp directory because admin-socket paths must stay
under the 108-byte limit of a Unix socket address, and every daemon is stopped by the PID we
recorded when the test ends, passed or failed.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from octane.twin.services.ceph import BINARIES
from octane.twin.services.ceph_daemons import RealCephCluster
from tests.real import need_binaries


@pytest.fixture
def cluster() -> Iterator[RealCephCluster]:
    """Monitors a, b, c in quorum, each on its own leased 127.a.b.c."""
    need_binaries(*BINARIES, what="the Ceph monitor tests")
    base = Path(tempfile.mkdtemp(prefix="oct-ceph-"))
    try:
        ceph = RealCephCluster.bootstrap(base / "c", ("a", "b", "c"), fast=True,
                                         cli_timeout=5, die_with_parent=True)
        try:
            yield ceph
        finally:
            ceph.destroy()
            assert ceph.pids() == {}
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def data_cluster(cluster: RealCephCluster) -> RealCephCluster:
    """The same cluster plus a memstore OSD and a one-PG pool ``io`` (no mgr: not needed)."""
    need_binaries("ceph-osd", "rados", what="the Ceph client I/O tests")
    cluster.add_osd()
    cluster.create_pool("io")
    return cluster
