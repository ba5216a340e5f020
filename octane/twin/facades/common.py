"""Shapes and helpers shared by several facades (tags, model info, model summaries)."""

from __future__ import annotations

from typing import Any

from octane.twin.errors import ApiError
from octane.twin.facades.status import detailed
from octane.twin.state.controller import SERVER_VERSION, ControllerState
from octane.twin.state.entities import iso
from octane.twin.state.model import ModelState


def untag(tag: str, kind: str) -> str:
    """``model-<uuid>`` -> ``<uuid>``; Juju's error for a tag of the wrong kind."""
    prefix = kind + "-"
    if not tag.startswith(prefix):
        raise ApiError(f'"{tag}" is not a valid {kind} tag', "")
    return tag[len(prefix):]


def machine_id(tag: str) -> str:
    """``machine-0-lxd-1`` -> ``0/lxd/1``."""
    return untag(tag, "machine").replace("-", "/")


def entity_status(model: ModelState) -> dict[str, Any]:
    """An ``EntityStatus`` of the model."""
    return {"status": model.status.current, "info": model.status.message,
            "since": iso(model.status.since)}


def model_info(controller: ControllerState, model: ModelState) -> dict[str, Any]:
    """A ``ModelInfo`` (ModelManager.ModelInfo, CreateModel); ``agent-version`` is a
    version string (libjuju parses it as ``client.Number``)."""
    base = model.default_base
    series = {"ubuntu@20.04": "focal", "ubuntu@22.04": "jammy",
              "ubuntu@24.04": "noble"}.get(base, "jammy")
    return {
        "name": model.name, "uuid": model.uuid, "type": "iaas",
        "controller-uuid": controller.uuid, "is-controller": model.is_controller,
        "provider-type": model.provider, "default-series": series, "default-base": base,
        "cloud-tag": f"cloud-{model.cloud}", "cloud-region": model.region,
        "cloud-credential-tag": f"cloudcred-{model.cloud}_admin_{model.cloud}",
        "cloud-credential-validity": True, "owner-tag": f"user-{model.owner}",
        "life": model.life, "status": entity_status(model),
        "users": [{"user": "admin", "display-name": "admin", "access": "admin",
                   "last-connection": iso(model.now())}],
        "machines": [{"id": m.id, "instance-id": m.instance_id, "display-name": "",
                      "status": m.instance_status.current,
                      "hardware": {"arch": m.arch, "mem": m.mem, "cores": m.cores,
                                   "root-disk": m.root_disk, "availability-zone": m.zone}}
                     for m in model.machines.values() if not m.parent],
        "agent-version": SERVER_VERSION, "sla": {"level": "unsupported", "owner": ""},
        "supported-features": [], "secret-backends": [],
    }


def model_summary(controller: ControllerState, model: ModelState) -> dict[str, Any]:
    """A ``ModelSummary`` (ListModelSummaries; libjuju's ``model_uuids`` reads it)."""
    return {
        "name": model.name, "uuid": model.uuid, "type": "iaas",
        "controller-uuid": controller.uuid, "is-controller": model.is_controller,
        "provider-type": model.provider, "default-series": "jammy",
        "cloud-tag": f"cloud-{model.cloud}", "cloud-region": model.region,
        "cloud-credential-tag": f"cloudcred-{model.cloud}_admin_{model.cloud}",
        "owner-tag": f"user-{model.owner}", "life": model.life,
        "status": entity_status(model), "user-access": "admin",
        "last-connection": iso(model.now()), "agent-version": SERVER_VERSION,
        "sla": {"level": "unsupported", "owner": ""},
        "counts": [{"entity": "machines", "count": len(model.machines)},
                   {"entity": "cores", "count": sum(m.cores for m in model.machines.values())},
                   {"entity": "units", "count": len(model.units)}],
    }


def user_model(model: ModelState) -> dict[str, Any]:
    """A ``UserModel`` (ListModels, Controller.AllModels)."""
    return {"model": {"name": model.name, "uuid": model.uuid, "type": "iaas",
                      "owner-tag": f"user-{model.owner}"},
            "last-connection": iso(model.now())}


def model_status(controller: ControllerState, model: ModelState) -> dict[str, Any]:
    """A ``ModelStatus`` (ModelManager/Controller.ModelStatus)."""
    return {"model-tag": f"model-{model.uuid}", "life": model.life, "type": "iaas",
            "owner-tag": f"user-{model.owner}",
            "hosted-machine-count": len(model.machines),
            "application-count": len(model.applications), "unit-count": len(model.units),
            "applications": [{"name": a} for a in model.applications],
            "machines": [{"id": m.id, "instance-id": m.instance_id,
                          "status": m.instance_status.current, "display-name": "",
                          "hardware": {"arch": m.arch, "availability-zone": m.zone}}
                         for m in model.machines.values()],
            "volumes": [], "filesystems": []}


def model_status_detail(model: ModelState) -> dict[str, Any]:
    """The model's DetailedStatus."""
    return detailed(model.status, "model")
