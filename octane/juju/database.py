"""A model's MySQL as an operator finds it with Juju: the cluster leader, its address, root.

Why: ``octane db copy juju:<model>`` and ``octane upgrade-db`` must reach each model's
database without the operator typing addresses or passwords. The charm guide's way is
what this module does, through the Juju port:

- the model's ``mysql-innodb-cluster`` application (exactly one), and its **leader** unit
  (the charm keeps its settings there; octane talks to the leader's server, port 3306, as
  the guide's ``juju ssh mysql-innodb-cluster/leader mysql -u root ...`` does);
- the leader's public address from ``juju status`` (FullStatus);
- the root password from the charm's **leader settings**: ``juju exec --unit
  mysql-innodb-cluster/leader -- leader-get mysql.passwd`` (mysql-innodb-cluster's README,
  "root password").

The password travels only in memory (never in argv, the journal or octane's log lines).
Root must accept a connection from the jumphost; when it does not (a cluster that
restricts root to the units), the connection fails in one line and ``mysql://`` URLs of a
suitably granted account are the way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from octane.errors import NotFound, OctaneError
from octane.juju.topology import TopologyModel, UnitPlace

CHARM = "mysql-innodb-cluster"
PORT = 3306
PASSWORD_KEY = "mysql.passwd"


@dataclass(frozen=True)
class Cluster:
    """Where a model's database cluster is: its application, leader unit and address."""

    model: str
    application: str
    leader: UnitPlace
    port: int = PORT

    @property
    def address(self) -> str:
        """The leader's public address."""
        return self.leader.address


@dataclass(frozen=True)
class Access:
    """How to log in to the cluster's leader (the password never shows in repr)."""

    host: str
    port: int
    user: str
    password: str = field(repr=False)


async def find_cluster(model: TopologyModel) -> Cluster:
    """The model's mysql-innodb-cluster application and its leader, or a one-line refusal."""
    topology = await model.topology()
    apps = topology.applications_of(CHARM)
    if not apps:
        raise NotFound(f"no {CHARM} application in model '{model.name}'")
    if len(apps) > 1:
        raise OctaneError(f"model '{model.name}' has {len(apps)} {CHARM} applications "
                          f"({', '.join(apps)}); octane expects one")
    units = topology.units_of(apps[0])
    leader = next((u for u in units if u.leader), None)
    if leader is None:
        raise OctaneError(f"'{apps[0]}' in model '{model.name}' has no leader",
                          hint="wait until the cluster settles")
    if not leader.address:
        raise OctaneError(f"'{leader.unit}' in model '{model.name}' has no address yet")
    return Cluster(model.name, apps[0], leader)


async def root_password(model: TopologyModel, cluster: Cluster, timeout: float = 60.0) -> str:
    """``leader-get mysql.passwd`` on the leader (the charm's leader settings)."""
    unit = cluster.leader.unit
    result = (await model.run_command([unit], f"leader-get {PASSWORD_KEY}",
                                      timeout=timeout))[unit]
    password = result.stdout.strip()
    if result.return_code != 0 or not password:
        raise OctaneError(f"could not read the root password of '{cluster.application}' from "
                          f"its leader settings on {unit} (rc {result.return_code})")
    return password


async def access(model: TopologyModel) -> tuple[Cluster, Access]:
    """The cluster and the root login to its leader."""
    cluster = await find_cluster(model)
    password = await root_password(model, cluster)
    return cluster, Access(cluster.address, cluster.port, "root", password)
