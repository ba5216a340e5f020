"""The OpenStack port (the only importer of openstacksdk)."""
