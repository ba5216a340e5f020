"""Scenario files: a bundle-like YAML describing a controller, its models and their state.

The format is documented in ``docs/twin.md``. Loading validates everything that would
make an impossible cloud (a unit on an undeclared machine, a relation to a missing
application, a subordinate with units of its own, a leader that is not a unit) and reports
the first problem as one line naming the file and the path inside it, e.g.
``mini.yaml: models.openstack.applications.keystone.to[2]: machine "7" is not declared``.

Sections other developers own are reserved and passed through untouched: top-level and
model-level ``openstack:``, ``databases:`` and ``ceph:`` (see :attr:`Scenario.extra` and
:attr:`ModelSpec.extra`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from octane.errors import OctaneError
from octane.twin import scenario_rules as rules

#: libyaml's safe loader when PyYAML has it (ten times faster on the large scenario).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: Sections read by other parts of the twin (octane/twin/openstack, services, db).
RESERVED = ("openstack", "databases", "ceph")
_TOP = {"controller", "seed", "time-scale", "cloud", "charmhub", "models", *RESERVED}
_MODEL = {"base", "config", "machines", "applications", "relations", "offers", "consume",
          "state", "faults", *RESERVED}
_APP = {"charm", "channel", "revision", "base", "config", "options", "endpoints", "units",
        "to", "workload-version", "subordinate", "status", "leader", "expose",
        "constraints", "quirks", "unit-numbers"}
_MACHINE = {"zone", "hostname", "addresses", "base", "cores", "mem", "constraints"}
_FAULTS = {"hook-fails", "never-settles", "action-fails"}
_NAME = re.compile(r"^[a-z][a-z0-9-]*$")


class ScenarioError(OctaneError):
    """A scenario file that cannot describe a real cloud."""


def model_section(source: str, model: str, name: str, raw: Any,
                  keys: frozenset[str]) -> tuple[str, dict[str, Any]]:
    """A model's reserved section (``models.<model>.<name>``) as a mapping of known keys, and
    the path its problems are reported under.

    For the modules that own a reserved section (``databases:``, ``ceph:``): an absent
    section is an empty mapping; anything but a mapping, or an unknown key, is one
    ScenarioError line naming the file and the path, as everywhere in a scenario.
    """
    where = f"{source}: models.{model}.{name}"
    raw = {} if raw is None else raw
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: expected a mapping")
    unknown = sorted(set(raw) - keys)
    if unknown:
        raise ScenarioError(f"{where}.{unknown[0]}: unknown key (expected one of "
                            f"{', '.join(sorted(keys))})")
    return where, raw


@dataclass(frozen=True)
class MachineSpec:
    """A machine (or container ``N/lxd/M``) and where it is."""

    id: str
    zone: str
    hostname: str = ""
    addresses: tuple[str, ...] = ()
    base: str = ""
    cores: int = 4
    mem: int = 8192
    constraints: str = ""


@dataclass(frozen=True)
class AppSpec:
    """An application as deployed, with its units' placement and initial state."""

    name: str
    charm: str
    channel: str
    revision: int
    base: str
    config: dict[str, Any]
    options: dict[str, dict[str, Any]]
    endpoints: dict[str, dict[str, Any]]
    placement: tuple[str, ...]
    units: int
    subordinate: bool
    workload_version: str
    workload_versions: dict[str, str]
    status: tuple[str, str]
    leader: str = ""
    expose: bool = False
    constraints: str = ""
    #: Opt-in charm quirks (names the charm's behaviour declares; docs/twin-charms.md).
    quirks: tuple[str, ...] = ()
    #: Unit numbers in placement order when they are not 0..N-1 (a captured cloud whose
    #: units were removed and re-added: Juju never reuses a number).
    unit_numbers: tuple[int, ...] = ()

    def unit_names(self) -> list[str]:
        """The units the scenario creates, in placement order."""
        numbers = self.unit_numbers or tuple(range(self.units))
        return [f"{self.name}/{n}" for n in numbers]


@dataclass(frozen=True)
class ModelSpec:
    """A model and everything in it."""

    name: str
    base: str
    config: dict[str, Any]
    machines: tuple[MachineSpec, ...]
    applications: tuple[AppSpec, ...]
    relations: tuple[tuple[str, str], ...]
    offers: dict[str, dict[str, Any]]
    consume: tuple[dict[str, str], ...]
    unit_state: dict[str, dict[str, Any]]
    faults: tuple[dict[str, str], ...]
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CharmSpec:
    """A Charmhub catalogue entry beyond the deployed revisions."""

    name: str
    channels: dict[str, tuple[int, ...]]
    subordinate: bool = False
    endpoints: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: True: these channels replace the same channels of the charm behaviour's catalogue and
    #: the others stay (a captured cloud's live revisions); False: the entry is the catalogue.
    merge: bool = False


@dataclass(frozen=True)
class Scenario:
    """A whole scenario file, validated."""

    controller: str
    seed: str
    scale: float
    cloud: dict[str, str]
    charms: tuple[CharmSpec, ...]
    models: tuple[ModelSpec, ...]
    extra: dict[str, Any] = field(default_factory=dict)
    source: str = "<scenario>"

    def model(self, name: str) -> ModelSpec:
        """The model ``name``."""
        for spec in self.models:
            if spec.name == name:
                return spec
        raise KeyError(name)


def load(path: str | Path) -> Scenario:
    """Read and validate a scenario file."""
    path = Path(path)
    try:
        raw = yaml.load(path.read_text(), Loader=_LOADER)
    except OSError as exc:
        raise ScenarioError(f"cannot read scenario {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" line {where.line + 1}" if where is not None else ""
        raise ScenarioError(f"{path.name}:{line} not valid YAML") from None
    return parse(raw, source=path.name)


def parse(raw: Any, source: str = "<scenario>") -> Scenario:
    """Validate an already-parsed scenario document."""
    return _Parser(source).scenario(raw)


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, message: str) -> ScenarioError:
        return ScenarioError(f"{self.source}: {where}: {message}")

    def mapping(self, value: Any, where: str, allowed: set[str] | None = None) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(where, "must be a mapping")
        if allowed is not None:
            unknown = sorted(str(k) for k in value if k not in allowed)
            if unknown:
                raise self.fail(where, f'unknown key "{unknown[0]}"')
        return {str(k): v for k, v in value.items()}

    def scenario(self, raw: Any) -> Scenario:
        top = self.mapping(raw, "top level", _TOP)
        models_raw = self.mapping(top.get("models"), "models")
        if not models_raw:
            raise self.fail("models", "a scenario needs at least one model")
        scale = top.get("time-scale", 1000)
        if not isinstance(scale, (int, float)) or scale <= 0:
            raise self.fail("time-scale", "must be a positive number")
        cloud = {str(k): str(v) for k, v in self.mapping(top.get("cloud"), "cloud",
                                                         {"name", "region", "type"}).items()}
        charms = tuple(self.charm(name, spec) for name, spec in
                       self.mapping(top.get("charmhub"), "charmhub").items())
        models = tuple(self.model(name, spec) for name, spec in models_raw.items())
        controller = str(top.get("controller") or "twin")
        scenario = Scenario(controller=controller, seed=str(top.get("seed", controller)),
                            scale=float(scale), cloud=cloud, charms=charms, models=models,
                            extra={k: top[k] for k in RESERVED if k in top},
                            source=self.source)
        self.cross_model(scenario)
        return scenario

    def charm(self, name: str, raw: Any) -> CharmSpec:
        where = f"charmhub.{name}"
        spec = self.mapping(raw, where, {"channels", "subordinate", "endpoints", "merge"})
        channels: dict[str, tuple[int, ...]] = {}
        for channel, revs in self.mapping(spec.get("channels"), f"{where}.channels").items():
            revisions = revs if isinstance(revs, list) else [revs]
            if "/" not in channel or not all(isinstance(r, int) for r in revisions):
                raise self.fail(f"{where}.channels.{channel}",
                                "must map track/risk to a revision or a list of revisions")
            channels[channel] = tuple(revisions)
        return CharmSpec(name=name, channels=channels, subordinate=bool(spec.get("subordinate")),
                         endpoints=self.mapping(spec.get("endpoints"), f"{where}.endpoints"),
                         merge=bool(spec.get("merge")))

    def model(self, name: str, raw: Any) -> ModelSpec:
        where = f"models.{name}"
        if not _NAME.match(name):
            raise self.fail(where, "model names are lowercase letters, digits and hyphens")
        spec = self.mapping(raw, where, _MODEL)
        base = str(spec.get("base") or "ubuntu@22.04")
        machines = tuple(self.machine(f"{where}.machines", str(mid), m) for mid, m in
                         self.mapping(spec.get("machines"), f"{where}.machines").items())
        machine_ids = {m.id for m in machines}
        for m in machines:
            if "/" in m.id and m.id.split("/")[0] not in machine_ids:
                raise self.fail(f"{where}.machines.{m.id}",
                                f'host machine "{m.id.split("/")[0]}" is not declared')
        apps = tuple(self.application(f"{where}.applications", app, a, machine_ids, base)
                     for app, a in self.mapping(spec.get("applications"),
                                                f"{where}.applications").items())
        app_names = {a.name for a in apps}
        rules.check_bases(self.fail, where, base, machines, apps)
        relations = self.relations(f"{where}.relations", spec.get("relations"), app_names,
                                   spec.get("consume"))
        offers = self.mapping(spec.get("offers"), f"{where}.offers")
        for offer, body in offers.items():
            o = self.mapping(body, f"{where}.offers.{offer}", {"application", "endpoints"})
            if o.get("application") not in app_names:
                raise self.fail(f"{where}.offers.{offer}.application",
                                f'application "{o.get("application")}" is not declared')
        consume = spec.get("consume") or []
        if not isinstance(consume, list):
            raise self.fail(f"{where}.consume", "must be a list of {url, alias}")
        state = self.mapping(spec.get("state"), f"{where}.state", {"units"})
        unit_state = self.mapping(state.get("units"), f"{where}.state.units")
        units = self.unit_names(apps)
        for unit in unit_state:
            if unit not in units:
                raise self.fail(f"{where}.state.units.{unit}", "no such unit in the scenario")
        for app in apps:
            if app.leader and app.leader not in units:
                raise self.fail(f"{where}.applications.{app.name}.leader",
                                f'"{app.leader}" is not a unit of {app.name}')
        faults = spec.get("faults") or []
        if not isinstance(faults, list):
            raise self.fail(f"{where}.faults", "must be a list")
        for index, fault in enumerate(faults):
            f = self.mapping(fault, f"{where}.faults[{index}]",
                             {"kind", "unit", "action", "message"})
            if f.get("kind") not in _FAULTS:
                raise self.fail(f"{where}.faults[{index}].kind",
                                f"must be one of {', '.join(sorted(_FAULTS))}")
            if f.get("unit") not in units and f.get("unit") not in app_names:
                raise self.fail(f"{where}.faults[{index}].unit",
                                f'"{f.get("unit")}" is not a unit or application')
        return ModelSpec(
            name=name, base=base, config=self.mapping(spec.get("config"), f"{where}.config"),
            machines=machines, applications=apps, relations=relations, offers=offers,
            consume=tuple({str(k): str(v) for k, v in c.items()} for c in consume),
            unit_state=unit_state, faults=tuple(faults),
            extra={k: spec[k] for k in RESERVED if k in spec})

    def machine(self, where: str, mid: str, raw: Any) -> MachineSpec:
        where = f"{where}.{mid}"
        if not re.match(r"^\d+(/(lxd|kvm)/\d+)?$", mid):
            raise self.fail(where, "machine ids are N or N/lxd/M")
        spec = self.mapping(raw, where, _MACHINE)
        addresses = spec.get("addresses") or []
        if not isinstance(addresses, list):
            raise self.fail(f"{where}.addresses", "must be a list")
        return MachineSpec(id=mid, zone=str(spec.get("zone") or ""),
                           hostname=str(spec.get("hostname") or ""),
                           addresses=tuple(str(a) for a in addresses),
                           base=str(spec.get("base") or ""), cores=int(spec.get("cores", 4)),
                           mem=int(spec.get("mem", 8192)),
                           constraints=str(spec.get("constraints") or ""))

    def application(self, where: str, name: str, raw: Any, machines: set[str],
                    model_base: str) -> AppSpec:
        where = f"{where}.{name}"
        if not _NAME.match(name):
            raise self.fail(where, "application names are lowercase letters, digits, hyphens")
        spec = self.mapping(raw, where, _APP)
        charm = str(spec.get("charm") or name)
        channel = str(spec.get("channel") or "latest/stable")
        if "/" not in channel:
            channel = f"{channel}/stable"
        revision = spec.get("revision", 1)
        if not isinstance(revision, int) or revision < 0:
            raise self.fail(f"{where}.revision", "must be a non-negative integer")
        subordinate = bool(spec.get("subordinate"))
        placement = spec.get("to") or []
        if not isinstance(placement, list):
            raise self.fail(f"{where}.to", "must be a list of machine ids")
        for index, target in enumerate(placement):
            host = str(target).split(":")[-1]
            if host not in machines:
                raise self.fail(f"{where}.to[{index}]", f'machine "{host}" is not declared')
        units = spec.get("units", len(placement))
        if not isinstance(units, int) or units < 0:
            raise self.fail(f"{where}.units", "must be a non-negative integer")
        if subordinate and (units or placement):
            raise self.fail(where, "a subordinate application has no units of its own")
        if placement and units != len(placement):
            raise self.fail(f"{where}.units", f"{units} units but {len(placement)} placements")
        version = spec.get("workload-version", "")
        versions = version if isinstance(version, dict) else {}
        status = self.mapping(spec.get("status"), f"{where}.status", {"workload", "message"})
        config = self.mapping(spec.get("config"), f"{where}.config")
        base = str(spec.get("base") or model_base)
        rules.check_origin(self.fail, f"{where}.config", name, config, base)
        quirks = rules.check_quirks(self.fail, f"{where}.quirks", charm, spec.get("quirks"))
        numbers = rules.check_unit_numbers(self.fail, f"{where}.unit-numbers",
                                           spec.get("unit-numbers"), units)
        return AppSpec(
            name=name, charm=charm, channel=channel, revision=revision,
            base=base, config=config, quirks=quirks, unit_numbers=numbers,
            options=self.mapping(spec.get("options"), f"{where}.options"),
            endpoints=self.mapping(spec.get("endpoints"), f"{where}.endpoints"),
            placement=tuple(str(p) for p in placement), units=units, subordinate=subordinate,
            workload_version="" if versions else str(version),
            workload_versions={str(k): str(v) for k, v in versions.items()},
            status=(str(status.get("workload", "active")),
                    str(status.get("message", "Unit is ready"))),
            leader=str(spec.get("leader") or ""), expose=bool(spec.get("expose")),
            constraints=str(spec.get("constraints") or ""))

    def relations(self, where: str, raw: Any, apps: set[str],
                  consume: Any) -> tuple[tuple[str, str], ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            raise self.fail(where, "must be a list of [endpoint, endpoint] pairs")
        saas = {str(c.get("alias") or str(c.get("url", "")).rsplit(".", 1)[-1])
                for c in (consume or []) if isinstance(c, dict)}
        result = []
        for index, pair in enumerate(raw):
            if not isinstance(pair, list) or len(pair) != 2:
                raise self.fail(f"{where}[{index}]", "must be a pair [app:endpoint, app:endpoint]")
            for end in pair:
                app = str(end).split(":")[0]
                if app not in apps and app not in saas:
                    raise self.fail(f"{where}[{index}]", f'application "{app}" is not declared')
            result.append((str(pair[0]), str(pair[1])))
        return tuple(result)

    @staticmethod
    def unit_names(apps: tuple[AppSpec, ...]) -> set[str]:
        return {name for a in apps for name in a.unit_names()}

    def cross_model(self, scenario: Scenario) -> None:
        names = {m.name for m in scenario.models}
        for model in scenario.models:
            for index, consume in enumerate(model.consume):
                url = consume.get("url", "")
                target = url.split(":")[-1].split("/")[-1].split(".")[0]
                if target not in names:
                    raise self.fail(f"models.{model.name}.consume[{index}].url",
                                    f'offering model "{target}" is not declared')
                offer = url.rsplit(".", 1)[-1]
                if offer not in scenario.model(target).offers:
                    raise self.fail(f"models.{model.name}.consume[{index}].url",
                                    f'model "{target}" has no offer "{offer}"')


def scenarios_dir() -> Path:
    """``etc/scenarios`` of the source tree (scenario names resolve there)."""
    return Path(__file__).resolve().parents[2] / "etc" / "scenarios"


def resolve(name_or_path: str) -> Path:
    """A scenario file from a path or a name in ``etc/scenarios`` (``mini``)."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.exists():
            raise ScenarioError(f"scenario file {path} does not exist")
        return path
    candidate = scenarios_dir() / f"{name_or_path}.yaml"
    if not candidate.exists():
        known = sorted(p.stem for p in scenarios_dir().glob("*.yaml"))
        raise ScenarioError(f'no scenario named "{name_or_path}" '
                            f"(known: {', '.join(known) or 'none'})")
    return candidate
