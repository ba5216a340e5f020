"""What the side-by-side commands share: ``SEED [--model M]`` and both models connected.

``octane upgrade-db SEED`` and ``octane upgrade-ceph SEED`` name the two models the same way
(the seed as an argument, the original with ``--model``, a bare seed name meaning the
original's controller), connect both before anything is planned, close both whatever
happens, and tell the operator the same command line to run again after an interruption.
Keeping that here means a third seed command cannot drift from the other two.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from typing import Any

from octane.errors import NotFound
from octane.juju.settings import JujuSettings
from octane.juju.topology import TopologyModel


def add_seed_arguments(parser: argparse.ArgumentParser) -> None:
    """``SEED`` and ``--model/-m``, spelt and explained alike by every seed command."""
    parser.add_argument("seed", metavar="SEED", help="the seed model (upgrade-env)")
    parser.add_argument("--model", "-m", metavar="MODEL", default=None,
                        help="the original model (default: the current model)")


async def with_models(args: Any,
                      body: Callable[[TopologyModel, TopologyModel], Awaitable[int]]) -> int:
    """``body(original, seed)`` with both models connected, and both closed afterwards.

    The seed is looked up on the original's controller unless ``SEED`` names one
    (``controller:model``); a seed that does not exist is reported as such, so the operator
    can tell it from a missing original.
    """
    settings = JujuSettings.from_env()
    original = await TopologyModel.connect(args.model, settings)
    try:
        seed_name = args.seed if ":" in args.seed else f"{original.controller}:{args.seed}"
        try:
            seed = await TopologyModel.connect(seed_name, settings)
        except NotFound as exc:
            raise NotFound(f"seed {exc.message}", hint=exc.hint) from None
        try:
            return await body(original, seed)
        finally:
            await seed.close()
    finally:
        await original.close()


def again(command: str, args: Any) -> str:
    """The command line that continues an interrupted run (``octane upgrade-db seed ...``)."""
    return f"octane {command} {args.seed}" + (f" --model {args.model}" if args.model else "")
