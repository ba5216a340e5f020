"""Reading quorum and OSD state from JSON captured on the real pacific daemons (data/)."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from octane.ceph.live import NoQuorum, mon_ip, read_live
from octane.ceph.osd import check_require_osd_release
from octane.twin.services.ceph import CommandResult
from tests.unit.ceph.fakes import ReadOnlyPort

DATA = Path(__file__).parent / "data"


def _load(name: str) -> Any:
    return json.loads((DATA / f"{name}.json").read_text())


class CannedPort(ReadOnlyPort):
    """Answers like the CLI and the admin sockets did on the captured cluster."""

    def __init__(self, answers: Mapping[str, Any], statuses: Mapping[str, Any | None],
                 rc: int = 0) -> None:
        self.answers, self.statuses, self.rc = answers, statuses, rc

    def ceph(self, args: Sequence[str], *, timeout: float | None = None,
             output: Path | None = None) -> CommandResult:
        key = " ".join(a for a in args if a not in ("-f", "json"))
        if self.rc:
            return CommandResult(("ceph", *args), self.rc, "", "timed out\n")
        return CommandResult(("ceph", *args), 0, json.dumps(self.answers[key]), "")

    def mon_status(self, name: str, *, timeout: float = 5.0) -> Mapping[str, Any] | None:
        return self.statuses[name]


def _statuses(state: str = "leader") -> dict[str, Any]:
    """Each member's mon_status, made from the captured one of mon.a."""
    quorum = _load("quorum_status")
    out = {}
    for entry in quorum["monmap"]["mons"]:
        status = copy.deepcopy(_load("mon_status_leader"))
        status.update(name=entry["name"], rank=entry["rank"], state=state)
        out[entry["name"]] = status
    return out


def test_monitor_ip_from_address_vector_and_legacy_forms() -> None:
    entry = _load("quorum_status")["monmap"]["mons"][0]
    assert mon_ip(entry) == entry["public_addrs"]["addrvec"][0]["addr"].split(":")[0]
    assert mon_ip({"addr": "10.5.0.7:6789/0"}) == "10.5.0.7"
    assert mon_ip({"public_addrs": {"addrvec": [{"type": "v2", "addr": "[fd00::7]:3300"}]}}
                  ) == "fd00::7"


def test_full_quorum_read_from_cli_and_admin_sockets() -> None:
    quorum = _load("quorum_status")
    live = read_live(CannedPort({"quorum_status": quorum}, _statuses()), timeout=1)
    assert sorted(live.quorum) == ["a", "b", "c"] == sorted(live.members)
    assert live.leader == quorum["quorum_leader_name"]
    assert live.degraded() is None
    assert live.monmap.running == ("a", "b", "c")
    assert live.fsid == quorum["monmap"]["fsid"] and live.epoch == 1


def test_stale_cli_quorum_is_caught_by_the_admin_sockets() -> None:
    """``ceph`` still answered with the old quorum while mon.a itself was probing."""
    statuses = _statuses()
    statuses["a"] = _load("mon_status_probing")
    statuses["b"] = None
    live = read_live(CannedPort({"quorum_status": _load("quorum_status")}, statuses), timeout=1)
    assert live.degraded() == ("mon.a is probing, not in quorum; "
                               "mon.b does not answer on its admin socket")
    assert live.monmap.running == ("c",)


def test_member_on_an_older_monmap_epoch_is_not_healthy() -> None:
    statuses = _statuses()
    statuses["c"]["monmap"]["epoch"] = 0
    live = read_live(CannedPort({"quorum_status": _load("quorum_status")}, statuses), timeout=1)
    assert live.degraded() == "mon.c still has monmap epoch 0"


def test_no_quorum_is_an_error_not_an_empty_reading() -> None:
    with pytest.raises(NoQuorum, match=r"quorum_status` failed \(rc 1\): timed out"):
        read_live(CannedPort({}, {}, rc=1), timeout=1)


def test_release_check_on_captured_pacific_cluster() -> None:
    port = CannedPort({"osd dump": _load("osd_dump"), "versions": _load("versions")}, {})
    check = check_require_osd_release(port, timeout=1)
    assert (check.ok, check.required, check.osd_releases) == (True, "pacific", ("pacific",))


def test_release_check_flags_osds_older_than_required() -> None:
    versions = _load("versions")
    versions["osd"] = {"ceph version 15.2.17 (abc) octopus (stable)": 2,
                       "ceph version 16.2.15 (def) pacific (stable)": 1}
    port = CannedPort({"osd dump": _load("osd_dump"), "versions": versions}, {})
    check = check_require_osd_release(port, timeout=1)
    assert not check.ok and check.osd_releases == ("octopus", "pacific")
    assert check.message == "OSDs on octopus are older than require_osd_release pacific"
