"""The commands an upgrade runs on a unit with ``juju exec``, answered like Ubuntu would.

COU (and octane's ``unit.upgrade_packages``) run ``apt-get update && apt-get dist-upgrade
-o Dpkg::Options::=--force-confnew -o Dpkg::Options::=--force-confdef -y && apt-get
autoremove -y`` on every unit (cou-constants.md §9), hold packages with ``apt-mark hold``
around it (mysql-server-core-8.0 on mysql-innodb-cluster), and restart services with
``systemctl restart`` after a resume (LP 1947585). This module interprets such command
lines -- ``&&``, ``||`` and ``;`` lists, ``sudo``, ``timeout N`` and ``VAR=value`` prefixes
-- and answers with apt's and systemd's own wording. What a command changes on the unit (a
package hold, an upgrade run, a restarted daemon) comes back as ``charm_state`` so tests can
assert it and the charm can react (a restarted ceph daemon reports its new version).

Pipes and redirections are not interpreted: such a command line is left to the executor's
built-ins (which answer ``command not found``), never half-run.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from octane.twin.behaviours.base import ExecResult, UnitContext

#: A charm-specific command: words (command first) and the unit -> what it did.
Handler = Callable[[Sequence[str], UnitContext], "Outcome"]
_OPERATORS = {"&&", "||", ";"}
_UNSUPPORTED = {"|", ">", ">>", "<", "&", "(", ")", "`", "$("}
_SHELL = {"apt-get", "apt", "apt-mark", "systemctl", "service"}
_BUILTIN = {"true", "false", "echo", "hostname"}


@dataclass
class Outcome:
    """One simple command's answer and what it changed on the unit."""

    code: int = 0
    stdout: str = ""
    stderr: str = ""
    state: dict[str, Any] = field(default_factory=dict)
    version: str = ""


def split(command: str) -> list[list[str] | str] | None:
    """Simple commands and the operators between them; None for pipes or redirections."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        tokens = list(lexer)
    except ValueError:
        return None
    out: list[list[str] | str] = []
    current: list[str] = []
    for token in tokens:
        if token in _UNSUPPORTED or token.startswith("$("):
            return None
        if token in _OPERATORS:
            out += [current, token] if current else [token]
            current = []
        else:
            current.append(token)
    if current:
        out.append(current)
    return out


def strip_prefixes(words: Sequence[str]) -> list[str]:
    """Drop ``sudo [-E]``, ``timeout N`` and ``VAR=value`` before the command itself."""
    rest = list(words)
    while rest:
        head = rest[0]
        if "=" in head and not head.startswith("-") and head.split("=")[0].isidentifier():
            rest = rest[1:]
        elif head == "sudo":
            rest = rest[1:]
            while rest and rest[0].startswith("-"):
                rest = rest[1:]
        elif head == "timeout" and len(rest) > 1:
            rest = rest[2:]
        else:
            break
    return rest


class Shell:
    """Interprets a command line for one unit; ``handlers`` add the charm's own commands."""

    def __init__(self, ctx: UnitContext, *, services: Sequence[str] = (),
                 handlers: Mapping[str, Handler] | None = None,
                 on_restart: Callable[[str, UnitContext], Outcome] | None = None) -> None:
        self.ctx = ctx
        self.services = tuple(services)
        self.handlers = dict(handlers or {})
        self.on_restart = on_restart
        self.held: list[str] = list(ctx.charm_state.get("apt-held", ()))
        self.upgrades = int(ctx.charm_state.get("apt-upgrades", 0))

    def run(self, command: str) -> ExecResult | None:
        """The unit's answer, or None when nothing here concerns this shell."""
        parts = split(command)
        if parts is None:
            return None
        simple = [strip_prefixes(p) for p in parts if isinstance(p, list)]
        heads = {w[0] for w in simple if w}
        if not heads & (_SHELL | set(self.handlers)):
            return None
        code, out, err, state, version = 0, [], [], {}, ""
        skip = False
        for part in parts:
            if isinstance(part, str):
                skip = (part == "&&" and code != 0) or (part == "||" and code == 0)
                continue
            if skip:
                continue
            result = self.one(strip_prefixes(part))
            code = result.code
            out.append(result.stdout)
            err.append(result.stderr)
            state.update(result.state)
            version = result.version or version
        return ExecResult(return_code=code, stdout="".join(out), stderr="".join(err),
                          charm_state=state, workload_version=version)

    def one(self, words: Sequence[str]) -> Outcome:
        """One simple command."""
        if not words:
            return Outcome()
        head, args = words[0], list(words[1:])
        if head in self.handlers:
            return self.handlers[head](words, self.ctx)
        if head in ("apt-get", "apt"):
            return self.apt(args)
        if head == "apt-mark":
            return self.apt_mark(args)
        if head == "systemctl":
            return self.systemctl(args)
        if head == "service" and len(args) >= 2:
            return self.systemctl([args[1], args[0]])
        if head == "true":
            return Outcome()
        if head == "false":
            return Outcome(code=1)
        if head == "echo":
            return Outcome(stdout=" ".join(args) + "\n")
        if head == "hostname":
            return Outcome(stdout=self.ctx.hostname + "\n")
        return Outcome(127, "", f"bash: line 1: {head}: command not found\n")

    # -- apt -------------------------------------------------------------------------------

    def apt(self, args: list[str]) -> Outcome:
        """``apt-get update|upgrade|dist-upgrade|full-upgrade|autoremove|install``."""
        verbs = [a for a in _drop_options(args) if not a.startswith("-")]
        verb = verbs[0] if verbs else ""
        series = self.ctx.series or "jammy"
        if verb == "update":
            return Outcome(stdout=(f"Hit:1 http://archive.ubuntu.com/ubuntu {series} InRelease\n"
                                   f"Hit:2 http://archive.ubuntu.com/ubuntu {series}-updates "
                                   "InRelease\nReading package lists... Done\n"))
        if verb in ("upgrade", "dist-upgrade", "full-upgrade"):
            self.upgrades += 1
            kept = "".join(f"  {p}\n" for p in self.held)
            held = f"The following packages have been kept back:\n{kept}" if kept else ""
            return Outcome(stdout=("Reading package lists...\nBuilding dependency tree...\n"
                                   "Reading state information...\nCalculating upgrade...\n"
                                   f"{held}0 upgraded, 0 newly installed, 0 to remove and "
                                   f"{len(self.held)} not upgraded.\n"),
                           state={"apt-upgrades": self.upgrades})
        if verb in ("autoremove", "install", "clean", "autoclean"):
            return Outcome(stdout=("Reading package lists...\nBuilding dependency tree...\n"
                                   "0 upgraded, 0 newly installed, 0 to remove and "
                                   f"{len(self.held)} not upgraded.\n"))
        return Outcome(100, "", f"E: Invalid operation {verb}\n")

    def apt_mark(self, args: list[str]) -> Outcome:
        """``apt-mark hold|unhold|showhold PKG...``."""
        if not args:
            return Outcome(64, "", "apt-mark: no operation given\n")
        verb, packages = args[0], [a for a in args[1:] if not a.startswith("-")]
        if verb == "hold":
            lines = []
            for package in packages:
                if package in self.held:
                    lines.append(f"{package} was already set on hold.\n")
                else:
                    self.held.append(package)
                    lines.append(f"{package} set on hold.\n")
            return Outcome(stdout="".join(lines), state={"apt-held": list(self.held)})
        if verb == "unhold":
            lines = []
            for package in packages:
                if package in self.held:
                    self.held.remove(package)
                    lines.append(f"Canceled hold on {package}.\n")
                else:
                    lines.append(f"{package} was already not on hold.\n")
            return Outcome(stdout="".join(lines),
                           state={"apt-held": list(self.held) or None})
        if verb == "showhold":
            return Outcome(stdout="".join(f"{p}\n" for p in self.held))
        return Outcome(100, "", f"E: Invalid operation {verb}\n")

    # -- systemd -----------------------------------------------------------------------------

    def systemctl(self, args: list[str]) -> Outcome:
        """``systemctl restart|start|stop|status|is-active|daemon-reload UNIT...``."""
        plain = [a for a in args if not a.startswith("-")]
        if not plain:
            return Outcome(1, "", "Too few arguments.\n")
        verb, units = plain[0], plain[1:]
        if verb == "daemon-reload":
            return Outcome()
        unknown = [u for u in units if not self.known_unit(u)]
        if unknown:
            name = unknown[0] if "." in unknown[0] else f"{unknown[0]}.service"
            verb_text = {"restart": "restart", "start": "start", "stop": "stop"}.get(verb,
                                                                                    verb)
            if verb == "is-active":
                return Outcome(4, "inactive\n", "")
            return Outcome(5, "", f"Failed to {verb_text} {name}: Unit {name} not found.\n")
        if verb == "is-active":
            return Outcome(stdout="active\n" * len(units))
        if verb == "status":
            return Outcome(stdout="".join(
                f"* {u} - {u}\n     Loaded: loaded\n     Active: active (running)\n"
                for u in units))
        result = Outcome()
        if verb in ("restart", "start", "try-restart", "reload-or-restart") and self.on_restart:
            for unit in units:
                changed = self.on_restart(unit, self.ctx)
                result.state.update(changed.state)
                result.version = changed.version or result.version
        return result

    def known_unit(self, name: str) -> bool:
        """Whether ``name`` (``rabbitmq-server``, ``ceph-osd@3``, ``ceph-mon.target``, a glob)
        names a service this unit runs."""
        base = name.removesuffix(".service").removesuffix(".target")
        base = base.split("@")[0].rstrip("*")
        return any(s == base or s.startswith(base) for s in self.services) if base else False


def _drop_options(args: list[str]) -> list[str]:
    """apt's ``-o Key=Value`` pairs and ``-y``/``-q`` flags out of the way."""
    out, skip = [], False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg == "-o":
            skip = True
            continue
        out.append(arg)
    return out
