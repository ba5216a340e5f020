"""Run the real ``octane upgrade`` process against a twin and read the twin's state back.

The twin runs in this process (a background thread); ``octane`` runs as a child process
with ``JUJU_DATA`` pointing at the twin, the twin's ``OS_*`` credentials (so emptiness and
the scheduler are asked of Nova), its own ``OCTANE_DATA`` (journal, logs, notes), and a
short ``OCTANE_IDLE_PERIOD``: the twin's clock runs ``scale`` times faster than ours, so
the 10 s that a real controller needs to look idle would only slow the tests down.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from octane.releases import catalogue
from octane.twin import scenario as scenario_mod
from octane.twin.testing import RunningTwin, running_twin

ROOT = Path(__file__).resolve().parents[3]
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
    doc = yaml.safe_load((SCENARIOS / f"{name}.yaml").read_text())
    if not vms:
        for model in doc["models"].values():
            model.get("openstack", {}).pop("vms", None)
    if tweak is not None:
        tweak(doc)
    return scenario_mod.parse(doc, name)


@dataclass
class Octane:
    """A twin plus what a child ``octane`` process needs to drive it."""

    twin: RunningTwin
    data: Path
    env: dict[str, str] = field(default_factory=dict)
    count: int = 0

    @property
    def model(self) -> str:
        """``twin:admin/openstack``."""
        return self.twin.model_name(MODEL)

    def argv(self, *args: str) -> list[str]:
        """``python -m octane.cli upgrade ... --model M``."""
        command, *rest = args
        return [sys.executable, "-m", "octane.cli", command, *rest, "--model", self.model]

    def start(self, *args: str, stdin: int | None = subprocess.DEVNULL,
              env: dict[str, str] | None = None) -> Proc:
        """Start ``octane <args> --model M`` with output to files."""
        self.count += 1
        out = self.data / f"out-{self.count}.txt"
        err = self.data / f"err-{self.count}.txt"
        with out.open("w") as fo, err.open("w") as fe:
            popen = subprocess.Popen(self.argv(*args), cwd=ROOT, stdin=stdin, stdout=fo,
                                     stderr=fe, env={**self.env, **(env or {})})
        return Proc(popen, out, err)

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


class Proc:
    """A started ``octane`` process, its output files and exit status."""

    def __init__(self, popen: subprocess.Popen[bytes], out: Path, err: Path) -> None:
        self.popen = popen
        self.out_path, self.err_path = out, err

    @property
    def out(self) -> str:
        return self.out_path.read_text()

    @property
    def err(self) -> str:
        return self.err_path.read_text()

    @property
    def code(self) -> int | None:
        return self.popen.returncode

    def wait(self, timeout: float = RUN_TIMEOUT) -> int:
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(5)
            raise AssertionError(f"octane did not exit; output:\n{self.out[-3000:]}\n"
                                 f"{self.err[-3000:]}") from None

    def errors(self) -> list[str]:
        """The ``octane: error:`` lines on stdout and stderr."""
        return [line for line in (self.out + self.err).splitlines()
                if line.startswith("octane: error:")]


@contextlib.contextmanager
def octane_on(spec: scenario_mod.Scenario, tmp: Path, *, scale: float = SCALE,
              idle_period: str = "0.1") -> Iterator[Octane]:
    """A twin on ``spec`` and the environment for ``octane`` processes against it."""
    with running_twin(spec, data_dir=tmp / "twin", scale=scale) as twin:
        data = tmp / "octane"
        data.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OS_", "OCTANE_"))}
        env.update(twin.env(env))
        env.update(twin.server.services.get("openstack", {}).get("environ", {}))
        env.update(OCTANE_DATA=str(data), OCTANE_IDLE_PERIOD=idle_period,
                   PYTHONUNBUFFERED="1", OCTANE_TIMEOUT="20")
        yield Octane(twin=twin, data=data, env=env)


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
