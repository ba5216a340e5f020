"""Charm behaviours, registered explicitly by charm name, with a generic default.

Registration is explicit (no registry filled by import side effects, STYLE.md): a
behaviour for a charm is added by calling :meth:`BehaviourRegistry.register`, normally in
:func:`default_registry`, which is where issue 3's per-OpenStack-charm behaviours go::

    def default_registry() -> BehaviourRegistry:
        registry = BehaviourRegistry()
        registry.register("keystone", Keystone())
        return registry

A test or a scenario loader may also register on its own registry instance.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from octane.twin.behaviours.base import (
    ActionOutcome,
    ActionSpec,
    CharmBehaviour,
    ExecResult,
    UnitContext,
)

__all__ = [
    "ActionOutcome",
    "ActionSpec",
    "BehaviourRegistry",
    "CharmBehaviour",
    "ExecResult",
    "UnitContext",
    "default_registry",
]


class BehaviourRegistry:
    """Charm name → behaviour, falling back to the generic charm."""

    def __init__(self, default: CharmBehaviour | None = None) -> None:
        self._by_charm: dict[str, CharmBehaviour] = {}
        self.default = default or CharmBehaviour()
        self._services: dict[str, Callable[[Any], Any]] = {}

    def register(self, charm: str, behaviour: CharmBehaviour) -> None:
        """Use ``behaviour`` for every application of ``charm``."""
        self._by_charm[charm] = behaviour

    def for_charm(self, charm: str) -> CharmBehaviour:
        """The behaviour registered for ``charm``, else the generic one."""
        return self._by_charm.get(charm, self.default)

    def names(self) -> list[str]:
        """Charms with a behaviour of their own."""
        return sorted(self._by_charm)

    def provide(self, kind: str, factory: Callable[[Any], Any]) -> None:
        """Give every model a simulated ``kind`` service, built by ``factory(model)``
        (replaced by a real one an extension attaches; docs/twin-charms.md)."""
        self._services[kind] = factory

    def simulated_services(self, model: Any) -> dict[str, Any]:
        """The simulated services of a new model (kind -> handle)."""
        return {kind: factory(model) for kind, factory in self._services.items()}


def default_registry() -> BehaviourRegistry:
    """The registry the twin server uses; per-charm behaviours are registered here."""
    from octane.twin.behaviours import auxiliary, ceph, common, infra, nova, openstack
    from octane.twin.behaviours import services as simulated

    registry = BehaviourRegistry(default=common.UbuntuCharm())
    for family in (openstack.openstack_behaviours(), ceph.ceph_behaviours(),
                   infra.infra_behaviours(), auxiliary.auxiliary_behaviours()):
        for charm, behaviour in family.items():
            registry.register(charm, behaviour)
    registry.register("nova-compute", nova.NovaCompute())
    registry.register("nova-cloud-controller", nova.NovaCloudController())
    registry.provide("database", lambda model: simulated.SimulatedDatabases(clock=model.now))
    registry.provide("ceph", simulated.SimulatedCeph)
    return registry
