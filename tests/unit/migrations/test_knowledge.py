"""octane's migration knowledge: commands in order, versions per release, the registry."""

from __future__ import annotations

import pytest

from octane.migrations import registry
from octane.migrations.base import ServiceMigration, knowledge
from octane.twin.db import catalog, schema_sync

CORE = ("keystone", "glance", "nova", "neutron", "cinder", "placement", "heat")


def test_every_catalogue_service_is_registered_through_stevedore() -> None:
    names = registry.services()
    for service in (*CORE, "aodh", "barbican", "designate", "manila", "masakari", "octavia",
                    "gnocchi"):
        assert service in names
        assert type(registry.load(service)).__name__.lower() == service.replace("-", "")


def test_unknown_service_gets_the_generic_default() -> None:
    generic = registry.load("zaqar")
    assert type(generic) is ServiceMigration
    assert [c.line for c in generic.sync_commands("zed")] == ["zaqar-manage db sync"]
    assert generic.expected_version("zaqar", "zed") is None and not generic.known_versions


def test_nova_syncs_api_then_cell0_then_cells() -> None:
    nova = registry.load("nova")
    assert nova.databases == ("nova_api", "nova", "nova_cell0")
    assert [c.line for c in nova.sync_commands("yoga")] == [
        "nova-manage api_db sync", "nova-manage cell_v2 map_cell0", "nova-manage db sync"]
    assert [c.line for c in nova.online_migration_commands("yoga")] == [
        "nova-manage db online_data_migrations"]
    assert nova.sync_commands("yoga")[0].description == \
        "Sync the 'nova_api' database schema to 'yoga'"
    assert registry.for_database("nova_cell0") is not None
    assert registry.load("neutron").sync_commands("zed")[0].argv[-2:] == ("upgrade", "heads")


@pytest.mark.parametrize("release, kind, values", [
    ("ussuri", "migrate", {"407"}), ("victoria", "migrate", {"412"}),
    ("wallaby", "migrate", {"417"}), ("xena", "migrate", {"422"}),
    ("yoga", "alembic", {"16f1fbcab42b"}), ("zed", "alembic", {"ccb0fa1a2252"}),
    ("antelope", "alembic", {"960aac0e09ea"}), ("bobcat", "alembic", {"1b91788ec3a6"}),
    ("caracal", "alembic", {"13863f4e1612"}),
])
def test_nova_versions_are_the_cou_table(release: str, kind: str, values: set[str]) -> None:
    expected = registry.load("nova").expected_version("nova", release)
    assert expected is not None
    assert (expected.kind, set(expected.values), expected.approximate) == (kind, values, False)


def test_releases_without_migrations_carry_the_previous_version() -> None:
    glance = registry.load("glance")
    victoria = glance.expected_version("glance", "victoria")
    assert victoria is not None and victoria.values == {"ussuri_expand01", "ussuri_contract01"}
    caracal = glance.expected_version("glance", "caracal")
    assert caracal is not None and caracal.tables_added == ("node_reference", "cached_images")


def test_placeholders_are_flagged_approximate() -> None:
    neutron = registry.load("neutron")
    ussuri, zed = (neutron.expected_version("neutron", r) for r in ("ussuri", "zed"))
    assert ussuri is not None and ussuri.approximate
    assert zed is not None and not zed.approximate


def test_octane_and_the_twin_agree_on_every_version() -> None:
    """The twin models the world; octane's knowledge must describe the same world."""
    assert tuple(knowledge()["releases"]) == schema_sync.releases()
    for service in CORE:
        migration = registry.load(service)
        assert set(migration.databases) == {d.name for d in catalog.databases_of(service)}
        for database in migration.databases:
            for release in schema_sync.releases():
                mine = migration.expected_version(database, release)
                twin = schema_sync.expected(database, release)
                assert mine is not None and twin is not None, (database, release)
                recorded = set(twin.alembic) or {str(twin.migrate)}
                assert set(mine.values) == recorded, (database, release)
