"""The hand-over's port: the six things it needs from a Ceph cluster, however reached.

Why a port: the same executor runs against loopback daemons in tests (the twin's
``octane.twin.services.ceph.CephCluster`` satisfies this protocol structurally; the twin
never imports octane.ceph) and, later, through Juju — ``juju exec`` on a ceph-mon unit for
the CLI and for ``ceph daemon mon.X``, the seed's units for new monitors — so
``octane upgrade-ceph`` is a thin layer that builds a Juju-backed port and calls
:class:`octane.ceph.handover.MonitorHandover`.

Contract every implementation keeps:

* every ``ceph`` call is bounded: ``--connect-timeout`` (without it the CLI blocks for ever
  when there is no quorum) and an outer timeout; a timed-out call returns a non-zero code;
* ``output`` is a local file that receives the command's ``-o`` output with mode 0600;
* ``mon_status`` reads the monitor's admin socket on its own host (it answers without a
  quorum) and returns None when the daemon does not answer;
* ``deploy_mon`` is idempotent (a re-run after an interruption calls it again); the monmap
  and keyring it receives are 0600 files the executor deletes right after the call — a
  remote implementation copies them 0600 and deletes its copies too;
* ``stop_mon`` runs *before* ``ceph mon remove``: it stops the member's daemon (bounded,
  reaped) and leaves its store, so a removal that then fails can be undone by starting it;
  a removed monitor must never be alive when the survivors renumber their ranks (see
  :meth:`octane.ceph.handover.MonitorHandover._remove`);
* ``retire_mon`` runs after ``ceph mon remove`` is confirmed: the daemon is already stopped;
  the port makes sure it cannot start again into the cluster;
* ``point_clients_at`` rewrites ``mon_host`` for clients (running daemons follow the
  monmap on their own; new clients bootstrap from ``mon_host``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol


class CommandOutput(Protocol):
    """What one command left: exit status and both streams."""

    @property
    def returncode(self) -> int:
        """The exit status (124 when the outer timeout fired)."""

    @property
    def stdout(self) -> str:
        """Standard output."""

    @property
    def stderr(self) -> str:
        """Standard error (where the ceph CLI reports most outcomes)."""


class CephPort(Protocol):
    """A Ceph cluster as the hand-over executor sees it; see the module contract."""

    def ceph(self, args: Sequence[str], *, timeout: float | None = None,
             output: Path | None = None) -> CommandOutput:
        """``ceph ARGS`` as the admin client, bounded by ``timeout`` seconds."""

    def mon_status(self, name: str, *, timeout: float = 5.0) -> Mapping[str, Any] | None:
        """Monitor ``name``'s admin-socket ``mon_status``, or None if it does not answer."""

    def deploy_mon(self, name: str, addr: str, *, monmap: Path, keyring: Path) -> None:
        """Create monitor ``name`` (mkfs from ``monmap`` and the ``mon.`` keyring) on the
        host that owns ``addr`` and start it."""

    def stop_mon(self, name: str) -> None:
        """Stop member ``name``'s daemon before its removal; its store stays."""

    def retire_mon(self, name: str) -> None:
        """After the removal: keep the stopped monitor from starting again."""

    def point_clients_at(self, addrs: Sequence[str]) -> None:
        """Make clients' ``mon_host`` list exactly ``addrs``."""
