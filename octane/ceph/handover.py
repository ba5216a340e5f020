"""The monitor hand-over executor: runs the planner's steps on a live cluster, safely.

Why it re-reads and re-plans before every step instead of walking a fixed list: the live
monmap is the only truth after an interruption (a crash, a SIGINT, a monitor dying), and the
planner's plan from any intermediate monmap is the rest of the original plan, so re-running
the hand-over simply continues. Every step is bracketed by two readings of the cluster
(:mod:`octane.ceph.live`): before it, a full quorum of every member, or the run stops with
nothing changed by that step; after it, the quorum the step must end with, or the run stops
saying what it saw.

Pitfalls from shared/reference/components.md §2, each encoded where it bites:
``ceph mon add`` takes a bare IP; ``mon remove`` may answer "does not exist or has already
been removed" after it succeeded; an old monitor is never removed before every new one is
in ``quorum_names``; clients' ``mon_host`` is rewritten after every monmap change. Learnt
here: a monitor's daemon is stopped *before* ``ceph mon remove`` (see :meth:`_remove`).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from octane.ceph.live import LiveState, NoQuorum, read_live, wait_for_quorum
from octane.ceph.osd import (
    MapCheck,
    ReleaseCheck,
    check_osd_maps,
    check_require_osd_release,
    set_noout,
    unset_noout,
)
from octane.ceph.planner import AddMonitor, HandoverPlan, MonStep, plan_handover, transitions
from octane.ceph.port import CephPort
from octane.errors import GateFailed, StepFailed
from octane.paths import private_dir

LOG = logging.getLogger(__name__)


class QuorumDegraded(GateFailed):
    """The quorum was not whole before a step; that step changed nothing."""


def same_step(one: MonStep, other: MonStep) -> bool:
    """The same add (name and address) or the same removal, whatever quorum it expects."""
    if isinstance(one, AddMonitor) and isinstance(other, AddMonitor):
        return (one.name, one.addr) == (other.name, other.addr)
    return type(one) is type(other) and one.name == other.name


class HandoverStopped(StepFailed):
    """A step failed or its quorum did not form; re-running continues from the live monmap."""


STOPPED = "stopped-for-removal."     # + name: octane stopped that monitor to remove it

RESUME_HINT = "fix the cause and run the hand-over again: it continues from the live monmap"


@dataclass(frozen=True)
class Timeouts:
    """Every wait is bounded; MON_FAST-style clusters in tests use smaller values."""

    cli: float = 10.0      # --connect-timeout of each ceph CLI call (the port adds 5 s outer)
    settle: float = 30.0   # before a step: time an election in progress may take to finish
    step: float = 120.0    # after a step: until the expected full quorum forms
    poll: float = 0.25
    osd_maps: float = 20.0  # at the end: until every OSD has the current OSD map


@dataclass(frozen=True)
class HandoverEvent:
    """What an observer sees around each step (tests sample the quorum here)."""

    kind: Literal["before-step", "after-step"]
    number: int            # 1-based, within this run
    step: MonStep
    live: LiveState


@dataclass(frozen=True)
class HandoverReport:
    """The outcome of one run."""

    plan: HandoverPlan                 # as planned when this run started
    done: tuple[MonStep, ...]
    final: LiveState
    noout: str                         # "octane", "operator" or "untouched"
    release: ReleaseCheck
    osd_maps: MapCheck | None = None   # every OSD on the current OSD map (after the steps)


Observer = Callable[[HandoverEvent], None]


class MonitorHandover:
    """Moves a cluster's monitors to a target set through a :class:`CephPort`.

    ``workdir`` holds, per cluster fsid, the keyrings in transit (0600 in 0700, deleted
    right after use) and the marker saying octane set ``noout``.
    """

    def __init__(self, port: CephPort, *, workdir: Path, timeouts: Timeouts | None = None,
                 observer: Observer | None = None) -> None:
        self.port, self.workdir = port, workdir
        self.timeouts = timeouts or Timeouts()
        self.observer = observer

    def plan(self, target: Mapping[str, str]) -> HandoverPlan:
        """Read-only: the steps a run would take now (refusals raise here too)."""
        return plan_handover(self._gate("before planning", target).monmap, target)

    def run(self, target: Mapping[str, str]) -> HandoverReport:
        """Hand the monitors over to ``target`` (``{name: bare IP}``, add order)."""
        live = self._gate("before the hand-over", target)
        first = plan_handover(live.monmap, target)        # refusal: nothing has changed
        state_dir = self.state_dir(live.fsid)
        self._retire_removed(live)
        noout = self._set_noout(state_dir) if first.steps else "untouched"
        done: list[MonStep] = []
        for _ in range(len(first.steps) + 1):             # bounded; converges in len(steps)
            plan = plan_handover(live.monmap, target)
            if not plan.steps:
                break
            live = self.apply(plan.steps[0], live, number=len(done) + 1)
            done.append(plan.steps[0])
            live = self._gate(f"before step {len(done) + 1}", target)
        else:
            raise HandoverStopped(f"monmap did not converge on the target ({live.describe()})",
                                  hint=RESUME_HINT)
        if self.unset_noout(live.fsid) and noout == "untouched":
            noout = "octane"                # an interrupted run had set it; this one unset it
        maps = self.check_osd_maps() if done else None
        release = self.check_release()
        return HandoverReport(first, tuple(done), live, noout, release, maps)

    # -- the same, one piece at a time (octane upgrade-ceph journals each step) ----------
    def state_dir(self, fsid: str) -> Path:
        """Per-cluster 0700 directory; keyrings an interrupted run left in it are deleted."""
        state_dir = private_dir(self.workdir / (fsid or "cluster"))
        self._drop_keys(state_dir)
        return state_dir

    def set_noout(self) -> str:
        """Gate, then set ``noout`` (recording that octane owns it); returns its owner."""
        return self._set_noout(self.state_dir(self._gate("before setting noout").fsid))

    def _set_noout(self, state_dir: Path) -> str:
        return set_noout(self.port, state_dir, timeout=self.timeouts.cli)

    def unset_noout(self, fsid: str) -> bool:
        """Unset ``noout`` if octane set it (this run or an interrupted one)."""
        return unset_noout(self.port, self.state_dir(fsid), timeout=self.timeouts.cli)

    def check_release(self) -> ReleaseCheck:
        """``require_osd_release`` against the OSDs' releases; reported, never changed."""
        release = check_require_osd_release(self.port, timeout=self.timeouts.cli)
        if not release.ok:
            LOG.warning("%s", release.message)
        return release

    def check_osd_maps(self) -> MapCheck:
        """Every up OSD on the current OSD map (bounded wait); reported, the caller decides."""
        check = check_osd_maps(self.port, timeout=self.timeouts.cli,
                               wait=self.timeouts.osd_maps, poll=self.timeouts.poll)
        LOG.info("OSD maps: %s", check.message)
        return check

    def in_effect(self, step: MonStep) -> bool:
        """Read-only and ungated: the live monmap already reflects ``step``."""
        try:
            return self.in_effect_of(step, read_live(self.port, timeout=self.timeouts.cli))
        except NoQuorum:
            return False

    def run_step(self, step: MonStep, target: Mapping[str, str], *, number: int) -> str:
        """One planned step, only if the live monmap is where the plan expects it.

        Returns ``done``, or ``already`` when the live monmap reflects it (a resumed run).
        A live monmap that moved elsewhere stops the run before anything changes: safety
        was proven for the planner's order from the monmap it planned from.
        """
        live = self._gate(f"before step {number}", target)
        self._retire_removed(live)
        if self.in_effect_of(step, live):
            return "already"
        steps = plan_handover(live.monmap, target).steps
        if not steps or not same_step(steps[0], step):
            nxt = f"next is '{steps[0].description}'" if steps else "nothing is left to do"
            raise HandoverStopped(f"the live monmap is not where step {number} expects it "
                                  f"({live.describe()}; {nxt}); nothing was changed",
                                  hint="run the hand-over again: it re-plans from the live "
                                       "monmap")
        self.state_dir(live.fsid)
        self.apply(steps[0], live, number=number)      # the live plan's: its quorum_after
        return "done"

    def live(self, when: str = "now", target: Mapping[str, str] | None = None) -> LiveState:
        """A gated reading: a full quorum of every member, else :class:`QuorumDegraded`
        (with ``target``: but a monitor an interrupted run stopped for its removal)."""
        return self._gate(when, target)

    @staticmethod
    def in_effect_of(step: MonStep, live: LiveState) -> bool:
        """``step`` is reflected in ``live`` (a member, healthy / no longer a member)."""
        if isinstance(step, AddMonitor):
            return live.members.get(step.name) == step.addr and live.healthy(step.name)
        return step.name not in live.members

    def apply(self, step: MonStep, live: LiveState, *, number: int) -> LiveState:
        """Do ``step`` from the gated reading ``live`` and wait for its quorum."""
        LOG.info("step %d: %s (%s)", number, step.description, live.describe())
        self._notify("before-step", number, step, live)
        after = self._apply(step, live, self.workdir / (live.fsid or "cluster"))
        self._notify("after-step", number, step, after)
        return after

    # -- gates and waits ---------------------------------------------------------------
    def _gate(self, when: str, target: Mapping[str, str] | None = None) -> LiveState:
        """A full quorum of every member, read live; an election may finish, a dead
        monitor is not waited for. With ``target``, the one exception is a monitor this
        tool stopped for its removal when the run was interrupted before ``mon remove``
        (:meth:`_stopped_leaver`): the removal then goes on from there."""
        t = self.timeouts
        deadline = time.monotonic() + t.settle
        while True:
            try:
                live = read_live(self.port, timeout=t.cli)
            except NoQuorum as exc:
                reason, down = str(exc), False
            else:
                problem = live.degraded()
                if problem is None:
                    return live
                leaver = self._stopped_leaver(live, target)
                if leaver is not None:
                    LOG.info("mon.%s was stopped for its removal by an interrupted run; its "
                             "removal continues (%s)", leaver, live.describe())
                    return live
                reason, down = problem, "does not answer" in problem
            if down or time.monotonic() >= deadline:
                raise QuorumDegraded(f"Ceph quorum is degraded {when}: {reason}; nothing was "
                                     "changed by this step", hint="bring the monitor back and "
                                     "run the hand-over again: it continues from the live monmap")
            time.sleep(t.poll)

    def _stopped_leaver(self, live: LiveState, target: Mapping[str, str] | None) -> str | None:
        """The member a run stopped for its removal and that is still in the monmap.

        Only with octane's marker for it (written before ``stop_mon``, deleted after
        ``retire_mon``): a monitor that crashed on its own still stops the run. It must be
        down, not a target member, and every other member in a full quorum.
        """
        if target is None:
            return None
        marked = self.workdir / (live.fsid or "cluster")
        for name in live.members:
            if (name not in target and live.states.get(name, "down") == "down"
                    and (marked / f"{STOPPED}{name}").exists()
                    and live.degraded(leaving=name) is None):
                return name
        return None

    def _retire_removed(self, live: LiveState) -> None:
        """Retire the monitors a run stopped and removed but was interrupted before retiring."""
        marked = self.workdir / (live.fsid or "cluster")
        if not marked.is_dir():
            return
        for marker in sorted(marked.glob(f"{STOPPED}*")):
            name = marker.name.removeprefix(STOPPED)
            if name not in live.members:
                LOG.info("mon.%s was removed by an interrupted run; retiring it", name)
                self.port.retire_mon(name)
                marker.unlink(missing_ok=True)

    def _wait(self, step: MonStep) -> LiveState:
        try:
            return wait_for_quorum(self.port, step.quorum_after, timeout=self.timeouts.step,
                                   cli_timeout=self.timeouts.cli, interval=self.timeouts.poll)
        except TimeoutError as exc:
            raise HandoverStopped(f"after '{step.description}': {exc}", hint=RESUME_HINT) from exc

    def _notify(self, kind: Literal["before-step", "after-step"], number: int, step: MonStep,
                live: LiveState) -> None:
        if self.observer is not None:
            self.observer(HandoverEvent(kind, number, step, live))

    # -- steps ---------------------------------------------------------------------------
    def _apply(self, step: MonStep, live: LiveState, state_dir: Path) -> LiveState:
        after = transitions(live.monmap, step)[-1]
        if isinstance(step, AddMonitor):
            self._add(step, state_dir)
        else:
            self._remove(step.name, live, state_dir)
        # clients bootstrap from mon_host: after the last old monitor left, a stale list
        # would point new clients at nothing (running daemons follow the monmap by themselves)
        self.port.point_clients_at([after.addrs[n] for n in after.names])
        return self._wait(step)

    def _ceph(self, args: list[str], what: str, *, output: Path | None = None,
              tolerate: str | None = None) -> None:
        result = self.port.ceph(args, timeout=self.timeouts.cli, output=output)
        if result.returncode != 0 and not (tolerate and tolerate in result.stderr):
            raise HandoverStopped(f"could not {what}: {result.stderr.strip() or 'no output'} "
                                  f"(rc {result.returncode})", hint=RESUME_HINT)

    def _add(self, step: AddMonitor, state_dir: Path) -> None:
        keys = private_dir(state_dir / "keys")
        monmap, keyring = keys / "monmap", keys / "mon.keyring"
        try:
            # the new monitor joins this cluster: same fsid, current monmap, the mon. key
            self._ceph(["mon", "getmap"], "fetch the monmap", output=monmap)
            self._ceph(["auth", "get", "mon."], "fetch the mon. keyring", output=keyring)
            for secret in (monmap, keyring):
                os.chmod(secret, 0o600)
            try:
                self.port.deploy_mon(step.name, step.addr, monmap=monmap, keyring=keyring)
            except Exception as exc:
                LOG.debug("deploy_mon failed", exc_info=True)
                raise HandoverStopped(f"could not start mon.{step.name} on {step.addr}: {exc}",
                                      hint=RESUME_HINT) from exc
        finally:
            self._drop_keys(state_dir)
        # a bare IP means [v2:IP:3300,v1:IP:6789]; an [addrvec] argument crashes pacific's
        # CLI (IndexError in ceph_argparse). "already exists" = it joined by itself first.
        self._ceph(["mon", "add", step.name, step.addr], f"add mon.{step.name}",
                   tolerate="already exists")

    def _remove(self, name: str, live: LiveState, state_dir: Path) -> None:
        # Never remove an old monitor before every member — the new ones above all — is in
        # quorum_names: with new members added but not running, removing one lost quorum.
        # (The leaving one itself may be out: stopped by an interrupted run, see _gate.)
        missing = [n for n in live.members if n not in live.quorum and n != name]
        if missing:
            raise QuorumDegraded(f"will not remove mon.{name}: {','.join(missing)} not in "
                                 "quorum_names", hint=RESUME_HINT)
        # Stop the daemon first, then `ceph mon remove` (the order of Ceph's manual
        # procedure). The other way round hangs clients: when the removal commits, every
        # survivor whose rank changes drops all its client sessions (mark_down_all), and a
        # client re-hunting from its old monmap may pick the removed monitor, which is still
        # alive for a few milliseconds before it exits by itself ("removed from monmap,
        # suicide"). If it finishes cephx there and dies before the msgr2 handshake ends,
        # pacific's MonClient counts the session as open while the lossy connection retries
        # the dead address for ever (no reset, no keepalive check on a connection without
        # features): that client's monitor ops hang until their own timeout (60 s in the
        # functional tests, for ever without one). Seen in 2 of 3 runs of
        # tests/functional/ceph_twin (librados debug_monc log); a stopped monitor refuses
        # the connection instead and the client's hunt moves on.
        # The marker lets a run interrupted from here on continue the removal (see _gate).
        marker = state_dir / f"{STOPPED}{name}"
        marker.touch(mode=0o600)
        self.port.stop_mon(name)
        self._wait_without(name, live)
        # When the CLI retried on another monitor after the removal had committed, it says
        # "does not exist or has already been removed": success, confirmed with mon dump.
        self._ceph(["mon", "remove", name], f"remove mon.{name}",
                   tolerate="does not exist or has already been removed")
        self._confirm_removed(name)
        self.port.retire_mon(name)
        marker.unlink(missing_ok=True)

    def _wait_without(self, name: str, live: LiveState) -> None:
        """After stopping member ``name``: the others' quorum, before the monmap changes."""
        others = {n for n in live.members if n != name}
        deadline = time.monotonic() + self.timeouts.step
        last = "nothing read yet"
        while True:
            try:
                now = read_live(self.port, timeout=self.timeouts.cli)
            except NoQuorum as exc:
                last = str(exc)
            else:
                if set(now.quorum) == others and all(now.healthy(n) for n in others):
                    return
                last = now.describe()
            if time.monotonic() >= deadline:
                raise HandoverStopped(f"mon.{name} was stopped for its removal, but the other "
                                      f"members formed no quorum within "
                                      f"{self.timeouts.step:.0f}s (last: {last})",
                                      hint=f"start mon.{name} again, then {RESUME_HINT}")
            time.sleep(self.timeouts.poll)

    def _confirm_removed(self, name: str) -> None:
        deadline = time.monotonic() + self.timeouts.step
        while True:
            dump = self.port.ceph(["mon", "dump", "-f", "json"], timeout=self.timeouts.cli)
            if dump.returncode == 0:
                names = {m["name"] for m in json.loads(dump.stdout)["mons"]}
                if name not in names:
                    return
            if time.monotonic() >= deadline:
                raise HandoverStopped(f"mon.{name} is still in the monmap after mon remove",
                                      hint=RESUME_HINT)
            time.sleep(self.timeouts.poll)

    @staticmethod
    def _drop_keys(state_dir: Path) -> None:
        keys = state_dir / "keys"
        if keys.is_dir():
            for path in keys.iterdir():
                path.unlink(missing_ok=True)
