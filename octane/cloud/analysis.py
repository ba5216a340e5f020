"""What release each unit, application and the cloud is on, which group it belongs to, and why.

The rules are COU's, stated once here and explained in every result (``reasons``), because an
operator who disagrees with a plan first needs to know what octane saw:

* a unit's release is the newest release whose workload-version range holds its version
  (limited to the releases of the application's series);
* an application's release is the oldest of its units', lowered to the release its origin
  (``openstack-origin``/``source``) installs;
* subordinates and channel-based charms read their release from the channel's track
  (the newest release an auxiliary track serves); ``latest/stable`` names none: COU assumes
  the series' first release and crossgrades the charm -- octane does too, but marks the
  release ``assumed`` so a guess never decides the cloud's release;
* the cloud is on the oldest release of its applications (assumed ones left out);
* data plane = nova-compute, ovn-central, neutron-api, ceph-osd, swift and every application
  with a unit on a machine that runs nova-compute (subordinates included); the rest is the
  control plane.

Unknown charms are listed in :attr:`Analysis.unknown`, never dropped silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from octane.cloud.model import Application, Cloud
from octane.releases import CharmInfo, CharmKind, OpenStackRelease, catalogue
from octane.releases.catalogue import LATEST_CHANNELS, Catalogue

CONTROL_PLANE = "control-plane"
DATA_PLANE = "data-plane"

#: Known workload-version quirks, quoted next to a version that matches no release.
VERSION_QUIRKS = {
    "manila-ganesha": "certain manila-ganesha charms report a wrong workload version "
                      "(LP 2060751); refresh the charm within its channel",
}


@dataclass(frozen=True)
class UnitRelease:
    """One unit's workload version and the release it maps to."""

    unit: str
    machine: str
    workload_version: str
    release: OpenStackRelease | None


@dataclass(frozen=True)
class AppAnalysis:
    """What octane concluded about one application of a known charm, and why."""

    app: Application
    info: CharmInfo
    series: str
    release: OpenStackRelease | None
    group: str
    on_hypervisors: bool
    units: tuple[UnitRelease, ...]
    channel_releases: tuple[OpenStackRelease, ...]
    origin_release: OpenStackRelease | None
    reasons: tuple[str, ...]
    problems: tuple[str, ...]
    assumed: bool = False

    @property
    def name(self) -> str:
        """The application name."""
        return self.app.name

    @property
    def charm(self) -> str:
        """The charm name."""
        return self.app.charm

    @property
    def kind(self) -> CharmKind:
        """How the charm's release is read and how it is upgraded."""
        return self.info.kind

    @property
    def needs_crossgrade(self) -> bool:
        """True when the channel names no track (``latest/stable``): a crossgrade is due."""
        return self.app.channel.strip() in LATEST_CHANNELS


@dataclass(frozen=True)
class Analysis:
    """The whole cloud, analysed; see the module docstring for the rules."""

    cloud: Cloud
    apps: Mapping[str, AppAnalysis]
    unknown: tuple[Application, ...]
    series: str | None
    release: OpenStackRelease | None
    control_plane_release: OpenStackRelease | None
    data_plane_release: OpenStackRelease | None
    hypervisor_machines: tuple[str, ...]
    problems: tuple[str, ...]

    def group(self, name: str) -> tuple[AppAnalysis, ...]:
        """Applications of one group (``control-plane``/``data-plane``), sorted by name."""
        return tuple(a for _, a in sorted(self.apps.items()) if a.group == name)

    @property
    def series_names(self) -> tuple[str, ...]:
        """Every series the known applications run, sorted."""
        return tuple(sorted({a.series for a in self.apps.values() if a.series}))


def _min(releases: Iterable[OpenStackRelease | None]) -> OpenStackRelease | None:
    known = [r for r in releases if r is not None]
    return min(known) if known else None


def _pool(cat: Catalogue, series: str) -> tuple[OpenStackRelease, ...]:
    ubuntu = cat.find_series(series) if series else None
    return ubuntu.releases if ubuntu and ubuntu.releases else cat.releases


def _unit_releases(cat: Catalogue, app: Application, series: str,
                   problems: list[str]) -> tuple[UnitRelease, ...]:
    pool = set(_pool(cat, series))
    out = []
    for unit in app.units:
        matches = [r for r in cat.releases_for_version(app.charm, unit.workload_version)
                   if r in pool]
        release = max(matches) if matches else None
        if unit.workload_version and release is None:
            quirk = VERSION_QUIRKS.get(app.charm)
            problems.append(f"'{unit.name}' workload version {unit.workload_version} has no "
                            f"compatible OpenStack release" + (f" ({quirk})" if quirk else ""))
        out.append(UnitRelease(unit.name, unit.machine, unit.workload_version, release))
    return tuple(out)


def _from_workload(cat: Catalogue, app: Application, series: str, reasons: list[str],
                   problems: list[str]) -> tuple[OpenStackRelease | None,
                                                 OpenStackRelease | None,
                                                 tuple[UnitRelease, ...]]:
    units = _unit_releases(cat, app, series, problems)
    versions = sorted({u.workload_version for u in units if u.workload_version})
    workload = _min(u.release for u in units)
    if workload is not None:
        reasons.append(f"workload {', '.join(versions)} -> {workload}")
    elif app.units and not versions:
        problems.append(f"'{app.name}' units report no workload version")
    if len({u.release for u in units if u.release is not None}) > 1:
        spread = ", ".join(f"{u.unit} {u.release}" for u in units if u.release is not None)
        problems.append(f"units of '{app.name}' are on different releases: {spread}")
    origin_release = None
    if app.origin is not None:
        ubuntu = cat.find_series(series)
        origin_release = cat.parse_origin(app.origin, ubuntu) if ubuntu else None
        shown = app.origin or "distro"
        if origin_release is None:
            problems.append(f"'{app.name}' {app.origin_key} '{shown}' names no known release")
        else:
            reasons.append(f"{app.origin_key} '{shown}' -> {origin_release}")
    release = _min([workload, origin_release])
    if workload is not None and origin_release is not None and origin_release < workload:
        reasons.append(f"lowered to the origin's {origin_release}")
    return release, origin_release, units


def _from_channel(cat: Catalogue, app: Application, info: CharmInfo, series: str,
                  reasons: list[str], problems: list[str]
                  ) -> tuple[OpenStackRelease | None, tuple[OpenStackRelease, ...]]:
    channel = app.channel.strip()
    if channel in LATEST_CHANNELS or not channel:
        first = _pool(cat, series)[0]
        reasons.append(f"channel '{channel or 'none'}' names no track: assumed {first}, "
                       "needs a crossgrade")
        return first, ()
    compatible = cat.releases_for_channel(app.charm, series, channel)
    if not compatible:
        problems.append(f"'{app.name}' channel '{channel}' is not a known track of "
                        f"{app.charm} on {series or 'an unknown series'}")
        return None, ()
    release = compatible[-1]
    if info.kind.own_tracks and len(compatible) > 1:
        reasons.append(f"channel '{channel}' serves {compatible[0]}..{release} -> {release}")
    else:
        reasons.append(f"channel '{channel}' -> {release}")
    return release, compatible


def analyse_app(app: Application, info: CharmInfo, *, group: str, on_hypervisors: bool,
                cat: Catalogue | None = None) -> AppAnalysis:
    """Analyse one application of a known charm (see the module docstring)."""
    cat = cat or catalogue()
    reasons: list[str] = []
    problems: list[str] = []
    series = app.series
    units: tuple[UnitRelease, ...] = ()
    origin_release = None
    compatible: tuple[OpenStackRelease, ...] = ()
    if info.kind.release_from_channel:
        release, compatible = _from_channel(cat, app, info, series, reasons, problems)
    else:
        release, origin_release, units = _from_workload(cat, app, series, reasons, problems)
        if release is None and app.channel:
            release, compatible = _from_channel(cat, app, info, series, reasons, problems)
        channel_track = app.channel.split("/", 1)[0]
        if (release is not None and info.kind is CharmKind.OPENSTACK
                and app.channel.strip() not in LATEST_CHANNELS
                and channel_track not in {r.track for r in cat.releases}):
            problems.append(f"'{app.name}' channel '{app.channel}' is not an OpenStack track")
    if group == DATA_PLANE:
        why = "data-plane charm" if info.data_plane else "shares machines with nova-compute"
        reasons.append(f"data plane: {why}")
    assumed = release is not None and not compatible and not units and \
        app.channel.strip() in LATEST_CHANNELS | {""}
    return AppAnalysis(app=app, info=info, series=series, release=release, group=group,
                       on_hypervisors=on_hypervisors, units=units,
                       channel_releases=compatible, origin_release=origin_release,
                       reasons=tuple(reasons), problems=tuple(problems), assumed=assumed)


def analyse(cloud: Cloud, cat: Catalogue | None = None) -> Analysis:
    """Analyse a snapshot: every application, the groups, the cloud's release and series."""
    cat = cat or catalogue()
    hypervisors = tuple(sorted({m for a in cloud.apps_of_charm("nova-compute")
                                for m in a.machines}, key=_machine_key))
    on_hv = set(hypervisors)
    apps: dict[str, AppAnalysis] = {}
    unknown = []
    for name, app in sorted(cloud.applications.items()):
        info = cat.charm(app.charm)
        if info is None:
            unknown.append(app)
            continue
        colocated = any(m in on_hv for m in app.machines)
        group = DATA_PLANE if info.data_plane or colocated else CONTROL_PLANE
        apps[name] = analyse_app(app, info, group=group,
                                 on_hypervisors=colocated and not app.is_subordinate, cat=cat)
    counted = [a for a in apps.values() if a.kind is not CharmKind.UNSUPPORTED
               and not a.assumed]
    series = sorted({a.series for a in counted if a.series})
    problems = []
    if len(series) > 1:
        spread = ", ".join(f"{s}: {sum(1 for a in counted if a.series == s)}" for s in series)
        problems.append(f"applications run on several Ubuntu series ({spread})")
    for app in unknown:
        problems.append(f"'{app.name}' runs charm '{app.charm}', which octane does not know; "
                        "it is left out of the plan")
    return Analysis(
        cloud=cloud, apps=apps, unknown=tuple(unknown),
        series=series[0] if len(series) == 1 else None,
        release=_min(a.release for a in counted),
        control_plane_release=_min(a.release for a in counted if a.group == CONTROL_PLANE),
        data_plane_release=_min(a.release for a in counted if a.group == DATA_PLANE),
        hypervisor_machines=hypervisors, problems=tuple(problems))


def _machine_key(machine: str) -> tuple[int, str]:
    head = machine.split("/", 1)[0]
    return (int(head) if head.isdigit() else 1 << 30, machine)
