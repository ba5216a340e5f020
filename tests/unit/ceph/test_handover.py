"""The hand-over executor against the twin's simulated cluster (no daemons: fast).

The simulated cluster answers the same CLI commands with the same exit codes as the real one
(the functional tests run the same executor on real ceph-mon daemons); here the executor's
own rules are pinned down: gates, resumption, noout ownership, keyrings in transit.
"""

from __future__ import annotations

import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from octane.ceph.handover import (
    HandoverEvent,
    HandoverStopped,
    MonitorHandover,
    QuorumDegraded,
    Timeouts,
)
from octane.ceph.planner import PlanRefused
from octane.ceph.port import CephPort
from octane.twin.services.ceph import CommandResult
from octane.twin.services.ceph_simulated import SimulatedCephCluster

FAST = Timeouts(cli=1, settle=0.5, step=0.5, poll=0.01)


@pytest.fixture
def sim() -> SimulatedCephCluster:
    return SimulatedCephCluster(("a", "b", "c"))


def _target(sim: SimulatedCephCluster, names: Sequence[str] = ("d", "e", "f")) -> dict[str, str]:
    return {n: sim.allocate_mon_address() for n in names}


def _handover(sim: CephPort, tmp_path: Path, **kw: Any) -> MonitorHandover:
    return MonitorHandover(sim, workdir=tmp_path / "work", timeouts=FAST, **kw)


def test_full_hand_over_to_three_new_monitors(sim: SimulatedCephCluster, tmp_path: Path) -> None:
    target = _target(sim)
    seen: list[tuple[str, int, tuple[str, ...], bool]] = []

    def observe(event: HandoverEvent) -> None:
        seen.append((event.kind, event.number, event.live.quorum, "noout" in sim.flags))
        if event.kind == "after-step":
            assert set(event.live.quorum) == set(event.step.quorum_after)

    report = _handover(sim, tmp_path, observer=observe).run(target)
    assert [s.name for s in report.done] == ["d", "a", "e", "b", "f", "c"]
    assert sim.quorum_status()["quorum_names"] == ["d", "e", "f"]
    assert sim.epoch == 7                          # one monmap change per step
    assert sim.mons == target and sim.client_hosts == list(target.values())
    assert all(noout for *_, noout in seen)        # noout held during every step
    assert "noout" not in sim.flags and report.noout == "octane"
    assert report.release.ok and report.release.required == "pacific"
    assert len(seen) == 12 and report.final.epoch == 7


def test_keyrings_travel_0600_in_0700_and_are_gone_afterwards(
        sim: SimulatedCephCluster, tmp_path: Path) -> None:
    modes: list[tuple[int, int, int, str]] = []
    deploy = sim.deploy_mon

    def checking_deploy(name: str, addr: str, *, monmap: Path, keyring: Path) -> None:
        modes.append((stat.S_IMODE(monmap.stat().st_mode), stat.S_IMODE(keyring.stat().st_mode),
                      stat.S_IMODE(keyring.parent.stat().st_mode), keyring.read_text()))
        deploy(name, addr, monmap=monmap, keyring=keyring)

    sim.deploy_mon = checking_deploy  # type: ignore[method-assign]  # this instance only
    _handover(sim, tmp_path).run(_target(sim, ["d"]) | {"b": sim.mons["b"],
                                                         "c": sim.mons["c"]})
    assert [m[:3] for m in modes] == [(0o600, 0o600, 0o700)]
    assert "[mon.]" in modes[0][3]
    leftovers = [p for p in (tmp_path / "work").rglob("*") if p.is_file()]
    assert leftovers == []


def test_target_of_one_monitor_is_refused_before_anything_changes(
        sim: SimulatedCephCluster, tmp_path: Path) -> None:
    with pytest.raises(PlanRefused, match="would leave one monitor"):
        _handover(sim, tmp_path).run({"a": sim.mons["a"]})
    assert sim.epoch == 1 and sim.flags == set() and sorted(sim.mons) == ["a", "b", "c"]


def test_degraded_quorum_before_the_start_is_refused_unchanged(
        sim: SimulatedCephCluster, tmp_path: Path) -> None:
    sim.stop_mon("c")
    with pytest.raises(QuorumDegraded, match=r"mon\.c does not answer on its admin socket"):
        _handover(sim, tmp_path).run(_target(sim))
    assert sim.epoch == 1 and sim.flags == set()


def test_monitor_lost_mid_hand_over_stops_then_resumes(
        sim: SimulatedCephCluster, tmp_path: Path) -> None:
    target = _target(sim)

    def kill_e_after_step_three(event: HandoverEvent) -> None:
        if event.kind == "after-step" and event.number == 3:
            sim.kill_mon("e")

    with pytest.raises(QuorumDegraded) as stopped:
        _handover(sim, tmp_path, observer=kill_e_after_step_three).run(target)
    assert "before step 4" in stopped.value.message
    assert "mon.e does not answer" in stopped.value.message
    assert "continues from the live monmap" in stopped.value.one_line()
    assert sim.epoch == 4 and "noout" in sim.flags        # three steps done, noout still held

    sim.start_mon("e")
    report = _handover(sim, tmp_path).run(target)
    assert [s.name for s in report.done] == ["b", "f", "c"]  # the rest of the same plan
    assert sim.quorum_status()["quorum_names"] == ["d", "e", "f"]
    assert "noout" not in sim.flags and report.noout == "octane"


def test_rerun_after_the_last_step_only_unsets_noout(
        sim: SimulatedCephCluster, tmp_path: Path) -> None:
    target = _target(sim, ["d"]) | {"b": sim.mons["b"], "c": sim.mons["c"]}

    def interrupt(event: HandoverEvent) -> None:
        if event.kind == "after-step" and event.number == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _handover(sim, tmp_path, observer=interrupt).run(target)
    assert "noout" in sim.flags and sim.epoch == 3
    report = _handover(sim, tmp_path).run(target)
    assert report.done == () and report.noout == "octane"
    assert "noout" not in sim.flags and sim.epoch == 3


def test_noout_set_by_the_operator_is_left_set(sim: SimulatedCephCluster,
                                               tmp_path: Path) -> None:
    sim.ceph(["osd", "set", "noout"])
    report = _handover(sim, tmp_path).run(_target(sim, ["d"]) | {"b": sim.mons["b"],
                                                                  "c": sim.mons["c"]})
    assert report.noout == "operator" and "noout" in sim.flags


def test_new_monitor_that_never_joins_stops_the_run_and_blocks_the_next(
        sim: SimulatedCephCluster, tmp_path: Path) -> None:
    sim.deploy_mon = lambda *a, **k: None  # type: ignore[method-assign]  # never starts it
    target = _target(sim)
    with pytest.raises(HandoverStopped, match=r"after 'Add monitor 'd'.*no full quorum of "
                                              r"a,b,c,d within"):
        _handover(sim, tmp_path).run(target)
    assert sorted(sim.quorum_status()["quorum_names"]) == ["a", "b", "c"]   # never lost
    with pytest.raises(QuorumDegraded, match=r"mon\.d does not answer"):
        _handover(sim, tmp_path).run(target)
    assert sim.epoch == 2                 # a, b, c never removed while d was not in quorum


def test_failed_deploy_removes_the_keys_and_says_where(
        sim: SimulatedCephCluster, tmp_path: Path) -> None:
    def broken(name: str, addr: str, *, monmap: Path, keyring: Path) -> None:
        raise RuntimeError("mkfs failed: no space left on device")

    sim.deploy_mon = broken  # type: ignore[method-assign]  # this instance only
    with pytest.raises(HandoverStopped, match=r"could not start mon\.d on .*no space left"):
        _handover(sim, tmp_path).run(_target(sim))
    assert [p for p in (tmp_path / "work").rglob("*") if p.is_file()
            and "keys" in p.parts] == []
    assert sim.epoch == 1


def test_remove_answering_already_removed_counts_as_done(
        sim: SimulatedCephCluster, tmp_path: Path) -> None:
    """Pitfall 3: the CLI retried on another monitor after the removal committed."""
    real_ceph = sim.ceph

    def retrying_ceph(args: Sequence[str], *, timeout: float | None = None,
                      output: Path | None = None) -> CommandResult:
        result = real_ceph(args, timeout=timeout, output=output)
        if list(args[:2]) == ["mon", "remove"] and result.ok:
            return real_ceph(args, timeout=timeout, output=output)  # the retry: ENOENT
        return result

    sim.ceph = retrying_ceph  # type: ignore[method-assign]  # patches this instance only
    report = _handover(sim, tmp_path).run({"b": sim.mons["b"], "c": sim.mons["c"]})
    assert [s.name for s in report.done] == ["a"]
    assert sorted(sim.mons) == ["b", "c"]


def test_release_check_reports_a_lagging_require_osd_release(tmp_path: Path) -> None:
    sim = SimulatedCephCluster(("a", "b", "c"), release="quincy")
    sim.require_osd_release = "pacific"
    report = _handover(sim, tmp_path).run({"b": sim.mons["b"], "c": sim.mons["c"],
                                           "d": sim.allocate_mon_address()})
    assert not report.release.ok
    assert report.release.message == ("require_osd_release is pacific but every OSD runs "
                                      "quincy or later: run 'ceph osd require-osd-release "
                                      "quincy'")


def test_plan_is_read_only(sim: SimulatedCephCluster, tmp_path: Path) -> None:
    plan = _handover(sim, tmp_path).plan(_target(sim))
    assert len(plan.steps) == 6 and sim.epoch == 1 and sim.flags == set()


def test_a_monitor_is_stopped_before_it_leaves_the_monmap(
        sim: SimulatedCephCluster, tmp_path: Path) -> None:
    """Stop, the others' quorum, ``mon remove``, retire: never a removed monitor alive.

    Removing first let a client re-hunting at the moment of the removal open its session on
    the dying monitor and hang there (pacific's MonClient; see MonitorHandover._remove).
    """
    events: list[str] = []
    stop, retire, ceph = sim.stop_mon, sim.retire_mon, sim.ceph

    def stopping(name: str, **kw: bool) -> None:
        events.append(f"stop {name}")
        stop(name, **kw)

    def retiring(name: str) -> None:
        events.append(f"retire {name}")
        retire(name)

    def cli(args: Sequence[str], **kw: object) -> CommandResult:
        if list(args[:2]) == ["mon", "remove"]:
            quorum = sim.quorum_status()["quorum_names"]
            events.append(f"remove {args[2]} (running: {sim.mon_state(args[2])}, "
                          f"quorum {','.join(quorum)})")
        return ceph(args, **kw)  # type: ignore[arg-type]

    sim.stop_mon, sim.retire_mon = stopping, retiring  # type: ignore[method-assign]
    sim.ceph = cli  # type: ignore[method-assign]
    _handover(sim, tmp_path).run(_target(sim, ["d"]) | {"b": sim.mons["b"],
                                                         "c": sim.mons["c"]})
    assert events == ["stop a", "remove a (running: down, quorum b,c,d)", "retire a"]


def test_no_quorum_after_stopping_a_monitor_stops_the_run_before_the_monmap_changes(
        sim: SimulatedCephCluster, tmp_path: Path) -> None:
    stop = sim.stop_mon

    def stop_two(name: str, **kw: bool) -> None:     # the host of b goes down at that moment
        stop(name, **kw)
        stop("b")

    sim.stop_mon = stop_two  # type: ignore[method-assign]
    with pytest.raises(HandoverStopped, match=r"mon\.a was stopped for its removal, but the "
                                              r"other members formed no quorum") as stopped:
        _handover(sim, tmp_path).run(_target(sim, ["d"]) | {"b": sim.mons["b"],
                                                             "c": sim.mons["c"]})
    assert "start mon.a again" in stopped.value.one_line()
    assert sim.epoch == 2                            # d added; a never removed without quorum
    sim.start_mon("b")
    assert sorted(m["name"] for m in sim.ceph(["mon", "dump", "-f", "json"]).json()["mons"]) \
        == ["a", "b", "c", "d"]


def _one_new(sim: SimulatedCephCluster) -> dict[str, str]:
    """Add d, then remove a (b and c stay): the shortest plan with a removal."""
    return _target(sim, ["d"]) | {"b": sim.mons["b"], "c": sim.mons["c"]}


def _interrupt_at(sim: SimulatedCephCluster, verb: str) -> None:
    """The process dies at the first ``ceph mon <verb>`` (before it reaches the cluster)."""
    ceph = sim.ceph

    def cli(args: Sequence[str], **kw: object) -> CommandResult:
        if list(args[:2]) == ["mon", verb]:
            sim.ceph = ceph  # type: ignore[method-assign]
            raise KeyboardInterrupt(f"killed before mon {verb}")
        return ceph(args, **kw)  # type: ignore[arg-type]

    sim.ceph = cli  # type: ignore[method-assign]


def test_run_interrupted_between_stop_and_removal_continues_the_removal(
        sim: SimulatedCephCluster, tmp_path: Path) -> None:
    """The stopped monitor is octane's doing (its marker says so): the next run removes it
    instead of refusing a degraded quorum and asking the operator to start it again."""
    target = _one_new(sim)
    _interrupt_at(sim, "remove")
    with pytest.raises(KeyboardInterrupt):
        _handover(sim, tmp_path).run(target)
    assert sim.mon_state("a") == "down" and "a" in sim.mons and sim.epoch == 2

    handover = _handover(sim, tmp_path)
    assert [s.description for s in handover.plan(target).steps] == [
        "Remove monitor 'a' and wait for a quorum of 3: 'b,c,d'"]
    report = handover.run(target)
    assert [s.name for s in report.done] == ["a"]
    assert sim.quorum_status()["quorum_names"] == ["b", "c", "d"]
    assert "a" not in sim.mons                                   # retired
    assert not list((tmp_path / "work").rglob("stopped-for-removal.*"))
    assert "noout" not in sim.flags


def test_journaled_step_resumes_a_removal_its_run_had_stopped(
        sim: SimulatedCephCluster, tmp_path: Path) -> None:
    """The same through ``live``/``run_step``, which ``octane upgrade-ceph`` journals."""
    target = _one_new(sim)
    _interrupt_at(sim, "remove")
    with pytest.raises(KeyboardInterrupt):
        _handover(sim, tmp_path).run(target)
    handover = _handover(sim, tmp_path)
    with pytest.raises(QuorumDegraded, match=r"mon\.a does not answer"):
        handover.live("before planning")                         # without a target: strict
    step = handover.plan(target).steps[0]
    assert handover.live("before planning", target).members.keys() == {"a", "b", "c", "d"}
    assert handover.run_step(step, target, number=2) == "done"
    assert handover.in_effect(step) and "a" not in sim.mons


def test_leaving_monitor_that_died_by_itself_still_stops_the_run(
        sim: SimulatedCephCluster, tmp_path: Path) -> None:
    """No marker, no exception: a monitor octane did not stop is the operator's to look at."""
    def kill_a(event: HandoverEvent) -> None:
        if event.kind == "after-step" and event.number == 1:
            sim.kill_mon("a")

    with pytest.raises(QuorumDegraded, match=r"before step 2: .*mon\.a does not answer"):
        _handover(sim, tmp_path, observer=kill_a).run(_one_new(sim))
    assert sim.epoch == 2 and "a" in sim.mons


def test_run_interrupted_before_retiring_retires_on_the_next_run(
        sim: SimulatedCephCluster, tmp_path: Path) -> None:
    target = _one_new(sim)
    retire = sim.retire_mon
    retired: list[str] = []

    def dies(name: str) -> None:
        sim.retire_mon = retire  # type: ignore[method-assign]
        raise KeyboardInterrupt(f"killed before retiring {name}")

    sim.retire_mon = dies  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        _handover(sim, tmp_path).run(target)
    assert "a" not in sim.quorum_status()["quorum_names"] and "a" in sim.mons

    def recording(name: str) -> None:
        retired.append(name)
        retire(name)

    sim.retire_mon = recording  # type: ignore[method-assign]
    report = _handover(sim, tmp_path).run(target)
    assert report.done == () and retired == ["a"] and "a" not in sim.mons
    assert not list((tmp_path / "work").rglob("stopped-for-removal.*"))
