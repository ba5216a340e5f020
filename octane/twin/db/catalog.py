"""Which OpenStack service owns which database in the twin, and its schema file.

A Charmed OpenStack cloud keeps every service's database in one MySQL cluster
(mysql-innodb-cluster); the twin keeps them in one MariaDB server per model. The schema
files in ``data/`` are written for the twin in the shape each service's models take
(tables, indexes, foreign keys, charsets); nova_cell0 has nova's schema, as in a real
cell v2 deployment. A few objects no service defines (a view, a trigger, a function, a
procedure) are there so copies are proven to carry them.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class DatabaseSpec:
    """One service database: its owner, schema file and default character set."""

    name: str
    service: str
    schema: str
    charset: str = "utf8mb3"
    collation: str = "utf8mb3_general_ci"


DATABASES: tuple[DatabaseSpec, ...] = (
    DatabaseSpec("keystone", "keystone", "keystone"),
    DatabaseSpec("glance", "glance", "glance"),
    DatabaseSpec("nova_api", "nova", "nova_api"),
    DatabaseSpec("nova", "nova", "nova"),
    DatabaseSpec("nova_cell0", "nova", "nova"),
    DatabaseSpec("neutron", "neutron", "neutron", "utf8mb4", "utf8mb4_general_ci"),
    DatabaseSpec("cinder", "cinder", "cinder"),
    DatabaseSpec("placement", "placement", "placement"),
    DatabaseSpec("heat", "heat", "heat"),
    DatabaseSpec("aodh", "aodh", "aodh"),
    DatabaseSpec("barbican", "barbican", "barbican"),
    DatabaseSpec("designate", "designate", "designate"),
    DatabaseSpec("manila", "manila", "manila"),
    DatabaseSpec("masakari", "masakari", "masakari"),
    DatabaseSpec("octavia", "octavia", "octavia"),
    DatabaseSpec("gnocchi", "gnocchi", "gnocchi"),
)

#: The databases of the issue's core services; the default for seeding a model.
CORE = ("keystone", "glance", "nova_api", "nova", "nova_cell0", "neutron", "cinder",
        "placement", "heat")


def spec(name: str) -> DatabaseSpec:
    """The spec of database ``name`` (KeyError for a database the twin does not know)."""
    for item in DATABASES:
        if item.name == name:
            return item
    raise KeyError(name)


def databases_of(service: str) -> tuple[DatabaseSpec, ...]:
    """Every database a service owns (nova owns three)."""
    return tuple(item for item in DATABASES if item.service == service)


def schema_sql(item: DatabaseSpec) -> str:
    """The DDL script creating ``item``'s tables, views, triggers and routines."""
    return (resources.files("octane.twin.db") / "data" / f"{item.schema}.sql").read_text()


def create_database_sql(item: DatabaseSpec) -> str:
    """``CREATE DATABASE`` with the service's character set, then its schema."""
    return (f"CREATE DATABASE `{item.name}` CHARACTER SET {item.charset} "
            f"COLLATE {item.collation};\nUSE `{item.name}`;\n{schema_sql(item)}\n")
