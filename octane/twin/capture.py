"""A live model's documents -> a twin scenario that starts the same cloud.

``octane twin capture`` reads a model through the Juju port (``octane/juju/capture.py``:
FullStatus, ``Application.Get`` per application, ``ModelConfig.ModelGet``) and hands the
documents here, as plain data, so an operator can rehearse an upgrade on a copy of their own
cloud. What is kept, and how:

- machines with their ids, AZs (``availability-zone`` in ``hardware``), hostnames,
  addresses, cores and memory; containers as their own entries (``0/lxd/3``), bases only
  where they differ from the model's;
- applications with charm, channel, revision, base, the option values an operator set
  (``source: user``), the schema of every other option (``options:``, so ``juju config``
  answers as on the real cloud), relation endpoints with their interfaces and scopes,
  placement by machine id, unit numbers when they are not 0..N-1, the leader, exposure;
- the workload version of the application (or per unit where units differ), and statuses
  that are not active: a paused unit is captured as paused, a sealed vault as sealed;
- relations between the model's applications (peer relations are implied by the charms),
  offers, and the model config keys the operator set.

Not captured: cross-model relations (consumed offers), storage, spaces, VMs (add an
``openstack:`` section by hand), and subordinate unit numbers (the twin numbers them in
principal order). The scenario names the model as the live one and its controller ``twin``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

import yaml

from octane.twin.behaviours import BehaviourRegistry, default_registry
from octane.twin.scenario_rules import series_of

#: Model config keys that belong to the live controller, not to the cloud.
CONTROLLER_KEYS = frozenset({"name", "uuid", "type", "agent-version", "charmhub-url",
                             "authorized-keys", "secret-backend", "default-space",
                             "juju-ha-space", "juju-mgmt-space"})
_ROLE = {"requirer": "requires", "provider": "provides", "peer": "peers"}
DEFAULT_STATUS = ("active", "Unit is ready")


def _doc(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _base(doc: Mapping[str, Any]) -> str:
    base = _doc(doc.get("base"))
    channel = str(base.get("channel") or "").split("/")[0]
    return f"{base.get('name') or 'ubuntu'}@{channel}" if channel else ""


def charm_name(url: str) -> str:
    """``ch:amd64/keystone-588`` (or ``ch:amd64/focal/keystone-561``) -> ``keystone``."""
    tail = url.rsplit("/", 1)[-1].split(":")[-1]
    head, sep, revision = tail.rpartition("-")
    return head if sep and revision.isdigit() else tail


def _flat_machines(machines: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for mid, doc in machines.items():
        yield str(mid), _doc(doc)
        yield from _flat_machines(_doc(_doc(doc).get("containers")))


def _hardware(text: str) -> dict[str, str]:
    return dict(item.split("=", 1) for item in text.split() if "=" in item)


def _status(doc: Any) -> tuple[str, str]:
    status = _doc(doc)
    return (str(status.get("status") or status.get("current") or ""),
            str(status.get("info") or status.get("message") or ""))


class _Capture:
    def __init__(self, status: Mapping[str, Any], applications: Mapping[str, Mapping[str, Any]],
                 behaviours: BehaviourRegistry) -> None:
        self.status = status
        self.gets = applications
        self.behaviours = behaviours
        self.apps = {str(k): _doc(v) for k, v in _doc(status.get("applications")).items()}
        bases = Counter(_base(a) for a in self.apps.values() if _base(a))
        self.model_base = bases.most_common(1)[0][0] if bases else "ubuntu@22.04"
        self.units: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
        for app_doc in self.apps.values():
            for unit, unit_doc in _doc(app_doc.get("units")).items():
                self._add_unit(str(unit), _doc(unit_doc))
        self.endpoints: dict[str, dict[str, dict[str, Any]]] = {}
        self.relations = self._relations()

    def _add_unit(self, unit: str, doc: Mapping[str, Any]) -> None:
        self.units.setdefault(unit.rsplit("/", 1)[0], []).append((unit, doc))
        for sub, sub_doc in _doc(doc.get("subordinates")).items():
            self._add_unit(str(sub), _doc(sub_doc))

    def machines(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for mid, doc in _flat_machines(_doc(self.status.get("machines"))):
            hardware = _hardware(str(doc.get("hardware") or ""))
            entry: dict[str, Any] = {}
            if "/" not in mid and hardware.get("availability-zone"):
                entry["zone"] = hardware["availability-zone"]
            if doc.get("hostname"):
                entry["hostname"] = str(doc["hostname"])
            addresses = [str(a) for a in doc.get("ip-addresses") or ()]
            if addresses:
                entry["addresses"] = addresses
            base = _base(doc)
            if base and series_of(base) != series_of(self.model_base):
                entry["base"] = base
            for key, unit in (("cores", ""), ("mem", "M")):
                value = hardware.get(key, "").removesuffix(unit)
                if value.isdigit():
                    entry[key] = int(value)
            out[mid] = entry
        return out

    def _relations(self) -> list[list[str]]:
        out = []
        for rel in self.status.get("relations") or ():
            rel = _doc(rel)
            ends = [_doc(e) for e in rel.get("endpoints") or ()]
            if len(ends) != 2 or any(str(e.get("application")) not in self.apps for e in ends):
                continue  # peers, and relations to consumed offers
            for end in ends:
                self.endpoints.setdefault(str(end["application"]), {})[str(end["name"])] = {
                    "role": _ROLE.get(str(end.get("role")), str(end.get("role"))),
                    "interface": str(rel.get("interface") or end["name"]),
                    **({"scope": "container"} if rel.get("scope") == "container" else {})}
            ends.sort(key=lambda e: (0 if e.get("role") == "requirer" else 1))
            out.append([f"{e['application']}:{e['name']}" for e in ends])
        return out

    def unrelated_endpoints(self, charms: Mapping[str, Mapping[str, Any]]) -> None:
        """Endpoints no relation uses: from the charm's metadata, else its bindings."""
        for offer in _doc(self.status.get("offers")).values():
            known = self.endpoints.setdefault(str(_doc(offer).get("application-name")), {})
            for name, end in _doc(_doc(offer).get("endpoints")).items():
                end = _doc(end)
                known.setdefault(str(name), {
                    "role": _ROLE.get(str(end.get("role")), str(end.get("role"))),
                    "interface": str(end.get("interface") or name)})
        for app, doc in self.apps.items():
            known = self.endpoints.setdefault(app, {})
            meta = _doc(_doc(charms.get(str(doc.get("charm")))).get("meta"))
            for role, key in (("requires", "requires"), ("provides", "provides"),
                              ("peers", "peers")):
                for name, rel in _doc(meta.get(key)).items():
                    rel = _doc(rel)
                    known.setdefault(str(name), {
                        "role": role, "interface": str(rel.get("interface") or name),
                        **({"scope": "container"} if rel.get("scope") == "container"
                           else {})})
            for name in _doc(doc.get("endpoint-bindings")):
                if name and name not in known:  # "" is the default space, not an endpoint
                    known[str(name)] = {"role": "requires", "interface": str(name)}

    def application(self, name: str) -> tuple[dict[str, Any], dict[str, Any]]:
        doc = self.apps[name]
        charm = charm_name(str(doc.get("charm") or name))
        out: dict[str, Any] = {}
        if charm != name:
            out["charm"] = charm
        out["channel"] = str(doc.get("charm-channel") or "latest/stable")
        if isinstance(doc.get("charm-rev"), int) and doc["charm-rev"] >= 0:
            out["revision"] = doc["charm-rev"]
        base = _base(doc)
        if base and series_of(base) != series_of(self.model_base):
            out["base"] = base
        config, options = self._config(name, charm)
        if config:
            out["config"] = config
        if options:
            out["options"] = options
        if self.endpoints.get(name):
            out["endpoints"] = self.endpoints[name]
        units = sorted(self.units.get(name, []), key=lambda u: int(u[0].rsplit("/", 1)[1]))
        unit_state: dict[str, Any] = {}
        if doc.get("subordinate-to"):
            out["subordinate"] = True
        else:
            out["to"] = [str(d.get("machine") or "") for _, d in units]
            numbers = [int(u.rsplit("/", 1)[1]) for u, _ in units]
            if numbers != list(range(len(numbers))):
                out["unit-numbers"] = numbers
            leader = next((u for u, d in units if d.get("leader")), "")
            if leader:
                out["leader"] = leader
        if doc.get("exposed"):
            out["expose"] = True
        versions = Counter(str(d.get("workload-version") or "") for _, d in units)
        common = versions.most_common(1)[0][0] if versions else ""
        if common:
            out["workload-version"] = common
        statuses = Counter(_status(d.get("workload-status")) for _, d in units)
        usual = statuses.most_common(1)[0][0] if statuses else DEFAULT_STATUS
        if usual != DEFAULT_STATUS and usual[0] not in ("maintenance", "error", ""):
            out["status"] = {"workload": usual[0], "message": usual[1]}
        else:
            usual = DEFAULT_STATUS
        for unit, unit_doc in units:
            state = self._unit_state(unit_doc, common, usual)
            if state:
                unit_state[unit] = state
        return out, unit_state

    def _unit_state(self, doc: Mapping[str, Any], version: str,
                    usual: tuple[str, str]) -> dict[str, Any]:
        state: dict[str, Any] = {}
        workload = _status(doc.get("workload-status"))
        if workload != usual and workload[0]:
            state.update(workload=workload[0], message=workload[1])
        unit_version = str(doc.get("workload-version") or "")
        if unit_version != version:
            state["workload-version"] = unit_version
        charm_state = {}
        if workload[1].startswith("Paused."):
            charm_state["paused"] = True
        if workload[1] == "Unit is sealed":
            charm_state["sealed"] = True
        if charm_state:
            state["charm-state"] = charm_state
        return state

    def _config(self, app: str, charm: str) -> tuple[dict[str, Any], dict[str, Any]]:
        known = self.behaviours.for_charm(charm).config_options()
        config: dict[str, Any] = {}
        options: dict[str, Any] = {}
        for key, spec in _doc(_doc(self.gets.get(app)).get("config")).items():
            spec = _doc(spec)
            if spec.get("source") == "user" and spec.get("value") is not None:
                config[str(key)] = spec["value"]
            if key in known:
                continue
            option: dict[str, Any] = {"type": str(spec.get("type") or "string")}
            if spec.get("default") is not None:
                option["default"] = spec["default"]
            options[str(key)] = option
        return config, options

    def charmhub(self) -> dict[str, Any]:
        """The live channels: the deployed revision, and Juju's ``can-upgrade-to`` one, so
        the copy offers the same in-channel refreshes (other channels: the twin's)."""
        out: dict[str, Any] = {}
        for doc in self.apps.values():
            charm = charm_name(str(doc.get("charm") or ""))
            channel = str(doc.get("charm-channel") or "")
            revision = doc.get("charm-rev")
            if not charm or "/" not in channel or not isinstance(revision, int):
                continue
            entry = out.setdefault(charm, {"merge": True, "channels": {}})
            revisions = set(entry["channels"].get(channel, ())) | {revision}
            newer = str(doc.get("can-upgrade-to") or "")
            if newer:
                head, _, number = newer.rpartition("-")
                if number.isdigit() and charm_name(head + "-0") == charm:
                    revisions.add(int(number))
            entry["channels"][channel] = sorted(revisions)
        return dict(sorted(out.items()))

    def offers(self) -> dict[str, Any]:
        out = {}
        for name, doc in _doc(self.status.get("offers")).items():
            doc = _doc(doc)
            if str(doc.get("application-name")) in self.apps:
                out[str(name)] = {"application": str(doc["application-name"]),
                                  "endpoints": sorted(_doc(doc.get("endpoints")))}
        return out


def scenario(status: Mapping[str, Any], applications: Mapping[str, Mapping[str, Any]],
             model_config: Mapping[str, Any] | None = None, *, model: str = "",
             controller: str = "twin", charms: Mapping[str, Mapping[str, Any]] | None = None,
             behaviours: BehaviourRegistry | None = None) -> dict[str, Any]:
    """The scenario document (ready for ``yaml.safe_dump``) of one captured model.

    ``charms`` (charm URL -> ``Charms.CharmInfo``) supplies the endpoints no relation uses;
    without it they are named from the application's endpoint bindings.
    """
    capture = _Capture(status, applications, behaviours or default_registry())
    capture.unrelated_endpoints(charms or {})
    name = model or str(_doc(status.get("model")).get("name") or "captured")
    apps: dict[str, Any] = {}
    unit_state: dict[str, Any] = {}
    for app in sorted(capture.apps):
        apps[app], state = capture.application(app)
        unit_state.update(state)
    body: dict[str, Any] = {"base": capture.model_base}
    config = {str(k): _doc(v).get("value") for k, v in (model_config or {}).items()
              if _doc(v).get("source") == "model" and k not in CONTROLLER_KEYS}
    if config:
        body["config"] = config
    body["machines"] = capture.machines()
    body["applications"] = apps
    if capture.relations:
        body["relations"] = capture.relations
    offers = capture.offers()
    if offers:
        body["offers"] = offers
    hub = capture.charmhub()
    if unit_state:
        body["state"] = {"units": unit_state}
    top: dict[str, Any] = {"controller": controller, "seed": name, "time-scale": 1000}
    if hub:
        top["charmhub"] = hub
    top["models"] = {name: body}
    return top


class _Dumper(yaml.SafeDumper):
    """Block style for the structure, flow style for short leaves (one line a machine)."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(not isinstance(x, dict | list) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    flow = len(data) <= 6 and all(not isinstance(v, dict | list) or
                                  (isinstance(v, list) and len(v) <= 4) for v in data.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(dict, _represent_dict)


def dump(document: Mapping[str, Any]) -> str:
    """The scenario as YAML an operator can read and edit (keys in scenario order)."""
    return yaml.dump(dict(document), Dumper=_Dumper, sort_keys=False, width=100)
