"""The twin's databases: section schema, its machines' executor, and the contracts between
the twin and octane (maintenance script header, API charms) — no servers."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from octane.juju import maintenance
from octane.migrations import registry as migrations
from octane.twin.behaviours.base import ExecResult, UnitContext
from octane.twin.executors import ExecRequest
from octane.twin.scenario import ScenarioError
from octane.twin.services import database_host
from octane.twin.services.database_host import (
    DatabaseHostExecutor,
    MaintenanceRecord,
    service_of,
    unit_release,
)
from octane.twin.services.database_section import parse_section


def test_octane_and_the_twin_agree_on_the_maintenance_contract() -> None:
    assert database_host.MAINTENANCE_HEADER == maintenance.HEADER
    assert database_host.API_CHARMS == maintenance.API_CHARMS
    charms = {migrations.load(s).charm for s in migrations.services()}
    assert charms == set(maintenance.API_CHARMS)   # every service database's API is fenced


@pytest.mark.parametrize(("raw", "message"), [
    ([], "models.m.databases: expected a mapping"),
    ({"seeds": 1}, "models.m.databases.seeds: unknown key (expected one of application, "
                   "contents, databases, release, size, ssh)"),
    ({"contents": "full"}, "models.m.databases.contents: expected one of seeded, empty, "
                           "none, not 'full'"),
    ({"release": "kilo"}, "models.m.databases.release: the twin's schemas know ussuri, "
                          "victoria, wallaby, xena, yoga, zed, antelope, bobcat, caracal, "
                          "not 'kilo'"),
    ({"contents": "empty", "size": "tiny"}, "models.m.databases: size and release describe "
                                            "seeded contents, not 'empty'"),
    ({"databases": ["keystone", "swift"]}, "models.m.databases.databases[1]: the twin has "
                                           "no schema for 'swift'"),
    ({"size": {"instances": 3}}, "models.m.databases.size: expected tiny, {instances: N} "
                                 "(N >= 10) or {megabytes: M}"),
])
def test_impossible_sections_are_refused_in_one_line(raw: Any, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_section("x.yaml", "m", raw)
    assert caught.value.one_line().startswith(f"x.yaml: {message}")


def test_a_section_says_what_the_server_starts_with() -> None:
    section = parse_section("x.yaml", "m", {"release": "yoga", "size": {"instances": 100},
                                            "ssh": ["3"]})
    assert (section.contents, section.release, section.size.instances, section.ssh) == \
        ("seeded", "yoga", 100, ("3",))
    empty = parse_section("x.yaml", "m", {"contents": "empty", "databases": ["keystone"]})
    assert empty.key() != section.key() and empty.databases == ("keystone",)


def ctx(unit: str, charm: str, version: str = "", origin: str = "distro") -> UnitContext:
    return UnitContext(model="m", application=unit.split("/")[0], unit=unit, charm=charm,
                       channel="victoria/stable", revision=1,
                       config={"openstack-origin": origin}, leader=True,
                       base="ubuntu@20.04", series="focal", machine="0", hostname="h",
                       workload_version=version)


def test_the_installed_release_comes_from_the_version_else_the_origin() -> None:
    assert unit_release(ctx("keystone/0", "keystone", "18.0.0")) == "victoria"
    assert unit_release(ctx("keystone/0", "keystone", "", "cloud:focal-wallaby")) == "wallaby"
    assert unit_release(ctx("keystone/0", "keystone", "", "distro")) == "ussuri"
    assert service_of(["neutron-db-manage", "upgrade", "heads"]) == "neutron"
    assert service_of(["aodh-dbsync"]) == "aodh"
    assert service_of(["ls"]) is None


@dataclass
class View:
    """A model whose API units are keystone/0 and glance/0."""

    units: list[str] = field(default_factory=lambda: ["keystone/0", "glance/0"])
    maintenance: list[bool] = field(default_factory=list)
    datadir: Path = Path("/")

    @property
    def server(self) -> Any:
        return self

    @property
    def application(self) -> str:
        return "mysql-innodb-cluster"

    @property
    def leader_settings(self) -> Mapping[str, str]:
        return {"mysql.passwd": "pw", "cluster-password": "cpw"}

    def api_units(self) -> list[str]:
        return self.units

    def set_maintenance(self, on: bool) -> None:
        self.maintenance.append(on)


class Fallback:
    async def run(self, request: ExecRequest) -> ExecResult:
        return ExecResult(127, "", "fallback\n")


def request(command: str, unit: UnitContext | None) -> ExecRequest:
    return ExecRequest(model="m", machine="0", hostname="h", command=command, timeout=None,
                       unit=unit, behaviour=None)


def test_the_api_is_read_only_only_while_every_api_unit_carries_the_rule() -> None:
    view, record = View(), MaintenanceRecord()
    executor = DatabaseHostExecutor(view, record, Fallback())
    keystone, glance = ctx("keystone/0", "keystone"), ctx("glance/0", "glance")

    def run(command: str, unit: UnitContext) -> ExecResult:
        return asyncio.run(executor.run(request(command, unit)))
    assert run(maintenance.script("on"), keystone).stdout == "octane-api-maintenance: on\n"
    assert view.maintenance == [False]                     # glance/0 still takes writes
    run(maintenance.script("on"), glance)
    assert view.maintenance[-1] is True
    assert run(maintenance.script("status"), glance).stdout == "octane-api-maintenance: on\n"
    run(maintenance.script("off"), keystone)
    assert view.maintenance[-1] is False and record.units == {"glance/0"}
    vault = replace(keystone, unit="vault/0", application="vault", charm="vault")
    assert run(maintenance.script("on"), vault).stderr == "fallback\n"   # not an API unit


def test_database_units_answer_leader_get_and_df() -> None:
    view, record = View(), MaintenanceRecord()
    executor = DatabaseHostExecutor(view, record, Fallback())
    mysql = replace(ctx("mysql-innodb-cluster/0", "mysql-innodb-cluster"),
                    application="mysql-innodb-cluster")
    got = asyncio.run(executor.run(request("leader-get mysql.passwd", mysql)))
    assert (got.return_code, got.stdout) == (0, "pw\n")
    every = asyncio.run(executor.run(request("leader-get", mysql)))
    assert every.stdout == "cluster-password: cpw\nmysql.passwd: pw\n"
    df = asyncio.run(executor.run(request("df -Pk /var/lib/mysql", mysql)))
    assert df.return_code == 0 and int(df.stdout.splitlines()[1].split()[3]) > 0
    keystone = ctx("keystone/0", "keystone")
    assert asyncio.run(executor.run(request("leader-get mysql.passwd", keystone))) \
        .stderr == "fallback\n"                            # only the database's units
