"""Build twin states on a hand-driven clock (no servers, no sleeping)."""

from __future__ import annotations

from pathlib import Path

from octane.twin import build, scenario
from octane.twin.behaviours import BehaviourRegistry
from octane.twin.clock import Clock
from octane.twin.state.controller import ControllerState

MINI = Path(__file__).resolve().parents[3] / "etc" / "scenarios" / "mini.yaml"


class FakeWall:
    """A wall clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def controller(spec: scenario.Scenario | None = None,
               behaviours: BehaviourRegistry | None = None) -> tuple[ControllerState, Clock]:
    """The mini scenario's controller on a clock that only moves with ``clock.advance``."""
    clock = Clock(scale=1.0, start=1_700_000_000.0, wall=FakeWall())
    state = build.build(spec or scenario.load(MINI), behaviours=behaviours, clock=clock,
                        password="pw")
    return state, clock
