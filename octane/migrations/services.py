"""One small class per service: only what differs from the generic ``<service>-manage``.

The command lines are those each charm runs on its leader when its release changes (and
that an operator runs by hand after a copy into the seed); each quirk names where it
comes from. Registered in setup.cfg under ``octane.migrations``.
"""

from __future__ import annotations

from octane.migrations.base import Command, ServiceMigration


class Keystone(ServiceMigration):
    """keystone-manage db_sync runs expand, migrate and contract in one go (Yoga+ alembic)."""

    service = "keystone"

    def sync_commands(self, release: str) -> list[Command]:
        """One command; rolling upgrades would split it into --expand/--migrate/--contract."""
        return [Command(("keystone-manage", "db_sync"),
                        f"Sync the 'keystone' database schema to '{release}'")]


class Glance(ServiceMigration):
    """glance-manage db_sync (expand, migrate, contract; glance's own alembic naming)."""

    service = "glance"

    def sync_commands(self, release: str) -> list[Command]:
        """``glance-manage db_sync``: glance names its revisions after releases."""
        return [Command(("glance-manage", "db_sync"),
                        f"Sync the 'glance' database schema to '{release}'")]


class Nova(ServiceMigration):
    """nova-cloud-controller: API database first, cell0 mapped, then the cell databases.

    Order as nova's upgrade docs and the charm's ``migrate_nova_databases`` run it: the API
    database must be current before ``cell_v2 map_cell0`` and the cell sync, which syncs
    every mapped cell (cell0 included). Online data migrations follow, and must have run
    before the *next* release's sync (COU docs §2.4.5).
    """

    service = "nova"

    def sync_commands(self, release: str) -> list[Command]:
        """api_db sync, map_cell0, db sync."""
        return [
            Command(("nova-manage", "api_db", "sync"),
                    f"Sync the 'nova_api' database schema to '{release}'"),
            Command(("nova-manage", "cell_v2", "map_cell0"),
                    "Map cell0 in the API database (idempotent)"),
            Command(("nova-manage", "db", "sync"),
                    f"Sync the 'nova' and 'nova_cell0' database schemas to '{release}'"),
        ]

    def online_migration_commands(self, release: str) -> list[Command]:
        """``nova-manage db online_data_migrations`` (repeat until it reports nothing)."""
        return [Command(("nova-manage", "db", "online_data_migrations"),
                        "Run nova's online data migrations")]


class Neutron(ServiceMigration):
    """neutron-db-manage needs the server and ML2 plugin configs to find every branch."""

    service = "neutron"

    def sync_commands(self, release: str) -> list[Command]:
        """``upgrade heads``: both the expand and the contract branch."""
        return [Command(("neutron-db-manage", "--config-file", "/etc/neutron/neutron.conf",
                         "--config-file", "/etc/neutron/plugins/ml2/ml2_conf.ini",
                         "upgrade", "heads"),
                        f"Upgrade the 'neutron' database schema to the '{release}' heads")]


class Cinder(ServiceMigration):
    """cinder-manage db sync, then online data migrations."""

    service = "cinder"

    def online_migration_commands(self, release: str) -> list[Command]:
        """``cinder-manage db online_data_migrations``."""
        return [Command(("cinder-manage", "db", "online_data_migrations"),
                        "Run cinder's online data migrations")]


class Placement(ServiceMigration):
    """placement-manage db sync, then online data migrations (placement split from nova)."""

    service = "placement"

    def online_migration_commands(self, release: str) -> list[Command]:
        """``placement-manage db online_data_migrations``."""
        return [Command(("placement-manage", "db", "online_data_migrations"),
                        "Run placement's online data migrations")]


class Heat(ServiceMigration):
    """heat-manage db_sync (one word, like keystone's)."""

    service = "heat"

    def sync_commands(self, release: str) -> list[Command]:
        """``heat-manage db_sync``."""
        return [Command(("heat-manage", "db_sync"),
                        f"Sync the 'heat' database schema to '{release}'")]


class Aodh(ServiceMigration):
    """aodh-dbsync (aodh ships its own sync script)."""

    service = "aodh"

    def sync_commands(self, release: str) -> list[Command]:
        """``aodh-dbsync``."""
        return [Command(("aodh-dbsync",), f"Sync the 'aodh' database schema to '{release}'")]


class Barbican(ServiceMigration):
    """barbican-manage db upgrade."""

    service = "barbican"

    def sync_commands(self, release: str) -> list[Command]:
        """``barbican-manage db upgrade``."""
        return [Command(("barbican-manage", "db", "upgrade"),
                        f"Upgrade the 'barbican' database schema to '{release}'")]


class Designate(ServiceMigration):
    """designate-manage database sync."""

    service = "designate"

    def sync_commands(self, release: str) -> list[Command]:
        """``designate-manage database sync``."""
        return [Command(("designate-manage", "database", "sync"),
                        f"Sync the 'designate' database schema to '{release}'")]


class Octavia(ServiceMigration):
    """octavia-db-manage upgrade head."""

    service = "octavia"

    def sync_commands(self, release: str) -> list[Command]:
        """``octavia-db-manage upgrade head``."""
        return [Command(("octavia-db-manage", "upgrade", "head"),
                        f"Upgrade the 'octavia' database schema to '{release}'")]


class Gnocchi(ServiceMigration):
    """gnocchi-upgrade migrates the indexer (and initialises the storage)."""

    service = "gnocchi"

    def sync_commands(self, release: str) -> list[Command]:
        """``gnocchi-upgrade``."""
        return [Command(("gnocchi-upgrade",), f"Upgrade the 'gnocchi' indexer to '{release}'")]


class Manila(ServiceMigration):
    """manila-manage db sync (the generic form)."""

    service = "manila"


class Masakari(ServiceMigration):
    """masakari-manage db sync (the generic form)."""

    service = "masakari"
