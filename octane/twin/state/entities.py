"""The entities of a twin model, as plain mutable records.

They hold what a Juju controller keeps in its database for one model; rules that change
them live in the sibling modules (``machines``, ``applications``, ``activity``,
``offers``), and the wire shapes (AllWatcher documents, FullStatus) are built from them in
``octane/twin/facades``. Times are scenario seconds since the epoch (``Clock.now()``).
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field
from typing import Any

#: Series names of the Ubuntu releases a Charmed OpenStack cloud runs on.
SERIES_BY_CHANNEL = {"18.04": "bionic", "20.04": "focal", "22.04": "jammy", "24.04": "noble"}
CHANNEL_BY_SERIES = {v: k for k, v in SERIES_BY_CHANNEL.items()}


@functools.lru_cache(maxsize=4096)  # thousands of statuses share a handful of times
def iso(ts: float) -> str:
    """Juju's RFC 3339 timestamp (UTC, microseconds, ``Z``) as libjuju parses it."""
    dt = datetime.datetime.fromtimestamp(ts, tz=datetime.timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class Base:
    """An OS base (``ubuntu@22.04``); Juju 3 replaced series with bases."""

    name: str = "ubuntu"
    channel: str = "22.04"

    @property
    def series(self) -> str:
        """The series name libjuju and the CLI still report (``jammy``)."""
        return SERIES_BY_CHANNEL.get(self.channel, self.channel)

    def __str__(self) -> str:
        return f"{self.name}@{self.channel}"

    @classmethod
    def parse(cls, text: str) -> Base:
        """Read ``ubuntu@22.04``, ``ubuntu@22.04/stable``, ``22.04`` or a series name."""
        name, _, channel = text.partition("@")
        if not channel:
            name, channel = "ubuntu", text
        channel = channel.split("/")[0]
        channel = CHANNEL_BY_SERIES.get(channel, channel)
        return cls(name=name, channel=channel)


@dataclass
class StatusValue:
    """One status document (``current``, ``message``, ``since``, ``version``)."""

    current: str
    message: str = ""
    since: float = 0.0
    version: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Address:
    """A machine address with Juju's type and scope (``local-cloud``, ``public``)."""

    value: str
    type: str = "ipv4"
    scope: str = "local-cloud"
    space: str = "alpha"


@dataclass
class UpgradeSeries:
    """A machine's series-upgrade lock (``juju upgrade-machine``)."""

    target: Base
    status: str = "prepare started"
    messages: list[str] = field(default_factory=list)
    unread: int = 0


@dataclass
class Machine:
    """A machine (or a container, id ``0/lxd/1``) with its zone, addresses and host keys."""

    id: str
    hostname: str
    zone: str
    addresses: list[Address]
    base: Base
    instance_id: str
    agent_status: StatusValue
    instance_status: StatusValue
    arch: str = "amd64"
    cores: int = 4
    mem: int = 8192
    root_disk: int = 40960
    life: str = "alive"
    container_type: str = ""
    constraints: str = ""
    host_keys: list[str] = field(default_factory=list)
    upgrade_series: UpgradeSeries | None = None
    annotations: dict[str, str] = field(default_factory=dict)

    @property
    def parent(self) -> str:
        """The host machine of a container, or "" for a machine."""
        return self.id.rsplit("/", 2)[0] if "/" in self.id else ""


@dataclass
class ConfigOption:
    """One charm config option: type (string, int, float, boolean), default, description."""

    type: str = "string"
    default: Any = None
    description: str = ""


@dataclass
class Endpoint:
    """A charm relation endpoint: role (requirer, provider, peer), interface, scope, limit."""

    name: str
    role: str
    interface: str
    scope: str = "global"
    limit: int = 0
    optional: bool = False

    def as_relation(self) -> dict[str, Any]:
        """The ``CharmRelation`` document Juju nests in relation endpoints."""
        return {"name": self.name, "role": self.role, "interface": self.interface,
                "optional": self.optional, "limit": self.limit, "scope": self.scope}


@dataclass
class CharmRef:
    """Where an application's charm comes from: Charmhub name, channel and revision."""

    name: str
    revision: int
    track: str = "latest"
    risk: str = "stable"
    charm_id: str = ""
    hash: str = ""
    arch: str = "amd64"
    source: str = "charm-hub"

    @property
    def channel(self) -> str:
        """``track/risk`` as status and the CLI print it."""
        return f"{self.track}/{self.risk}"

    @property
    def url(self) -> str:
        """Juju 3.6's charm URL: no series (python-libjuju PR #1170 shows ``ch:amd64/x-690``)."""
        return f"ch:{self.arch}/{self.name}-{self.revision}"


@dataclass
class Application:
    """A deployed application, with the config values an operator set (strings parsed)."""

    name: str
    charm: CharmRef
    base: Base
    charm_url: str
    options: dict[str, ConfigOption]
    endpoints: dict[str, Endpoint]
    subordinate: bool = False
    config: dict[str, Any] = field(default_factory=dict)
    exposed: bool = False
    life: str = "alive"
    status: StatusValue | None = None
    leader: str = ""
    next_unit: int = 0
    constraints: str = ""
    workload_versions: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    #: Opt-in charm quirks from the scenario (``quirks:``; behaviours/ decides what they do).
    quirks: frozenset[str] = frozenset()

    def effective_config(self) -> dict[str, Any]:
        """Every option's value: what the operator set, else the charm default."""
        values = {k: o.default for k, o in self.options.items() if o.default is not None}
        values.update(self.config)
        return values


@dataclass
class Operation:
    """One item of a unit agent's queue: a hook or an action, run one at a time.

    Juju's uniter runs hooks and actions serially per unit; ``start`` and ``end`` are set
    when the item reaches the head of the queue. ``end`` is ``inf`` for a settle that never
    finishes (an injected fault).
    """

    kind: str  # "hook" or "action"
    name: str
    duration: float
    fail: bool = False
    start: float | None = None
    end: float | None = None
    action_id: str = ""


@dataclass
class Unit:
    """A unit: statuses, workload version, its machine, principal and queue of operations."""

    name: str
    application: str
    machine_id: str
    workload: StatusValue
    agent: StatusValue
    charm_url: str
    workload_version: str = ""
    principal: str = ""
    subordinates: list[str] = field(default_factory=list)
    life: str = "alive"
    queue: list[Operation] = field(default_factory=list)
    failed_hook: str = ""
    ports: list[dict[str, Any]] = field(default_factory=list)
    annotations: dict[str, str] = field(default_factory=dict)
    #: What the charm keeps on the unit between hooks (paused, deferred restarts...).
    charm_state: dict[str, Any] = field(default_factory=dict)

    @property
    def tag(self) -> str:
        """``unit-keystone-0``."""
        return "unit-" + self.name.replace("/", "-")


@dataclass
class Relation:
    """A relation; ``key`` orders endpoints requirer first (juju state/relation.go epSlice)."""

    id: int
    key: str
    endpoints: list[tuple[str, Endpoint]]
    life: str = "alive"
    status: str = "joined"


@dataclass
class Offer:
    """An application offer for cross-model relations."""

    uuid: str
    name: str
    application: str
    endpoints: dict[str, str]
    owner: str = "admin"
    description: str = ""


@dataclass
class RemoteApplication:
    """A consumed offer (SAAS) in the consuming model."""

    name: str
    offer_uuid: str
    offer_url: str
    offer_name: str
    source_model_uuid: str
    endpoints: list[Endpoint]
    life: str = "alive"
    status: StatusValue = field(default_factory=lambda: StatusValue("active"))


@dataclass
class Action:
    """An action or an exec task (Juju 3 names exec tasks ``juju-exec``)."""

    id: str
    operation: str
    receiver: str
    name: str
    parameters: dict[str, Any]
    enqueued: float
    status: str = "pending"
    message: str = ""
    output: dict[str, Any] = field(default_factory=dict)
    started: float | None = None
    completed: float | None = None
    log: list[str] = field(default_factory=list)
    #: What the action will report when it completes (decided when it is enqueued, or
    #: when its executor answers; ``waiting`` while an executor is still running).
    outcome_status: str = "completed"
    outcome_message: str = ""
    outcome_output: dict[str, Any] = field(default_factory=dict)
    outcome_log: list[str] = field(default_factory=list)
    outcome_config: dict[str, Any] = field(default_factory=dict)
    outcome_version: str = ""
    outcome_charm_state: dict[str, Any] = field(default_factory=dict)
    waiting: bool = False


@dataclass
class TaskOperation:
    """A group of tasks enqueued by one call (``juju run`` / ``juju exec``)."""

    id: str
    summary: str
    enqueued: float
    actions: list[str] = field(default_factory=list)
