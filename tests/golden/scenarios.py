"""Cloud snapshots equivalent to the twin's scenarios, built from the release catalogue.

Until the twin serves ``focal-ussuri``, ``jammy-yoga``, ``jammy-caracal``, ``awkward`` and
``large`` over the wire, analysis and planning are tested on these snapshots. Versions and
channels come from :mod:`octane.releases` (what the twin will also use), so a scenario says
"keystone on ussuri", never a hand-typed version string.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from octane.cloud.model import Cloud
from octane.releases import CharmKind, catalogue

#: Actions each charm offers (what Application.get_actions lists), for the plan's checks.
ACTIONS = {
    "nova-compute": ("disable", "enable", "instance-count", "openstack-upgrade", "pause",
                     "resume"),
    "nova-cloud-controller": ("archive-data", "openstack-upgrade", "pause", "purge-data",
                              "resume"),
    "mysql-innodb-cluster": ("mysqldump", "pause", "resume"),
    "rabbitmq-server": ("pause", "resume", "run-deferred-hooks"),
    "vault": ("pause", "resume", "unseal"),
}


class CloudBuilder:
    """Builds a :class:`Cloud` the way a bundle deploys one: machines, apps, subordinates."""

    def __init__(self, model: str, series: str, release: str) -> None:
        self.model, self.series, self.release = model, series, release
        self.machines: dict[str, dict[str, Any]] = {}
        self.apps: dict[str, dict[str, Any]] = {}
        self._containers: dict[str, int] = {}
        self._sub_counts: dict[str, int] = {}

    def machine(self, az: str | None = None, hostname: str | None = None) -> str:
        """A new bare-metal machine; returns its id."""
        mid = str(sum(1 for m in self.machines if "/" not in m))
        self.machines[mid] = {"az": az, "hostname": hostname or f"node-{mid}",
                              "series": self.series, "status": "started"}
        return mid

    def container(self, host: str) -> str:
        """A new LXD container on ``host``; returns its id."""
        number = self._containers.get(host, 0)
        self._containers[host] = number + 1
        mid = f"{host}/lxd/{number}"
        self.machines[mid] = {"az": self.machines[host]["az"],
                              "hostname": f"juju-{host}-lxd-{number}", "series": self.series,
                              "status": "started"}
        return mid

    def _config(self, charm: str, release: str) -> dict[str, Any]:
        cat = catalogue()
        info = cat.charm(charm)
        origin = cat.series(self.series).origin_for(cat.release(release))
        config: dict[str, Any] = {}
        if info is None:
            return config
        if info.kind is CharmKind.OPENSTACK:
            config.update({"openstack-origin": origin, "action-managed-upgrade": False})
        elif info.kind is CharmKind.AUXILIARY and charm != "vault":
            config["source"] = origin
        elif charm == "gnocchi":
            config["openstack-origin"] = origin
        if charm == "rabbitmq-server":
            config["enable-auto-restarts"] = False
        if charm in ("ovn-central", "ovn-chassis", "ovn-dedicated-chassis"):
            config["enable-version-pinning"] = False
        if charm == "nova-cloud-controller":
            config["scheduler-default-filters"] = "ComputeFilter,ImagePropertiesFilter"
        return config

    def app(self, name: str, charm: str | None = None, *, machines: Sequence[str],
            release: str | None = None, channel: str | None = None,
            config: Mapping[str, Any] | None = None, versions: Sequence[str] | None = None,
            can_upgrade_to: str = "", status: str = "active", message: str = "") -> None:
        """A principal application with one unit per machine."""
        charm = charm or name
        release = release or self.release
        cat = catalogue()
        info = cat.charm(charm)
        if channel is None:
            channel = (cat.channel_for(charm, self.series, release) if info is not None
                       else "latest/stable")
        version = cat.workload_version_for(charm, release, channel) if info else "1.0.0"
        units = []
        for i, machine in enumerate(machines):
            units.append({"name": f"{name}/{i}", "machine": machine,
                          "workload_version": (versions[i] if versions else version) or "",
                          "workload_status": status, "workload_message": message,
                          "agent_status": "idle", "leader": i == 0, "subordinates": []})
        self.apps[name] = {
            "charm": charm, "channel": channel, "revision": 100, "series": self.series,
            "config": {**self._config(charm, release), **(config or {})}, "units": units,
            "subordinate_to": [], "workload_version": version or "", "status": status,
            "can_upgrade_to": can_upgrade_to, "actions": list(ACTIONS.get(charm, ())),
        }

    def sub(self, name: str, charm: str | None = None, *, to: Sequence[str],
            release: str | None = None, channel: str | None = None,
            config: Mapping[str, Any] | None = None, can_upgrade_to: str = "") -> None:
        """A subordinate application with a unit on every unit of the principals ``to``."""
        charm = charm or name
        release = release or self.release
        cat = catalogue()
        if channel is None:
            channel = cat.channel_for(charm, self.series, release) if cat.charm(charm) \
                else "latest/stable"
        version = cat.workload_version_for(charm, release, channel) or ""
        units = []
        for principal in to:
            for punit in self.apps[principal]["units"]:
                number = self._sub_counts.get(name, 0)
                self._sub_counts[name] = number + 1
                unit = f"{name}/{number}"
                punit["subordinates"].append(unit)
                units.append({"name": unit, "machine": punit["machine"],
                              "principal": punit["name"], "workload_version": version,
                              "workload_status": "active", "agent_status": "idle",
                              "leader": number == 0})
        self.apps[name] = {
            "charm": charm, "channel": channel, "revision": 50, "series": self.series,
            "config": {**self._config(charm, release), **(config or {})}, "units": units,
            "subordinate_to": list(to), "workload_version": version, "status": "active",
            "can_upgrade_to": can_upgrade_to, "actions": [],
        }

    def build(self) -> Cloud:
        """The snapshot."""
        return Cloud.from_dict({"model": self.model, "controller": "maas",
                                "juju_version": "3.6.1", "machines": self.machines,
                                "applications": self.apps})


#: API services deployed in containers on the controllers, with hacluster and a DB router.
API_APPS = ("keystone", "glance", "nova-cloud-controller", "placement", "neutron-api",
            "cinder", "openstack-dashboard", "octavia")


def openstack_cloud(model: str, series: str, release: str, *, hacluster: str | None = None,
                    rabbit: str | None = None, vault: str | None = None,
                    computes: int = 3, azs: int = 3) -> CloudBuilder:
    """The HA reference topology: 3 controllers, ``computes`` hypervisors over ``azs`` AZs,
    ceph (mons in containers, OSDs on the hypervisors), OVN, vault, MySQL, RabbitMQ."""
    b = CloudBuilder(model, series, release)
    controllers = [b.machine(f"az{i + 1}", f"controller-{i}") for i in range(3)]
    hosts = [b.machine(f"az{i % azs + 1}", f"compute-{i}") for i in range(computes)]

    def lxd() -> list[str]:
        return [b.container(h) for h in controllers]

    for infra in ("mysql-innodb-cluster", "ceph-mon", "ovn-central"):
        b.app(infra, machines=lxd())
    b.app("rabbitmq-server", machines=lxd(), channel=rabbit)
    b.app("vault", machines=lxd(), channel=vault)
    b.app("ceph-radosgw", machines=lxd())
    for api in API_APPS:
        b.app(api, machines=lxd(), can_upgrade_to="ch:amd64/keystone-700"
              if api == "keystone" else "")
    b.app("nova-compute", machines=hosts)
    b.app("ceph-osd", machines=hosts)
    for app in (*API_APPS, "vault", "ceph-radosgw"):
        b.sub(f"{app}-hacluster", "hacluster", to=[app], channel=hacluster)
    for app in (*[a for a in API_APPS if a != "openstack-dashboard"], "vault"):
        b.sub(f"{app}-mysql-router", "mysql-router", to=[app])
    b.sub("keystone-ldap", to=["keystone"])
    b.sub("neutron-api-plugin-ovn", to=["neutron-api"])
    b.sub("cinder-ceph", to=["cinder"])
    b.sub("ovn-chassis", to=["nova-compute"])
    return b


def focal_ussuri() -> Cloud:
    """focal/ussuri, HA, as deployed in 2020: hacluster 2.0.3, RabbitMQ 3.8, OVN 22.03."""
    return openstack_cloud("openstack", "focal", "ussuri", hacluster="2.0.3/stable",
                           rabbit="3.8/stable").build()


def jammy_yoga() -> Cloud:
    """jammy/yoga, HA, vault still on 1.7 (moves to 1.8 with zed)."""
    return openstack_cloud("openstack", "jammy", "yoga", vault="1.7/stable").build()


def jammy_caracal() -> Cloud:
    """jammy/caracal: the last release on jammy (the plan points to the series upgrade)."""
    return openstack_cloud("openstack", "jammy", "caracal").build()


def awkward() -> Cloud:
    """focal/wallaby with the odd corners: cinder colocated on the hypervisors, swift,
    designate-bind, manila-ganesha, gnocchi, a charm on latest/stable, an unknown charm,
    a hypervisor without AZ. Non-empty hypervisors are a probe result (see ``AWKWARD_VMS``)."""
    b = CloudBuilder("awkward", "focal", "wallaby")
    ctl = [b.machine("az1", f"ctl-{i}") for i in range(3)]
    hosts = [b.machine("az1", "hv-0"), b.machine("az1", "hv-1"), b.machine("az2", "hv-2"),
             b.machine(None, "hv-3")]
    store = [b.machine("az1", f"swift-{i}") for i in range(2)]
    for app in ("mysql-innodb-cluster", "rabbitmq-server", "keystone", "glance",
                "nova-cloud-controller", "placement", "neutron-api", "designate",
                "designate-bind", "manila-ganesha", "gnocchi", "ovn-central", "ceph-mon"):
        b.app(app, machines=[b.container(h) for h in ctl])
    b.app("glance-simplestreams-sync", machines=[b.container(ctl[0])], channel="latest/stable")
    b.app("memcached", machines=[b.container(h) for h in ctl])
    b.app("nova-compute", machines=hosts)
    b.app("cinder", machines=hosts, config={"action-managed-upgrade": True})
    b.app("ceph-osd", machines=hosts)
    b.app("swift-proxy", machines=[b.container(h) for h in ctl])
    b.app("swift-storage", machines=store)
    b.sub("ovn-chassis", to=["nova-compute"])
    b.sub("ceilometer-agent", to=["nova-compute"], release="wallaby")
    b.sub("cinder-ceph", to=["cinder"])
    b.sub("keystone-hacluster", "hacluster", to=["keystone"])
    return b.build()


#: Instances per nova-compute unit in the awkward cloud (hv-1 hosts VMs).
AWKWARD_VMS = {"nova-compute/0": 0, "nova-compute/1": 3, "nova-compute/2": 0,
               "nova-compute/3": 0}


def large(hypervisors: int = 1000, azs: int = 10) -> Cloud:
    """About 60 applications and ``hypervisors`` hypervisors in ``azs`` AZs (focal/ussuri)."""
    b = openstack_cloud("large", "focal", "ussuri", hacluster="2.4/stable", rabbit="3.8/stable",
                        computes=hypervisors, azs=azs)
    ctl = ["0", "1", "2"]
    for app in ("heat", "barbican", "aodh", "gnocchi", "ceilometer", "designate",
                "designate-bind", "masakari", "manila", "memcached"):
        b.app(app, machines=[b.container(h) for h in ctl])
    for app in ("heat", "barbican", "aodh", "designate", "masakari", "manila"):
        b.sub(f"{app}-hacluster", "hacluster", to=[app])
        b.sub(f"{app}-mysql-router", "mysql-router", to=[app])
    b.sub("barbican-vault", to=["barbican"])
    b.sub("ceilometer-agent", to=["nova-compute"])
    b.sub("octavia-dashboard", to=["openstack-dashboard"])
    b.sub("masakari-monitors", to=["nova-compute"])
    return b.build()


def control_plane_done(series: str, current: str, target: str) -> Cloud:
    """The reference topology with its control plane already on ``target`` and the data
    plane still on ``current`` -- what ``octane plan data-plane`` / ``hypervisors`` expect."""
    from octane.cloud.analysis import DATA_PLANE, analyse

    old = openstack_cloud("openstack", series, current).build()
    new = openstack_cloud("openstack", series, target).build()
    groups = {n: a.group for n, a in analyse(old).apps.items()}
    apps = {n: (old if groups.get(n) == DATA_PLANE else new).applications[n]
            for n in old.applications}
    return Cloud(model=old.model, applications=apps, machines=old.machines,
                 controller=old.controller, juju_version=old.juju_version)


SCENARIOS = {"focal-ussuri": focal_ussuri, "jammy-yoga": jammy_yoga,
             "jammy-caracal": jammy_caracal, "awkward": awkward}
