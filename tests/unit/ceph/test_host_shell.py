"""The ceph-mon machine's shell in the twin: what octane's command lines do to a host.

Run against the simulated cluster (no daemons): the rules here are the host's — quoting
and operators, file modes under ``umask``, the admin keyring the CLI needs, the admin
socket of the host's own monitor only, ``ceph-mon --mkfs`` bound to the host's address,
``systemctl`` on its own ``ceph-mon@NAME``.
"""

from __future__ import annotations

import base64
import json
import stat
import threading
from pathlib import Path

import pytest

from octane.twin.services.ceph_host import ADMIN_KEYRING, CephHost
from octane.twin.services.ceph_simulated import SimulatedCephCluster


@pytest.fixture
def sim() -> SimulatedCephCluster:
    return SimulatedCephCluster(("a", "b", "c"))


def _host(sim: SimulatedCephCluster, tmp_path: Path, name: str, *, mon: bool,
          events: list[str] | None = None) -> CephHost:
    address = sim.mons[name] if mon else sim.allocate_mon_address()
    host = CephHost(sim, hostname=name, address=address, root=tmp_path / name,
                    lock=threading.Lock(), mon=name if mon else None,
                    changed=(lambda: events.append(name)) if events is not None else None)
    if mon:
        keyring = host.root / ADMIN_KEYRING.lstrip("/")
        keyring.parent.mkdir(parents=True)
        keyring.write_text("[client.admin]\n")
    return host


def test_operators_quotes_and_redirections(sim: SimulatedCephCluster, tmp_path: Path) -> None:
    host = _host(sim, tmp_path, "a", mon=True)
    payload = base64.b64encode(b"\x00binary\xffmonmap").decode()
    done = host.run(f"umask 077 && mkdir -p /var/lib/ceph/tmp && printf %s '{payload}' "
                    "| base64 -d > /var/lib/ceph/tmp/m && chown ceph:ceph /var/lib/ceph/tmp/m")
    assert done.returncode == 0, done.stderr
    written = host.root / "var/lib/ceph/tmp/m"
    assert written.read_bytes() == b"\x00binary\xffmonmap"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert host.run("base64 -w0 /var/lib/ceph/tmp/m").stdout == payload
    assert host.run("false && echo no; echo yes").stdout == "yes\n"
    assert host.run("false || echo rescued").stdout == "rescued\n"
    assert host.run("test -f /var/lib/ceph/tmp/m && rm -f /var/lib/ceph/tmp/m").returncode == 0
    assert not written.exists()
    assert host.run("rm -f /var/lib/ceph/tmp/missing").returncode == 0
    assert host.run("echo 'a && b'").stdout == "a && b\n"
    assert host.run("printf %s x >").returncode == 2                 # syntax error
    assert host.run("ls /").returncode == 127


def test_handles_only_lines_of_its_own_programs(sim: SimulatedCephCluster,
                                                tmp_path: Path) -> None:
    host = _host(sim, tmp_path, "a", mon=True)
    assert host.handles("sudo ceph daemon mon.a mon_status")
    assert host.handles("umask 077 && printf %s x | base64 -d > /tmp/x")
    assert not host.handles("ls /var/lib/ceph")                      # the default's business
    assert not host.handles("ceph -s | grep HEALTH")
    assert not host.handles("echo 'unterminated")


def test_the_cli_needs_the_admin_keyring(sim: SimulatedCephCluster, tmp_path: Path) -> None:
    mon_host, seed = _host(sim, tmp_path, "a", mon=True), _host(sim, tmp_path, "d", mon=False)
    ok = mon_host.run("ceph --connect-timeout 5 quorum_status -f json")
    assert ok.returncode == 0 and sorted(json.loads(ok.stdout)["quorum_names"]) == ["a", "b",
                                                                                    "c"]
    refused = seed.run("ceph --connect-timeout 5 quorum_status -f json")
    assert refused.returncode == 1 and "keyring not found" in refused.stderr
    out = mon_host.run("umask 077 && ceph auth get mon. -o /var/tmp/k && base64 -w0 /var/tmp/k")
    assert b"[mon.]" in base64.b64decode(out.stdout)
    assert stat.S_IMODE((mon_host.root / "var/tmp/k").stat().st_mode) == 0o600


def test_the_admin_socket_of_its_own_monitor_only(sim: SimulatedCephCluster,
                                                  tmp_path: Path) -> None:
    host = _host(sim, tmp_path, "a", mon=True)
    own = host.run("sudo ceph daemon mon.a mon_status")
    assert own.returncode == 0 and json.loads(own.stdout)["name"] == "a"
    other = host.run("ceph daemon mon.b mon_status")
    assert other.returncode == 22 and "No such file or directory" in other.stderr
    sim.stop_mon("a")
    down = host.run("ceph daemon mon.a mon_status")
    assert down.returncode == 22 and "Connection refused" in down.stderr


def test_a_seed_host_creates_starts_and_disables_its_monitor(
        sim: SimulatedCephCluster, tmp_path: Path) -> None:
    events: list[str] = []
    seed = _host(sim, tmp_path, "d", mon=False, events=events)
    files = "--monmap /var/lib/ceph/tmp/mm --keyring /var/lib/ceph/tmp/k"
    lost = seed.run("printf %s map > /var/lib/ceph/tmp/mm")
    assert lost.returncode == 1 and "No such file or directory" in lost.stderr
    assert seed.run("mkdir -p /var/lib/ceph/tmp && printf %s map > /var/lib/ceph/tmp/mm && "
                    "printf %s key > /var/lib/ceph/tmp/k").returncode == 0
    wrong = seed.run(f"ceph-mon --mkfs -i d {files} --public-addr 127.9.9.9")
    assert wrong.returncode == 1 and "Cannot assign requested address" in wrong.stderr
    assert seed.run("systemctl start ceph-mon@d").returncode == 1      # no store yet
    mkfs = (f"test -e /var/lib/ceph/mon/ceph-d/keyring || ceph-mon --setuser ceph --setgroup "
            f"ceph --mkfs -i d {files} --public-addr {seed.address}")
    assert seed.run(mkfs).returncode == 0
    assert seed.mon == "d" and sim.has_store("d") and events == ["d"]
    assert seed.run(mkfs).returncode == 0                               # idempotent
    assert seed.run(f"ceph-mon --mkfs -i d {files}").returncode == 1    # store exists
    assert seed.run("systemctl is-active ceph-mon@d").returncode == 3
    assert seed.run("systemctl enable --now ceph-mon@d").returncode == 0
    assert sim.mon_state("d") == "probing"          # running, not a member yet
    assert seed.run("systemctl is-active ceph-mon@d").stdout == "active\n"
    assert seed.serving
    assert seed.run("systemctl disable --now ceph-mon@d").returncode == 0
    assert sim.mon_state("d") == "down" and not seed.enabled and not seed.serving
    assert seed.run("systemctl stop ceph-mon@a").returncode == 1        # not this host's
