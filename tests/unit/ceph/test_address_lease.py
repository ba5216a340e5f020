"""Loopback addresses for monitors: concurrent runs never get the same one."""

from __future__ import annotations

import random
import socket

import pytest

from octane.twin.services.ceph import LOCK_DIR, CephUnavailable
from octane.twin.services.ceph_daemons import lease_address


def test_a_held_address_is_not_handed_out_again() -> None:
    first = lease_address(rng=random.Random(7))
    try:
        with pytest.raises(CephUnavailable, match=first.addr):
            lease_address(first.addr)
        # the same random sequence skips the held address instead of sharing it
        second = lease_address(rng=random.Random(7))
        assert second.addr != first.addr
        second.release()
    finally:
        first.release()
    again = lease_address(first.addr)        # released: free again
    again.release()


def test_an_address_something_listens_on_is_refused() -> None:
    probe = lease_address()
    addr = probe.addr
    probe.release()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind((addr, 6789))
        listener.listen()
        with pytest.raises(CephUnavailable, match=addr):
            lease_address(addr)


def test_addresses_come_from_the_private_loopback_range() -> None:
    leases = [lease_address() for _ in range(5)]
    try:
        octets = [tuple(int(x) for x in lease.addr.split(".")) for lease in leases]
        assert all(o[0] == 127 and 64 <= o[1] <= 191 and 2 <= o[3] <= 254 for o in octets)
        assert len({lease.addr for lease in leases}) == 5
    finally:
        for lease in leases:
            lease.release()


def test_released_addresses_leave_no_lock_files_behind() -> None:
    lease = lease_address()
    lock = LOCK_DIR / lease.addr
    assert lock.exists()
    lease.release()
    assert not lock.exists()
