"""The Juju port (the only importer of python-libjuju)."""
