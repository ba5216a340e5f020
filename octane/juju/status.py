"""Raw Juju API documents -> frozen :mod:`octane.cloud` snapshots.

The port asks the controller for JSON (``Client.FullStatus``, ``Application.Get``,
``Action.ApplicationsCharmsActions``) and converts it here, with plain dict access and no
libjuju types: building libjuju's generated objects for a thousand machines costs more than
the call itself, and keeping the conversion a pure function lets tests feed it captured
status documents. Every key is optional: a field a newer controller drops or renames
degrades to an empty value, never a crash.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from octane.cloud.model import Application, Cloud, Machine, Unit
from octane.releases import catalogue

_CHARM_URL = re.compile(r"^(?:[a-z]+:)?(?:.*/)?(?P<name>[a-z0-9][a-z0-9-]*?)(?:-(?P<rev>\d+))?$")

Doc = Mapping[str, Any]


def _doc(value: Any) -> Doc:
    # decoded JSON is plain dicts: skip the (slow) ABC check for them, 30,000 times a read
    return value if type(value) is dict or isinstance(value, Mapping) else {}


def charm_name(url: str) -> str:
    """``ch:amd64/focal/keystone-561`` -> ``keystone`` (a bare name is returned as is)."""
    match = _CHARM_URL.match(url.strip())
    return match.group("name") if match else url.strip()


def series_of(doc: Doc) -> str:
    """The Ubuntu series of an application or machine document (``base`` or ``series``)."""
    base = _doc(doc.get("base"))
    channel = str(base.get("channel") or "").split("/", 1)[0]
    found = _series_name(channel) if channel else None
    return found if found is not None else str(doc.get("series") or "")


@functools.lru_cache(maxsize=64)
def _series_name(version: str) -> str | None:
    """``20.04`` -> ``focal`` from the release catalogue (static data: a thousand machines
    share a handful of bases)."""
    found = catalogue().series_for_version(version)
    return found.name if found is not None else None


def parse_hardware(text: str) -> dict[str, str]:
    """``"arch=amd64 availability-zone=az1"`` -> ``{"arch": "amd64", ...}``."""
    out = {}
    for item in text.split():
        key, sep, value = item.partition("=")
        if sep:
            out[key] = value
    return out


def _status(doc: Any) -> tuple[str, str]:
    status = _doc(doc)
    return str(status.get("status") or status.get("current") or ""), str(
        status.get("info") or status.get("message") or "")


def _flat_machines(machines: Doc) -> Iterator[tuple[str, Doc]]:
    for mid, doc in machines.items():
        yield str(mid), _doc(doc)
        yield from _flat_machines(_doc(_doc(doc).get("containers")))


def machines_from_status(status: Doc, azs: Mapping[str, str] | None = None
                         ) -> dict[str, Machine]:
    """Machines (containers included) with their AZ: the watcher's value, else ``hardware``."""
    out = {}
    for mid, doc in _flat_machines(_doc(status.get("machines"))):
        hardware = parse_hardware(str(doc.get("hardware") or ""))
        az = (azs or {}).get(mid) or hardware.get("availability-zone") or None
        agent, _ = _status(doc.get("agent-status"))
        out[mid] = Machine(id=mid, az=az, hostname=str(doc.get("hostname") or "") or None,
                           series=series_of(doc) or None, status=agent)
    return out


def _unit(name: str, doc: Doc, machine: str, principal: str | None) -> Unit:
    workload, message = _status(doc.get("workload-status"))
    agent, _ = _status(doc.get("agent-status"))
    subs = tuple(sorted(_doc(doc.get("subordinates"))))
    return Unit(name=name, machine=str(doc.get("machine") or machine), principal=principal,
                workload_version=str(doc.get("workload-version") or ""),
                workload_status=workload, workload_message=message, agent_status=agent,
                leader=bool(doc.get("leader")), subordinates=subs)


def config_values(get_result: Doc) -> dict[str, Any]:
    """The effective option values of an ``Application.Get`` result (unset options: None)."""
    out = {}
    for key, spec in _doc(get_result.get("config")).items():
        out[key] = spec.get("value") if isinstance(spec, Mapping) else spec
    return out


def action_names(result: Doc) -> dict[str, tuple[str, ...]]:
    """``ApplicationsCharmsActions`` results -> application name -> sorted action names."""
    out = {}
    for item in result.get("results") or ():
        tag = str(_doc(item).get("application-tag") or "")
        if tag.startswith("application-"):
            out[tag[len("application-"):]] = tuple(sorted(_doc(item.get("actions"))))
    return out


def cloud_from_status(status: Doc, *, model: str, controller: str = "",
                      configs: Mapping[str, Mapping[str, Any]] | None = None,
                      actions: Mapping[str, tuple[str, ...]] | None = None,
                      azs: Mapping[str, str] | None = None) -> Cloud:
    """Build the snapshot from a ``FullStatus`` document plus configs, actions and AZs.

    Subordinate units are nested under their principals in FullStatus; they are collected
    into their own application here and given the principal's machine.
    """
    apps_doc = _doc(status.get("applications"))
    sub_units: dict[str, list[Unit]] = {}
    principal_units: dict[str, list[Unit]] = {}
    for app_name, app_doc in apps_doc.items():
        for unit_name, unit_doc in _doc(_doc(app_doc).get("units")).items():
            unit = _unit(str(unit_name), _doc(unit_doc), "", None)
            principal_units.setdefault(str(app_name), []).append(unit)
            for sub_name, sub_doc in _doc(_doc(unit_doc).get("subordinates")).items():
                sub = _unit(str(sub_name), _doc(sub_doc), unit.machine, unit.name)
                sub_units.setdefault(sub.application, []).append(sub)
    apps = {}
    for app_name, raw in apps_doc.items():
        doc = _doc(raw)
        name = str(app_name)
        units = principal_units.get(name) or sub_units.get(name) or []
        app_status, app_message = _status(doc.get("status"))
        revision = doc.get("charm-rev")
        apps[name] = Application(
            name=name, charm=charm_name(str(doc.get("charm") or name)),
            channel=str(doc.get("charm-channel") or ""),
            revision=int(revision) if isinstance(revision, int) and revision >= 0 else None,
            series=series_of(doc), config=dict((configs or {}).get(name) or {}),
            units=tuple(sorted(units, key=lambda u: u.number)),
            subordinate_to=tuple(doc.get("subordinate-to") or ()),
            workload_version=str(doc.get("workload-version") or ""),
            status=app_status, status_message=app_message,
            can_upgrade_to=str(doc.get("can-upgrade-to") or ""),
            actions=tuple((actions or {}).get(name, ())))
    model_doc = _doc(status.get("model"))
    return Cloud(model=str(model_doc.get("name") or model), applications=apps,
                 machines=machines_from_status(status, azs), controller=controller,
                 juju_version=str(model_doc.get("version") or ""))


def with_details(cloud: Cloud, *, configs: Mapping[str, Mapping[str, Any]],
                 actions: Mapping[str, tuple[str, ...]]) -> Cloud:
    """``cloud`` with the applications' configs and actions filled in."""
    apps = {name: replace(app, config=dict(configs.get(name) or {}),
                          actions=tuple(actions.get(name, ())))
            for name, app in cloud.applications.items()}
    return replace(cloud, applications=apps)
