"""Rules of the auxiliary services every cloud leans on: ceph, OVN, RabbitMQ, MySQL, vault.

Each quirk sits next to where it was learnt (COU's classes in cou-constants.md section 8,
its known-issues page, or the bug number).
"""

from __future__ import annotations

from dataclasses import replace

from octane.apps import steps as s
from octane.apps.base import AppRules, AuxiliaryRules, SubordinateRules
from octane.apps.context import Finding
from octane.apps.openstack import verify_computes
from octane.plan.step import Step
from octane.releases import Version

#: COU (cou/apps/auxiliary.py): charm upgrades need OVN from the 22.03 LTS on.
OVN_MINIMUM = "22.03"
VERSION_PINNING = "enable-version-pinning"


class CephMon(AuxiliaryRules):
    """ceph-mon: the monitors' upgrade restarts daemons cluster-wide (LONG model wait); the
    OSDs' ``require-osd-release`` must match what they run before monitors move on."""

    long_wait = True
    wait_for_model = True

    def pre_upgrade_steps(self, base: str) -> list[Step]:
        """COU's CephMon pre-step, then the default ones."""
        ensure = s.action(s.sid(base, "require-osd-release"),
                          "Ensure that the 'require-osd-release' option matches the "
                          "'ceph-osd' version", "ceph.ensure_require_osd_release",
                          mon_application=self.name)
        return [ensure, *super().pre_upgrade_steps(base)]

    def checks(self) -> list[Finding]:
        """Ceph daemons on mixed versions: a previous upgrade may not have restarted them."""
        versions = self.ctx.probes.ceph_versions
        overall = (versions or {}).get("overall") or {}
        if len(overall) > 1:
            shown = "; ".join(f"{k.split('(')[0].strip()}: {v}" for k, v in overall.items())
            return [Finding.warning(f"ceph daemons run mixed versions ({shown}); restart the "
                                    "stale ones first (LP 2068151)", self.name)]
        return []


class CephOsd(AuxiliaryRules):
    """ceph-osd: all units at once (the charm keeps the data available), only after every
    nova-compute unit is upgraded; never with ``noout`` set by someone else."""

    def pre_upgrade_steps(self, base: str) -> list[Step]:
        """COU's CephOsd pre-step: verify the computes first."""
        return [*verify_computes(base, self.ctx), *super().pre_upgrade_steps(base)]

    def checks(self) -> list[Finding]:
        """``noout`` set: an operator's maintenance is in progress; do not pile on."""
        flags = self.ctx.probes.ceph_flags or ()
        if "noout" in flags:
            return [Finding.error("ceph OSD flag 'noout' is set; finish that maintenance and "
                                  "run `ceph osd unset noout` before upgrading ceph-osd",
                                  self.name)]
        return []


class CephDashboard(SubordinateRules):
    """ceph-dashboard: quincy -> reef moves the listener from 8443 to 8080 and drops TLS,
    so units block on "Dashboard not responding" (LP 2111793)."""

    def checks(self) -> list[Finding]:
        """Warn on that channel change."""
        if self.needs_channel() and self.target_channel.startswith("reef/"):
            return [Finding.warning(f"'{self.name}': moving ceph-dashboard to reef changes its "
                                    "port and disables TLS (LP 2111793)", self.name)]
        return []


class _Ovn:
    """Shared OVN rules: OVN >= 22.03 and version pinning off, checked now and at run time."""

    name: str

    def ovn_findings(self, rules: AppRules) -> list[Finding]:
        """Plan-time: units' OVN versions and the pinning option."""
        out = []
        floor = Version.parse(OVN_MINIMUM)
        old = [f"{u.name} {u.workload_version}" for u in rules.units
               if (v := Version.parse(u.workload_version)) is not None and floor and v < floor]
        if old:
            out.append(Finding.error(
                f"'{rules.name}' runs OVN older than {OVN_MINIMUM} ({', '.join(old)}); upgrade "
                "OVN to 22.03 first (charm guide: ovn-upgrade-2203)", rules.name))
        if str(rules.app.app.config.get(VERSION_PINNING, "false")).lower() == "true":
            out.append(Finding.error(f"'{rules.name}' has {VERSION_PINNING}=true; set it to "
                                     "false before the upgrade", rules.name))
        return out

    def ovn_steps(self, rules: AppRules, base: str) -> list[Step]:
        """Run-time re-checks before the charm moves."""
        out = []
        if VERSION_PINNING in rules.app.app.config:
            out.append(s.verify_config(base, rules.name, VERSION_PINNING, "False"))
        out.append(s.action(s.sid(base, "verify-ovn"),
                            f"Verify that the OVN version of '{rules.name}' is at least "
                            f"{OVN_MINIMUM}", "ovn.verify_version", application=rules.name,
                            minimum=OVN_MINIMUM))
        return out


class OvnCentral(_Ovn, AuxiliaryRules):
    """ovn-central: after the hypervisors and their chassis (COU PR #641: OVN upgrades run
    chassis -> central -> neutron-api)."""

    def checks(self) -> list[Finding]:
        """OVN floor and pinning."""
        return self.ovn_findings(self)

    def pre_upgrade_steps(self, base: str) -> list[Step]:
        """Computes first, OVN re-checks, then the default steps."""
        return [*verify_computes(base, self.ctx), *self.ovn_steps(self, base),
                *super().pre_upgrade_steps(base)]


class OvnDedicatedChassis(_Ovn, AuxiliaryRules):
    """ovn-dedicated-chassis: OVN floor per unit, pinning off (COU's OVNPrincipal)."""

    def checks(self) -> list[Finding]:
        """OVN floor and pinning."""
        return self.ovn_findings(self)

    def pre_upgrade_steps(self, base: str) -> list[Step]:
        """OVN re-checks, then the default steps."""
        return [*self.ovn_steps(self, base), *super().pre_upgrade_steps(base)]


class OvnChassis(_Ovn, SubordinateRules):
    """ovn-chassis: OVN floor from its units' versions, pinning off (COU's OVNSubordinate)."""

    def checks(self) -> list[Finding]:
        """OVN floor and pinning."""
        return self.ovn_findings(self)

    def pre_upgrade_steps(self, base: str) -> list[Step]:
        """OVN re-checks, then the refresh."""
        return [*self.ovn_steps(self, base), *super().pre_upgrade_steps(base)]


class RabbitMQServer(AuxiliaryRules):
    """rabbitmq-server: with enable-auto-restarts=True the charm's deferred restarts break the
    upgrade (LP 2046381), so it must be False; deferred hooks are run before and after."""

    long_wait = True
    wait_for_model = True

    def checks(self) -> list[Finding]:
        """Refuse while auto restarts are on (the charm's default is True)."""
        value = str(self.app.app.config.get("enable-auto-restarts", True)).lower()
        if value != "false":
            return [Finding.error(
                f"'{self.name}' needs enable-auto-restarts=False for the upgrade (LP 2046381): "
                f"run `juju config {self.name} enable-auto-restarts=False` and restore it "
                "afterwards", self.name)]
        return []

    def _deferred(self, base: str, when: str) -> Step:
        hooks = [s.run_action(s.sid(base, when), u.name, "run-deferred-hooks",
                              f"Run the 'run-deferred-hooks' action on unit '{u.name}'")
                 for u in self.units]
        return s.group(s.sid(base, when, "deferred-hooks"),
                       f"Run deferred hooks on the units of '{self.name}'", hooks, parallel=True)

    def pre_upgrade_steps(self, base: str) -> list[Step]:
        """Re-check the option, clear deferred hooks, then the default steps."""
        return [s.verify_config(base, self.name, "enable-auto-restarts", "False"),
                self._deferred(base, "before"), *super().pre_upgrade_steps(base)]

    def post_upgrade_steps(self, base: str) -> list[Step]:
        """Clear what the upgrade deferred, then wait and verify."""
        return [self._deferred(base, "after"), *super().post_upgrade_steps(base)]


class MysqlInnodbCluster(AuxiliaryRules):
    """mysql-innodb-cluster: a package upgrade must not restart mysqld under the cluster, so
    mysql-server-core-8.0 is held during it (COU's MysqlInnodbCluster); LONG wait."""

    long_wait = True
    hold_packages = ("mysql-server-core-8.0",)


class Vault(AuxiliaryRules):
    """vault: a channel change restarts vault sealed; an operator must unseal it (COU asks for
    the keys interactively). A sealed vault is refused before planning."""

    long_wait = True
    wait_for_model = True

    def sealed_units(self) -> list[str]:
        """Units whose status says sealed or uninitialised."""
        return [u.name for u in self.units
                if "sealed" in u.workload_message.lower() or
                "initiali" in u.workload_message.lower()]

    def checks(self) -> list[Finding]:
        """Refuse a sealed vault: unseal it, or leave it out with --skip-apps."""
        sealed = self.sealed_units()
        if sealed:
            return [Finding.error(f"'{self.name}' is sealed ({', '.join(sealed)}): unseal it, "
                                  f"or leave it out with --skip-apps {self.name}", self.name)]
        return []

    def pre_upgrade_steps(self, base: str) -> list[Step]:
        """Re-check that vault is unsealed, then the default steps."""
        verify = s.action(s.sid(base, "verify-unsealed"), f"Verify that '{self.name}' is "
                          "unsealed", "vault.verify_unsealed", application=self.name)
        return [verify, *super().pre_upgrade_steps(base)]

    def upgrade_steps(self, base: str) -> list[Step]:
        """After a channel change, unseal (the operator provides the keys)."""
        out = super().upgrade_steps(base)
        if self.needs_channel():
            unseal = s.action(s.sid(base, "unseal"), f"Unseal '{self.name}' after the refresh "
                              "(the operator enters the unseal keys)", "vault.unseal",
                              application=self.name, timeout=self.ctx.long_timeout)
            out.append(replace(unseal, prompt=True))  # needs the operator, even if approved
        return out
