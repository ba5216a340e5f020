"""``octane plan [control-plane|data-plane|hypervisors]``: show the in-place upgrade plan.

Reads the model once (concurrently), analyses it, gathers the read-only probes the scope
needs (hypervisor emptiness from Nova when ``OS_*`` credentials are set, else nova-compute's
``instance-count`` action on all hypervisors at once; Ceph versions and flags), and prints the
plan: a tree in COU's wording (``-f text``), or the JSON/YAML document ``octane upgrade
--plan`` runs exactly. Nothing in the cloud is changed. Warnings go to stderr, the plan to
stdout, so ``octane plan -f json > plan.json`` stays machine-readable.

The flags keep COU's names and meanings; :func:`add_plan_arguments` and
:func:`options_from_args` are shared with ``octane upgrade``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

import yaml
from cliff.command import Command

from octane.apps.context import Level
from octane.cloud.analysis import Analysis, analyse
from octane.cloud.model import Cloud
from octane.commands.base import ErrorContract, gc_paused, run_async
from octane.errors import OctaneError, UsageError
from octane.plan import probes
from octane.plan.builder import PlanResult, build, effective_options
from octane.plan.checks import find_target
from octane.plan.options import GROUPS, PlanOptions, split_list
from octane.plan.probes import EmptinessProvider, HypervisorRef, JujuReader

if TYPE_CHECKING:  # the port is imported only when credentials are given
    from octane.openstack import OpenStackClient

LOG = logging.getLogger(__name__)


class ModelSession(JujuReader, Protocol):
    """What planning needs from a connected model (the Juju port satisfies it)."""

    name: str

    async def status(self) -> Cloud:
        """A status-only snapshot (configs and actions empty)."""
        ...

    async def complete(self, status: Cloud) -> Cloud:
        """``status`` with the applications' configs and actions."""
        ...

    async def read_cloud(self) -> Cloud:
        """A concurrent snapshot of the model."""
        ...

    async def close(self) -> None:
        """Disconnect."""
        ...


async def _connect(model: str | None) -> ModelSession:
    # imported here: libjuju costs ~0.15-0.3 s, which the tests' snapshot-backed sessions
    # and importers of this module's helpers should not pay until a model is opened
    from octane.juju.model import JujuModel

    return await JujuModel.connect(model)


#: How commands open a model. Production connects through the Juju port; tests replace this
#: (``monkeypatch.setattr``) with a function returning a snapshot-backed session, which
#: leaves the production path untouched.
open_model: Callable[[str | None], Awaitable[ModelSession]] = _connect


def add_plan_arguments(parser: argparse.ArgumentParser) -> None:
    """COU's plan/upgrade flags, with COU's names and defaults."""
    parser.add_argument("group", nargs="?", metavar="{" + ",".join(GROUPS) + "}",
                        help="plan one upgrade group only (default: the whole cloud)")
    parser.add_argument("--model", metavar="MODEL_NAME", default=None,
                        help="[controller:][user/]model to operate on (default: the current "
                             "Juju model)")
    parser.add_argument("--backup", action=argparse.BooleanOptionalAction, default=True,
                        help="include the database backup step (default: yes)")
    parser.add_argument("--archive", action=argparse.BooleanOptionalAction, default=True,
                        help="archive deleted nova rows before upgrading (default: yes)")
    parser.add_argument("--archive-batch-size", default="1000", metavar="SIZE",
                        help="rows per archive batch (positive, default 1000)")
    parser.add_argument("--purge", action="store_true",
                        help="purge nova's shadow tables before upgrading")
    parser.add_argument("--purge-before-date", metavar="DATE", default=None,
                        help="purge only rows older than YYYY-MM-DD[ HH:mm[:ss]] (with --purge)")
    parser.add_argument("--skip-apps", action="append", default=[], metavar="APPS",
                        help="application(s) to leave out, comma-separated, repeatable (at "
                             "your own risk, e.g. vault)")
    parser.add_argument("--force", action="store_true",
                        help="include hypervisors that run instances")
    parser.add_argument("--machine", "-m", action="append", dest="machines", metavar="MACHINES",
                        help="hypervisor machine id(s), comma-separated, repeatable "
                             "(hypervisors group; not with --availability-zone)")
    parser.add_argument("--availability-zone", "--az", action="append", dest="azs",
                        metavar="AVAILABILITY_ZONES",
                        help="availability zone(s), comma-separated, repeatable "
                             "(hypervisors group; not with --machine)")
    parser.add_argument("--az-batch", default="1", metavar="N",
                        help="hypervisors: after a canary availability zone, upgrade N zones "
                             "at a time (default 1: one zone at a time)")
    parser.add_argument("--upgrade-vault", action="store_true",
                        help="upgrade vault too (left out by default: its refresh restarts it "
                             "sealed and you will be asked for the unseal keys)")


def _integer(text: str, flag: str) -> int:
    """Parsed here rather than by argparse so a bad value is one line and exit 2."""
    try:
        return int(str(text).strip())
    except ValueError:
        raise UsageError(f"{flag} must be a positive integer, not {text!r}") from None


def options_from_args(args: argparse.Namespace,
                      env: Mapping[str, str] | None = None) -> PlanOptions:
    """Parsed flags -> validated :class:`PlanOptions` (UsageError on bad combinations)."""
    return PlanOptions(
        group=args.group, backup=args.backup, archive=args.archive,
        archive_batch_size=_integer(args.archive_batch_size, "--archive-batch-size"),
        purge=args.purge,
        purge_before=args.purge_before_date,
        skip_apps=frozenset(split_list(args.skip_apps)), force=args.force,
        machines=split_list(args.machines), azs=split_list(args.azs),
        upgrade_vault=args.upgrade_vault, az_batch=_integer(args.az_batch, "--az-batch"),
        **PlanOptions.timeouts_from_env(env))


class NovaEmptiness:
    """Emptiness from Nova's hypervisor list (one call), matched by machine hostname."""

    source = "Nova"

    def __init__(self, client: OpenStackClient) -> None:
        self.client = client

    async def instance_counts(self, hypervisors: Sequence[HypervisorRef]) -> Mapping[str, int]:
        """Instances per nova-compute unit, for the hypervisors Nova knows by hostname."""
        index: dict[str, int] = {}
        for hyp in await self.client.hypervisors():
            for name in (hyp.hostname, hyp.hostname.split(".")[0], hyp.service_host):
                if name:
                    index.setdefault(name, hyp.running_vms)
        out = {}
        for ref in hypervisors:
            host = ref.hostname or ""
            count = index.get(host, index.get(host.split(".")[0]))
            if count is not None:
                out[ref.unit] = count
        return out


async def nova_emptiness(env: Mapping[str, str] | None = None
                         ) -> tuple[OpenStackClient | None, str | None]:
    """(OpenStack client, None) when ``OS_*``/``OS_CLOUD`` credentials work, else
    (None, why not); without credentials at all: (None, None)."""
    source = os.environ if env is None else env
    if not (source.get("OS_CLOUD") or source.get("OS_AUTH_URL")):
        return None, None
    from octane import openstack  # the port; only needed when credentials are given

    try:
        return await openstack.connect(), None
    except OctaneError as exc:
        return None, f"Nova unavailable ({exc.one_line()}); using the instance-count action"


async def make_plan(model: str | None, options: PlanOptions, *,
                    session: ModelSession | None = None) -> tuple[PlanResult, Analysis]:
    """Connect (unless given an open ``session``, left open), read, analyse, probe and
    build; always disconnects what it connected.

    The emptiness probe (and the Nova login) start as soon as the status is in, so they
    overlap with reading the applications' configs; a refused plan cancels them.
    """
    clock = _Phases()
    own = session is None
    session = session if session is not None else await open_model(model)
    clock.done(f"connected to model '{session.name}'")
    nova = asyncio.create_task(nova_emptiness())
    empty: asyncio.Task[probes.EmptinessResult] | None = None
    client: OpenStackClient | None = None
    try:
        with gc_paused():  # the snapshot and the plan: many objects, all kept
            status = await session.status()
            refs = probes.hypervisor_refs(status, options.machines or None)
            if options.group != "control-plane" and refs:
                empty = asyncio.create_task(_emptiness(nova, session, refs))
            cloud = await session.complete(status)
            clock.done(f"read {len(cloud.applications)} applications, "
                       f"{sum(len(a.units) for a in cloud.applications.values())} units")
            analysis = analyse(cloud)
            target = find_target(analysis, effective_options(analysis, options))
            clock.done(f"analysed: {target.current} -> {target.target}")
            found = await probes.gather(analysis, target.target, group=options.group,
                                        juju=session, emptiness=None, started=empty)
            client, note = await nova
            if note:
                found = replace(found, notes=(note, *found.notes))
            clock.done(f"probed ({found.emptiness_source or 'no emptiness probe'})")
            result = build(analysis, options, probes=found)
            clock.done("planned")
        return result, analysis
    finally:
        for task in (empty, nova):
            if task is not None and not task.done():
                task.cancel()
        if client is None and nova.done() and not nova.cancelled() and not nova.exception():
            client = nova.result()[0]
        if client is not None:
            await client.close()
        if own:
            await session.close()


async def _emptiness(nova: asyncio.Task[tuple[OpenStackClient | None, str | None]],
                     session: ModelSession, refs: Sequence[HypervisorRef]
                     ) -> probes.EmptinessResult:
    """Nova when its login succeeds, else the instance-count action through Juju."""
    client, _ = await nova
    provider: EmptinessProvider = NovaEmptiness(client) if client else \
        probes.ActionEmptiness(session)
    return await probes.probe_emptiness(provider, refs)


class _Phases:
    """Logs how long each phase took (``-v``): where a slow plan spends its time."""

    def __init__(self) -> None:
        self.last = time.perf_counter()

    def done(self, what: str) -> None:
        now = time.perf_counter()
        LOG.info("%s (%.2fs)", what, now - self.last)
        self.last = now


def write_plan(result: PlanResult, fmt: str, out: Any) -> None:
    """Print the plan as text (COU's tree), JSON or YAML."""
    if fmt == "json":
        out.write(result.plan.to_json() + "\n")
    elif fmt == "yaml":
        # libyaml's emitter when PyYAML has it: the same text as the pure-Python one
        # (checked on the large cloud's plan), ~4x faster; the JSON round trip turns tuples
        # into the lists a safe dumper accepts
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        out.write(yaml.dump(json.loads(json.dumps(result.plan.to_dict(), ensure_ascii=False)),
                            Dumper=dumper, sort_keys=False, allow_unicode=True, width=100))
    else:
        out.write(result.plan.render() + "\n")


class Plan(ErrorContract, Command):
    """Show the steps octane will take to upgrade the cloud to the next release."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        """COU's plan flags plus ``-f text|json|yaml``."""
        parser = super().get_parser(prog_name)
        add_plan_arguments(parser)
        parser.add_argument("-f", "--format", choices=("text", "json", "yaml"), default="text",
                            help="output format (default: text)")
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> int:
        """Plan, print warnings to stderr (unless -q) and the plan to stdout."""
        options = options_from_args(parsed_args)
        result, _ = run_async(make_plan(parsed_args.model, options))
        quiet = getattr(self.app.options, "verbose_level", 1) == 0
        if not quiet:
            for finding in result.findings:
                if finding.level is Level.WARNING:
                    sys.stderr.write(f"octane: warning: {finding.message}\n")
        write_plan(result, parsed_args.format, self.app.stdout)
        return 0
