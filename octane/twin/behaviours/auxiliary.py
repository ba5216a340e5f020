"""hacluster, designate-bind, glance-simplestreams-sync and the OpenStack subordinates.

- hacluster (subordinate, "versionless" for octane) reports pacemaker's version, which is
  the series' own (focal 2.0.3, jammy 2.1.2, noble 2.1.6); its tracks are 2.0.3 and 2.4.
- designate-bind reports bind9's version, also the series' own (the Cloud Archive does not
  carry bind9; ``rmadison bind9``): focal 9.16.1, jammy and noble 9.18.x.
- glance-simplestreams-sync reports no version; ``sync-images`` answers when it synced.
- The OpenStack subordinates (keystone-ldap, cinder-ceph, neutron-api-plugin-ovn...) follow
  their principal's machine and report no version of their own; octane reads their release
  from the channel.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from octane import releases
from octane.twin.behaviours.base import ActionOutcome, UnitContext
from octane.twin.behaviours.common import PAUSE_RESUME, Charm, Profile, spec

PACEMAKER = {"bionic": "1.1.18", "focal": "2.0.3", "jammy": "2.1.2", "noble": "2.1.6"}
BIND9 = {"bionic": "9.11.3", "focal": "9.16.1", "jammy": "9.18.28", "noble": "9.18.28"}
#: Subordinate -> the services it adds to its principal's machine.
SUBORDINATE_SERVICES = {
    "ceilometer-agent": ("ceilometer-agent-compute",),
    "masakari-monitors": ("masakari-hostmonitor", "masakari-instancemonitor",
                          "masakari-processmonitor"),
    "neutron-openvswitch": ("neutron-openvswitch-agent", "openvswitch-switch"),
    "cinder-backup": ("cinder-backup",),
    "cinder-lvm": ("lvm2-lvmetad",),
    "keystone-openidc": ("apache2",),
    "keystone-saml-mellon": ("apache2",),
    "barbican-vault": (),
}


class SeriesVersion(Charm):
    """A charm whose payload is the series' own package (no origin, no Cloud Archive)."""

    def __init__(self, profile: Profile, versions: Mapping[str, str]) -> None:
        super().__init__(profile)
        self.versions = dict(versions)

    def payload_version(self, ctx: UnitContext) -> str:
        """The series' package version."""
        return self.versions.get(ctx.series, "")

    def still_valid(self, current: str, target: str, ctx: UnitContext) -> bool:
        """Same package, same version."""
        return current == target


class SimplestreamsSync(Charm):
    """glance-simplestreams-sync: no version, an image sync action."""

    def action_sync_images(self, params: Mapping[str, Any], ctx: UnitContext) -> ActionOutcome:
        """A sync that finds nothing new (the twin has no image mirror)."""
        return ActionOutcome(output={"result": "Sync completed: 0 images added, 0 removed"})


def auxiliary_behaviours() -> dict[str, Charm]:
    """hacluster, designate-bind, glance-simplestreams-sync and every OpenStack
    subordinate of octane's catalogue."""
    hacluster = Profile(charm="hacluster", origin=None, subordinate=True,
                        services=("corosync", "pacemaker"), ready="Unit is ready and clustered",
                        actions={**PAUSE_RESUME,
                                 "status": spec("Show the cluster status (crm status)."),
                                 "cleanup": spec("Clean up failed resources.", {
                                     "resource": {"type": "string", "default": "all"}}),
                                 "update-ring": spec("Remove dead nodes from the ring.", {
                                     "i-really-mean-it": {"type": "boolean"}}),
                                 "delete-node-from-ring": spec("Remove a node from the ring.",
                                                               {"node": {"type": "string"}})})
    bind = Profile(charm="designate-bind", origin=None, services=("bind9", "named"),
                   actions=dict(PAUSE_RESUME))
    sync = Profile(charm="glance-simplestreams-sync", origin=None,
                   services=("glance-simplestreams-sync",), actions={
                       "sync-images": spec("Sync images from the configured mirrors.",
                                           duration=60.0)})
    out: dict[str, Charm] = {
        "hacluster": SeriesVersion(hacluster, PACEMAKER),
        "designate-bind": SeriesVersion(bind, BIND9),
        "glance-simplestreams-sync": SimplestreamsSync(sync),
    }
    for name in releases.catalogue().kinds(releases.CharmKind.SUBORDINATE):
        profile = Profile(charm=name, origin=None, subordinate=True,
                          services=SUBORDINATE_SERVICES.get(name, ()), actions={})
        out[name] = Charm(profile)
    return out
