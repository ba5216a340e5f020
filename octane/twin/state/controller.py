"""The controller: users, models by uuid, and the lookups that span models.

A real controller always has a ``controller`` model (``juju models`` lists it, libjuju's
``Controller.info`` requires it); the twin creates one with machine 0 and no application.
"""

from __future__ import annotations

from octane.twin.errors import MODEL_NOT_FOUND, ApiError, not_found
from octane.twin.state import activity
from octane.twin.state.machines import release_completed
from octane.twin.state.model import ModelState, Runtime
from octane.twin.state.offers import parse_offer_url

#: The controller version the twin reports (a 3.6 controller; libjuju needs major 3).
SERVER_VERSION = "3.6.1"


class ControllerState:
    """Everything one twin controller knows."""

    def __init__(self, runtime: Runtime, *, name: str, password: str, uuid: str,
                 cloud: str = "maas", region: str = "default", provider: str = "maas",
                 charmhub_url: str = "") -> None:
        self.runtime = runtime
        self.name = name
        self.uuid = uuid
        self.users = {"admin": password}
        self.cloud = cloud
        self.region = region
        self.provider = provider
        self.charmhub_url = charmhub_url
        self.models: dict[str, ModelState] = {}
        self.ssh_keys: list[str] = []
        #: Where the API listens (``host:port``) and its CA, set by the server at start.
        self.api_endpoints: list[str] = []
        self.ca_cert = ""

    def create_model(self, name: str, *, owner: str = "admin",
                     config: dict[str, object] | None = None,
                     is_controller: bool = False,
                     default_base: str = "ubuntu@22.04") -> ModelState:
        """A new empty model (ModelManager.CreateModel)."""
        if any(m.name == name and m.owner == owner for m in self.models.values()):
            raise ApiError(f'failed to create new model: model "{name}" for {owner} '
                           "already exists", "already exists")
        uuid = self.runtime.ids.uuid()
        model = ModelState(self.runtime, uuid=uuid, name=name, owner=owner,
                           controller_uuid=self.uuid, cloud=self.cloud, region=self.region,
                           provider=self.provider, is_controller=is_controller,
                           default_base=default_base)
        model.config.update(self.default_model_config(model))
        model.config.update(config or {})
        model.config_set.update(config or {})
        self.models[uuid] = model
        return model

    def default_model_config(self, model: ModelState) -> dict[str, object]:
        """The model config keys libjuju and the CLI read (ModelConfig.ModelGet)."""
        return {"name": model.name, "uuid": model.uuid, "type": model.provider,
                "default-base": model.default_base, "charmhub-url": self.charmhub_url,
                "mode": "requires-prompts", "agent-version": SERVER_VERSION,
                "automatically-retry-hooks": True, "logging-config": "<root>=INFO",
                "update-status-hook-interval": "5m"}

    def model(self, uuid: str) -> ModelState:
        """The model ``uuid``, or Juju's unknown-model error (code "model not found")."""
        try:
            return self.models[uuid]
        except KeyError:
            raise ApiError(f'unknown model: "{uuid}"', MODEL_NOT_FOUND) from None

    def model_by_name(self, name: str, owner: str = "admin") -> ModelState:
        """The model ``owner/name``."""
        for model in self.models.values():
            if model.name == name and model.owner == owner:
                return model
        raise not_found(f'model "{owner}/{name}"')

    def destroy_model(self, uuid: str) -> None:
        """Remove a model and everything in it (the twin does not model the dying phase)."""
        model = self.model(uuid)
        if model.is_controller:
            raise ApiError("cannot destroy the controller model", "")
        model.life = "dead"
        model.touch("model", model.uuid)
        del self.models[uuid]

    def find_offer(self, url: str) -> tuple[ModelState, str]:
        """The model offering ``url`` and the offer's name."""
        source, owner, model_name, offer = parse_offer_url(url)
        if source and source != self.name:
            raise not_found(f'controller "{source}"')
        model = self.model_by_name(model_name, owner)
        if offer not in model.offers:
            raise not_found(f'application offer "{owner}/{model_name}.{offer}"')
        return model, offer

    def advance(self) -> None:
        """Apply every time-derived change in every model."""
        for model in list(self.models.values()):
            activity.advance(model)
            release_completed(model)
