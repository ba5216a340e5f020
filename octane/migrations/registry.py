"""Find the migration knowledge of a service through the ``octane.migrations`` entry points.

Entry points are the only registry (no import side effects): a third party can teach
octane a new service by shipping one. A service nobody registered gets the generic
:class:`~octane.migrations.base.ServiceMigration`.
"""

from __future__ import annotations

from typing import Any

from stevedore import ExtensionManager

from octane.migrations.base import ServiceMigration, knowledge

NAMESPACE = "octane.migrations"


def _manager() -> ExtensionManager[Any]:
    return ExtensionManager(NAMESPACE, invoke_on_load=False)


def load(service: str) -> ServiceMigration:
    """The migration knowledge of ``service`` (generic when none is registered)."""
    for extension in _manager():
        if extension.name == service:
            plugin = extension.plugin()
            if not isinstance(plugin, ServiceMigration):
                raise TypeError(f"{NAMESPACE} entry point '{service}' is not a ServiceMigration")
            return plugin
    return ServiceMigration(service)


def services() -> list[str]:
    """Every service octane has facts or a class for, in upgrade-data order."""
    names = list(knowledge()["services"])
    registered = sorted(ext.name for ext in _manager() if ext.name not in names)
    return names + registered


def for_database(database: str) -> ServiceMigration | None:
    """The service owning ``database`` (None for a database no service claims)."""
    for service in services():
        migration = load(service)
        if database in migration.databases:
            return migration
    return None
