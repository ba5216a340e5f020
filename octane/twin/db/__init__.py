"""The twin's service databases: OpenStack-shaped schemas, seed data, and what the charms'
database actions (mysqldump, archive-data, purge-data, schema sync) do to them."""
