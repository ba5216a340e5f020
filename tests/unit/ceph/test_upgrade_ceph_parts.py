"""The pieces of ``octane upgrade-ceph`` that need no twin: topology, plan, steps, schema.

``data/fullstatus_after_handover.json`` is FullStatus of both models of
etc/scenarios/ceph-handover.yaml captured from the twin right after a hand-over (clients
related to the consumed seed ceph-mon, the seed's offer in place).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from octane.ceph.handover import HandoverStopped, MonitorHandover, Timeouts, same_step
from octane.ceph.juju_port import CephUnits, MonUnit
from octane.ceph.live import read_live
from octane.ceph.monmap import MonMap
from octane.ceph.planner import AddMonitor, RemoveMonitor, plan_handover
from octane.commands.upgrade_ceph import ACTIONS, build_plan
from octane.engine import validate_plan
from octane.juju.topology import RelationEnd, topology_from_status
from octane.twin.scenario import ScenarioError
from octane.twin.services.ceph_section import CephSection, parse_section
from octane.twin.services.ceph_simulated import SimulatedCephCluster

DATA = Path(__file__).with_name("data") / "fullstatus_after_handover.json"
FAST = Timeouts(cli=1, settle=0.5, step=0.5, poll=0.01)


@pytest.fixture(scope="module")
def status() -> dict[str, Any]:
    docs: dict[str, Any] = json.loads(DATA.read_text())
    return docs


def test_topology_reads_places_relations_and_offers(status: dict[str, Any]) -> None:
    seed = topology_from_status("seed", status["seed"])
    assert seed.applications_of("ceph-mon") == ["ceph-mon"]
    assert [(p.unit, p.hostname, p.address, p.leader) for p in seed.units_of("ceph-mon")] == [
        ("ceph-mon/0", "smon-d", "127.0.0.6", True), ("ceph-mon/1", "smon-e", "127.0.0.7",
                                                      False),
        ("ceph-mon/2", "smon-f", "127.0.0.8", False)]
    assert seed.offers == {"ceph-mon": "ceph-mon"}
    old = topology_from_status("openstack", status["openstack"])
    assert old.charms["ceph-osd"] == "ceph-osd"
    assert old.consumed == {"seed-ceph-mon": "admin/seed.ceph-mon"}
    osd = old.relations_of("ceph-osd")
    assert [r.interface for r in osd] == ["ceph-osd"]
    assert osd[0].other("ceph-osd") == RelationEnd("seed-ceph-mon", "osd", "provider")
    assert osd[0].end("ceph-osd") is not None and osd[0].end("ceph-osd").spec == "ceph-osd:mon"
    assert old.relations_of("ceph-mon") == []        # the old relations are gone


def _units(names: dict[str, str]) -> CephUnits:
    old = [MonUnit("openstack", f"ceph-mon/{i}", n, a) for i, (n, a) in
           enumerate({"a": "10.0.0.1", "b": "10.0.0.2", "c": "10.0.0.3"}.items())]
    new = [MonUnit("seed", f"ceph-mon/{i}", n, a) for i, (n, a) in enumerate(names.items())]

    class Named:
        def __init__(self, name: str) -> None:
            self.name = name
    return CephUnits(Named("openstack"), Named("seed"), "ceph-mon", "ceph-mon",  # type: ignore[arg-type]
                     old, new)


def test_the_plan_is_data_with_stable_ids_and_a_prompt_per_monitor() -> None:
    units = _units({"d": "10.0.0.4", "e": "10.0.0.5", "f": "10.0.0.6"})
    current = plan_handover(_monmap({"a": "10.0.0.1", "b": "10.0.0.2", "c": "10.0.0.3"}),
                            units.target)
    plan = build_plan(units, current, "f5-id")
    validate_plan(plan, ACTIONS)                     # every action is in the vocabulary
    steps = plan.root.children
    assert [s.id for s in steps] == [
        "ceph/seed/noout-set", "ceph/seed/add/d", "ceph/seed/remove/a", "ceph/seed/add/e",
        "ceph/seed/remove/b", "ceph/seed/add/f", "ceph/seed/remove/c",
        "ceph/seed/noout-unset", "ceph/seed/osd-maps", "ceph/seed/release"]
    assert [s.prompt for s in steps] == [False] + [True] * 6 + [False, False, False]
    assert steps[1].params == {"name": "d", "addr": "10.0.0.4"}
    assert steps[0].params == steps[7].params == {"fsid": "f5-id"}
    assert plan.root.description == "Hand the Ceph monitors of model 'openstack' over to " \
                                    "seed 'seed'"
    assert plan.meta["target"] == {"d": "10.0.0.4", "e": "10.0.0.5", "f": "10.0.0.6"}
    # a resumed run re-plans: the remaining steps keep their ids (the journal matches them)
    later = plan_handover(_monmap({"b": "10.0.0.2", "c": "10.0.0.3", "d": "10.0.0.4"}),
                          units.target)
    again = build_plan(units, later, "f5-id")
    assert {s.id for s in again.root.children} < {s.id for s in steps}


def _monmap(members: dict[str, str]) -> MonMap:
    return MonMap.of(members)


def test_same_step_ignores_the_expected_quorum() -> None:
    assert same_step(AddMonitor("d", "1.2.3.4", ()), AddMonitor("d", "1.2.3.4", ("a", "d")))
    assert not same_step(AddMonitor("d", "1.2.3.4", ()), AddMonitor("d", "1.2.3.5", ()))
    assert not same_step(AddMonitor("d", "1.2.3.4", ()), RemoveMonitor("d", ()))
    assert same_step(RemoveMonitor("a", ()), RemoveMonitor("a", ("b", "c")))


def test_one_step_runs_only_where_the_plan_expects_it(tmp_path: Path) -> None:
    sim = SimulatedCephCluster(("a", "b", "c"))
    target = {n: sim.allocate_mon_address() for n in ("d", "e", "f")}
    handover = MonitorHandover(sim, workdir=tmp_path, timeouts=FAST)
    epoch = read_live(sim, timeout=1).epoch
    with pytest.raises(HandoverStopped, match=r"not where step 1 expects it .*next is 'Add "
                                              r"monitor 'd'"):
        handover.run_step(RemoveMonitor("a", ()), target, number=1)
    assert read_live(sim, timeout=1).epoch == epoch              # nothing changed
    add = AddMonitor("d", target["d"], ())
    assert not handover.in_effect(add)
    assert handover.run_step(add, target, number=1) == "done"
    assert handover.in_effect(add)
    assert handover.run_step(add, target, number=1) == "already"  # a resumed step
    assert read_live(sim, timeout=1).epoch == epoch + 1


def test_ceph_sections_are_validated_with_their_path() -> None:
    assert parse_section("s.yaml", "openstack", None) == CephSection(model="openstack")
    seed = parse_section("s.yaml", "seed", {"cluster": "main", "monitors": "join"})
    assert (seed.cluster, seed.bootstrap, seed.real) == ("main", False, None)
    full = parse_section("s.yaml", "m", {"real": False, "fast": False, "osd": {"pool": "io"},
                                         "application": "mon"})
    assert (full.real, full.fast, full.pool, full.application) == (False, False, "io", "mon")
    for raw, message in (
            ({"monitor": "join"}, "s.yaml: models.m.ceph.monitor: unknown key"),
            ({"monitors": "maybe"}, "models.m.ceph.monitors: expected bootstrap or join"),
            ({"real": "yes"}, "models.m.ceph.real: expected auto, true or false"),
            ({"osd": {"pools": "io"}}, "models.m.ceph.osd: expected {pool: NAME}"),
            ({"monitors": "join", "osd": {"pool": "io"}}, "belong to the cluster's bootstrap"),
            ([1], "models.m.ceph: expected a mapping")):
        with pytest.raises(ScenarioError) as bad:
            parse_section("s.yaml", "m", raw)
        assert message in bad.value.one_line()
