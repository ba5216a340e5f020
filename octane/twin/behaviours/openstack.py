"""The OpenStack API service charms: one profile each, plus the manila quirks.

Each entry says which systemd services the charm runs (``systemctl`` answers for them) and
how long an upgrading config-changed takes; keystone and octavia take longest (COU waits
LONG for them, cou-constants.md §8). Action catalogues follow the charms' ``actions.yaml``:
every one has pause, resume, openstack-upgrade and security-checklist; cinder, heat and
ceilometer add their own maintenance actions. nova's charms live in :mod:`.nova`.
"""

from __future__ import annotations

from collections.abc import Mapping

from octane import releases
from octane.twin.behaviours import charmhub
from octane.twin.behaviours.base import ActionSpec, CharmBehaviour, UnitContext
from octane.twin.behaviours.common import PAUSE_RESUME, OpenStackCharm, Profile, spec

#: LP 2111738: the config-based upgrade does nothing on some manila charm revisions.
NO_CONFIG_UPGRADE = "no-config-upgrade"
#: LP 2060751: manila-ganesha reports a version no manila release has (nfs-ganesha's).
WRONG_VERSION = "wrong-workload-version"
#: nfs-ganesha's package version per series: what the buggy charm reports.
GANESHA_VERSION = {"focal": "3.4.0", "jammy": "3.5.0", "noble": "5.7.0"}


def _actions(**extra: ActionSpec) -> dict[str, ActionSpec]:
    return {**PAUSE_RESUME, **extra}


#: charm -> (services, upgrade seconds, extra actions)
SERVICES: dict[str, tuple[tuple[str, ...], float, dict[str, ActionSpec]]] = {
    "keystone": (("apache2", "haproxy", "memcached"), 900.0, {}),
    "glance": (("glance-api", "apache2", "haproxy"), 300.0, {}),
    "neutron-api": (("neutron-server", "apache2", "haproxy"), 600.0, {}),
    "neutron-gateway": (("neutron-l3-agent", "neutron-dhcp-agent", "neutron-metadata-agent",
                         "openvswitch-switch"), 600.0, {}),
    "cinder": (("cinder-scheduler", "cinder-volume", "apache2", "haproxy"), 300.0, {
        "remove-services": spec("Remove unused cinder services.", {
            "host": {"type": "string", "description": "Host of the services to remove."}}),
        "rename-volume-host": spec("Update the host attribute of volumes.", {
            "currenthost": {"type": "string"}, "newhost": {"type": "string"}})}),
    "placement": (("apache2", "haproxy"), 300.0, {}),
    "openstack-dashboard": (("apache2", "memcached", "haproxy"), 300.0, {}),
    "octavia": (("octavia-health-manager", "octavia-housekeeping", "octavia-worker",
                 "apache2", "haproxy"), 900.0, {}),
    "heat": (("heat-api", "heat-api-cfn", "heat-engine", "haproxy"), 300.0, {
        "domain-setup": spec("Set up the heat stack user domain.")}),
    "barbican": (("barbican-worker", "barbican-keystone-listener", "apache2"), 300.0, {}),
    "aodh": (("aodh-evaluator", "aodh-notifier", "aodh-listener", "apache2"), 300.0, {}),
    "ceilometer": (("ceilometer-agent-central", "ceilometer-agent-notification"), 300.0, {
        "ceilometer-upgrade": spec("Run ceilometer-upgrade (gnocchi resource types).")}),
    "designate": (("designate-api", "designate-central", "designate-mdns",
                   "designate-producer", "designate-worker", "haproxy"), 300.0, {}),
    "manila": (("manila-scheduler", "manila-data", "apache2", "haproxy"), 300.0, {}),
    "manila-ganesha": (("manila-share", "nfs-ganesha"), 300.0, {}),
    "masakari": (("masakari-engine", "apache2", "haproxy"), 300.0, {}),
    "gnocchi": (("gnocchi-metricd", "apache2", "haproxy"), 300.0, {}),
    "swift-proxy": (("swift-proxy", "memcached", "haproxy"), 300.0, {
        "add-user": spec("Add a swift user.", {"username": {"type": "string"},
                                               "password": {"type": "string"}})}),
    "swift-storage": (("swift-account", "swift-container", "swift-object"), 300.0, {}),
}


class Manila(OpenStackCharm):
    """manila and manila-ganesha: opt-in LP 2111738 (config upgrades do nothing) and, for
    manila-ganesha, LP 2060751 (a version no manila release has, until the charm is
    refreshed to the newest revision of its channel)."""

    def quirks(self) -> Mapping[str, str]:
        """The known issues from COU's list (seeds/000, "Known issues")."""
        out = {NO_CONFIG_UPGRADE: "an origin change does not upgrade the payload "
                                  "(LP 2111738)"}
        if self.charm == "manila-ganesha":
            out[WRONG_VERSION] = ("reports nfs-ganesha's version until refreshed to the "
                                  "channel's newest revision (LP 2060751)")
        return out

    def workload_version(self, ctx: UnitContext) -> str:
        """The quirks first, then the OpenStack rule."""
        if WRONG_VERSION in ctx.quirks and not self._newest_revision(ctx):
            return GANESHA_VERSION.get(ctx.series, "3.5.0")
        wrong = ctx.workload_version in GANESHA_VERSION.values()
        if NO_CONFIG_UPGRADE in ctx.quirks and ctx.workload_version and not wrong:
            return ctx.workload_version
        if wrong:  # the refresh to the newest revision fixed the reporting
            return self.explicit_version(ctx) or self.payload_version(ctx)
        return super().workload_version(ctx)

    def _newest_revision(self, ctx: UnitContext) -> bool:
        newest = charmhub.latest(self.charm, ctx.channel)
        return newest is not None and ctx.revision >= newest


def openstack_behaviours() -> dict[str, CharmBehaviour]:
    """charm -> behaviour for every OpenStack service charm but nova's."""
    out: dict[str, CharmBehaviour] = {}
    for charm, (services, seconds, extra) in SERVICES.items():
        info = releases.charm(charm)
        profile = Profile(charm=charm, services=services, upgrade_seconds=seconds,
                          actions=_actions(**extra))
        cls = Manila if charm in ("manila", "manila-ganesha") else OpenStackCharm
        behaviour = cls(profile)
        if info is None:
            raise LookupError(f"{charm} is not in octane's release catalogue")
        out[charm] = behaviour
    return out
