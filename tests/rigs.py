"""Test rigs that run a real process: ``octane`` (or the engine's driver) as a child.

Several test areas start ``python -m octane.cli ...`` (or ``tests.functional.engine.driver``)
as a child process and then read what it printed, wait for it, kill it, or resume it. The
common parts live here, once:

- :class:`Children` starts numbered processes whose stdout and stderr go to files
  (``out-N.txt``, ``err-N.txt``) so a test can read them while the process runs, and kills
  whatever a test left running;
- :class:`Proc` is one such process: its output, a bounded :meth:`Proc.wait` whose failure
  shows the output, the ``octane: error:`` lines;
- :func:`wait_until` is the one bounded poll every such test uses;
- :func:`octane_env` and :func:`load_scenario` prepare a twin for ``octane`` children: the
  twin's ``JUJU_DATA`` and ``OS_*`` credentials instead of the caller's, an ``OCTANE_DATA`` of
  the test's own, and a short idle period (the twin's clock runs faster than ours, so the
  10 s a real controller needs to look idle would only slow the tests down).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from octane.twin import scenario as scenario_mod
from octane.twin.testing import RunningTwin

ROOT = Path(__file__).resolve().parents[1]
#: ``python -m octane.cli``: the installed console script's module.
OCTANE = (sys.executable, "-m", "octane.cli")


def wait_until(predicate: Callable[[], bool], what: str, timeout: float,
               interval: float = 0.02) -> None:
    """Poll ``predicate`` every ``interval`` seconds; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


class Proc:
    """A started child process, its output files and exit status."""

    def __init__(self, popen: subprocess.Popen[bytes], out: Path, err: Path, *,
                 name: str = "octane", timeout: float = 600.0) -> None:
        self.popen = popen
        self.out_path, self.err_path = out, err
        self.name = name
        #: How long :meth:`wait` waits by default (every run is bounded).
        self.timeout = timeout

    @property
    def out(self) -> str:
        """What it printed on stdout so far."""
        return self.out_path.read_text()

    @property
    def err(self) -> str:
        """What it printed on stderr so far."""
        return self.err_path.read_text()

    @property
    def code(self) -> int | None:
        """Its exit status; None while it runs."""
        return self.popen.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Its exit status; a process that outlives the bound is killed and fails the test
        with the end of its output."""
        try:
            return self.popen.wait(self.timeout if timeout is None else timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(10)
            raise AssertionError(f"{self.name} did not exit; output:\n{self.out[-3000:]}\n"
                                 f"{self.err[-3000:]}") from None

    def errors(self) -> list[str]:
        """The ``octane: error:`` lines on stdout and stderr."""
        return [line for line in (self.out + self.err).splitlines()
                if line.startswith("octane: error:")]

    def wait_for_output(self, text: str, timeout: float = 30.0) -> None:
        """Until ``text`` is on stdout; fails if the process ends without printing it."""
        wait_until(lambda: text in self.out or self.popen.poll() is not None,
                   f"{text!r} in the output", timeout)
        assert text in self.out, f"process ended without {text!r}:\n{self.out}\n{self.err}"


@dataclass
class Children:
    """Child processes started from the repository root with their output in ``directory``."""

    directory: Path
    env: dict[str, str]
    #: The default bound of each :meth:`Proc.wait`.
    timeout: float = 600.0
    name: str = "octane"
    count: int = 0
    procs: list[Proc] = field(default_factory=list)

    def start(self, argv: Sequence[str], *, stdin: int | None = subprocess.DEVNULL,
              env: Mapping[str, str] | None = None) -> Proc:
        """Start ``argv`` with stdout and stderr to ``out-N.txt`` and ``err-N.txt``."""
        self.count += 1
        out = self.directory / f"out-{self.count}.txt"
        err = self.directory / f"err-{self.count}.txt"
        with out.open("w") as fo, err.open("w") as fe:
            popen = subprocess.Popen(list(argv), cwd=ROOT, stdin=stdin, stdout=fo, stderr=fe,
                                     env={**self.env, **(env or {})})
        proc = Proc(popen, out, err, name=self.name, timeout=self.timeout)
        self.procs.append(proc)
        return proc

    def kill_running(self) -> None:
        """Kill and reap every process a test left running (bounded)."""
        for proc in self.procs:
            if proc.popen.poll() is None:
                proc.popen.kill()
                proc.popen.wait(10)


def octane_env(twin: RunningTwin, data: Path, **extra: str) -> dict[str, str]:
    """The environment of ``octane`` children driving ``twin``.

    The caller's ``OS_*`` and ``OCTANE_*`` are dropped; the twin's ``JUJU_DATA``, ``PATH``
    (its ``juju`` shim) and ``OS_*`` credentials (so emptiness and the scheduler are asked of
    Nova) are set, ``OCTANE_DATA`` is ``data`` (journal, logs, notes), idle periods and
    timeouts are short; ``extra`` overrides any of it.
    """
    data.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OS_", "OCTANE_"))}
    env = twin.env(env)
    env.update(twin.server.services.get("openstack", {}).get("environ", {}))
    env.update(OCTANE_DATA=str(data), OCTANE_IDLE_PERIOD="0.1", OCTANE_TIMEOUT="20",
               PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def load_scenario(path: Path, tweak: Callable[[dict[str, Any]], None] | None = None,
                  ) -> scenario_mod.Scenario:
    """A scenario file, optionally changed first (VMs migrated away, a bigger seed...)."""
    doc = yaml.safe_load(path.read_text())
    if tweak is not None:
        tweak(doc)
    return scenario_mod.parse(doc, path.stem)
