"""The cloud as read from Juju: frozen snapshots and their analysis."""
