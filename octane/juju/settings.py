"""Connection behaviour read from the environment, with COU's names and defaults.

Operators who tuned ``COU_TIMEOUT`` behind a slow VPN expect the same knob here, so the
variables mirror COU's (``OCTANE_`` instead of ``COU_``) and keep their meaning:

* ``OCTANE_TIMEOUT`` (10 s): how long a failing call to the controller is retried, with a
  backoff of 1.1**attempt seconds between attempts;
* ``OCTANE_MODEL_RETRIES`` (5): how many times connecting to the model is retried;
* ``OCTANE_MODEL_RETRY_BACKOFF`` (2 s): how much the wait grows between connection attempts
  (2 s, 4 s, 6 s...).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from octane.errors import UsageError

#: libjuju's frame limit is 64 MiB; a model with a thousand machines needs more (COU: 1 GiB).
MAX_FRAME_SIZE = 2**30


def _number(env: Mapping[str, str], name: str, default: float, *, integer: bool) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        kind = "an integer" if integer else "a number"
        raise UsageError(f"{name}={raw!r} is not {kind}") from None
    if value < 0:
        raise UsageError(f"{name}={raw!r} must not be negative")
    return value


@dataclass(frozen=True)
class JujuSettings:
    """How the Juju port connects and retries (see the module docstring)."""

    timeout: float = 10.0
    model_retries: int = 5
    model_retry_backoff: float = 2.0
    max_frame_size: int = MAX_FRAME_SIZE

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> JujuSettings:
        """Read the ``OCTANE_*`` variables; a malformed value is a usage error (exit 2)."""
        source = os.environ if env is None else env
        return cls(
            timeout=_number(source, "OCTANE_TIMEOUT", 10.0, integer=False),
            model_retries=int(_number(source, "OCTANE_MODEL_RETRIES", 5, integer=True)),
            model_retry_backoff=_number(source, "OCTANE_MODEL_RETRY_BACKOFF", 2.0,
                                        integer=False),
        )
