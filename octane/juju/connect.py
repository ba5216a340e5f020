"""Opening a model connection from JUJU_DATA, the way the juju CLI resolves names.

libjuju's ``Model.connect`` also starts an AllWatcher whose first answer is the whole model
(on a thousand hypervisors: seconds of server and client work) and opens a second,
controller connection for ``ModelInfo``. Reads never need either, so the port opens a plain
model connection with libjuju's :class:`Connection` (same TLS, login, facade negotiation,
redirects and retries) and resolves ``[controller:][user/]model`` itself with libjuju's
``FileJujuData`` (``$JUJU_DATA``, then ``~/.local/share/juju``). A full ``Model`` is only
opened when a write needs libjuju's high-level API (a charm refresh).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, TypeVar

from juju.client.connection import Connection, Monitor
from juju.client.jujudata import FileJujuData, NoModelException
from juju.errors import JujuError
from macaroonbakery import httpbakery  # type: ignore[import-untyped]
from websockets.exceptions import ConnectionClosed

from octane.errors import ConnectionFailed, NotFound
from octane.juju.retry import backoff, translate
from octane.juju.settings import JujuSettings

LOG = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Target:
    """Where a model name points: controller, qualified model, uuid and credentials."""

    controller: str
    model: str
    endpoints: tuple[str, ...]
    cacert: str | None
    user: str
    password: str | None
    uuid: str | None

    @property
    def where(self) -> str:
        """``model 'admin/openstack' on controller 'prod'``, for messages."""
        return f"model '{self.model}' on controller '{self.controller}'"

    @property
    def full_name(self) -> str:
        """``controller:user/model``, what libjuju's ``Model.connect`` accepts."""
        return f"{self.controller}:{self.model}"


def resolve(name: str | None) -> tuple[Target, FileJujuData]:
    """Resolve a model name (None: the current model) against JUJU_DATA."""
    data = FileJujuData()  # type: ignore[no-untyped-call]
    try:
        controller, model = data.parse_model(name)  # type: ignore[no-untyped-call]
    except NoModelException:
        raise NotFound("no current Juju model",
                       hint="name one with --model or run `juju switch`") from None
    except FileNotFoundError as exc:
        raise NotFound(f"no Juju client configuration ({exc.filename} is missing)",
                       hint="set JUJU_DATA or log in with `juju login`") from None
    except (JujuError, KeyError) as exc:
        raise NotFound(f"cannot use model {name or '(current)'}: {translate(exc, 'JUJU_DATA')}",
                       hint="check JUJU_DATA or run `juju login`") from None
    controllers = data.controllers()  # type: ignore[no-untyped-call]
    if controller not in controllers:
        raise NotFound(f"controller '{controller}' not found in JUJU_DATA",
                       hint="`juju controllers` lists the ones you can use")
    spec = controllers[controller]
    account = data.accounts().get(controller, {})  # type: ignore[no-untyped-call]
    models = data.models().get(controller, {}).get("models", {})  # type: ignore[no-untyped-call]
    uuid = (models.get(model) or {}).get("uuid")
    endpoints = spec.get("api-endpoints") or []
    return Target(controller=controller, model=model, endpoints=tuple(endpoints),
                  cacert=spec.get("ca-cert"), user=str(account.get("user") or ""),
                  password=account.get("password"), uuid=uuid), data


async def _open(target: Target, data: FileJujuData, uuid: str | None,
                settings: JujuSettings) -> Connection:
    if not target.user or target.password is None:
        raise ConnectionFailed(f"no user name and password for controller "
                               f"'{target.controller}' in accounts.yaml",
                               hint="run `juju login` (macaroon logins are not supported)")
    bakery = httpbakery.Client(
        cookies=data.cookies_for_controller(target.controller))  # type: ignore[no-untyped-call]
    conn = await Connection.connect(
        endpoint=list(target.endpoints), uuid=uuid, username=target.user,
        password=target.password, cacert=target.cacert, bakery_client=bakery,
        max_frame_size=settings.max_frame_size, retries=settings.model_retries,
        retry_backoff=settings.model_retry_backoff)
    version = str((conn.info or {}).get("server-version") or "")
    if not version.startswith("3."):
        await conn.close()
        raise ConnectionFailed(f"controller '{target.controller}' runs Juju {version or '?'}; "
                               "octane drives Juju 3 controllers")
    return conn


async def _find_uuid(target: Target, data: FileJujuData, settings: JujuSettings) -> str:
    """A model missing from models.yaml: ask the controller (``Controller.AllModels``)."""
    conn = await _open(target, data, None, settings)
    try:
        result = await conn.rpc({"type": "Controller", "request": "AllModels",
                                 "version": conn.facades["Controller"], "params": {}})
    finally:
        await conn.close()
    response: Any = result.get("response") or {}
    for item in response.get("user-models") or ():
        model = item.get("model") or {}
        owner = str(model.get("owner-tag", "")).removeprefix("user-")
        if f"{owner}/{model.get('name')}" == target.model:
            return str(model["uuid"])
    raise NotFound(f"{target.where} not found",
                   hint="`juju models` lists the models you can use")


def cut_while_opening(exc: BaseException) -> bool:
    """A connection the network cut after its socket opened and before it was usable.

    libjuju's ``retries`` cover only a socket that does not open (``Connection._connect``
    turns those into ``JujuConnectionError``); a cut while the login or the model's first
    AllWatcher delta is in flight escapes ``connect`` as websockets' ``ConnectionClosed``
    (seen against the twin cutting ``Admin.Login``: "no close frame received or sent").
    A cut of the first ``AllWatcher.Next`` makes libjuju's watcher task end without an
    exception when the receiver has already marked the connection closing (libjuju
    model/__init__.py ``_all_watcher``, the ``ConnectionClosed`` branch's "closed on
    request" ``break``), and ``Model._after_connect`` then raises a plain ``JujuError``
    "AllWatcher task is finished abruptly without an exception." (seen against the twin
    cutting ``AllWatcher.Next``). That is a blink of the link, not an answer, so opening
    again is worth it.
    """
    if isinstance(exc, ConnectionClosed):
        return True
    return isinstance(exc, JujuError) and "AllWatcher task is finished abruptly" in str(exc)


async def open_model_connection(name: str | None, settings: JujuSettings
                                ) -> tuple[Connection, Target]:
    """A logged-in model connection; one-line NotFound / ConnectionFailed otherwise."""
    target, data = resolve(name)
    async def attempt() -> Connection:
        uuid = target.uuid or await _find_uuid(target, data, settings)
        return await _open(target, data, uuid, settings)

    try:
        conn = await backoff(attempt, what=f"connecting to {target.where}",
                             timeout=settings.timeout, transient=cut_while_opening)
    except (NotFound, ConnectionFailed):
        raise
    except Exception as exc:
        error = translate(exc, f"connecting to {target.where}")
        if "not found" in error.message.lower() or "model not found" in str(exc).lower():
            raise NotFound(f"{target.where} not found",
                           hint="`juju models` lists the models you can use") from None
        raise error from None
    LOG.info("connected to %s", target.where)
    return conn, target


def given_up(conn: Connection) -> bool:
    """libjuju stopped trying to bring this connection back.

    After a drop, libjuju's receiver reconnects by itself; when that reconnect fails too (its
    login cut as well), every later ``rpc`` only logs "RPC: Automatic reconnect failed" and
    raises again (libjuju client/connection.py ``rpc`` and ``reconnect``; seen against the
    twin cutting ``Admin.Login`` after a drop). Such a connection is dead for good and must
    be replaced; one that is mid-reconnect is left to libjuju.
    """
    monitor = conn.monitor
    return monitor.status != Monitor.CONNECTED and not monitor.reconnecting.locked()


#: How often a pending call looks whether its connection is still alive, in seconds.
LOST_POLL = 0.2


async def unless_lost(call: Awaitable[T], conn: Connection, *, poll: float = LOST_POLL) -> T:
    """``call`` (a request on ``conn``), failed as a transport failure if ``conn`` is lost
    with it unanswered.

    libjuju's receiver loops ``while self.is_open``: when the socket closes between two
    messages the loop just ends -- no ``ConnectionClosed``, so the pending calls are never
    failed (``messages.put_all``) and no reconnect starts (libjuju client/connection.py
    ``_receiver``). Seen against the twin: EOF right after a reply, the next call then
    waited until the pinger's next ping ten seconds later. A connection libjuju has given
    up on (:func:`given_up`) on two looks in a row will never answer, so the call is
    cancelled and raised as ``ConnectionError`` for the caller's retry, which replaces the
    connection. Long calls on a live connection (a big FullStatus) are never cut.
    """
    task = asyncio.ensure_future(call)
    lost = 0
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=poll)
            if done:
                return task.result()
            lost = lost + 1 if given_up(conn) else 0
            if lost >= 2:
                raise ConnectionError("the connection closed with the call unanswered")
    finally:
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


async def reopen_model_connection(target: Target, settings: JujuSettings) -> Connection:
    """A new connection in place of one libjuju gave up on: one attempt, any failure raised
    as ``ConnectionError`` so the caller's retry loop keeps trying until its window ends."""
    try:
        conn, _ = await open_model_connection(
            target.full_name, dataclasses.replace(settings, timeout=0.0))
    except Exception as exc:
        raise ConnectionError(f"opening the connection again: {exc}") from exc
    LOG.warning("the connection to %s was lost and has been opened again", target.where)
    return conn


async def open_full_model(target: Target, settings: JujuSettings) -> Any:
    """libjuju's ``Model`` for the writes that need its high-level API (imported lazily:
    ``juju.model`` also loads the kubernetes client, which reads never need)."""
    from juju.model import Model

    async def attempt() -> Any:
        model = Model(max_frame_size=settings.max_frame_size)
        try:
            await model.connect(  # type: ignore[no-untyped-call]
                model_name=target.full_name, retries=settings.model_retries,
                retry_backoff=settings.model_retry_backoff)
        except BaseException:
            try:  # a half-open Model keeps its receiver and pinger tasks otherwise
                await model.disconnect()  # type: ignore[no-untyped-call]
            except Exception as exc:
                LOG.debug("disconnect after a failed connect: %s", exc)
            raise
        return model

    try:
        return await backoff(attempt, what=f"connecting to {target.where}",
                             timeout=settings.timeout, transient=cut_while_opening)
    except Exception as exc:
        raise translate(exc, f"connecting to {target.where}") from None
