"""The schema of a model's ``ceph:`` scenario section (docs/ceph.md).

Why its own module: a scenario that cannot describe a cluster must fail when the twin
starts, with one line naming the file and the path inside it, before any daemon runs.

``cluster`` (default ``ceph``: models naming the same cluster share it), ``application``
(default ``ceph-mon``: whose units' machines host monitors), ``monitors`` (``bootstrap``:
the cluster is created with one monitor per unit; ``join``: the units start without one),
``real`` (``auto``, true, false), ``fast`` (MON_FAST election timings, default true) and
``osd: {pool: NAME}`` (a memstore OSD and a pool); the last three belong to the bootstrap
model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from octane.twin.scenario import ScenarioError, model_section

KEYS = frozenset({"cluster", "application", "monitors", "real", "fast", "osd"})


@dataclass(frozen=True)
class CephSection:
    """One model's ``ceph:`` section, validated."""

    model: str
    cluster: str = "ceph"
    application: str = "ceph-mon"
    bootstrap: bool = True
    real: bool | None = None
    fast: bool = True
    pool: str | None = None


def parse_section(source: str, model: str, raw: Any) -> CephSection:
    """Validate ``models.<model>.ceph``; the first problem is one line naming its path."""
    where, raw = model_section(source, model, "ceph", raw, KEYS)
    monitors = raw.get("monitors", "bootstrap")
    if monitors not in ("bootstrap", "join"):
        raise ScenarioError(f"{where}.monitors: expected bootstrap or join, not {monitors!r}")
    real = raw.get("real", "auto")
    if real not in ("auto", True, False):
        raise ScenarioError(f"{where}.real: expected auto, true or false")
    osd = raw.get("osd")
    if osd is not None and not (isinstance(osd, dict) and isinstance(osd.get("pool"), str)):
        raise ScenarioError(f"{where}.osd: expected {{pool: NAME}}")
    if monitors == "join" and ({"real", "fast", "osd"} & set(raw)):
        raise ScenarioError(f"{where}: real, fast and osd belong to the cluster's bootstrap "
                            "model, not to a model that joins it")
    return CephSection(model=model, cluster=str(raw.get("cluster", "ceph")),
                       application=str(raw.get("application", "ceph-mon")),
                       bootstrap=monitors == "bootstrap",
                       real=None if real == "auto" else bool(real),
                       fast=bool(raw.get("fast", True)), pool=osd["pool"] if osd else None)
