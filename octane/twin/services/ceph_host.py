"""The machine under a ceph-mon unit: the few shell commands octane sends it, for real.

Why a shell at all: ``octane upgrade-ceph`` talks to ceph-mon units only through
``juju exec``, exactly as to a deployment, so what reaches the twin is a command line —
``umask 077 && mkdir -p /var/lib/ceph/tmp && printf %s '<base64>' | base64 -d > F``,
``ceph-mon --mkfs -i NAME --monmap F --keyring K --public-addr IP``,
``systemctl enable --now ceph-mon@NAME``, ``ceph --connect-timeout 5 quorum_status -f json``.
:class:`CephHost` runs such lines against the twin's cluster: a tiny POSIX shell subset
(``&&``, ``||``, ``;``, ``|``, ``>``, single and double quotes) over a per-machine file
tree (``root``), with the programs a ceph-mon host has. A line using any other program is
not this host's business (:meth:`CephHost.handles` is False) and goes to the twin's
default executor (charm behaviour, then built-ins).

Rules of a real host kept here: the ``ceph`` CLI needs ``/etc/ceph/ceph.client.admin.keyring``
(a seed machine has none until octane copies it there); ``ceph daemon mon.X`` reaches only
this machine's own monitor; ``ceph-mon --mkfs`` refuses an existing store and can bind only
this machine's address; ``systemctl`` manages only this machine's ``ceph-mon@NAME``.
"""

from __future__ import annotations

import base64
import binascii
import json
import shlex
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from octane.twin.services.ceph import CephCluster, CephUnavailable, CommandResult

ADMIN_KEYRING = "/etc/ceph/ceph.client.admin.keyring"
OPERATORS = frozenset({"&&", "||", ";", "|", ">"})
PROGRAMS = frozenset({"sudo", "umask", "mkdir", "printf", "base64", "cat", "rm", "chown",
                      "chmod", "test", "true", "false", "echo", "hostname", "ceph",
                      "ceph-mon", "systemctl"})
NO_KEYRING = ("auth: unable to find a keyring on {k}: (2) No such file or directory\n"
              "monclient: keyring not found\n[errno 2] RADOS object not found "
              "(error connecting to the cluster)\n")


@dataclass
class _Out:
    code: int
    stdout: bytes = b""
    stderr: str = ""


class CephHost:
    """One machine of a model whose unit hosts (or will host) a monitor of ``cluster``.

    ``mon`` is the monitor created here (the machine's hostname, as the charm names it);
    ``changed`` is called after a monitor was created, started, stopped or disabled, so the
    twin can recompute what clients see. ``lock`` serialises daemon changes per cluster.
    """

    def __init__(self, cluster: CephCluster, *, hostname: str, address: str, root: Path,
                 lock: threading.Lock, mon: str | None = None,
                 changed: Callable[[], None] | None = None) -> None:
        self.cluster, self.hostname, self.address = cluster, hostname, address
        self.root, self.lock, self.mon = root, lock, mon
        self.enabled = mon is not None
        self.changed = changed or (lambda: None)
        self._umask = 0o022

    @property
    def serving(self) -> bool:
        """A monitor was created here and is not disabled (what clients may be told)."""
        return self.mon is not None and self.enabled and self.cluster.has_store(self.mon)

    # -- entry points ------------------------------------------------------------------
    def handles(self, command: str) -> bool:
        """Whether every program of ``command`` is one this host runs itself."""
        try:
            pipeline = _parse(command)
        except ValueError:
            return False
        heads = [argv[0] for chain in pipeline for argv, _ in chain[1] if argv]
        return bool(heads) and all(h in PROGRAMS for h in heads)

    def run(self, command: str) -> CommandResult:
        """Run ``command`` as root on this machine; the result of its last pipeline."""
        self._umask = 0o022
        try:
            sequence = _parse(command)
        except ValueError as exc:
            return CommandResult((command,), 2, "", f"bash: line 1: syntax error: {exc}\n")
        out, err = b"", ""
        code = 0
        for connector, chain in sequence:
            if (connector == "&&" and code != 0) or (connector == "||" and code == 0):
                continue
            result = self._pipeline(chain)
            code, out, err = result.code, out + result.stdout, err + result.stderr
        return CommandResult((command,), code, out.decode(errors="replace"), err)

    # -- the shell ---------------------------------------------------------------------
    def _pipeline(self, chain: list[tuple[list[str], str | None]]) -> _Out:
        data, errors, result = b"", "", _Out(0)
        for argv, redirect in chain:
            result = self._command(argv, data)
            errors += result.stderr
            data = result.stdout
            if redirect is not None and result.code == 0:
                try:
                    self._write(redirect, data)
                except OSError as exc:
                    return _Out(1, b"", errors + f"bash: line 1: {redirect}: {exc.strerror}\n")
                data = b""
        return _Out(result.code, data, errors)

    def _path(self, path: str) -> Path:
        if not path.startswith("/"):
            raise ValueError(f"{path}: relative paths are not used on this host")
        return self.root / path.lstrip("/")

    def _write(self, path: str, data: bytes) -> None:
        target = self._path(path)
        target.touch(mode=0o666 & ~self._umask)       # no parent: fails, as bash does
        target.write_bytes(data)

    def _command(self, argv: list[str], stdin: bytes) -> _Out:
        if argv[:1] == ["sudo"]:
            argv = argv[1:]
        if not argv:
            return _Out(0)
        head, args = argv[0], argv[1:]
        try:
            handler = getattr(self, "_do_" + head.replace("-", "_"), None)
            if handler is None or head not in PROGRAMS:
                return _Out(127, stderr=f"bash: line 1: {head}: command not found\n")
            result: _Out = handler(args, stdin)
            return result
        except (OSError, ValueError, CephUnavailable) as exc:
            return _Out(1, stderr=f"{head}: {exc}\n")

    # -- coreutils ---------------------------------------------------------------------
    def _do_umask(self, args: list[str], _: bytes) -> _Out:
        self._umask = int(args[0], 8)
        return _Out(0)

    def _do_mkdir(self, args: list[str], _: bytes) -> _Out:
        for path in (a for a in args if not a.startswith("-")):
            self._path(path).mkdir(mode=0o777 & ~self._umask, parents=True, exist_ok=True)
        return _Out(0)

    def _do_printf(self, args: list[str], _: bytes) -> _Out:
        fmt, values = args[0], args[1:]
        return _Out(0, ("".join(values) if fmt == "%s" else fmt).encode())

    def _do_base64(self, args: list[str], stdin: bytes) -> _Out:
        files = [a for a in args if not a.startswith("-")]
        data = self._path(files[0]).read_bytes() if files else stdin
        if "-d" in args or "--decode" in args:
            try:
                return _Out(0, base64.b64decode(data, validate=False))
            except binascii.Error:
                return _Out(1, stderr="base64: invalid input\n")
        return _Out(0, base64.b64encode(data) + (b"" if "-w0" in args else b"\n"))

    def _do_cat(self, args: list[str], stdin: bytes) -> _Out:
        return _Out(0, b"".join(self._path(a).read_bytes() for a in args) if args else stdin)

    def _do_rm(self, args: list[str], _: bytes) -> _Out:
        for path in (a for a in args if not a.startswith("-")):
            self._path(path).unlink(missing_ok="-f" in args)
        return _Out(0)

    def _do_chown(self, args: list[str], _: bytes) -> _Out:
        missing = [a for a in args[1:] if not a.startswith("-") and not self._exists(a)]
        return _Out(1, stderr=f"chown: cannot access '{missing[0]}'\n") if missing else _Out(0)

    def _do_chmod(self, args: list[str], _: bytes) -> _Out:
        for path in args[1:]:
            self._path(path).chmod(int(args[0], 8))
        return _Out(0)

    def _do_test(self, args: list[str], _: bytes) -> _Out:
        flag, path = (args[0], args[1]) if len(args) == 2 else ("-e", args[0])
        if flag not in ("-e", "-f", "-s", "-d"):
            return _Out(2, stderr=f"test: {flag}: unary operator expected\n")
        return _Out(0 if self._exists(path) else 1)

    def _exists(self, path: str) -> bool:
        # the monitor stores live in the cluster's own tree: ask the cluster about them
        parts = Path(path).parts
        if parts[:5] == ("/", "var", "lib", "ceph", "mon") and len(parts) > 5:
            return self.cluster.has_store(parts[5].removeprefix("ceph-"))
        return self._path(path).exists()

    def _do_true(self, _: list[str], __: bytes) -> _Out:
        return _Out(0)

    def _do_false(self, _: list[str], __: bytes) -> _Out:
        return _Out(1)

    def _do_echo(self, args: list[str], _: bytes) -> _Out:
        return _Out(0, (" ".join(args) + "\n").encode())

    def _do_hostname(self, _: list[str], __: bytes) -> _Out:
        return _Out(0, (self.hostname + "\n").encode())

    # -- ceph ------------------------------------------------------------------------
    def _do_ceph(self, args: list[str], _: bytes) -> _Out:
        if args[:1] in (["daemon"], ["--admin-daemon"]):
            return self._admin_socket(args)
        if not self._path(ADMIN_KEYRING).is_file():
            return _Out(1, stderr=NO_KEYRING.format(k=ADMIN_KEYRING))
        words, timeout, output = _ceph_options(args)
        result = self.cluster.ceph(words, timeout=timeout,
                                   output=self._path(output) if output else None)
        return _Out(result.returncode, result.stdout.encode(), result.stderr)

    def _admin_socket(self, args: list[str]) -> _Out:
        words = args[2:]
        if self.mon is not None and words == ["mon_status"] and \
                args[1] in (f"mon.{self.mon}", f"/var/run/ceph/ceph-mon.{self.mon}.asok"):
            # answered from the socket directly: polling it must not cost a CLI start-up
            status = self.cluster.mon_status(self.mon, timeout=5.0)
            if status is None:
                return _Out(22, stderr="admin_socket: exception getting command descriptions:"
                                       " [Errno 111] Connection refused\n")
            return _Out(0, (json.dumps(status, indent=4) + "\n").encode())
        result = self.cluster.exec_as(self.mon, ["ceph", *args])
        return _Out(result.returncode, result.stdout.encode(), result.stderr)

    def _do_ceph_mon(self, args: list[str], _: bytes) -> _Out:
        opts = _options(args, ("-i", "--id", "--monmap", "--keyring", "--public-addr",
                               "--public_addr", "--setuser", "--setgroup", "-c"))
        name = opts.get("-i") or opts.get("--id")
        if "--mkfs" not in args or not name:
            return _Out(1, stderr="ceph-mon: only --mkfs -i NAME is run by hand here; "
                                  "start monitors with systemctl\n")
        addr = opts.get("--public-addr") or opts.get("--public_addr") or self.address
        if addr != self.address:
            return _Out(1, stderr=f"ceph-mon: unable to bind to {addr}: (99) Cannot assign "
                                  "requested address\n")
        if self.cluster.has_store(name):
            return _Out(1, stderr=f"'/var/lib/ceph/mon/ceph-{name}' already exists and is "
                                  "not empty: monitor may already exist\n")
        monmap, keyring = opts.get("--monmap"), opts.get("--keyring")
        if not monmap or not keyring:
            return _Out(1, stderr="ceph-mon: --mkfs needs --monmap and --keyring here\n")
        with self.lock:
            self.cluster.create_mon(name, addr, monmap=self._path(monmap),
                                    keyring=self._path(keyring))
            self.mon = name
        self.changed()
        return _Out(0, stderr=f"ceph-mon: created monfs at /var/lib/ceph/mon/ceph-{name} "
                              f"for mon.{name}\n")

    def _do_systemctl(self, args: list[str], _: bytes) -> _Out:
        verbs = [a for a in args if not a.startswith("-")]
        if len(verbs) < 2:
            return _Out(1, stderr="systemctl: too few arguments\n")
        verb, unit = verbs[0], verbs[1].removesuffix(".service")
        name = unit.removeprefix("ceph-mon@")
        if name != self.mon or not self.cluster.has_store(name):
            if verb == "is-active":
                return _Out(3, b"inactive\n")
            return _Out(1, stderr=f"Job for {unit}.service failed because the control "
                                  "process exited with error code.\n")
        now = "--now" in args
        with self.lock:
            if verb in ("start", "restart") or (verb == "enable" and now):
                self.cluster.start_mon(name)
            if verb == "stop" or (verb == "disable" and now):
                self.cluster.stop_mon(name)
            if verb in ("enable", "disable"):
                self.enabled = verb == "enable"
        if verb == "is-active":
            running = self.cluster.mon_status(name, timeout=2.0) is not None
            return _Out(0 if running else 3, b"active\n" if running else b"inactive\n")
        self.changed()
        return _Out(0)


def _parse(command: str) -> list[tuple[str, list[tuple[list[str], str | None]]]]:
    """``a && b | c > f; d`` -> [("", [[a]]), ("&&", [[b], [c > f]]), (";", [[d]])]."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars="&|;>")
    lexer.whitespace_split = True
    tokens = list(lexer)
    sequence: list[tuple[str, list[tuple[list[str], str | None]]]] = []
    connector, chain = "", []
    argv: list[str] = []
    redirect: str | None = None
    i = 0
    while i <= len(tokens):
        token = tokens[i] if i < len(tokens) else ";"
        if token not in OPERATORS and token not in ("&", "<", ">>", "|&"):
            argv.append(token)
        elif token == ">":
            if i + 1 >= len(tokens) or tokens[i + 1] in OPERATORS:
                raise ValueError("a redirection needs a file")
            redirect, i = tokens[i + 1], i + 1
        elif token in OPERATORS:
            if argv:
                chain.append((argv, redirect))
            elif token != ";" or chain:
                raise ValueError(f"unexpected {token!r}")
            argv, redirect = [], None
            if token != "|":
                if chain:
                    sequence.append((connector, chain))
                connector, chain = token, []
        else:
            raise ValueError(f"{token!r} is not supported here")
        i += 1
    return sequence


def _options(args: Sequence[str], with_value: Sequence[str]) -> dict[str, str]:
    """``--flag VALUE`` and ``--flag=VALUE`` pairs of ``args``."""
    found: dict[str, str] = {}
    for i, arg in enumerate(args):
        key, eq, value = arg.partition("=")
        if eq and key in with_value:
            found[key] = value
        elif arg in with_value and i + 1 < len(args):
            found[arg] = args[i + 1]
    return found


def _ceph_options(args: Sequence[str]) -> tuple[list[str], float | None, str | None]:
    """The CLI words without ``--connect-timeout N`` and ``-o FILE`` (applied by the host)."""
    words: list[str] = []
    timeout: float | None = None
    output: str | None = None
    skip = False
    for i, arg in enumerate(args):
        if skip:
            skip = False
            continue
        if arg in ("--connect-timeout", "-o", "--output-file") and i + 1 < len(args):
            if arg == "--connect-timeout":
                timeout = float(args[i + 1])
            else:
                output = args[i + 1]
            skip = True
            continue
        words.append(arg)
    return words, timeout, output
