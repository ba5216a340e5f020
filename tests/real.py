"""Tests that need real MariaDB, ceph-mon or sshd: skip locally, fail in CI.

``.ci/run`` sets ``OCTANE_REQUIRE_REAL=1``; then a missing component is a test failure, so
a CI machine without the packages can never pass by skipping the tests that matter.
"""

from __future__ import annotations

import os
import shutil

import pytest


def require_real() -> bool:
    """True when a missing real component must fail the test instead of skipping it."""
    return os.environ.get("OCTANE_REQUIRE_REAL") == "1"


def need_binaries(*names: str, what: str) -> None:
    """Skip (or, in CI, fail) unless every executable in ``names`` is on PATH or in sbin."""
    missing = [n for n in names
               if not (shutil.which(n) or shutil.which(n, path="/usr/sbin:/sbin"))]
    if missing:
        message = f"{what} needs {', '.join(missing)} (install with scripts/bootstrap.sh)"
        if require_real():
            pytest.fail(message)
        pytest.skip(message)
