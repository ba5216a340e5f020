"""Admin routes behind the ``juju`` shim: status, models, exec, run, config.

The shim (``shim.py``) is a thin stdlib client; the CLI semantics live here, next to the
state: ``juju exec`` and ``juju run`` wait for their tasks (``--wait``, Juju's default
5 minutes of wall time, bounded), and a failed task makes the CLI exit 1 with "the
following task failed" on stderr, which jubilant looks for (jubilant ``_juju.py``
``exec``/``run``).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from aiohttp import web

from octane.twin import cli_format
from octane.twin.errors import ApiError
from octane.twin.facades.application import config_doc
from octane.twin.state import actions, applications
from octane.twin.state.entities import Action
from octane.twin.state.model import ModelState

if TYPE_CHECKING:
    from octane.twin.server import TwinServer


def add_routes(app: web.Application, server: TwinServer) -> None:
    """Register the ``/cli/*`` routes."""
    cli = CliRoutes(server)
    app.router.add_get("/cli/status", cli.status)
    app.router.add_get("/cli/models", cli.models)
    app.router.add_post("/cli/exec", cli.exec)
    app.router.add_post("/cli/run", cli.run)
    app.router.add_get("/cli/config", cli.get_config)
    app.router.add_post("/cli/config", cli.set_config)
    app.router.add_get("/cli/model-config", cli.model_config)


class CliRoutes:
    """Handlers for the shim."""

    def __init__(self, server: TwinServer) -> None:
        self.server = server

    def _model(self, name: str) -> ModelState:
        controller = self.server.controller
        controller.advance()
        short = name.split(":")[-1].split("/")[-1]
        try:
            return controller.model_by_name(short)
        except ApiError:
            raise ApiError(f"model {controller.name}:admin/{short} not found",
                           "not found") from None

    async def status(self, request: web.Request) -> web.Response:
        """``juju status``."""
        model = self._model(request.query["model"])
        return web.json_response(cli_format.status(self.server.controller, model))

    async def models(self, request: web.Request) -> web.Response:
        """``juju models``."""
        self.server.controller.advance()
        return web.json_response(cli_format.models(self.server.controller,
                                                   request.query.get("current", "")))

    async def _wait(self, model: ModelState, tasks: list[Action], wait: float) -> bool:
        """Wait until every task finished; False on timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while loop.time() < deadline:
            self.server.controller.advance()
            if all(t.status in ("completed", "failed", "cancelled") for t in tasks):
                return True
            await asyncio.sleep(0.005)
        return False

    def _answer(self, tasks: list[tuple[str, Action]], finished: bool) -> web.Response:
        doc = {key: cli_format.task(task, key) for key, task in tasks}
        failed = [t for _, t in tasks if t.status != "completed"]
        stderr = ""
        if not finished:
            stderr = "ERROR timed out waiting for results from: " + ", ".join(
                k for k, _ in tasks) + "\n"
        elif failed:
            stderr = "ERROR the following task failed:\n" + "".join(
                f' id "{t.id}" with return code {t.output.get("return-code", 0)}\n'
                for t in failed) + "\nuse 'juju show-task' to inspect the failure\n"
        return web.json_response({"results": doc, "stderr": stderr,
                                  "exit": 0 if finished and not failed else 1})

    async def exec(self, request: web.Request) -> web.Response:
        """``juju exec --unit|--machine|--application ... -- command``."""
        body = await request.json()
        model = self._model(body["model"])
        op = actions.new_operation(model, f"exec {body['command']}")
        targets: list[tuple[str, str]] = []
        for app_name in body.get("applications") or []:
            targets += [(u.name, u.tag) for u in model.units_of(model.application(app_name).name)]
        for unit_name in body.get("units") or []:
            if unit_name.endswith("/leader"):
                unit_name = model.application(unit_name.split("/")[0]).leader
            targets.append((unit_name, model.unit(unit_name).tag))
        for machine_id in body.get("machines") or []:
            model.machine(machine_id)
            targets.append((machine_id, "machine-" + machine_id.replace("/", "-")))
        tasks = [(key, actions.enqueue_exec(model, op, tag, body["command"],
                                            body.get("timeout")))
                 for key, tag in targets]
        finished = await self._wait(model, [t for _, t in tasks], float(body.get("wait", 300)))
        return self._answer(tasks, finished)

    async def run(self, request: web.Request) -> web.Response:
        """``juju run <unit> <action> [k=v ...]``."""
        body = await request.json()
        model = self._model(body["model"])
        unit_name = str(body["unit"])
        if unit_name.endswith("/leader"):
            unit_name = model.application(unit_name.split("/")[0]).leader
        unit = model.unit(unit_name)
        op = actions.new_operation(model, str(body["action"]))
        action = actions.enqueue_action(model, op, unit.tag, str(body["action"]),
                                        dict(body.get("params") or {}))
        finished = await self._wait(model, [action], float(body.get("wait", 60)))
        return self._answer([(unit.name, action)], finished)

    async def get_config(self, request: web.Request) -> web.Response:
        """``juju config <app>``."""
        model = self._model(request.query["model"])
        app = model.application(request.query["application"])
        return web.json_response(cli_format.config(app, config_doc(app)))

    async def set_config(self, request: web.Request) -> web.Response:
        """``juju config <app> k=v --reset k``."""
        body = await request.json()
        model = self._model(body["model"])
        app = model.application(body["application"])
        if body.get("values"):
            applications.set_config(model, app, {str(k): str(v)
                                                 for k, v in body["values"].items()})
        if body.get("reset"):
            applications.unset_config(model, app, [str(k) for k in body["reset"]])
        self.server.poke()
        return web.json_response({})

    async def model_config(self, request: web.Request) -> web.Response:
        """``juju model-config``."""
        model = self._model(request.query["model"])
        return web.json_response({k: {"value": v, "source": "model" if k in model.config_set
                                      else "default"} for k, v in model.config.items()})


def task_json(action: Action) -> dict[str, Any]:
    """One task for ``juju show-task`` style output."""
    return cli_format.task(action, action.receiver)
