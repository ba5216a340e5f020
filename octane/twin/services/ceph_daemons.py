"""Real ceph-mon (and optional ceph-mgr and memstore ceph-osd) daemons on loopback.

Why this shape (shared/reference/components.md §2 and recipes/ceph-cluster.sh, redone in
Python): every daemon runs in the foreground under a :class:`subprocess.Popen` we keep, so
we stop exactly the processes we started, by PID, with a bounded grace; each monitor binds
the standard ports on its own leased 127.a.b.c so several developers' test runs share the
machine without colliding; the mgr and the OSD get one more leased address for the same
reason. Nothing goes to /etc/ceph or /var/lib/ceph: everything lives under ``base``.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from octane.paths import private_dir
from octane.twin.services.ceph import (
    FAST_SETTINGS,
    LOCK_DIR,
    MON_PORTS,
    CephCluster,
    CephUnavailable,
    CommandResult,
    addrvec,
    private_file,
)
from octane.twin.services.loopback import AddressLease, hold, start_logged, stop_processes


def lease_address(addr: str | None = None, *, rng: random.Random | None = None,
                  attempts: int = 200) -> AddressLease:
    """Hold ``addr``, or a random free 127.a.b.c (a in 64..191), free on 3300 and 6789."""
    held = hold(MON_PORTS, lock_dir=LOCK_DIR, second_octet=(64, 191), addr=addr,
                attempts=attempts, rng=rng)
    if held is None:
        raise CephUnavailable(f"no free loopback address ({addr or f'{attempts} tries'})")
    return held


def read_admin_socket(path: Path, prefix: str, timeout: float = 5.0) -> dict[str, Any] | None:
    """One admin-socket command (JSON + NUL; answer: 4-byte big-endian length, payload).

    Spoken directly rather than through ``ceph --admin-daemon`` so polling every monitor
    several times a second costs milliseconds, not a Python start-up each time. None when
    the daemon does not answer (stopped, killed, stale socket file).
    """
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(str(path))
            sock.sendall(json.dumps({"prefix": prefix, "format": "json"}).encode() + b"\0")
            (size,) = struct.unpack(">I", _recv_exact(sock, 4))
            answer = json.loads(_recv_exact(sock, size))
    except (OSError, ValueError, struct.error):
        return None
    return answer if isinstance(answer, dict) else None


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise OSError("admin socket closed early")
        data += chunk
    return data


def _env() -> dict[str, str]:
    # /usr/bin/ceph is a /usr/bin/python3 script: keep our venv's Python settings out of it
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}


def run_bounded(argv: Sequence[str], timeout: float) -> CommandResult:
    """Run a command with a hard outer timeout; a timeout is rc 124, like timeout(1)."""
    try:
        done = subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, env=_env(), check=False)
    except subprocess.TimeoutExpired:
        return CommandResult(tuple(argv), 124, "", f"timed out after {timeout:.0f}s\n")
    return CommandResult(tuple(argv), done.returncode, done.stdout, done.stderr)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    # PR_SET_PDEATHSIG = 1: a test runner killed hard must not leave monitors behind.
    # Caveat: the "parent" is the thread that spawned the daemon (see RealCephCluster).
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


class RealCephCluster(CephCluster):
    """Real daemons under ``base`` (the cluster owns the directory: destroy deletes it).

    ``die_with_parent`` ties each daemon to the *thread* that started it (PR_SET_PDEATHSIG):
    right for tests started from the main thread, wrong for a pool thread that may exit.
    """

    def __init__(self, base: Path, *, fast: bool = True, cli_timeout: float = 10.0,
                 die_with_parent: bool = False) -> None:
        super().__init__(fsid="")
        self.base = private_dir(base.resolve())
        self.conf = self.base / "ceph.conf"
        self.keys = self.base / "keys"
        self.admin_keyring = self.keys / "ceph.client.admin.keyring"
        self.fast, self.cli_timeout, self.die_with_parent = fast, cli_timeout, die_with_parent
        self._procs: dict[str, subprocess.Popen[bytes]] = {}
        self._leases: dict[str, AddressLease] = {}     # by address
        self._client_hosts: list[str] = []
        self._daemon_addr: str | None = None           # public_addr of the mgr and the OSDs

    @classmethod
    def bootstrap(cls, base: Path, names: Sequence[str] = ("a", "b", "c"), *,
                  fast: bool = True, timeout: float = 60.0, cli_timeout: float = 10.0,
                  die_with_parent: bool = False) -> RealCephCluster:
        """A new cluster (fsid, cephx keys, monmap) with monitors ``names`` in quorum."""
        cluster = cls(base, fast=fast, cli_timeout=cli_timeout, die_with_parent=die_with_parent)
        try:
            cluster._bootstrap(list(names), timeout)
        except BaseException:
            cluster.destroy()
            raise
        return cluster

    def _bootstrap(self, names: list[str], timeout: float) -> None:
        for sub in ("run", "log", "mon", "keys"):
            private_dir(self.base / sub)
        self.fsid = str(uuid.uuid4())
        self._mons = {name: self.allocate_mon_address() for name in names}
        self._client_hosts = list(self._mons.values())
        self._write_conf()
        mon_keyring, monmap = self.keys / "mon.keyring", self.keys / "monmap"
        self._must(["ceph-authtool", "--create-keyring", str(mon_keyring), "--gen-key",
                    "-n", "mon.", "--cap", "mon", "allow *"])
        self._must(["ceph-authtool", "--create-keyring", str(self.admin_keyring), "--gen-key",
                    "-n", "client.admin", "--cap", "mon", "allow *", "--cap", "osd", "allow *",
                    "--cap", "mds", "allow *", "--cap", "mgr", "allow *"])
        self._must(["ceph-authtool", str(mon_keyring), "--import-keyring",
                    str(self.admin_keyring)])
        addv = [w for name, addr in self._mons.items() for w in ("--addv", name, addrvec(addr))]
        self._must(["monmaptool", "--create", "--fsid", self.fsid, *addv, str(monmap)])
        for name in names:
            self._mkfs(name, monmap, mon_keyring)
            self.start_mon(name)
        monmap.unlink()
        self.wait_for_quorum(timeout=timeout)

    def _write_conf(self) -> None:
        """ceph.conf, replaced atomically: CLI calls may read it at any moment."""
        b, daemon = self.base, self._daemon_addr
        glob = {"fsid": self.fsid, "mon_host": ",".join(map(addrvec, self._client_hosts)),
                "auth_cluster_required": "cephx", "auth_service_required": "cephx",
                "auth_client_required": "cephx", "auth_allow_insecure_global_id_reclaim": "false",
                "ms_bind_ipv4": "true", "ms_bind_ipv6": "false", "run_dir": f"{b}/run",
                "log_file": f"{b}/log/$cluster-$name.log",
                "mon_cluster_log_file": f"{b}/log/$cluster.log",
                "mon_data": f"{b}/mon/$cluster-$id", "mgr_data": f"{b}/mgr/$cluster-$id",
                "osd_data": f"{b}/osd/$cluster-$id", "keyring": str(self.admin_keyring),
                # small, nearly full CI disks must not make a monitor warn or refuse to run
                "mon_data_avail_warn": "1", "mon_data_avail_crit": "0",
                "mon_allow_pool_delete": "true", "mon_allow_pool_size_one": "true",
                "osd_pool_default_size": "1", "osd_pool_default_min_size": "1",
                "osd_pool_default_pg_autoscale_mode": "off",
                "mon_warn_on_pool_no_redundancy": "false",
                "osd_objectstore": "memstore", "memstore_device_bytes": str(256 << 20),
                **(FAST_SETTINGS if self.fast else {})}
        asok = f"{b}/run/$cluster-$name.asok"
        # admin_socket only in daemon sections: a [global] one makes CLI clients collide
        sections: dict[str, dict[str, str]] = {"global": glob, "mon": {
            "admin_socket": asok, "pid_file": f"{b}/run/$cluster-$name.pid"}}
        if daemon:
            for kind in ("mgr", "osd"):
                sections[kind] = {"public_addr": daemon, "admin_socket": asok,
                                  "keyring": f"{b}/{kind}/$cluster-$id/keyring"}
            sections["osd"].update(cluster_addr=daemon, osd_max_object_name_len="256",
                                   osd_max_object_namespace_len="64",
                                   # memstore keeps its data only through a clean shutdown
                                   osd_fast_shutdown="false")
        for name, addr in self._mons.items():
            sections[f"mon.{name}"] = {"public_addr": addr}
        text = "".join(f"[{section}]\n" + "".join(f"{k} = {v}\n" for k, v in opts.items()) + "\n"
                       for section, opts in sections.items())
        tmp = self.conf.with_name(".ceph.conf.tmp")
        tmp.write_text(text)
        os.replace(tmp, self.conf)

    def _must(self, argv: Sequence[str], timeout: float = 60.0) -> CommandResult:
        result = run_bounded(argv, timeout)
        self._check(result)
        return result

    def _mkfs(self, name: str, monmap: Path, keyring: Path) -> None:
        data = self.base / "mon" / f"ceph-{name}"
        if (data / "keyring").exists():
            return                                   # already created: deploy is idempotent
        shutil.rmtree(data, ignore_errors=True)
        self._must(["ceph-mon", "-c", str(self.conf), "--mkfs", "-i", name,
                    "--monmap", str(monmap), "--keyring", str(keyring)])

    # -- processes -------------------------------------------------------------------------
    def _spawn(self, key: str, argv: list[str]) -> None:
        proc = self._procs.get(key)
        if proc is not None and proc.poll() is None:
            return
        proc = start_logged(argv, self.base / "log" / f"stdout.{key}.log", env=_env(),
                            preexec_fn=_die_with_parent if self.die_with_parent else None)
        self._procs[key] = proc
        (self.base / "run" / f"launch.{key}.pid").write_text(f"{proc.pid}\n")

    def _halt(self, keys: Iterable[str], *, sig: int = signal.SIGTERM, grace: float = 10.0) -> None:
        procs = {key: self._procs.pop(key) for key in list(keys) if key in self._procs}
        stop_processes(procs.values(), sig=sig, grace=grace)
        for key in procs:
            (self.base / "run" / f"launch.{key}.pid").unlink(missing_ok=True)

    def pids(self) -> dict[str, int]:
        """PIDs of the daemons this object started and that still run (``mon.a``: 1234)."""
        return {key: proc.pid for key, proc in self._procs.items() if proc.poll() is None}

    def start_mon(self, name: str) -> None:
        """Start a deployed monitor in the foreground (no-op when it runs)."""
        if name not in self._mons:
            raise KeyError(f"mon.{name} is not deployed")
        self._spawn(f"mon.{name}", ["ceph-mon", "-c", str(self.conf), "-i", name, "-f"])

    def stop_mon(self, name: str, *, kill: bool = False) -> None:
        """SIGTERM (10 s grace, then SIGKILL), or SIGKILL at once when ``kill``."""
        self._halt([f"mon.{name}"], sig=signal.SIGKILL if kill else signal.SIGTERM)

    def stop_all(self) -> None:
        """OSDs and mgr first (memstore persists on a clean stop), then the monitors."""
        self._halt([k for k in self._procs if not k.startswith("mon.")])
        self._halt(list(self._procs))

    def destroy(self) -> None:
        """Stop every daemon we started, release the addresses, delete ``base``."""
        try:
            self.stop_all()
        finally:
            for lease in self._leases.values():
                lease.release()
            self._leases.clear()
            shutil.rmtree(self.base, ignore_errors=True)

    # -- the hand-over port ----------------------------------------------------------------
    def ceph(self, args: Sequence[str], *, timeout: float | None = None,
             output: Path | None = None) -> CommandResult:
        """The admin CLI with ``--connect-timeout`` and an outer timeout 5 s longer.

        Without ``--connect-timeout`` the CLI blocks for ever when there is no quorum.
        """
        limit = self.cli_timeout if timeout is None else timeout
        argv = ["ceph", "-c", str(self.conf), "--connect-timeout", str(max(1, round(limit))),
                *args]
        if output is not None:
            private_file(output)
            argv += ["-o", str(output)]
        return run_bounded(argv, limit + 5)

    def rados(self, args: Sequence[str], *, timeout: float | None = None) -> CommandResult:
        """The ``rados`` CLI against this cluster, bounded like :meth:`ceph`."""
        limit = self.cli_timeout if timeout is None else timeout
        return run_bounded(["rados", "-c", str(self.conf), *args], limit + 5)

    def asok(self, name: str) -> Path:
        """The admin socket of monitor ``name``."""
        return self.base / "run" / f"ceph-mon.{name}.asok"

    def mon_status(self, name: str, *, timeout: float = 5.0) -> dict[str, Any] | None:
        """``mon_status`` straight from the admin socket: works without a quorum."""
        return read_admin_socket(self.asok(name), "mon_status", timeout)

    def admin_command(self, name: str, words: Sequence[str]) -> CommandResult:
        """``ceph --admin-daemon`` on the monitor's socket, for exact CLI output."""
        return run_bounded(["ceph", "--admin-daemon", str(self.asok(name)), *words],
                           self.cli_timeout + 5)

    def allocate_mon_address(self) -> str:
        """Lease a fresh address for this cluster (released when its monitor retires)."""
        lease = lease_address()
        self._leases[lease.addr] = lease
        return lease.addr

    def create_mon(self, name: str, addr: str, *, monmap: Path, keyring: Path) -> None:
        """mkfs from the live monmap and the ``mon.`` key, not started; idempotent."""
        if self._mons.get(name, addr) != addr:
            raise ValueError(f"mon.{name} is already deployed at {self._mons[name]}")
        if addr not in self._leases:
            self._leases[addr] = lease_address(addr)
        self._mons[name] = addr
        self._write_conf()                         # [mon.NAME] public_addr
        self._mkfs(name, monmap, keyring)

    def has_store(self, name: str) -> bool:
        """``ceph-mon --mkfs`` left the store's keyring (retire_mon deletes the store)."""
        return (self.base / "mon" / f"ceph-{name}" / "keyring").exists()

    def retire_mon(self, name: str) -> None:
        """Reap a removed monitor, delete its store, free its address.

        The hand-over stops the daemon before ``ceph mon remove`` (``stop_mon``); a monitor
        removed while running exits by itself within about a second ("removed from monmap,
        suicide"), which is waited for here too.
        """
        proc = self._procs.get(f"mon.{name}")
        if proc is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(5)
        self._halt([f"mon.{name}"])
        addr = self._mons.pop(name, None)
        self._write_conf()
        shutil.rmtree(self.base / "mon" / f"ceph-{name}", ignore_errors=True)
        if addr in self._leases:
            self._leases.pop(addr).release()

    def point_clients_at(self, addrs: Sequence[str]) -> None:
        """Rewrite ``mon_host`` in ceph.conf (every client here reads that file)."""
        self._client_hosts = list(addrs)
        self._write_conf()

    # -- the data path (optional) ----------------------------------------------------------
    def _daemon_address(self) -> str:
        if self._daemon_addr is None:
            self._daemon_addr = self.allocate_mon_address()
            self._write_conf()
        return self._daemon_addr

    def add_mgr(self, mgr_id: str = "x") -> None:
        """Start a ceph-mgr (not needed for client I/O; ``ceph -s`` reports PGs through it)."""
        self._daemon_address()
        data = private_dir(self.base / "mgr" / f"ceph-{mgr_id}")
        self._check(self.ceph(["auth", "get-or-create", f"mgr.{mgr_id}", "mon", "allow profile mgr",
                               "osd", "allow *", "mds", "allow *"], output=data / "keyring"))
        self._spawn(f"mgr.{mgr_id}", ["ceph-mgr", "-c", str(self.conf), "-i", mgr_id, "-f"])

    def add_osd(self) -> int:
        """A RAM-backed (memstore) OSD; returns its id."""
        self._daemon_address()
        osd_uuid = str(uuid.uuid4())
        new = self.ceph(["osd", "new", osd_uuid])
        self._check(new)
        osd_id = int(new.stdout.strip())
        data = private_dir(self.base / "osd" / f"ceph-{osd_id}")
        self._check(self.ceph(["auth", "get-or-create", f"osd.{osd_id}", "mon", "allow profile osd",
                               "mgr", "allow profile osd", "osd", "allow *"],
                              output=data / "keyring"))
        self._must(["ceph-osd", "-c", str(self.conf), "-i", str(osd_id), "--mkfs",
                    "--osd-uuid", osd_uuid])
        self._spawn(f"osd.{osd_id}", ["ceph-osd", "-c", str(self.conf), "-i", str(osd_id), "-f"])
        return osd_id

    def restart_osd(self, osd_id: int) -> None:
        """Stop an OSD cleanly (memstore keeps its objects) and start it again: what an
        operator's ``systemctl restart ceph-osd@N`` does to a stuck OSD."""
        key = f"osd.{osd_id}"
        self._halt([key])
        self._spawn(key, ["ceph-osd", "-c", str(self.conf), "-i", str(osd_id), "-f"])

    def create_pool(self, pool: str, *, timeout: float = 90.0) -> None:
        """A one-PG replicated pool, returned once an object can be written to it."""
        self._check(self.ceph(["osd", "pool", "create", pool, "1", "1"]))
        deadline = time.monotonic() + timeout
        while True:
            probe = self.rados(["-p", pool, "put", "octane-probe", "/dev/null"], timeout=10)
            if probe.ok:
                return
            if time.monotonic() >= deadline:
                raise CephUnavailable(f"pool {pool} not writable within {timeout:.0f}s: "
                                      f"{probe.stderr.strip()}")
            time.sleep(0.5)
