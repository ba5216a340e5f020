"""Test helpers: start a twin for a test and drive its admin channel.

Registered for the whole suite in ``tests/conftest.py`` (``pytest_plugins``). Usage::

    async def test_refresh(twin):                      # mini scenario, fresh per test
        model = juju.model.Model()
        await model.connect(model_name=twin.model_name("openstack"))
        ...
        twin.admin.fail_next_hook("openstack", "keystone/0")
        assert twin.admin.state("openstack")["units"]["keystone/0"]["agent"] == "idle"

    @pytest.fixture
    def twin_scenario():                               # in a test module: another scenario
        return "etc/scenarios/jammy-yoga.yaml"

    @pytest.fixture
    def twin_behaviours():                             # charm behaviours for the test
        registry = BehaviourRegistry()
        registry.register("keystone", MyKeystone())
        return registry

The ``twin`` fixture sets ``JUJU_DATA`` (and puts the ``juju`` shim first on ``PATH``)
for the test, so ``Model().connect()`` and jubilant find the twin; ``twin.env()`` gives
the same variables for subprocesses. The twin runs in a background thread with its own
event loop; every wait here is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import urllib.error
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from octane.twin import admin_client
from octane.twin import scenario as scenario_mod
from octane.twin.behaviours import BehaviourRegistry
from octane.twin.executors import Executor
from octane.twin.server import Extension, TwinServer
from octane.twin.state.controller import ControllerState

T = TypeVar("T")
START_TIMEOUT = 30.0


class AdminError(Exception):
    """The admin channel refused a request."""


class AdminClient:
    """A small synchronous client of the admin side channel."""

    def __init__(self, base: str, token: str) -> None:
        self.base = base
        self.token = token

    def request(self, method: str, path: str, body: dict[str, Any] | None = None,
                query: dict[str, str] | None = None, timeout: float = 30.0) -> Any:
        """One JSON request; non-2xx answers raise :class:`AdminError`."""
        try:
            return admin_client.request(self.base, self.token, method, path, body, query,
                                        timeout)
        except urllib.error.HTTPError as exc:
            raise AdminError(exc.read().decode(errors="replace")) from None

    def state(self, model: str | None = None) -> Any:
        """The state snapshot (one model's when ``model`` is given)."""
        doc = self.request("GET", "/state", query={"model": model} if model else None)
        return doc[model] if model else doc

    def clock(self) -> Any:
        """``{"now", "iso", "scale"}``."""
        return self.request("GET", "/clock")

    def advance(self, seconds: float) -> Any:
        """Move scenario time forward."""
        return self.request("POST", "/clock/advance", {"seconds": seconds})

    def drop_connections(self) -> int:
        """Cut every API connection; returns how many."""
        return int(self.request("POST", "/faults/drop-connections", {})["dropped"])

    def cut_on(self, call: str, count: int = 1) -> Any:
        """The next ``count`` requests ``call`` (``"Admin.Login"``) cut their connection."""
        return self.request("POST", "/faults/cut-on", {"call": call, "count": count})

    def fail_next_hook(self, model: str, unit: str) -> Any:
        """The next hook of ``unit`` (or of each unit of an application) fails."""
        return self.request("POST", "/faults/hook-fails", {"model": model, "unit": unit})

    def never_settle(self, model: str, unit: str) -> Any:
        """The next hook of ``unit`` never finishes."""
        return self.request("POST", "/faults/never-settles", {"model": model, "unit": unit})

    def fail_action(self, model: str, unit: str, action: str, message: str = "") -> Any:
        """The next run of ``action`` on ``unit`` (or application) fails."""
        return self.request("POST", "/faults/action-fails", {
            "model": model, "unit": unit, "action": action, "message": message})

    def calls(self) -> list[dict[str, Any]]:
        """The API calls served so far (facade, version, method, model uuid)."""
        calls: list[dict[str, Any]] = self.request("GET", "/calls")["calls"]
        return calls

    def reset(self) -> Any:
        """Back to the scenario's initial state (connections are cut)."""
        return self.request("POST", "/reset", {})

    def set_config(self, model: str, application: str, values: dict[str, Any]) -> Any:
        """Change config behind the client's back."""
        return self.request("POST", "/config", {"model": model, "application": application,
                                                "values": values})


@dataclass
class RunningTwin:
    """A twin running in a background thread."""

    server: TwinServer
    loop: asyncio.AbstractEventLoop
    admin: AdminClient

    @property
    def data_dir(self) -> Path:
        """The twin's data dir."""
        return self.server.data_dir

    @property
    def juju_data(self) -> Path:
        """The generated JUJU_DATA."""
        return self.server.juju_data

    @property
    def bin_dir(self) -> Path:
        """Where the ``juju`` shim is."""
        return self.server.data_dir / "bin"

    @property
    def controller_name(self) -> str:
        """The controller's name in JUJU_DATA."""
        return self.server.controller.name

    @property
    def models(self) -> list[str]:
        """Hosted model names."""
        return [m.name for m in self.server.controller.models.values() if not m.is_controller]

    @property
    def api_endpoint(self) -> str:
        """``127.0.0.1:port`` of the Juju API."""
        return self.server.controller.api_endpoints[0]

    def model_name(self, model: str) -> str:
        """``<controller>:admin/<model>`` for ``Model.connect(model_name=...)``."""
        return f"{self.controller_name}:admin/{model}"

    def env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """Environment for a subprocess: JUJU_DATA and the shim first on PATH."""
        import os
        env = dict(base if base is not None else os.environ)
        env["JUJU_DATA"] = str(self.juju_data)
        env["PATH"] = f"{self.bin_dir}:{env.get('PATH', '')}"
        ssh_user = self.server.services.get("databases", {}).get("ssh_user")
        if ssh_user:   # the machines' sshds take the user running the twin (docs/db.md)
            env["OCTANE_SSH_USER"] = str(ssh_user)
        return env

    def inspect(self, fn: Callable[[ControllerState], T], timeout: float = 10.0) -> T:
        """Run ``fn(controller_state)`` on the twin's loop and return its result."""
        async def call() -> T:
            self.server.controller.advance()
            return fn(self.server.controller)
        return asyncio.run_coroutine_threadsafe(call(), self.loop).result(timeout)

    def set_executor(self, model: str, machine: str, executor: Executor) -> None:
        """Route exec commands on a machine to ``executor``."""
        async def call() -> None:
            self.server.set_executor(model, machine, executor)
        asyncio.run_coroutine_threadsafe(call(), self.loop).result(10)


@contextlib.contextmanager
def running_twin(spec: str | Path | scenario_mod.Scenario = "mini", *, data_dir: Path,
                 scale: float | None = None, behaviours: BehaviourRegistry | None = None,
                 extensions: dict[str, Extension] | None = None) -> Iterator[RunningTwin]:
    """Start a twin in a background thread; stop it on exit."""
    if not isinstance(spec, scenario_mod.Scenario):
        spec = scenario_mod.load(scenario_mod.resolve(str(spec)))
    server = TwinServer(spec, data_dir, scale=scale, behaviours=behaviours,
                        extensions=extensions)
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    failure: list[BaseException] = []
    stop_event: list[asyncio.Event] = []

    async def main() -> None:
        stop = asyncio.Event()
        stop_event.append(stop)
        try:
            await server.start()
        except BaseException as exc:
            failure.append(exc)
            ready.set()
            return
        ready.set()
        try:
            await stop.wait()
        finally:
            await server.stop()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),),
                              name="octane-twin", daemon=True)
    thread.start()
    if not ready.wait(START_TIMEOUT):
        raise TimeoutError("the twin did not start in time")
    if failure:
        thread.join(5)
        raise failure[0]
    base = f"http://127.0.0.1:{server.ports['admin']}"
    try:
        yield RunningTwin(server=server, loop=loop, admin=AdminClient(base, server.token))
    finally:
        loop.call_soon_threadsafe(stop_event[0].set)
        thread.join(15)
        if not thread.is_alive():
            loop.close()


@pytest.fixture
def twin_scenario() -> str:
    """The scenario the ``twin`` fixture starts; override it in a test module."""
    return "mini"


@pytest.fixture
def twin_behaviours() -> BehaviourRegistry | None:
    """Charm behaviours for the ``twin`` fixture (None: the default registry)."""
    return None


@pytest.fixture
def twin(twin_scenario: str, twin_behaviours: BehaviourRegistry | None, tmp_path: Path,
         monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningTwin]:
    """A fresh twin on ``twin_scenario`` with JUJU_DATA and PATH pointing at it."""
    with running_twin(twin_scenario, data_dir=tmp_path / "twin",
                      behaviours=twin_behaviours) as running:
        monkeypatch.setenv("JUJU_DATA", str(running.juju_data))
        monkeypatch.setenv("PATH", f"{running.bin_dir}:{__import__('os').environ['PATH']}")
        yield running
