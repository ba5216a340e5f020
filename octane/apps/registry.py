"""Which rules class plans which charm: stevedore's ``octane.apps`` namespace plus defaults.

A charm with special behaviour registers its class under its charm name in setup.cfg
(``keystone = octane.apps.openstack:Keystone``), so a third party can ship rules for its own
charm; every other known charm gets the default of its kind. The registry is built
explicitly by whoever plans (never filled by importing a module), and loading it twice gives
the same answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import EntryPoint
from types import MappingProxyType

from stevedore import ExtensionManager

from octane.apps.base import (
    AppRules,
    AuxiliaryRules,
    ChannelBasedRules,
    SubordinateRules,
    UnsupportedRules,
)
from octane.apps.context import PlanContext
from octane.cloud.analysis import AppAnalysis
from octane.errors import OctaneError
from octane.releases import CharmKind

NAMESPACE = "octane.apps"

#: The class a known charm without an entry point gets, by kind.
DEFAULTS: Mapping[CharmKind, type[AppRules]] = MappingProxyType({
    CharmKind.OPENSTACK: AppRules,
    CharmKind.AUXILIARY: AuxiliaryRules,
    CharmKind.CHANNEL_BASED: ChannelBasedRules,
    CharmKind.SUBORDINATE: SubordinateRules,
    CharmKind.AUXILIARY_SUBORDINATE: SubordinateRules,
    CharmKind.UNSUPPORTED: UnsupportedRules,
})


class RulesRegistry:
    """Charm name -> rules class, with the kind's default for unregistered charms."""

    def __init__(self, classes: Mapping[str, type[AppRules]]) -> None:
        for charm, cls in classes.items():
            if not (isinstance(cls, type) and issubclass(cls, AppRules)):
                raise OctaneError(f"entry point '{charm}' in {NAMESPACE} is not an AppRules "
                                  f"class ({cls!r})")
        self.classes = MappingProxyType(dict(classes))

    @classmethod
    def from_entry_points(cls, namespace: str = NAMESPACE) -> RulesRegistry:
        """Load every class registered in the namespace (a broken plugin is an error)."""
        def failed(_manager: ExtensionManager[AppRules], entry_point: EntryPoint,
                   exc: BaseException) -> None:
            raise OctaneError(f"cannot load {namespace} entry point {entry_point}: {exc}")

        manager: ExtensionManager[AppRules] = ExtensionManager(
            namespace=namespace, invoke_on_load=False, on_load_failure_callback=failed)
        return cls({ext.name: ext.plugin for ext in manager})

    def rules_class(self, charm: str, kind: CharmKind) -> type[AppRules]:
        """The class for a charm: its entry point, else its kind's default."""
        return self.classes.get(charm) or DEFAULTS[kind]

    def rules_for(self, app: AppAnalysis, ctx: PlanContext) -> AppRules:
        """Rules bound to one analysed application."""
        return self.rules_class(app.charm, app.kind)(app, ctx)
