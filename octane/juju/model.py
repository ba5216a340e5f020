"""The Juju port: the one place octane talks to a Juju controller (python-libjuju).

:class:`JujuModel` connects to ``[controller:][user/]model`` (or the current model) as
resolved from ``JUJU_DATA`` (:mod:`octane.juju.connect`), reads the model concurrently into
frozen :class:`~octane.cloud.model.Cloud` snapshots, and offers the typed writes the in-place
upgrade needs. Nothing libjuju-typed leaves this module: reads go over raw RPC documents
converted by :mod:`octane.juju.status`, errors are translated to octane's one-line errors.

Bulk operations matter on big clouds: running ``instance-count`` on a thousand hypervisors
is one ``Action.EnqueueOperation`` and a few ``Action.Actions`` polls here, not a thousand
enqueue-and-poll round trips one second apart as libjuju's per-unit helpers would do.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from juju.client.connection import Connection

from octane.cloud.model import Cloud
from octane.errors import NotFound, OctaneError
from octane.juju import status as convert
from octane.juju.connect import (
    Target,
    given_up,
    open_full_model,
    open_model_connection,
    reopen_model_connection,
    unless_lost,
)
from octane.juju.noise import install_noise_filter
from octane.juju.retry import retrying
from octane.juju.settings import JujuSettings
from octane.juju.wait import wait_until_idle

LOG = logging.getLogger(__name__)

#: Action states after which an action will not change any more.
FINAL_ACTION_STATES = frozenset({"completed", "failed", "cancelled", "aborted", "error"})


@dataclass(frozen=True)
class ActionResult:
    """The outcome of a charm action (or a command) on one unit."""

    unit: str
    action: str
    id: str
    status: str
    output: Mapping[str, Any] = field(default_factory=dict)
    message: str = ""

    @property
    def ok(self) -> bool:
        """True when the action completed (a command also needs return code 0)."""
        if self.status != "completed":
            return False
        code = self.output.get("return-code", self.output.get("Code", 0))
        return str(code) in ("0", "")


@dataclass(frozen=True)
class CommandResult:
    """A shell command's outcome on one unit (``juju exec``)."""

    unit: str
    return_code: int
    stdout: str
    stderr: str


def unit_tag(unit: str) -> str:
    """``nova-compute/3`` -> ``unit-nova-compute-3``."""
    return "unit-" + unit.replace("/", "-")


class JujuModel:
    """A connected model; create with :meth:`connect`, close with :meth:`close`."""

    def __init__(self, conn: Connection, target: Target, settings: JujuSettings) -> None:
        self._conn = conn
        self._target = target
        self._full: Any = None
        self.name = target.model.split("/", 1)[-1]
        self.controller = target.controller
        self.settings = settings

    # -- connection ------------------------------------------------------------------------

    @classmethod
    async def connect(cls, model: str | None = None,
                      settings: JujuSettings | None = None) -> JujuModel:
        """Connect to ``[controller:][user/]model`` or, when None, the current model.

        Raises :class:`~octane.errors.NotFound` for an unknown controller or model and
        :class:`~octane.errors.ConnectionFailed` for an unreachable controller or refused
        credentials -- each one line, after ``OCTANE_MODEL_RETRIES`` attempts.
        """
        conf = settings or JujuSettings.from_env()
        install_noise_filter()
        conn, target = await open_model_connection(model, conf)
        return cls(conn, target, conf)

    async def close(self) -> None:
        """Disconnect (safe to call twice)."""
        if self._full is not None:
            full, self._full = self._full, None
            await _quietly_disconnect(full)
        await _quietly(self._conn.close(), "close")

    async def __aenter__(self) -> JujuModel:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- reads -------------------------------------------------------------------------------

    async def _rpc(self, facade: str, request: str, params: Mapping[str, Any],
                   what: str) -> Mapping[str, Any]:
        async def call() -> Mapping[str, Any]:
            conn = await self._usable_conn()
            msg: dict[str, Any] = {"type": facade, "request": request,
                                   "version": conn.facades[facade], "params": dict(params)}
            result = await unless_lost(conn.rpc(msg), conn)
            response = result.get("response")
            return response if isinstance(response, Mapping) else {}

        return await retrying(call, what=what, timeout=self.settings.timeout)

    async def _usable_conn(self) -> Connection:
        """The read connection, replaced first if libjuju gave up reconnecting it."""
        if given_up(self._conn):
            old = self._conn
            self._conn = await reopen_model_connection(self._target, self.settings)
            await _quietly(old.close(), "close")
        return self._conn

    async def _usable_full(self) -> Any:
        """libjuju's ``Model``, opened on first use and again if libjuju gave up on it."""
        if self._full is not None and given_up(self._full.connection()):
            full, self._full = self._full, None
            await _quietly_disconnect(full)
        if self._full is None:
            self._full = await open_full_model(self._target, self.settings)
        return self._full

    async def _full_status(self) -> Mapping[str, Any]:
        return await self._rpc("Client", "FullStatus", {"patterns": None},
                               f"reading the status of model '{self.name}'")

    async def get_config(self, application: str) -> dict[str, Any]:
        """The effective option values of one application."""
        doc = await self._rpc("Application", "Get", {"application": application,
                                                     "branch": None},
                              f"reading the config of '{application}'")
        return convert.config_values(doc)

    async def _actions(self, apps: Sequence[str]) -> dict[str, tuple[str, ...]]:
        if not apps:
            return {}
        try:
            doc = await self._rpc("Action", "ApplicationsCharmsActions",
                                  {"entities": [{"tag": f"application-{a}"} for a in apps]},
                                  "listing charm actions")
        except OctaneError as exc:  # an app removed meanwhile must not fail the whole read
            LOG.debug("action listing failed: %s", exc)
            return {}
        return convert.action_names(doc)

    async def read_cloud(self) -> Cloud:
        """Status, then every application's config and the charm actions, concurrently."""
        return await self.complete(await self.status())

    async def status(self) -> Cloud:
        """A status-only snapshot (no configs, no actions): what waits poll, and what
        planning starts its probes from while :meth:`complete` fetches the rest.

        Availability zones come with the machines (``hardware`` in FullStatus).
        """
        return convert.cloud_from_status(await self._full_status(), model=self.name,
                                         controller=self.controller)

    async def _configs(self, apps: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Every application's option values in one ``Application.CharmConfig`` call.

        CharmConfig answers per application what ``Get`` answers under ``config`` (the
        controller describes both from the same settings; the Go client's ``GetConfig`` uses
        it), so 64 applications are one round trip, not 64 (benchmarks/RESULTS.md, "octane
        plan, large cloud"). An application it does not answer for -- an error item, a
        controller without the method -- is read with ``Get``, concurrently.
        """
        configs: dict[str, dict[str, Any]] = {}
        if apps:
            try:
                doc = await self._rpc("Application", "CharmConfig", {"args": [
                    {"application": a, "branch": None} for a in apps]},
                    "reading the applications' configs")
            except OctaneError as exc:
                LOG.debug("CharmConfig failed, reading configs one by one: %s", exc)
                doc = {}
            results = doc.get("Results") or doc.get("results") or ()
            if isinstance(results, Sequence) and len(results) == len(apps):
                for app, item in zip(apps, results, strict=True):
                    if (isinstance(item, Mapping) and isinstance(item.get("config"), Mapping)
                            and not (item.get("error") or {})):
                        configs[app] = convert.config_values(item)
        missing = [a for a in apps if a not in configs]
        if missing:
            configs.update(zip(missing, await asyncio.gather(
                *(self.get_config(a) for a in missing)), strict=True))
        return configs

    async def complete(self, status: Cloud) -> Cloud:
        """``status`` with every application's config and charm actions, read concurrently."""
        apps = sorted(status.applications)
        actions, configs = await asyncio.gather(self._actions(apps), self._configs(apps))
        return convert.with_details(status, configs=configs, actions=actions)

    # -- writes ------------------------------------------------------------------------------

    async def set_config(self, application: str, config: Mapping[str, Any]) -> None:
        """Set charm options (values are sent as strings, as ``juju config`` does)."""
        values = {k: _config_text(v) for k, v in config.items()}
        await self._rpc("Application", "SetConfigs",
                        {"Args": [{"application": application, "config": values}]},
                        f"configuring '{application}'")

    async def latest_revision(self, application: str, channel: str) -> int | None:
        """The newest revision of the application's charm in ``channel`` (Charmhub's answer)."""
        what = f"resolving '{application}' in '{channel}'"
        found = await self._rpc("Application", "GetCharmURLOrigin",
                                {"application": application}, what)
        origin = dict(found.get("charm-origin") or {})
        track, _, risk = channel.partition("/")
        origin.update({"track": track if risk else None, "risk": risk or track,
                       "revision": None, "id": None, "hash": None})
        resolved = await self._rpc("Charms", "ResolveCharms", {"resolve": [{
            "reference": found.get("url"), "charm-origin": origin, "switch-charm": False}]},
            what)
        results = resolved.get("Results") or resolved.get("results") or [{}]
        revision = (results[0].get("charm-origin") or {}).get("revision")
        return int(revision) if isinstance(revision, int) else None

    async def refresh(self, application: str, *, channel: str | None = None,
                      switch: str | None = None, revision: int | None = None) -> None:
        """Refresh the charm: to ``channel`` at its latest revision, or to ``revision``.

        libjuju >= 3.5 keeps the current revision when only the channel changes (python-libjuju
        #1083), which would leave a charm on an old revision of the new track; so without an
        explicit ``revision`` the channel's latest one is resolved first and asked for.
        ``switch`` crossgrades to another charm (libjuju refuses switch with a revision).
        """
        if channel and revision is None and switch is None:
            revision = await self.latest_revision(application, channel)

        async def attempt() -> None:
            full = await self._usable_full()
            app = full.applications.get(application)
            if app is None:
                raise NotFound(f"application '{application}' not found in model '{self.name}'")
            await unless_lost(app.refresh(channel=channel, switch=switch, revision=revision),
                              full.connection())

        await retrying(attempt, what=f"refreshing '{application}'",
                       timeout=self.settings.timeout)

    async def _enqueue(self, request: str, params: Mapping[str, Any], what: str
                       ) -> list[tuple[str, str]]:
        """Enqueue actions; (unit, action id) pairs in request order."""
        doc = await self._rpc("Action", request, params, what)
        out = []
        for item in doc.get("actions") or doc.get("results") or ():
            error = item.get("error") or {}
            if error.get("message"):
                raise OctaneError(f"{what}: {error['message']}")
            action = item.get("action") or {}
            out.append((str(action.get("receiver", "")), str(action.get("tag", ""))))
        return out

    async def _collect(self, enqueued: list[tuple[str, str]], name: str, timeout: float | None,
                       what: str) -> list[ActionResult]:
        deadline = None if timeout is None else time.monotonic() + timeout
        pending = {tag for _, tag in enqueued}
        done: dict[str, Mapping[str, Any]] = {}
        delay = 0.05
        while pending:
            doc = await self._rpc("Action", "Actions",
                                  {"entities": [{"tag": t} for t in sorted(pending)]}, what)
            for item in doc.get("results") or ():
                tag = str((item.get("action") or {}).get("tag", ""))
                if item.get("status") in FINAL_ACTION_STATES and tag in pending:
                    pending.discard(tag)
                    done[tag] = item
            if not pending:
                break
            if deadline is not None and time.monotonic() >= deadline:
                raise OctaneError(f"{what}: {len(pending)} action(s) still running after "
                                  f"{timeout:g}s")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)
        results = []
        for receiver, tag in enqueued:
            item = done[tag]
            unit = receiver.removeprefix("unit-")
            unit = unit[::-1].replace("-", "/", 1)[::-1]
            results.append(ActionResult(unit=unit, action=name, id=tag.removeprefix("action-"),
                                        status=str(item.get("status")),
                                        output=dict(item.get("output") or {}),
                                        message=str(item.get("message") or "")))
        return results

    async def run_actions(self, units: Sequence[str], action: str,
                          params: Mapping[str, Any] | None = None, *,
                          timeout: float | None = None) -> dict[str, ActionResult]:
        """Run a charm action on many units at once and wait for every result.

        One enqueue call for all units, then polls of all pending actions together (backing
        off from 50 ms to 1 s). A failed action is returned, not raised; the caller decides.
        """
        if not units:
            return {}
        what = f"running '{action}' on {len(units)} unit(s)"
        enqueued = await self._enqueue("EnqueueOperation", {"actions": [
            {"name": action, "parameters": dict(params or {}), "receiver": unit_tag(u)}
            for u in units]}, what)
        results = await self._collect(enqueued, action, timeout, what)
        return {u: r for u, r in zip(units, results, strict=True)}

    async def run_action(self, unit: str, action: str, params: Mapping[str, Any] | None = None,
                         *, timeout: float | None = None) -> ActionResult:
        """Run a charm action on one unit and wait for its result."""
        return (await self.run_actions([unit], action, params, timeout=timeout))[unit]

    async def run_command(self, units: Sequence[str], command: str, *,
                          timeout: float | None = None) -> dict[str, CommandResult]:
        """Run a shell command on units (``juju exec``) and wait for every result."""
        if not units:
            return {}
        what = f"running a command on {len(units)} unit(s)"
        nanos = None if timeout is None else int(timeout * 1_000_000_000)
        enqueued = await self._enqueue("Run", {
            "commands": command, "units": list(units), "applications": [], "machines": [],
            "timeout": nanos}, what)
        results = await self._collect(enqueued, "juju-exec", timeout, what)
        out = {}
        for unit, result in zip(units, results, strict=True):
            data = result.output
            code = data.get("return-code", data.get("Code", 0 if result.ok else 1))
            out[unit] = CommandResult(unit, int(code or 0),
                                      str(data.get("stdout", data.get("Stdout", ""))),
                                      str(data.get("stderr", data.get("Stderr", ""))))
        return out

    async def wait_for_idle(self, *, apps: Collection[str] | None = None, timeout: float,
                            idle_period: float = 10.0, raise_on_blocked: bool = False,
                            poll: float = 1.0) -> Cloud:
        """Wait until ``apps`` (the whole model when None) settle; see :mod:`.wait`."""
        return await wait_until_idle(self.status, model=self.name, apps=apps, timeout=timeout,
                                     idle_period=idle_period, poll=poll,
                                     raise_on_blocked=raise_on_blocked)


def _config_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


async def _quietly_disconnect(model: Any) -> None:
    await _quietly(model.disconnect(), "disconnect")


async def _quietly(closing: Any, what: str) -> None:
    try:
        await closing
    except Exception as exc:  # closing a half-open connection must not mask the real error
        LOG.debug("%s: %s", what, exc)

