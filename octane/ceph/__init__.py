"""Ceph monitor quorum planning and hand-over that never loses a monitor majority."""
