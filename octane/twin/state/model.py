"""One twin model: its entities, sequences, change log and lookups.

The rules that change a model live in the sibling modules; this class is the container
they share (moto's per-region backend). Lookups raise Juju's own errors so that every
facade reports a missing entity the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from octane.twin.behaviours import BehaviourRegistry, CharmBehaviour, UnitContext
from octane.twin.clock import Clock
from octane.twin.errors import ApiError, not_found
from octane.twin.executors import DefaultExecutor, Executor
from octane.twin.state.catalogue import Catalogue
from octane.twin.state.deltas import DeltaLog
from octane.twin.state.entities import (
    Action,
    Application,
    CharmRef,
    Machine,
    Offer,
    Relation,
    RemoteApplication,
    StatusValue,
    TaskOperation,
    Unit,
)
from octane.twin.state.ids import Ids


@dataclass
class Faults:
    """Faults armed through the admin channel, consumed when they fire."""

    #: (model, unit) whose next hook fails.
    fail_next_hook: set[tuple[str, str]] = field(default_factory=set)
    #: (model, unit) whose next hook never finishes.
    never_settle: set[tuple[str, str]] = field(default_factory=set)
    #: (model, unit or application, action name) -> failure message of its next run.
    fail_action: dict[tuple[str, str, str], str] = field(default_factory=dict)


@dataclass
class Runtime:
    """What every model of a controller shares: clock, ids, behaviours, catalogue, faults."""

    clock: Clock
    ids: Ids
    behaviours: BehaviourRegistry
    catalogue: Catalogue
    faults: Faults = field(default_factory=Faults)
    executors: dict[tuple[str, str], Executor] = field(default_factory=dict)
    default_executor: Executor = field(default_factory=DefaultExecutor)
    #: Starts a coroutine on the server's event loop (set by the server).
    spawn: Callable[[Coroutine[Any, Any, None]], None] | None = None
    #: Services the charms of a model talk to: model -> kind -> handle (simulated ones from
    #: the behaviour registry at build, real ones attached by extensions; issue 3).
    services: dict[str, dict[str, Any]] = field(default_factory=dict)

    def executor(self, model: str, machine: str) -> Executor:
        """The executor for ``machine`` of ``model`` (the safe default unless replaced)."""
        return self.executors.get((model, machine), self.default_executor)


class ModelState:
    """The entities of one model plus what the watchers and facades need to read them."""

    def __init__(self, runtime: Runtime, *, uuid: str, name: str, controller_uuid: str,
                 owner: str = "admin", cloud: str = "maas", region: str = "default",
                 provider: str = "maas", config: dict[str, Any] | None = None,
                 is_controller: bool = False, default_base: str = "ubuntu@22.04") -> None:
        self.runtime = runtime
        self.uuid = uuid
        self.name = name
        self.owner = owner
        self.controller_uuid = controller_uuid
        self.cloud = cloud
        self.region = region
        self.provider = provider
        self.is_controller = is_controller
        self.default_base = default_base
        self.config: dict[str, Any] = dict(config or {})
        #: Config keys an operator set (source "model" in ModelGet).
        self.config_set: set[str] = set()
        self.life = "alive"
        self.status = StatusValue("available", since=runtime.clock.now())
        self.constraints: dict[str, Any] = {}
        self.machines: dict[str, Machine] = {}
        self.applications: dict[str, Application] = {}
        self.units: dict[str, Unit] = {}
        self.relations: dict[str, Relation] = {}
        self.offers: dict[str, Offer] = {}
        self.remote_apps: dict[str, RemoteApplication] = {}
        self.actions: dict[str, Action] = {}
        self.operations: dict[str, TaskOperation] = {}
        self.annotations: dict[str, str] = {}
        #: ``juju disable-command`` blocks: type -> message.
        self.blocks: dict[str, str] = {}
        #: User secrets by URI (Secrets facade).
        self.secrets: dict[str, dict[str, Any]] = {}
        #: Charms added to the model (Charms.AddCharm), by charm URL.
        self.charms: dict[str, CharmRef] = {}
        #: OpenSSH private host keys by machine id (served to the twin's sshd, never the API).
        self.host_private_keys: dict[str, str] = {}
        self.sequences: dict[str, int] = {}
        self.log = DeltaLog()

    # -- time, sequences and changes ---------------------------------------------------

    def now(self) -> float:
        """Scenario time."""
        return self.runtime.clock.now()

    def next_seq(self, name: str, start: int = 0) -> int:
        """The next value of a per-model sequence (machine ids, relation ids, task ids)."""
        value = self.sequences.get(name, start)
        self.sequences[name] = value + 1
        return value

    def touch(self, kind: str, key: str) -> None:
        """Record that an entity changed, for the watchers."""
        self.log.touch(kind, key)

    @property
    def qualified_name(self) -> str:
        """``admin/openstack`` as models.yaml and offer URLs spell it."""
        return f"{self.owner}/{self.name}"

    # -- lookups with Juju's errors ----------------------------------------------------

    def machine(self, machine_id: str) -> Machine:
        """The machine or ``machine N not found``."""
        try:
            return self.machines[machine_id]
        except KeyError:
            raise not_found(f"machine {machine_id}") from None

    def application(self, name: str) -> Application:
        """The application or Juju's ``application "x" not found``."""
        try:
            return self.applications[name]
        except KeyError:
            raise not_found(f'application "{name}"') from None

    def unit(self, name: str) -> Unit:
        """The unit or Juju's ``unit "x/0" not found``."""
        try:
            return self.units[name]
        except KeyError:
            raise not_found(f'unit "{name}"') from None

    def unit_by_tag(self, tag: str) -> Unit:
        """The unit named by ``unit-keystone-0``."""
        if not tag.startswith("unit-"):
            raise ApiError(f'"{tag}" is not a valid unit tag', "")
        app, _, number = tag[5:].rpartition("-")
        return self.unit(f"{app}/{number}")

    def action(self, action_id: str) -> Action:
        """The action or task by id."""
        try:
            return self.actions[action_id]
        except KeyError:
            raise not_found(f"action {action_id}") from None

    def units_of(self, app: str) -> list[Unit]:
        """Units of ``app`` in creation order."""
        return [u for u in self.units.values() if u.application == app]

    def relations_of(self, app: str) -> list[Relation]:
        """Relations with an endpoint on ``app``."""
        return [r for r in self.relations.values()
                if any(name == app for name, _ in r.endpoints)]

    # -- behaviour ----------------------------------------------------------------------

    def behaviour(self, app: Application) -> CharmBehaviour:
        """The charm behaviour of ``app``."""
        return self.runtime.behaviours.for_charm(app.charm.name)

    def unit_context(self, unit: Unit) -> UnitContext:
        """What the charm of ``unit`` sees."""
        app = self.applications[unit.application]
        machine = self.machines.get(unit.machine_id)
        return UnitContext(
            model=self.name, application=app.name, unit=unit.name, charm=app.charm.name,
            channel=app.charm.channel, revision=app.charm.revision,
            config=app.effective_config(), leader=app.leader == unit.name,
            base=str(app.base), series=app.base.series, machine=unit.machine_id,
            hostname=machine.hostname if machine else "",
            workload_version=unit.workload_version,
            scenario_versions=dict(app.workload_versions), charm_state=unit.charm_state,
            quirks=app.quirks, services=self.runtime.services.get(self.name, {}))
