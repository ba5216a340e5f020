"""A twin whose ceph-mon units are backed by a loopback cluster, and the real octane command.

The scenario is etc/scenarios/ceph-handover.yaml: model ``openstack`` (three ceph-mon units
with monitors, a ceph-osd and a nova-compute related to them, a memstore OSD and pool
``io``), model ``seed`` (three ceph-mon units without monitors) and model ``empty`` (no
ceph-mon). ``octane upgrade-ceph`` runs as a separate process against the twin, exactly as
an operator runs it; the test reads the outcome from the cluster and the twin's state.
"""

from __future__ import annotations

import contextlib
import copy
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from octane.twin import scenario as scenario_mod
from octane.twin.services.ceph import BINARIES, CephCluster
from octane.twin.services.ceph_extension import CephExtension, running
from octane.twin.testing import RunningTwin, running_twin
from tests.real import need_binaries

SCENARIO = Path(__file__).resolve().parents[3] / "etc" / "scenarios" / "ceph-handover.yaml"
OCTANE = str(Path(sys.executable).with_name("octane"))
#: Small timeouts: a wait that cannot succeed ends the test in seconds, not minutes.
TIMEOUTS = ("--cli-timeout", "5", "--step-timeout", "60", "--osd-map-timeout", "5")


@dataclass
class CephTwin:
    """The running twin, its ceph extension and the cluster both models share."""

    twin: RunningTwin
    ext: CephExtension

    @property
    def cluster(self) -> CephCluster:
        """The one cluster (fsid) of the scenario."""
        return self.ext.cluster("ceph")

    def octane(self, *args: str, stdin: str | None = None,
               timeout: float = 600) -> subprocess.CompletedProcess[str]:
        """``octane ARGS`` as a separate process with the twin's JUJU_DATA."""
        return subprocess.run([OCTANE, *args], env=self.twin.env(), input=stdin,
                              capture_output=True, text=True, timeout=timeout, check=False)

    def monmap(self) -> dict[str, Any]:
        """``ceph mon dump`` straight from the cluster (not through octane or Juju)."""
        dump: dict[str, Any] = self.cluster.ceph(["mon", "dump", "-f", "json"]).json()
        return dump

    def seed_monitors(self) -> dict[str, str]:
        """The seed units' future monitors: {hostname: unit address}."""
        handle = self.ext.handle_for("seed")
        assert handle is not None
        return {p.host.hostname: p.host.address for p in handle.placements
                if p.model == "seed"}

    def relations(self, model: str) -> list[str]:
        """Relation keys of ``model`` in the twin's state."""
        return sorted(self.twin.admin.state(model)["relations"])


def _spec(real: bool, seed_units: int) -> scenario_mod.Scenario:
    raw = yaml.safe_load(SCENARIO.read_text())
    doc = copy.deepcopy(raw)
    if not real:
        doc["models"]["openstack"]["ceph"].update(real=False)
        doc["models"]["openstack"]["ceph"].pop("osd")
    seed = doc["models"]["seed"]
    seed["applications"]["ceph-mon"]["to"] = [str(i) for i in range(seed_units)]
    seed["machines"] = {k: v for k, v in seed["machines"].items() if int(k) < seed_units}
    return scenario_mod.parse(doc, source=SCENARIO.name)


@contextlib.contextmanager
def start_twin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, real: bool,
               seed_units: int = 3) -> Iterator[CephTwin]:
    """A twin on the scenario (simulated monitors unless ``real``), stopped afterwards."""
    with running_twin(_spec(real, seed_units), data_dir=tmp_path / "twin") as twin:
        monkeypatch.setenv("JUJU_DATA", str(twin.juju_data))
        ext = running(twin.server)
        assert ext is not None, twin.server.services
        yield CephTwin(twin, ext)


@pytest.fixture
def real_twin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CephTwin]:
    """Real ceph-mon daemons (and a memstore OSD with pool ``io``) behind the units."""
    need_binaries(*BINARIES, "ceph-osd", "rados", what="the Ceph hand-over through Juju")
    with start_twin(tmp_path, monkeypatch, real=True) as t:
        yield t


@pytest.fixture
def sim_twin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CephTwin]:
    """The simulated monmap behind the units: the command's own rules, no daemons."""
    with start_twin(tmp_path, monkeypatch, real=False) as t:
        yield t
