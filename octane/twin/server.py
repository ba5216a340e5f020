"""The twin process: build the state, open the ports, write the data dir, serve, stop.

One :class:`TwinServer` owns, all on 127.0.0.1 and on free ports:

- the Juju API (TLS websockets, ``wire/server.py``);
- the Charmhub HTTP API at the models' ``charmhub-url`` (``charmhub.py``);
- the admin side channel with its token (``admin.py``);
- extensions that other parts of the twin start from scenario sections (see
  :data:`EXTENSIONS`): ``openstack:`` (octane/twin/openstack), ``databases:``
  (octane/twin/services/database_extension.py) and ``ceph:``
  (octane/twin/services/ceph_extension.py).

Its data dir holds ``juju/`` (JUJU_DATA), ``bin/juju`` (the CLI shim), ``tls/``,
``hostkeys/<model>/<machine>/`` (the machines' SSH host keys, for the twin's sshd) and
``twin.json`` (pid, ports, admin token; 0600). ``python -m octane.twin.server`` runs it in
the foreground until SIGTERM; ``octane twin up`` starts that detached.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import logging
import os
import secrets
import signal
import sys
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from aiohttp import web

from octane.paths import private_dir, write_private
from octane.twin import admin, charmhub, jujudata, scenario, shim
from octane.twin.behaviours import BehaviourRegistry
from octane.twin.build import build
from octane.twin.executors import Executor
from octane.twin.facades import all_facades
from octane.twin.state.controller import ControllerState
from octane.twin.wire import tls
from octane.twin.wire.routing import Router
from octane.twin.wire.server import ApiServer

LOG = logging.getLogger(__name__)
HOST = "127.0.0.1"

#: Scenario section -> "module:function" of the extension that serves it. The module is
#: imported only when a scenario has the section; a missing module is reported in
#: twin.json (``services.<section>.error``) and the twin runs without it.
EXTENSIONS = {
    "openstack": "octane.twin.extensions:openstack",
    "databases": "octane.twin.services.mariadb:extension",
    "ceph": "octane.twin.services.ceph:extension",
}


@dataclass(frozen=True)
class MachineInfo:
    """A machine as an extension sees it (hypervisors are those running nova-compute)."""

    model: str
    id: str
    hostname: str
    zone: str
    addresses: tuple[str, ...]
    charms: tuple[str, ...]


@dataclass(frozen=True)
class ExtensionContext:
    """What an extension gets: its scenario sections, the machines, and the server."""

    name: str
    #: The top-level section (``scenario.extra[name]``), or None.
    section: Any
    #: Model-level sections by model name.
    model_sections: dict[str, Any]
    machines: tuple[MachineInfo, ...]
    data_dir: Path
    server: TwinServer
    host: str = HOST

    def hypervisors(self, charm: str = "nova-compute") -> list[MachineInfo]:
        """Machines running a unit of ``charm`` (hostnames and zones of the hypervisors)."""
        return [m for m in self.machines if charm in m.charms]


class ExtensionHandle(Protocol):
    """A running extension: what to record in twin.json, and how to stop it."""

    def describe(self) -> dict[str, Any]:
        """JSON-able facts (URLs, ports) for twin.json ``services``."""
        ...

    async def stop(self) -> None:
        """Stop serving."""
        ...


Extension = Callable[[ExtensionContext], Awaitable[ExtensionHandle]]


@dataclass
class HttpExtension:
    """An aiohttp app started on a free loopback port (the usual extension)."""

    name: str
    runner: web.AppRunner
    url: str
    extra: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        """The URL, plus anything the extension added."""
        return {"url": self.url, **self.extra}

    async def stop(self) -> None:
        """Stop the site."""
        await self.runner.cleanup()


async def serve_http(name: str, app: web.Application, host: str = HOST) -> HttpExtension:
    """Start ``app`` on a free port of ``host``; extensions call this for their HTTP APIs."""
    runner, port = await _start(app, host)
    return HttpExtension(name=name, runner=runner, url=f"http://{host}:{port}")


async def _start(app: web.Application, host: str, ssl_context: Any = None,
                 ) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, 0, ssl_context=ssl_context, reuse_address=False)
    await site.start()
    addresses = runner.addresses
    assert addresses, "the site did not bind"
    return runner, int(addresses[0][1])


class TwinServer:
    """A running twin."""

    def __init__(self, spec: scenario.Scenario, data_dir: Path, *, scale: float | None = None,
                 behaviours: BehaviourRegistry | None = None,
                 extensions: dict[str, Extension] | None = None) -> None:
        self.spec = spec
        self.data_dir = data_dir
        self.scale = scale
        self.behaviours = behaviours
        self.extensions = extensions
        self.token = secrets.token_urlsafe(24)
        self.ports: dict[str, int] = {}
        self.services: dict[str, dict[str, Any]] = {}
        self._runners: list[web.AppRunner] = []
        self._handles: list[ExtensionHandle] = []
        self._tasks: set[asyncio.Task[None]] = set()
        #: Real services attached to models (kept across reset).
        self._attached: dict[tuple[str, str], Any] = {}
        self.controller: ControllerState
        self.api: ApiServer

    @property
    def juju_data(self) -> Path:
        """The generated JUJU_DATA directory."""
        return self.data_dir / "juju"

    async def start(self) -> None:
        """Open every port and write the data dir."""
        private_dir(self.data_dir)
        certs = tls.generate(HOST)
        _, cert, key = tls.save(certs, self.data_dir / "tls")
        hub_runner, hub_port = await _start(
            charmhub.application(lambda: self.controller.runtime.catalogue), HOST)
        self._runners.append(hub_runner)
        hub_url = f"http://{HOST}:{hub_port}"
        self.controller = build(self.spec, charmhub_url=hub_url, scale=self.scale,
                                behaviours=self.behaviours)
        self.controller.runtime.spawn = self._spawn
        router = Router(all_facades())
        self.api = ApiServer(self.controller, router, tls.server_context(cert, key))
        api_runner, api_port = await _start(self.api.app, HOST, self.api.ssl_context)
        self._runners.append(api_runner)
        self.controller.api_endpoints = [f"{HOST}:{api_port}"]
        self.controller.ca_cert = certs.ca_cert
        admin_runner, admin_port = await _start(admin.application(self, self.token), HOST)
        self._runners.append(admin_runner)
        self.ports = {"api": api_port, "charmhub": hub_port, "admin": admin_port}
        jujudata.write(self.juju_data, self.controller)
        self._write_host_keys()
        shim.install(self.data_dir)
        await self._start_extensions()
        self._write_runtime()

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _write_host_keys(self) -> None:
        for model in self.controller.models.values():
            for machine_id, private in model.host_private_keys.items():
                directory = self.data_dir / "hostkeys" / model.name / machine_id.replace("/",
                                                                                         "-")
                _write_key(directory / "ssh_host_ed25519_key", private)
                public = model.machines[machine_id].host_keys[0]
                (directory / "ssh_host_ed25519_key.pub").write_text(public + "\n")

    def machines(self) -> tuple[MachineInfo, ...]:
        """Every machine of every hosted model, with the charms running there."""
        out = []
        for model in self.controller.models.values():
            if model.is_controller:
                continue
            on_machine: dict[str, set[str]] = {}  # one pass over the units, not one per machine
            for u in model.units.values():
                on_machine.setdefault(u.machine_id, set()).add(
                    model.applications[u.application].charm.name)
            for m in model.machines.values():
                charms = sorted(on_machine.get(m.id, ()))
                out.append(MachineInfo(model=model.name, id=m.id, hostname=m.hostname,
                                       zone=m.zone,
                                       addresses=tuple(a.value for a in m.addresses),
                                       charms=tuple(charms)))
        return tuple(out)

    async def _start_extensions(self) -> None:
        for name in EXTENSIONS:
            section = self.spec.extra.get(name)
            per_model = {m.name: m.extra[name] for m in self.spec.models if name in m.extra}
            if section is None and not per_model:
                continue
            ctx = ExtensionContext(name=name, section=section, model_sections=per_model,
                                   machines=self.machines(), data_dir=self.data_dir,
                                   server=self)
            try:
                extension = self._extension(name)
                handle = await extension(ctx)
            except (ImportError, AttributeError) as exc:
                LOG.warning("twin extension %s is not available: %s", name, exc)
                self.services[name] = {"error": f"not available: {exc}"}
                continue
            self._handles.append(handle)
            self.services[name] = handle.describe()

    def _extension(self, name: str) -> Extension:
        if self.extensions is not None and name in self.extensions:
            return self.extensions[name]
        module_name, _, function = EXTENSIONS[name].partition(":")
        module = importlib.import_module(module_name)
        found: Extension = getattr(module, function)
        return found

    def runtime_info(self) -> dict[str, Any]:
        """What ``twin.json`` records (the token is a secret: the file is 0600)."""
        return {"pid": os.getpid(), "controller": self.controller.name,
                "scenario": self.spec.source, "ports": dict(self.ports), "host": HOST,
                "token": self.token, "juju_data": str(self.juju_data),
                "bin": str(self.data_dir / "bin"),
                "models": [m.name for m in self.controller.models.values()
                           if not m.is_controller],
                "services": dict(self.services), "ready": True}

    def _write_runtime(self) -> None:
        write_private(self.data_dir / "twin.json", json.dumps(self.runtime_info(), indent=2))

    def reset(self) -> None:
        """Back to the scenario's initial state (moto's reset): same uuids (seeded), same
        password and endpoints; connections are cut so clients reconnect to the new state."""
        old = self.controller
        fresh = build(self.spec, charmhub_url=old.charmhub_url, scale=self.scale,
                      behaviours=self.behaviours, password=old.users["admin"])
        fresh.runtime.spawn = self._spawn
        fresh.api_endpoints = list(old.api_endpoints)
        fresh.ca_cert = old.ca_cert
        fresh.ssh_keys = list(old.ssh_keys)
        fresh.runtime.executors.update(old.runtime.executors)
        for (model, kind), handle in self._attached.items():
            fresh.runtime.services.setdefault(model, {})[kind] = handle
        self.api.drop_connections()
        self.controller = fresh
        self.api.controller = fresh
        self.api.calls.clear()
        self.api.cuts.clear()
        self._write_host_keys()

    def poke(self) -> None:
        """Wake every watcher (the clock moved or the admin channel changed something)."""
        for model in self.controller.models.values():
            model.log.notify()

    def attach_service(self, model: str, kind: str, handle: Any) -> None:
        """Give the charms of ``model`` a real service of ``kind`` ("database", "ceph",
        "openstack"), replacing the simulated stand-in (docs/twin-charms.md, the seams)."""
        self._attached[(model, kind)] = handle
        self.controller.runtime.services.setdefault(model, {})[kind] = handle

    def set_executor(self, model: str, machine: str, executor: Executor) -> None:
        """Route ``juju exec`` on ``machine`` of ``model`` to ``executor`` (e.g. real ceph)."""
        self.controller.runtime.executors[(model, machine)] = executor

    async def stop(self) -> None:
        """Close every port and extension."""
        for handle in reversed(self._handles):
            try:
                await handle.stop()
            except Exception:  # one extension failing to stop must not keep ports open
                LOG.exception("stopping a twin extension failed")
        for task in list(self._tasks):
            task.cancel()
        if hasattr(self, "api"):
            self.api.drop_connections()
        for runner in reversed(self._runners):
            await runner.cleanup()
        self._runners.clear()
        info = self.data_dir / "twin.json"
        if info.exists():
            info.unlink()


def _write_key(path: Path, text: str) -> None:
    """A host key, 0600 in a 0700 directory, written without ``write_private``'s fsync: the
    keys are regenerated at every start, and a thousand fsyncs made the large scenario's
    start take seconds."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        os.fchmod(fh.fileno(), 0o600)
        fh.write(text)


async def serve(spec: scenario.Scenario, data_dir: Path, scale: float | None) -> None:
    """Run a twin until SIGTERM or SIGINT."""
    server = TwinServer(spec, data_dir, scale=scale)
    await server.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await server.stop()


def main(argv: list[str] | None = None) -> int:
    """``python -m octane.twin.server --scenario FILE --data-dir DIR [--scale N]``."""
    parser = argparse.ArgumentParser(prog="octane.twin.server")
    parser.add_argument("--scenario", required=True)
    parser.add_argument("--data-dir", required=True, type=Path)
    parser.add_argument("--scale", type=float, default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        spec = scenario.load(scenario.resolve(args.scenario))
    except scenario.ScenarioError as exc:
        sys.stderr.write(f"octane.twin.server: error: {exc.one_line()}\n")
        return 2
    asyncio.run(serve(spec, args.data_dir, args.scale))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
