"""Rules for applications: config, refresh, units, leadership, deploy.

Each rule says where it was learnt. Config values arrive from the API as strings (libjuju
``Application.set_config`` stringifies them) and are parsed by the option's type, with
Juju's own messages (juju/charm ``config.go``: ``unknown option "x"``,
``option "x" expected int, got "y"``).
"""

from __future__ import annotations

from typing import Any

from octane.twin.errors import ALREADY_EXISTS, NOT_FOUND, ApiError, not_found
from octane.twin.state import activity
from octane.twin.state.entities import (
    Application,
    Base,
    CharmRef,
    ConfigOption,
    Endpoint,
    StatusValue,
    Unit,
)
from octane.twin.state.model import ModelState

_TRUE = {"1", "t", "T", "TRUE", "true", "True"}
_FALSE = {"0", "f", "F", "FALSE", "false", "False"}
#: Application (not charm) settings Juju accepts through SetConfigs.
APPLICATION_SETTINGS = ("trust",)


def parse_value(name: str, option: ConfigOption, raw: Any) -> Any:
    """Parse one value by its option type, as Juju's ``ParseSettingsStrings`` does."""
    if not isinstance(raw, str):
        return raw
    kind = option.type
    if kind == "string":
        return raw
    if raw == "":
        return None
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError:
        raise ApiError(f'option "{name}" expected {kind}, got "{raw}"', "") from None
    if kind == "boolean":
        if raw in _TRUE:
            return True
        if raw in _FALSE:
            return False
        raise ApiError(f'option "{name}" expected boolean, got "{raw}"', "")
    return raw


def infer_option(value: Any) -> ConfigOption:
    """An option for a scenario value of a generic charm (type from the YAML value)."""
    if isinstance(value, bool):
        return ConfigOption("boolean")
    if isinstance(value, int):
        return ConfigOption("int")
    if isinstance(value, float):
        return ConfigOption("float")
    return ConfigOption("string")


def set_config(model: ModelState, app: Application, values: dict[str, Any],
               *, by_charm: bool = False) -> list[str]:
    """Set options; the units run their charm's hooks for the options that changed.

    Returns the changed option names. ``by_charm`` marks a change made by the charm
    itself (e.g. an action), which Juju also answers with config-changed.
    """
    parsed: dict[str, Any] = {}
    for name, raw in values.items():
        if name in APPLICATION_SETTINGS:
            continue
        option = app.options.get(name)
        if option is None:
            raise ApiError(f'unknown option "{name}"', "")
        parsed[name] = parse_value(name, option, raw)
    before = app.effective_config()
    for name, value in parsed.items():
        if value is None:
            app.config.pop(name, None)
        else:
            app.config[name] = value
    after = app.effective_config()
    changed = {k: after.get(k) for k in parsed if before.get(k) != after.get(k)}
    if changed:
        model.touch("application", app.name)
        hooks = model.behaviour(app).hooks_for_config_change(changed)
        for unit in model.units_of(app.name):
            activity.enqueue_hooks(model, unit, hooks)
    return sorted(changed)


def unset_config(model: ModelState, app: Application, names: list[str]) -> None:
    """``juju config --reset``: back to the charm defaults."""
    for name in names:
        if name not in app.options:
            raise ApiError(f'unknown option "{name}"', "")
    before = app.effective_config()
    for name in names:
        app.config.pop(name, None)
    after = app.effective_config()
    changed = {k: after.get(k) for k in names if before.get(k) != after.get(k)}
    if changed:
        model.touch("application", app.name)
        hooks = model.behaviour(app).hooks_for_config_change(changed)
        for unit in model.units_of(app.name):
            activity.enqueue_hooks(model, unit, hooks)


def set_charm(model: ModelState, app: Application, charm_url: str, origin: dict[str, Any],
              *, force_units: bool = False) -> None:
    """``juju refresh``: point the application at a new charm revision or channel.

    The charm must have been added first (Charms.AddCharm), as Juju requires. The
    application document changes at once (libjuju waits for ``charm-url`` to equal the new
    URL, application.py ``refresh``); each unit then runs upgrade-charm and
    config-changed. Units report the new charm URL at once (the twin does not model the
    download phase).
    """
    added = model_charms(model)
    if charm_url not in added:
        raise ApiError(f'charm "{charm_url}" not found', NOT_FOUND)
    ref = added[charm_url]
    app.charm = CharmRef(
        name=ref.name, revision=int(origin.get("revision") or ref.revision),
        track=str(origin.get("track") or ref.track), risk=str(origin.get("risk") or ref.risk),
        charm_id=str(origin.get("id") or ref.charm_id), hash=str(origin.get("hash") or ""),
        arch=str(origin.get("architecture") or ref.arch))
    app.charm_url = charm_url
    behaviour = model.behaviour(app)
    for name, spec in behaviour.config_options().items():
        app.options.setdefault(name, ConfigOption(**spec))
    model.touch("application", app.name)
    for unit in model.units_of(app.name):
        unit.charm_url = charm_url
        activity.enqueue_hooks(model, unit, behaviour.hooks_for_refresh())


def model_charms(model: ModelState) -> dict[str, CharmRef]:
    """Charms added to the model (Charms.AddCharm and every deployed charm)."""
    for app in model.applications.values():
        model.charms.setdefault(app.charm_url, app.charm)
    return model.charms


def add_charm(model: ModelState, url: str, ref: CharmRef) -> None:
    """Record a charm as added (Charms.AddCharm)."""
    model_charms(model)[url] = ref


def elect_leader(model: ModelState, app: Application) -> None:
    """Give the application a leader if it has none (the lowest-numbered live unit)."""
    current = model.units.get(app.leader) if app.leader else None
    if current is not None and current.life == "alive":
        return  # the common case, without scanning every unit of a large model
    units = [u for u in model.units_of(app.name) if u.life == "alive"]
    if app.leader and any(u.name == app.leader for u in units):
        return
    units.sort(key=lambda u: int(u.name.split("/")[1]))
    app.leader = units[0].name if units else ""
    if app.leader:
        model.touch("unit", app.leader)


def new_unit(model: ModelState, app: Application, machine_id: str, *,
             principal: str = "", status: tuple[str, str] = ("active", "Unit is ready"),
             workload_version: str = "", agent: str = "idle") -> Unit:
    """Create the next unit of ``app`` on ``machine_id`` (subordinates follow a principal)."""
    now = model.now()
    name = f"{app.name}/{app.next_unit}"
    app.next_unit += 1
    unit = Unit(name=name, application=app.name, machine_id=machine_id,
                workload=StatusValue(status[0], status[1], now),
                agent=StatusValue(agent, "", now, activity.AGENT_VERSION),
                charm_url=app.charm_url, workload_version=workload_version,
                principal=principal)
    model.units[name] = unit
    if principal:
        model.units[principal].subordinates.append(name)
        model.touch("unit", principal)
    model.touch("unit", name)
    elect_leader(model, app)
    return unit


def add_units(model: ModelState, app: Application, count: int,
              placements: list[dict[str, Any]]) -> list[str]:
    """``juju add-unit``: new units placed as directed (a new machine when not placed)."""
    from octane.twin.state.machines import place

    if app.subordinate:
        raise ApiError(f'cannot add units to subordinate application "{app.name}"', "")
    names = []
    for index in range(count):
        directive = placements[index] if index < len(placements) else None
        machine = place(model, directive, app.base)
        unit = new_unit(model, app, machine.id, status=("maintenance", "installing charm"),
                        agent="allocating")
        activity.enqueue_hooks(model, unit, ["install", "config-changed", "start"])
        for sub in _subordinates_of(model, app.name):
            sub_unit = new_unit(model, sub, machine.id, principal=unit.name,
                                status=("waiting", "agent initialising"), agent="allocating")
            activity.enqueue_hooks(model, sub_unit, ["install", "config-changed", "start"])
        names.append(unit.name)
    return names


def _subordinates_of(model: ModelState, principal_app: str) -> list[Application]:
    """Subordinate applications related to ``principal_app`` (container-scoped)."""
    subs = []
    for rel in model.relations_of(principal_app):
        if not any(ep.scope == "container" for _, ep in rel.endpoints):
            continue  # a global relation (mysql-router's db-router) places nothing
        for name, _ in rel.endpoints:
            other = model.applications.get(name)
            if other is not None and other.subordinate and name != principal_app:
                subs.append(other)
    return subs


def remove_unit(model: ModelState, unit: Unit) -> None:
    """Remove a unit and its subordinates (the twin removes at once, no dying phase)."""
    for sub in list(unit.subordinates):
        if sub in model.units:
            remove_unit(model, model.units[sub])
    if unit.principal and unit.principal in model.units:
        principal = model.units[unit.principal]
        if unit.name in principal.subordinates:
            principal.subordinates.remove(unit.name)
            model.touch("unit", principal.name)
    del model.units[unit.name]
    unit.life = "dead"
    model.log.remove("unit", unit.name, unit)
    app = model.applications.get(unit.application)
    if app is not None:
        elect_leader(model, app)


def deploy(model: ModelState, *, name: str, ref: CharmRef, charm_url: str, base: Base,
           config: dict[str, Any], num_units: int, placements: list[dict[str, Any]],
           subordinate: bool, constraints: str = "") -> Application:
    """Deploy a new application (Application.Deploy / DeployFromRepository)."""
    if name in model.applications or name in model.remote_apps:
        raise ApiError(f'application "{name}" already exists', ALREADY_EXISTS)
    behaviour = model.runtime.behaviours.for_charm(ref.name)
    options = {k: ConfigOption(**v) for k, v in behaviour.config_options().items()}
    for key, value in config.items():
        options.setdefault(key, infer_option(value))
    app = Application(name=name, charm=ref, base=base, charm_url=charm_url, options=options,
                      endpoints={}, subordinate=subordinate, constraints=constraints)
    for key, value in config.items():
        app.config[key] = parse_value(key, options[key], value)
    model.applications[name] = app
    add_charm(model, charm_url, ref)
    model.touch("application", name)
    if not subordinate and num_units:
        add_units(model, app, num_units, placements)
    return app


def destroy_application(model: ModelState, app: Application) -> None:
    """Remove an application with its units, relations and offers."""
    for unit in model.units_of(app.name):
        if unit.name in model.units:
            remove_unit(model, unit)
    from octane.twin.state.relations import remove_relation
    for rel in model.relations_of(app.name):
        remove_relation(model, rel)
    for offer in [o for o in model.offers.values() if o.application == app.name]:
        del model.offers[offer.name]
        model.log.remove("applicationOffer", offer.name, offer)
    del model.applications[app.name]
    app.life = "dead"
    model.log.remove("application", app.name, app)


def endpoint(app: Application, name: str) -> Endpoint:
    """The endpoint ``name`` of ``app`` or Juju's error."""
    try:
        return app.endpoints[name]
    except KeyError:
        raise not_found(f'application "{app.name}" has no "{name}" relation') from None
