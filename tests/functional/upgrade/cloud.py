"""Run the real ``octane upgrade`` process against a twin and read the twin's state back.

The twin runs in this process (a background thread); ``octane`` runs as a child process
with the environment of :func:`tests.rigs.octane_env` (the twin's ``JUJU_DATA`` and ``OS_*``
credentials, its own ``OCTANE_DATA``, a short ``OCTANE_IDLE_PERIOD``: the twin's clock runs
``scale`` times faster than ours).
"""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from octane.releases import catalogue
from octane.twin import scenario as scenario_mod
from octane.twin.testing import RunningTwin, running_twin
from tests.rigs import OCTANE, ROOT, Children, Proc, load_scenario, octane_env

SCENARIOS = ROOT / "etc" / "scenarios"
MODEL = "openstack"
#: Every child process is bounded; a full focal-ussuri run takes well under a minute.
RUN_TIMEOUT = 600.0
#: Twin seconds per wall second: settles of 180 s take 36 ms.
SCALE = 5000.0


def scenario(name: str, *, vms: bool = True,
             tweak: Callable[[dict[str, Any]], None] | None = None) -> scenario_mod.Scenario:
    """A scenario of etc/scenarios, optionally with its VMs migrated away (empty
    hypervisors, as an operator leaves them before upgrading) or otherwise tweaked."""
    def change(doc: dict[str, Any]) -> None:
        if not vms:
            for model in doc["models"].values():
                model.get("openstack", {}).pop("vms", None)
        if tweak is not None:
            tweak(doc)
    return load_scenario(SCENARIOS / f"{name}.yaml", change)


@dataclass
class Octane:
    """A twin plus what a child ``octane`` process needs to drive it."""

    twin: RunningTwin
    data: Path
    children: Children

    @property
    def env(self) -> dict[str, str]:
        """The children's environment."""
        return self.children.env

    @property
    def model(self) -> str:
        """``twin:admin/openstack``."""
        return self.twin.model_name(MODEL)

    def argv(self, *args: str) -> list[str]:
        """``python -m octane.cli upgrade ... --model M``."""
        command, *rest = args
        return [*OCTANE, command, *rest, "--model", self.model]

    def start(self, *args: str, stdin: int | None = subprocess.DEVNULL,
              env: dict[str, str] | None = None) -> Proc:
        """Start ``octane <args> --model M`` with output to files."""
        return self.children.start(self.argv(*args), stdin=stdin, env=env)

    def run(self, *args: str, env: dict[str, str] | None = None) -> Proc:
        """Run to the end (bounded)."""
        proc = self.start(*args, env=env)
        proc.wait()
        return proc

    def state(self) -> dict[str, Any]:
        """The model as the twin holds it now."""
        state: dict[str, Any] = self.twin.admin.state(MODEL)
        return state

    def openstack(self, fn: Callable[[Any], Any]) -> Any:
        """Run ``fn(OpenStackState)`` on the twin's loop (VMs appearing, services read)."""
        return self.twin.inspect(lambda c: fn(c.runtime.services[MODEL]["openstack"]))


@contextlib.contextmanager
def octane_on(spec: scenario_mod.Scenario, tmp: Path, *, scale: float = SCALE,
              idle_period: str = "0.1") -> Iterator[Octane]:
    """A twin on ``spec`` and the environment for ``octane`` processes against it."""
    with running_twin(spec, data_dir=tmp / "twin", scale=scale) as twin:
        data = tmp / "octane"
        env = octane_env(twin, data, OCTANE_IDLE_PERIOD=idle_period)
        children = Children(data, env, timeout=RUN_TIMEOUT)
        try:
            yield Octane(twin=twin, data=data, children=children)
        finally:
            children.kill_running()


# -- reading the outcome -------------------------------------------------------------------

def origin(app: dict[str, Any]) -> str | None:
    """The ``openstack-origin`` or ``source`` of an application, if it has one."""
    config = app.get("config") or {}
    for key in ("openstack-origin", "source"):
        if key in config:
            return str(config[key])
    return None


def releases_of(state: dict[str, Any], app: str) -> set[str | None]:
    """The releases the application's units' workload versions map to."""
    doc = state["applications"][app]
    cat = catalogue()
    out: set[str | None] = set()
    for name, unit in state["units"].items():
        if name.split("/")[0] == app:
            found = cat.release_for_workload(doc["charm"], unit.get("workload-version", ""))
            out.add(found.codename if found else None)
    return out


def end_state(state: dict[str, Any]) -> dict[str, Any]:
    """What an upgrade changes, to compare two runs: charms and config per application,
    workload version and status per unit."""
    return {
        "applications": {name: {"channel": a["channel"], "revision": a["revision"],
                                "config": a.get("config") or {}}
                         for name, a in sorted(state["applications"].items())},
        "units": {name: {"version": u.get("workload-version"), "workload": u["workload"],
                         "message": u.get("message")}
                  for name, u in sorted(state["units"].items())},
    }
