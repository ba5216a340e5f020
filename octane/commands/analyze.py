"""``octane analyze``: what release each application is on, which group it is in, and why.

An operator who disagrees with a plan starts here: one row per application with its charm,
kind, group, series, channel, origin, workload versions, the release octane concluded and
the reasons (``workload 17.0.1 -> ussuri; openstack-origin 'distro' -> ussuri``). Unknown
charms get a row too, marked ``unknown``. It is a cliff ``Lister``, so ``-f json|yaml|csv``
and ``-c COLUMN`` come for free.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable

from cliff.lister import Lister

from octane.cloud.analysis import Analysis, analyse
from octane.commands import plan as plan_command
from octane.commands.base import ErrorContract, gc_paused, run_async

COLUMNS = ("Application", "Charm", "Kind", "Group", "Series", "Release", "Channel", "Origin",
           "Workload versions", "Why", "Problems")


async def _analyse(model: str | None) -> Analysis:
    session = await plan_command.open_model(model)
    try:
        with gc_paused():  # the snapshot: many objects, all kept
            return analyse(await session.read_cloud())
    finally:
        await session.close()


def rows(analysis: Analysis) -> list[tuple[str, ...]]:
    """One row per application, known ones first (by name), then unknown charms."""
    out: list[tuple[str, ...]] = []
    for name, app in sorted(analysis.apps.items()):
        versions = ", ".join(sorted({u.workload_version for u in app.units
                                     if u.workload_version}))
        out.append((name, app.charm, app.kind.value, app.group, app.series,
                    str(app.release or "unknown"), app.app.channel, app.app.origin or "",
                    versions, "; ".join(app.reasons), "; ".join(app.problems)))
    for other in analysis.unknown:
        out.append((other.name, other.charm, "unknown", "", other.series, "", other.channel,
                    other.origin or "", other.workload_version,
                    "charm not in octane's catalogue", "left out of every plan"))
    return out


class Analyze(ErrorContract, Lister):
    """Show what octane detects for each application (release, group) and why."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        """``--model`` as for ``octane plan``."""
        parser = super().get_parser(prog_name)
        parser.add_argument("--model", metavar="MODEL_NAME", default=None,
                            help="[controller:][user/]model (default: the current model)")
        return parser

    def take_action(self, parsed_args: argparse.Namespace
                    ) -> tuple[tuple[str, ...], Iterable[tuple[str, ...]]]:
        """Analyse and list; the cloud-level summary goes to stderr."""
        analysis = run_async(_analyse(parsed_args.model))
        if getattr(self.app.options, "verbose_level", 1) > 0:
            cp, dp = analysis.control_plane_release, analysis.data_plane_release
            sys.stderr.write(
                f"model '{analysis.cloud.model}': series {analysis.series or 'mixed'}, cloud on "
                f"{analysis.release or 'unknown'} (control plane {cp or '-'}, data plane "
                f"{dp or '-'}), hypervisors on machines "
                f"{', '.join(analysis.hypervisor_machines) or 'none'}\n")
            for problem in analysis.problems:
                sys.stderr.write(f"octane: warning: {problem}\n")
        return COLUMNS, rows(analysis)
