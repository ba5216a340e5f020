"""State in, act, state out -- on a hand-driven clock, no servers.

A test writes the cloud it needs as a small scenario (``cloud(...)``), acts through the
twin's own rules (config, refresh, actions, exec: what the facades call), moves the clock
with :meth:`Cloud.settle`, and asserts on the resulting units.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from octane.twin import build, scenario
from octane.twin.behaviours import BehaviourRegistry
from octane.twin.clock import Clock
from octane.twin.state import actions, applications
from octane.twin.state.controller import ControllerState
from octane.twin.state.entities import Action, Unit
from octane.twin.state.model import ModelState


class FakeWall:
    """A wall clock that never moves by itself."""

    def __call__(self) -> float:
        return 1000.0


@dataclass
class Cloud:
    """A built twin with one model."""

    ctl: ControllerState
    clock: Clock
    model: ModelState

    def settle(self, seconds: float = 5000.0) -> None:
        """Let ``seconds`` of scenario time pass and apply what happened."""
        self.clock.advance(seconds)
        self.ctl.advance()

    def unit(self, name: str) -> Unit:
        """A unit by name."""
        return self.model.unit(name)

    def version(self, name: str) -> str:
        """A unit's workload version."""
        return self.model.unit(name).workload_version

    def status(self, name: str) -> tuple[str, str]:
        """A unit's workload status and message."""
        unit = self.model.unit(name)
        return unit.workload.current, unit.workload.message

    def config(self, app: str, **values: Any) -> list[str]:
        """``juju config app k=v`` (values as the API sends them: strings)."""
        text = {k.replace("_", "-"): str(v).lower() if isinstance(v, bool) else str(v)
                for k, v in values.items()}
        return applications.set_config(self.model, self.model.application(app), text)

    def refresh(self, app: str, channel: str, revision: int) -> None:
        """``juju refresh app --channel C`` to ``revision``."""
        application = self.model.application(app)
        track, _, risk = channel.partition("/")
        url = f"ch:amd64/{application.charm.name}-{revision}"
        applications.add_charm(self.model, url, application.charm)
        applications.set_charm(self.model, application, url,
                               {"revision": revision, "track": track, "risk": risk})

    def run(self, unit: str, action: str, **params: Any) -> Action:
        """Run an action on a unit and let it finish."""
        op = actions.new_operation(self.model, action)
        tag = "unit-" + unit.replace("/", "-")
        found = actions.enqueue_action(self.model, op, tag, action, dict(params))
        self.settle()
        return found

    def exec(self, unit: str, command: str) -> Action:
        """``juju exec --unit U -- command`` and let it finish."""
        op = actions.new_operation(self.model, command)
        found = actions.enqueue_exec(self.model, op, "unit-" + unit.replace("/", "-"),
                                     command, 60.0)
        self.settle()
        return found


def cloud(applications_doc: dict[str, Any], *, series: str = "focal",
          machines: int = 3, relations: list[list[str]] | None = None,
          state: dict[str, Any] | None = None, model: str = "openstack",
          behaviours: BehaviourRegistry | None = None) -> Cloud:
    """A one-model cloud: ``machines`` machines in az1.., the given applications."""
    version = {"focal": "20.04", "jammy": "22.04", "noble": "24.04"}[series]
    body: dict[str, Any] = {
        "base": f"ubuntu@{version}",
        "machines": {str(i): {"zone": f"az{i % 3 + 1}", "hostname": f"node-{i}"}
                     for i in range(machines)},
        "applications": applications_doc, "relations": relations or []}
    if state:
        body["state"] = {"units": state}
    spec = scenario.parse({"controller": "twin", "seed": "charms", "models": {model: body}},
                          source="test.yaml")
    clock = Clock(scale=1.0, start=1_700_000_000.0, wall=FakeWall())
    ctl = build.build(spec, behaviours=behaviours, clock=clock, password="pw")
    return Cloud(ctl=ctl, clock=clock, model=ctl.model_by_name(model))
