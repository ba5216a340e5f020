"""A side-by-side twin with real databases, and ``octane`` run against it as a process.

The twin runs in this process (a background thread) so a test can reach the real MariaDB
servers behind the models (rows, checksums, a server killed mid-copy); ``octane`` runs as a
child process with the twin's JUJU_DATA, OS_* variables, its own OCTANE_DATA, and
OCTANE_SSH_USER (the twin's sshds accept the user running the twin).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from octane.db.endpoint import Endpoint
from octane.db.schema import list_databases
from octane.db.session import connect
from octane.openstack import MaintenanceRefused
from octane.openstack import connect as openstack_connect
from octane.twin import scenario as scenario_mod
from octane.twin.openstack.credentials import clouds_yaml, write_clouds_yaml
from octane.twin.services.database_extension import DatabaseExtension, running
from octane.twin.services.mariadb import MariaDBServer
from octane.twin.testing import RunningTwin, running_twin
from tests.functional.db.servers import endpoint as server_endpoint
from tests.real import need_binaries
from tests.rigs import OCTANE, ROOT, Children, Proc, load_scenario, octane_env, wait_until

SCENARIO = ROOT / "etc" / "scenarios" / "side-by-side.yaml"
RUN_TIMEOUT = 300.0
SYSTEM = {"mysql", "information_schema", "performance_schema", "sys"}


def need_real() -> None:
    """MariaDB and sshd are real here: skip locally without them, fail in CI."""
    need_binaries("mariadbd", "mariadb-install-db", "sshd", "ssh-keygen",
                  what="the twin's databases")


def scenario(path: Path = SCENARIO, tweak: Callable[[dict[str, Any]], None] | None = None,
             ) -> scenario_mod.Scenario:
    """A scenario file, optionally tweaked (a bigger seed, another section)."""
    return load_scenario(path, tweak)


@dataclass
class Rig:
    """The twin, its databases, and the environment of ``octane`` processes."""

    twin: RunningTwin
    data: Path
    children: Children

    @property
    def env(self) -> dict[str, str]:
        """The environment of the ``octane`` children."""
        return self.children.env

    @property
    def databases(self) -> DatabaseExtension:
        found = running(self.twin.server)
        assert found is not None, self.twin.server.services.get("databases")
        return found

    def server(self, model: str) -> MariaDBServer:
        return self.databases.database(model).server

    def endpoint(self, model: str) -> Endpoint:
        return server_endpoint(self.server(model))

    def start(self, *args: str) -> Proc:
        """``python -m octane.cli <args>`` with output to files."""
        return self.children.start([*OCTANE, *args])

    def run(self, *args: str) -> Proc:
        proc = self.start(*args)
        proc.wait()
        return proc

    def upgrade_db(self, *extra: str) -> Proc:
        return self.run("upgrade-db", "seed", "--model", "openstack", "--auto-approve", *extra)

    def maintenance_units(self, model: str = "openstack") -> list[str]:
        """The units the twin records as carrying octane's deny-writes rule."""
        return sorted(self.databases.database(model).maintenance.units)

    def state(self, model: str) -> dict[str, Any]:
        found: dict[str, Any] = self.twin.admin.state(model)
        return found

    def paused(self, model: str) -> list[str]:
        """Units whose workload says they are paused."""
        return sorted(name for name, unit in self.state(model)["units"].items()
                      if str(unit.get("message", "")).startswith("Paused"))


@contextlib.contextmanager
def side_by_side(tmp: Path, spec: scenario_mod.Scenario | None = None) -> Iterator[Rig]:
    """A twin on side-by-side (or ``spec``) and the environment for ``octane`` against it."""
    need_real()
    with running_twin(spec or scenario(), data_dir=tmp / "twin", scale=5000.0) as twin:
        data = tmp / "octane"
        children = Children(data, octane_env(twin, data), timeout=RUN_TIMEOUT)
        try:
            yield Rig(twin=twin, data=data, children=children)
        finally:
            children.kill_running()


def checksums(endpoint: Endpoint, skip: Callable[[str], bool] = lambda label: False,
              ) -> dict[str, tuple[int, int | None]]:
    """(rows, CHECKSUM TABLE) of every base table of every user database."""
    out: dict[str, tuple[int, int | None]] = {}
    with connect(endpoint) as session:
        for database in list_databases(session):
            if database in SYSTEM or database == "octane":
                continue
            for (table,) in session.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                    "%s AND table_type = 'BASE TABLE'", (database,)):
                label = f"{database}.{table}"
                if skip(label):
                    continue
                quoted = f"`{database}`.`{table}`"
                rows = int(session.scalar(f"SELECT COUNT(*) FROM {quoted}"))
                out[label] = (rows, session.execute(f"CHECKSUM TABLE {quoted}")[0][1])
    return out


def version_table(label: str) -> bool:
    """Tables a schema sync rewrites (the version records)."""
    return label.endswith((".migrate_version", ".alembic_version"))


def clouds(rig: Rig) -> Path:
    """A clouds.yaml for the original's OpenStack APIs (the probes never touch os.environ:
    changing it while the twin's threads spawn processes corrupts their environment)."""
    path = rig.data / "clouds.yaml"
    if not path.exists():
        state = rig.twin.server.controller.runtime.services["openstack"]["openstack"]
        write_clouds_yaml(path, clouds_yaml(state, rig.env["OS_AUTH_URL"], "twin"))
    return path


def api_write(rig: Rig, host: str = "compute-0") -> str:
    """``ok`` when the original's API accepts a write, ``503`` when it refuses it (a
    hypervisor's compute service disabled, then enabled again)."""
    config = clouds(rig)

    async def go() -> str:
        async with await openstack_connect("twin", config_file=config) as cloud:
            try:
                await cloud.disable_compute_service(host, "octane probe")
                await cloud.enable_compute_service(host)
            except MaintenanceRefused:
                return "503"
            return "ok"
    return asyncio.run(go())


def api_read(rig: Rig) -> int:
    """Compute services the original's API lists (reads work in maintenance)."""
    config = clouds(rig)

    async def go() -> int:
        async with await openstack_connect("twin", config_file=config) as cloud:
            return len(await cloud.compute_services())
    return asyncio.run(go())


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``check`` every 10 ms until it holds (bounded)."""
    wait_until(check, what, timeout, interval=0.01)
