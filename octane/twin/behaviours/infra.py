"""The infrastructure charms: OVN, MySQL, RabbitMQ and vault.

- OVN (ovn-central, ovn-dedicated-chassis on ``source``; the ovn-chassis subordinate on its
  track): the version is the track's OVN release (22.03 -> 22.03.x). ``enable-version-
  pinning`` is a plain option (octane checks it before an upgrade).
- mysql-innodb-cluster: ``mysqldump`` answers ``mysqldump-file`` (charm-helpers' name,
  ``/var/backups/mysql/mysqldump-<dbs>-<YYYYmmddHHMM>.gz``) from the model's database
  service; the leader is the R/W member. mysql-router reports its track's MySQL.
- rabbitmq-server (LP 2046381, COU's RabbitMQServer): with ``enable-auto-restarts=false`` a
  payload upgrade defers the restart ("Services queued for restart: rabbitmq-server") until
  ``run-deferred-hooks``; with the charm's default ``true`` every unit restarts at once and
  the non-leaders come back partitioned (blocked "RabbitMQ is partitioned") until their
  service is restarted -- the reason COU refuses auto restarts.
- vault: the version follows the snap track of the charm's channel; a refresh to another
  track restarts vault sealed (blocked "Unit is sealed"), as do the ``restart`` action;
  ``vault operator unseal <key>`` run on the unit with three distinct keys unseals it
  (the default threshold of ``vault operator init``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from octane.twin.behaviours.base import ActionOutcome, UnitContext
from octane.twin.behaviours.common import (
    PAUSE,
    PAUSE_RESUME,
    RESUME,
    SECURITY_CHECKLIST,
    Charm,
    Profile,
    spec,
)
from octane.twin.behaviours.services import DatabaseService
from octane.twin.behaviours.shell import Handler, Outcome

DEFERRED = {
    "run-deferred-hooks": spec("Run deferred hooks and restart the services they deferred."),
    "show-deferred-events": spec("Show the events the charm deferred."),
    "restart-services": spec("Restart services this charm manages.", {
        "deferred-only": {"type": "boolean", "default": False},
        "services": {"type": "string", "default": ""}}),
}
PINNING = {"enable-version-pinning": {"type": "boolean", "default": False,
                                      "description": "Pin the OVN version (pre-22.03)."}}
AUTO_RESTARTS = {"enable-auto-restarts": {
    "type": "boolean", "default": True,
    "description": "Allow the charm to restart services automatically when required."}}
OVN_SERVICES = ("ovn-host", "ovn-controller", "openvswitch-switch")
UNSEAL_THRESHOLD = 3


class Ovn(Charm):
    """The OVN charms."""

    def ready_message(self, ctx: UnitContext) -> str:
        """ovn-central says which databases it leads."""
        if self.charm == "ovn-central" and ctx.leader:
            return "Unit is ready (leader: ovnnb_db, ovnsb_db northd: active)"
        return "Unit is ready"


def ovn_behaviours() -> dict[str, Charm]:
    """ovn-central, ovn-dedicated-chassis, ovn-chassis."""
    central = Profile(charm="ovn-central", origin="source",
                      services=("ovn-northd", "ovn-ovsdb-server-nb", "ovn-ovsdb-server-sb"),
                      options=PINNING, upgrade_seconds=300.0, actions={
                          **PAUSE_RESUME, **DEFERRED,
                          "cluster-status": spec("Show the OVN database cluster status."),
                          "cluster-kick": spec("Remove a server from the OVN cluster.", {
                              "nb-server-id": {"type": "string"},
                              "sb-server-id": {"type": "string"}}),
                          "security-checklist": SECURITY_CHECKLIST})
    dedicated = Profile(charm="ovn-dedicated-chassis", origin="source",
                        services=OVN_SERVICES, options=PINNING,
                        actions={**PAUSE_RESUME, **DEFERRED})
    chassis = Profile(charm="ovn-chassis", origin=None, subordinate=True,
                      services=OVN_SERVICES, options=PINNING,
                      actions={**PAUSE_RESUME, **DEFERRED})
    return {p.charm: Ovn(p) for p in (central, dedicated, chassis)}


class MysqlInnodbCluster(Charm):
    """The database cluster."""

    def __init__(self) -> None:
        super().__init__(Profile(
            charm="mysql-innodb-cluster", origin="source", services=("mysql",),
            upgrade_seconds=600.0, actions={
                **PAUSE_RESUME,
                "mysqldump": spec("MySQL dump of databases. Action will return "
                                  "mysqldump-file location of the requested backup in the "
                                  "results.", {
                                      "basedir": {"type": "string",
                                                  "default": "/var/backups/mysql"},
                                      "databases": {"type": "string"},
                                      "gtid-purged-mode": {"type": "string",
                                                           "default": "COMMENTED"}},
                                  duration=60.0),
                "cluster-status": spec("Show the InnoDB cluster status."),
                "rejoin-instance": spec("Rejoin an instance to the cluster.", {
                    "address": {"type": "string"}}),
                "reboot-cluster-from-complete-outage": spec("Reboot the cluster after a "
                                                            "complete outage."),
                "restore-mysqldump": spec("Restore a MySQL dump of database(s).", {
                    "dump-file": {"type": "string"}}),
                "set-cluster-option": spec("Set an option on the cluster.", {
                    "key": {"type": "string"}, "value": {"type": "string"}}),
                "update-unit-acls": spec("Update the IP allow list of the cluster.")}))

    def ready_message(self, ctx: UnitContext) -> str:
        """The R/W member is the leader's."""
        mode = "R/W" if ctx.leader else "R/O"
        return (f"Unit is ready: Mode: {mode}, Cluster is ONLINE and can tolerate up to ONE "
                "failure.")

    def action_mysqldump(self, params: Mapping[str, Any], ctx: UnitContext) -> ActionOutcome:
        """Dump through the model's database service."""
        database: DatabaseService | None = ctx.services.get("database")
        basedir = str(params.get("basedir") or "/var/backups/mysql")
        names = [d.strip() for d in str(params.get("databases") or "").split(",") if d.strip()]
        if database is None:
            return ActionOutcome(status="failed", message="no database service in this model")

        async def dump() -> ActionOutcome:
            path = await database.mysqldump(names, basedir)
            return ActionOutcome(output={"mysqldump-file": path})
        return ActionOutcome(pending=dump)

    def action_cluster_status(self, params: Mapping[str, Any],
                              ctx: UnitContext) -> ActionOutcome:
        """An ONLINE cluster (the twin does not model member failures)."""
        return ActionOutcome(output={"cluster-status": '{"clusterName": "jujuCluster", '
                                                      '"defaultReplicaSet": {"status": '
                                                      '"OK", "topology": {}}}'})


class RabbitMQServer(Charm):
    """rabbitmq-server with its deferred restarts (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__(Profile(
            charm="rabbitmq-server", origin="source", services=("rabbitmq-server",),
            ready="Unit is ready and clustered", options=AUTO_RESTARTS, upgrade_seconds=300.0,
            actions={**PAUSE_RESUME, **DEFERRED,
                     "cluster-status": spec("Show the RabbitMQ cluster status."),
                     "check-queues": spec("List queues with messages.", {
                         "queue-depth": {"type": "integer", "default": 0},
                         "vhost": {"type": "string", "default": "/"}}),
                     "list-unconsumed-queues": spec("List queues without consumers."),
                     "complete-cluster-series-upgrade": spec("Finish a series upgrade."),
                     "force-boot": spec("Force a node to boot without its peers.")}))

    def hook_changes(self, hook: str, ctx: UnitContext) -> Mapping[str, Any]:
        """An upgrade restarts now (auto restarts) or later (deferred)."""
        if hook != "config-changed" or not self.upgrading(ctx):
            return {}
        if ctx.config.get("enable-auto-restarts") is False:
            return {"deferred-restarts": ["rabbitmq-server"]}
        return {} if ctx.leader else {"partitioned": True}

    def settled_status(self, ctx: UnitContext) -> tuple[str, str]:
        """Partitioned, deferred, or ready."""
        if ctx.charm_state.get("paused"):
            return super().settled_status(ctx)
        if ctx.charm_state.get("partitioned"):
            return ("blocked", "RabbitMQ is partitioned")
        deferred = ctx.charm_state.get("deferred-restarts")
        if deferred:
            return ("active", f"Unit is ready and clustered. Services queued for restart: "
                              f"{', '.join(deferred)}")
        return super().settled_status(ctx)

    def restarted(self, service: str, ctx: UnitContext) -> Outcome:
        """A restarted node rejoins the cluster and runs its new packages."""
        if service.startswith("rabbitmq-server"):
            return Outcome(state={"partitioned": None, "deferred-restarts": None})
        return Outcome()

    def action_run_deferred_hooks(self, params: Mapping[str, Any],
                                  ctx: UnitContext) -> ActionOutcome:
        """Restart what was deferred."""
        return ActionOutcome(charm_state={"deferred-restarts": None})

    def action_restart_services(self, params: Mapping[str, Any],
                                ctx: UnitContext) -> ActionOutcome:
        """Restart rabbitmq-server (clears a partition too)."""
        return ActionOutcome(charm_state={"deferred-restarts": None, "partitioned": None})

    def action_show_deferred_events(self, params: Mapping[str, Any],
                                    ctx: UnitContext) -> ActionOutcome:
        """The deferred restarts, as the charm lists them."""
        deferred = ctx.charm_state.get("deferred-restarts") or []
        lines = "".join(f"- restart {s} (config-changed)\n" for s in deferred)
        return ActionOutcome(output={"deferred-events": lines or "[]"})


class Vault(Charm):
    """vault on its snap track."""

    def __init__(self) -> None:
        super().__init__(Profile(
            charm="vault", origin=None, services=("vault", "mysqlrouter"),
            ready="Unit is ready (active: true, mlock: disabled)", actions={
                "pause": PAUSE, "resume": RESUME,
                "authorize-charm": spec("Authorize the charm to create roles and tokens.", {
                    "token": {"type": "string"}}),
                "refresh-secrets": spec("Refresh the secret_id's of the charm's clients."),
                "get-root-ca": spec("Get the root CA certificate."),
                "reissue-certificates": spec("Reissue the certificates of all clients."),
                "restart": spec("Restart vault (it comes back sealed)."),
                "reload": spec("Reload vault's configuration.")}))

    def hook_changes(self, hook: str, ctx: UnitContext) -> Mapping[str, Any]:
        """A refresh to another track refreshes the snap: vault restarts sealed."""
        if hook == "upgrade-charm" and self.upgrading(ctx):
            return {"sealed": True}
        return {}

    def upgrading(self, ctx: UnitContext) -> bool:
        """The snap moves when the track's version differs from the running one."""
        target = self.workload_version(ctx)
        return bool(ctx.workload_version) and \
            target.split(".")[:2] != ctx.workload_version.split(".")[:2]

    def settled_status(self, ctx: UnitContext) -> tuple[str, str]:
        """Sealed vaults block."""
        if ctx.charm_state.get("sealed") and not ctx.charm_state.get("paused"):
            return ("blocked", "Unit is sealed")
        return super().settled_status(ctx)

    def action_restart(self, params: Mapping[str, Any], ctx: UnitContext) -> ActionOutcome:
        """Restarted vault is sealed."""
        return ActionOutcome(charm_state={"sealed": True, "unseal-keys": None})

    def commands(self) -> Mapping[str, Handler]:
        """``vault status`` and ``vault operator unseal KEY``."""
        return {"vault": vault_command}

    def restarted(self, service: str, ctx: UnitContext) -> Outcome:
        """``systemctl restart vault`` seals it too."""
        if service.startswith("vault"):
            return Outcome(state={"sealed": True, "unseal-keys": None})
        return Outcome()


def vault_command(words: Sequence[str], ctx: UnitContext) -> Outcome:
    """The vault CLI's status and unseal (exit code 2 means sealed, as the real CLI)."""
    args = [w for w in words[1:] if not w.startswith("-")]
    sealed = bool(ctx.charm_state.get("sealed"))
    keys = list(ctx.charm_state.get("unseal-keys", ()))
    if args == ["status"]:
        return Outcome(2 if sealed else 0, _status_table(sealed, len(keys)), "")
    if args[:2] == ["operator", "unseal"] and len(args) == 3:
        if not sealed:
            return Outcome(0, _status_table(False, 0), "")
        if args[2] not in keys:
            keys.append(args[2])
        if len(keys) >= UNSEAL_THRESHOLD:
            return Outcome(0, _status_table(False, 0), "",
                           state={"sealed": None, "unseal-keys": None})
        return Outcome(0, _status_table(True, len(keys)), "", state={"unseal-keys": keys})
    return Outcome(1, "", "Usage: vault <command> [args]\n")


def _status_table(sealed: bool, progress: int) -> str:
    rows = [("Seal Type", "shamir"), ("Initialized", "true"),
            ("Sealed", str(sealed).lower()), ("Total Shares", "5"),
            ("Threshold", str(UNSEAL_THRESHOLD))]
    if sealed:
        rows.append(("Unseal Progress", f"{progress}/{UNSEAL_THRESHOLD}"))
    return "Key             Value\n---             -----\n" + "".join(
        f"{k.ljust(16)}{v}\n" for k, v in rows)


def infra_behaviours() -> dict[str, Charm]:
    """OVN, MySQL, RabbitMQ and vault."""
    router = Profile(charm="mysql-router", origin=None, subordinate=True,
                     services=("mysqlrouter",), actions={})
    return {**ovn_behaviours(), "mysql-innodb-cluster": MysqlInnodbCluster(),
            "mysql-router": Charm(router), "rabbitmq-server": RabbitMQServer(),
            "vault": Vault()}

