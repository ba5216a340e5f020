"""Per-service schema-migration knowledge, registered through ``octane.migrations``.

``registry.load(service)`` gives a :class:`~octane.migrations.base.ServiceMigration`: the
service's databases, its schema-sync and online-migration commands, and the schema version
each release records (``data/schema_versions.yaml``). ``octane.db.versions`` reads a live
database and checks it against that knowledge.
"""
