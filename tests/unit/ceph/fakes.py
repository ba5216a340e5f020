"""A base for fake Ceph ports that only read the cluster."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from octane.ceph.port import CephPort


class ReadOnlyPort(CephPort):
    """A :class:`CephPort` for the read-only checks: a subclass answers ``ceph`` (and
    ``mon_status`` if the check asks for it); anything that would change the cluster fails
    the test.

    It subclasses the protocol, so mypy checks every fake against the real port: a fake that
    drifts from it fails the type check instead of letting production code crash.
    """

    def mon_status(self, name: str, *, timeout: float = 5.0) -> Mapping[str, Any] | None:
        raise AssertionError(f"not expected: mon_status of {name}")

    def deploy_mon(self, name: str, addr: str, *, monmap: Path, keyring: Path) -> None:
        raise AssertionError(f"a read-only check deployed mon.{name}")

    def stop_mon(self, name: str) -> None:
        raise AssertionError(f"a read-only check stopped mon.{name}")

    def retire_mon(self, name: str) -> None:
        raise AssertionError(f"a read-only check retired mon.{name}")

    def point_clients_at(self, addrs: Sequence[str]) -> None:
        raise AssertionError(f"a read-only check pointed clients at {addrs}")
