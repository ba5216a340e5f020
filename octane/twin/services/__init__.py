"""Real services backing the twin (ceph-mon daemons, ...), with simulated fallbacks."""
