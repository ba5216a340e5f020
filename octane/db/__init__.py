"""The database port (the only importer of pymysql): verified copies, backups, archive, purge."""
