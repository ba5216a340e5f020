"""Turn a validated scenario into a live controller state.

Endpoints a scenario does not declare are inferred from its relations: when one side is
a subordinate it provides a container-scoped endpoint and the principal requires it
(hacluster's ``ha``, neutron-openvswitch's ``neutron-plugin``); otherwise the first
endpoint of the pair requires and the second provides. The interface is the provider's
endpoint name. A scenario that needs another shape declares ``endpoints:``.
"""

from __future__ import annotations

import secrets
from typing import Any

from octane.twin.behaviours import BehaviourRegistry, default_registry
from octane.twin.clock import Clock
from octane.twin.errors import ApiError
from octane.twin.scenario import AppSpec, ModelSpec, Scenario, ScenarioError
from octane.twin.state import activity, applications, machines, offers, relations
from octane.twin.state.catalogue import Catalogue
from octane.twin.state.controller import ControllerState
from octane.twin.state.entities import (
    Application,
    Base,
    CharmRef,
    ConfigOption,
    Endpoint,
    StatusValue,
)
from octane.twin.state.ids import Ids
from octane.twin.state.model import ModelState, Runtime

_COUNTER = {"requirer": "provider", "provider": "requirer", "peer": "peer"}


def build(scenario: Scenario, *, charmhub_url: str = "", scale: float | None = None,
          behaviours: BehaviourRegistry | None = None, password: str | None = None,
          clock: Clock | None = None) -> ControllerState:
    """A controller holding every model of ``scenario``."""
    ids = Ids(scenario.seed)
    runtime = Runtime(clock=clock or Clock(scale=scale or scenario.scale), ids=ids,
                      behaviours=behaviours or default_registry(), catalogue=Catalogue())
    cloud = scenario.cloud
    controller = ControllerState(
        runtime, name=scenario.controller, password=password or secrets.token_urlsafe(18),
        uuid=ids.uuid(), cloud=cloud.get("name", "maas"), region=cloud.get("region", "default"),
        provider=cloud.get("type", "maas"), charmhub_url=charmhub_url)
    ctl = controller.create_model("controller", is_controller=True)
    machines.new_machine(ctl, "0", zone="default", hostname="juju-controller-0",
                         addresses=["10.255.0.2"])
    _publish_behaviour_charms(runtime, Ids(f"{scenario.seed}/charmhub"),
                              {c.name for c in scenario.charms if not c.merge})
    for charm in scenario.charms:
        info = runtime.catalogue.ensure(charm.name, ids.charm_id())
        info.subordinate = charm.subordinate or (charm.merge and info.subordinate)
        info.endpoints = dict(charm.endpoints)
        for channel, revisions in charm.channels.items():
            if charm.merge:
                info.channels[channel] = []  # the live channel replaces the published one
            for revision in revisions:
                info.add(channel, revision)
    try:
        for spec in scenario.models:
            _build_model(controller, spec)
        for spec in scenario.models:
            _consume_and_relate(controller, spec)
        for spec in scenario.models:
            _arm_faults(controller, spec)
    except ApiError as exc:
        raise ScenarioError(f"{scenario.source}: {exc.message}") from None
    return controller


def _publish_behaviour_charms(runtime: Runtime, ids: Ids, declared: set[str]) -> None:
    """Charmhub serves what each charm behaviour publishes (channels and revisions),
    except for the charms the scenario's ``charmhub:`` section declares itself.

    Charm ids come from their own seeded generator so that the scenario's uuids stay
    what they were before any behaviour published a charm.
    """
    for name in runtime.behaviours.names():
        if name in declared:
            continue
        entry = runtime.behaviours.for_charm(name).charmhub()
        if entry is None:
            continue
        info = runtime.catalogue.ensure(name, ids.charm_id())
        info.subordinate = entry.subordinate
        info.bases = list(entry.bases)
        for channel, revisions in entry.channels.items():
            for revision in revisions:
                info.add(channel, revision)


def _build_model(controller: ControllerState, spec: ModelSpec) -> None:
    model = controller.create_model(spec.name, config=dict(spec.config),
                                    default_base=spec.base)
    model.runtime.services[spec.name] = model.runtime.behaviours.simulated_services(model)
    for m in spec.machines:
        host = model.machines.get(m.id.split("/")[0])
        machines.new_machine(
            model, m.id, zone=m.zone or (host.zone if host else "default"),
            hostname=m.hostname, addresses=list(m.addresses),
            base=Base.parse(m.base or spec.base), container_type="lxd" if "/" in m.id else "",
            cores=m.cores, mem=m.mem, constraints=m.constraints)
    endpoints = _infer_endpoints(spec)
    for app_spec in spec.applications:
        _build_application(model, app_spec, endpoints.get(app_spec.name, {}))
    for name, body in spec.offers.items():
        eps = body.get("endpoints") or []
        eps_map = dict(eps) if isinstance(eps, dict) else {str(e): str(e) for e in eps}
        offers.create_offer(model, str(body["application"]), name, eps_map)
    for unit_name, state in spec.unit_state.items():
        unit = model.units[unit_name]
        if "workload" in state:
            unit.workload = StatusValue(str(state["workload"]), str(state.get("message", "")),
                                        model.now())
        if "workload-version" in state:
            unit.workload_version = str(state["workload-version"])
        if "agent" in state:
            unit.agent = StatusValue(str(state["agent"]), "", model.now(),
                                     activity.AGENT_VERSION)
        if "charm-state" in state:
            unit.charm_state.update(dict(state["charm-state"]))


def _infer_endpoints(spec: ModelSpec) -> dict[str, dict[str, Endpoint]]:
    subs = {a.name for a in spec.applications if a.subordinate}
    declared = {a.name: {n: _endpoint(n, e) for n, e in a.endpoints.items()}
                for a in spec.applications}
    result = {name: dict(eps) for name, eps in declared.items()}
    for left, right in spec.relations:
        a, _, x = left.partition(":")
        b, _, y = right.partition(":")
        x, y = x or b, y or a
        ea, eb = result.get(a, {}).get(x), result.get(b, {}).get(y)
        if ea is None and eb is None:
            if b in subs and a not in subs:
                roles = ("requirer", "provider")
            elif a in subs and b not in subs:
                roles = ("provider", "requirer")
            else:
                roles = ("requirer", "provider")
            provider_name = y if roles[1] == "provider" else x
            scope = "container" if (a in subs or b in subs) else "global"
            ea = Endpoint(x, roles[0], provider_name, scope)
            eb = Endpoint(y, roles[1], provider_name, scope)
        elif ea is None and eb is not None:
            ea = Endpoint(x, _COUNTER[eb.role], eb.interface, eb.scope)
        elif eb is None and ea is not None:
            eb = Endpoint(y, _COUNTER[ea.role], ea.interface, ea.scope)
        assert ea is not None and eb is not None
        if a in result:
            result[a].setdefault(x, ea)
        if b in result:
            result[b].setdefault(y, eb)
    return result


def _endpoint(name: str, raw: dict[str, Any]) -> Endpoint:
    role = {"requires": "requirer", "provides": "provider", "peers": "peer"}.get(
        str(raw.get("role", "requirer")), str(raw.get("role", "requirer")))
    return Endpoint(name=name, role=role, interface=str(raw.get("interface", name)),
                    scope=str(raw.get("scope", "global")), limit=int(raw.get("limit", 0)))


def _build_application(model: ModelState, spec: AppSpec,
                       endpoints: dict[str, Endpoint]) -> Application:
    runtime = model.runtime
    info = runtime.catalogue.ensure(spec.charm, runtime.ids.charm_id())
    info.add(spec.channel, spec.revision)
    info.subordinate = info.subordinate or spec.subordinate
    track, _, risk = spec.channel.partition("/")
    ref = CharmRef(name=spec.charm, revision=spec.revision, track=track, risk=risk,
                   charm_id=info.charm_id, hash=runtime.ids.hex(64))
    behaviour = runtime.behaviours.for_charm(spec.charm)
    options = {k: ConfigOption(**v) for k, v in behaviour.config_options().items()}
    for key, value in spec.config.items():
        options.setdefault(key, applications.infer_option(value))
    for key, raw in spec.options.items():
        options[key] = ConfigOption(type=str(raw.get("type", "string")),
                                    default=raw.get("default"),
                                    description=str(raw.get("description", "")))
    app = Application(name=spec.name, charm=ref, base=Base.parse(spec.base),
                      charm_url=ref.url, options=options, endpoints=endpoints,
                      subordinate=spec.subordinate, exposed=spec.expose,
                      constraints=spec.constraints,
                      workload_versions=dict(spec.workload_versions),
                      quirks=frozenset(spec.quirks))
    for key, value in spec.config.items():
        app.config[key] = value
    model.applications[spec.name] = app
    model.charms[app.charm_url] = ref
    model.touch("application", spec.name)
    targets = list(spec.placement) or [""] * spec.units
    for index, target in enumerate(targets):
        if spec.unit_numbers:  # a captured cloud's numbers (Juju never reuses one)
            app.next_unit = spec.unit_numbers[index]
        machine = _target(model, target, app.base)
        unit = applications.new_unit(model, app, machine, status=spec.status,
                                     workload_version=spec.workload_version)
        # a version the scenario states wins; otherwise the charm derives it (issue 3)
        unit.workload_version = (spec.workload_version
                                 or behaviour.workload_version(model.unit_context(unit)))
    if spec.unit_numbers:
        app.next_unit = max(spec.unit_numbers) + 1
    if spec.leader:
        app.leader = spec.leader
    return app


def _target(model: ModelState, target: str, base: Base) -> str:
    if not target:
        return machines.add_machine(model, base=base).id
    if ":" in target:
        kind, host = target.split(":")
        return machines.add_machine(model, container_type=kind, parent=host, base=base).id
    return target


def _consume_and_relate(controller: ControllerState, spec: ModelSpec) -> None:
    model = controller.model_by_name(spec.name)
    for consume in spec.consume:
        source, offer = controller.find_offer(consume["url"])
        offers.consume(model, source, source.offers[offer], consume.get("alias", ""))
    for left, right in spec.relations:
        rel = relations.add_relation(model, left, right)
        for unit_name in _new_subordinates(model, rel.key):
            unit = model.units[unit_name]
            unit.queue.clear()
            app = model.applications[unit.application]
            app_spec = next(a for a in spec.applications if a.name == app.name)
            now = model.now()
            unit.workload = StatusValue(app_spec.status[0], app_spec.status[1], now)
            unit.agent = StatusValue("idle", "", now, activity.AGENT_VERSION)
            unit.workload_version = app_spec.workload_version or model.behaviour(
                app).workload_version(model.unit_context(unit))


def _new_subordinates(model: ModelState, key: str) -> list[str]:
    """Subordinate units still settling their install hooks after the scenario relation."""
    return [u.name for u in model.units.values()
            if u.principal and u.queue and u.queue[0].name == "install"
            and u.application in key]


def _arm_faults(controller: ControllerState, spec: ModelSpec) -> None:
    model = controller.model_by_name(spec.name)
    faults = controller.runtime.faults
    for fault in spec.faults:
        target = str(fault["unit"])
        units = [target] if "/" in target else [u.name for u in model.units_of(target)]
        if fault["kind"] == "action-fails":
            message = str(fault.get("message") or "action failed (injected by the twin)")
            faults.fail_action[(model.name, target, str(fault.get("action", "")))] = message
        for unit in units:
            if fault["kind"] == "hook-fails":
                faults.fail_next_hook.add((model.name, unit))
            elif fault["kind"] == "never-settles":
                faults.never_settle.add((model.name, unit))
