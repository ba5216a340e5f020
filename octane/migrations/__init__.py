"""Per-service schema-migration knowledge, registered through ``octane.migrations``."""
