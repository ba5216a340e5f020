"""Seedable identifiers: the same scenario and seed always give the same uuids.

Tests and golden outputs compare model uuids, offer uuids and charm ids; a seeded
generator (moto's habit) makes them stable across runs.
"""

from __future__ import annotations

import random
import uuid


class Ids:
    """UUIDs and hex ids drawn from one seeded generator."""

    def __init__(self, seed: int | str = 0) -> None:
        self._rng = random.Random(str(seed))

    def uuid(self) -> str:
        """A version-4 UUID string."""
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def hex(self, length: int = 32) -> str:
        """``length`` lowercase hex digits (charm ids, hashes)."""
        return "".join(self._rng.choice("0123456789abcdef") for _ in range(length))

    def charm_id(self) -> str:
        """A Charmhub charm id (32 alphanumerics, as Charmhub issues them)."""
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        return "".join(self._rng.choice(alphabet) for _ in range(32))
