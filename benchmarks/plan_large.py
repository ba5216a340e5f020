"""Benchmark: ``octane plan`` (and ``plan -f json``, ``analyze``) on the twin's ``large`` cloud.

The twin serves ``etc/scenarios/large.yaml`` (64 applications, 5,177 units, 1,000 hypervisors
in 10 AZs, the twin's real charm behaviours; its OpenStack APIs run too) in this process's
background thread, as ``octane.twin.testing.running_twin`` starts it. Each octane command
runs as a separate process -- the console script, unmodified libjuju over the TLS websocket
-- so its wall time, CPU time and peak RSS (GNU time's ``%M``) are the operator's: start-up,
connect, the concurrent reads, the ``instance-count`` probe on every hypervisor at once (no
``OS_*`` credentials, so nova-compute's action answers), analysis, planning, printing.

Each command is run once to warm up (the run compiles the bytecode into a private
``PYTHONPYCACHEPREFIX``, as ``pip install`` does for an installed octane; the workplace's
``PYTHONDONTWRITEBYTECODE`` is dropped for the children), then ``--runs`` times; the table
gives the median and the minimum. Where a plan's time goes comes from as many ``octane -v
plan`` runs (the per-phase log lines, medians) and ``octane plan --help`` (start-up alone).
The 1-minute load average is recorded before and after: other sessions share the 2 cores.

Goal (issue 4): ``octane plan`` under 2 s and under 300 MB end to end. Run::

    .venv/bin/python benchmarks/plan_large.py [--runs 7] [--no-write]

The result replaces the section between this benchmark's markers in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from octane.twin.state.controller import ControllerState  # noqa: E402
from octane.twin.testing import RunningTwin, running_twin  # noqa: E402

MODEL = "large"
MARK_START = "<!-- plan_large:start -->"
MARK_END = "<!-- plan_large:end -->"
GNU_TIME = Path("/usr/bin/time")
#: Every child is bounded; a plan of the large cloud takes about a second.
CHILD_TIMEOUT = 300.0
PHASE = re.compile(r"^INFO (?P<what>.+) \((?P<seconds>\d+\.\d+)s\)$")


@dataclass(frozen=True)
class Run:
    """One child process: wall seconds, peak RSS (MiB), CPU seconds, output."""

    wall: float
    rss: float
    cpu: float
    stdout: str
    stderr: str


@dataclass(frozen=True)
class Measured:
    """``runs`` runs of one command."""

    label: str
    runs: tuple[Run, ...]

    @property
    def walls(self) -> list[float]:
        """Wall seconds per run."""
        return [r.wall for r in self.runs]


@dataclass(frozen=True)
class Found:
    """Everything one benchmark run measured."""

    plan: Measured
    json: Measured
    analyze: Measured
    startup: Measured
    verbose: Measured
    shape: dict[str, int]
    steps: int
    json_lines: int
    warnings: int
    load: tuple[float, float]


def run(argv: Sequence[str], env: dict[str, str]) -> Run:
    """Run ``argv`` under GNU time; fail loudly when it fails."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as stats:
        start = time.perf_counter()
        done = subprocess.run([str(GNU_TIME), "-f", "%M %U %S", "-o", stats.name, *argv],
                              env=env, capture_output=True, text=True,
                              timeout=CHILD_TIMEOUT, check=False)
        wall = time.perf_counter() - start
        kib, user, system = Path(stats.name).read_text().split()[-3:]
    if done.returncode != 0:
        raise SystemExit(f"{shlex.join(argv)} failed ({done.returncode}): "
                         f"{done.stderr.strip()[-2000:]}")
    return Run(wall, int(kib) / 1024, float(user) + float(system), done.stdout, done.stderr)


def measure(label: str, argv: Sequence[str], env: dict[str, str], runs: int) -> Measured:
    """One warm-up run, then ``runs`` measured runs."""
    run(argv, env)
    return Measured(label, tuple(run(argv, env) for _ in range(runs)))


def child_env(twin: RunningTwin, data: Path) -> dict[str, str]:
    """The operator's environment after ``octane twin up``, minus OpenStack credentials."""
    env = twin.env()
    for name in [n for n in env if n.startswith("OS_")] + ["PYTHONDONTWRITEBYTECODE"]:
        env.pop(name, None)
    env.update({"OCTANE_DATA": str(data), "PYTHONPYCACHEPREFIX": str(data / "pycache"),
                "PYTHONPATH": str(ROOT)})
    return env


def phases(measured: Measured) -> list[tuple[str, float]]:
    """Median seconds per ``-v`` phase line, in the order the phases ran."""
    seen: dict[str, list[float]] = {}
    for one in measured.runs:
        for line in one.stderr.splitlines():
            match = PHASE.match(line)
            if match:
                seen.setdefault(match["what"], []).append(float(match["seconds"]))
    return [(what, statistics.median(values)) for what, values in seen.items()]


def shape_of(controller: ControllerState) -> dict[str, int]:
    """What the cloud is: counted in the twin, not restated."""
    model = next(m for m in controller.models.values() if m.name == MODEL)
    hypervisors = [u for u in model.units.values() if u.application == "nova-compute"]
    return {"apps": len(model.applications), "units": len(model.units),
            "machines": len(model.machines), "hypervisors": len(hypervisors),
            "azs": len({model.machines[u.machine_id].zone for u in hypervisors})}


def benchmark(runs: int) -> Found:
    """Start the twin, run every measurement, return what the report needs."""
    octane = str(Path(sys.executable).with_name("octane"))
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp, running_twin(
            MODEL, data_dir=Path(tmp) / "twin") as twin:
        env = child_env(twin, Path(tmp))
        model = ["--model", twin.model_name(MODEL)]
        plan = measure("`octane plan`", [octane, "plan", *model], env, runs)
        json_plan = measure("`octane plan -f json`", [octane, "plan", "-f", "json", *model],
                            env, runs)
        analyze = measure("`octane analyze`", [octane, "analyze", *model], env, runs)
        startup = measure("`octane plan --help`", [octane, "plan", "--help"], env, runs)
        verbose = measure("`octane -v plan`", [octane, "-v", "plan", *model], env, runs)
        shape = twin.inspect(shape_of)
    first = json_plan.runs[0].stdout
    return Found(plan=plan, json=json_plan, analyze=analyze, startup=startup,
                 verbose=verbose, shape=shape, steps=first.count('"id": '),
                 json_lines=first.count("\n"),
                 warnings=sum(1 for line in plan.runs[0].stderr.splitlines()
                              if line.startswith("octane: warning:")),
                 load=(load_before, os.getloadavg()[0]))


def report(found: Found, runs: int) -> str:
    """The RESULTS.md section."""
    def ms(seconds: float) -> str:
        return f"{seconds * 1000:,.0f} ms"

    def row(m: Measured, goal: str) -> str:
        walls = m.walls
        return (f"| {m.label} | {ms(statistics.median(walls))} | {ms(min(walls))} | "
                f"{ms(statistics.median(r.cpu for r in m.runs))} | "
                f"{max(r.rss for r in m.runs):.0f} MiB | {goal} |")

    plan, json_plan, analyze, startup, verbose = (
        found.plan, found.json, found.analyze, found.startup, found.verbose)
    shape = found.shape
    load_before, load_after = found.load
    split = phases(verbose)
    start_s = statistics.median(startup.walls)
    rest = statistics.median(verbose.walls) - start_s - sum(s for _, s in split)
    return "\n".join([
        MARK_START,
        "## octane plan, large cloud (`benchmarks/plan_large.py`)",
        "",
        f"Cloud: the twin's `large` scenario (`etc/scenarios/large.yaml`): {shape['apps']} "
        f"applications, {shape['units']:,} units, {shape['machines']:,} machines, "
        f"{shape['hypervisors']:,} hypervisors in {shape['azs']} AZs, focal/ussuri -> "
        f"victoria. Plan: {found.steps:,} steps ({found.json_lines:,} lines of JSON); "
        f"{found.warnings} warnings, among them the hypervisors running VMs, left out.",
        "Served by `running_twin` in the benchmark's own process (the twin's charm "
        "behaviours; nova-compute answers `instance-count` from the twin's Nova). Each "
        "command ran as a separate process (console script, unmodified libjuju over the TLS "
        "websocket) without `OS_*` credentials, so `plan` runs the `instance-count` probe on "
        "all 1,000 hypervisors. Bytecode compiled as an installed octane has it (one warm-up "
        "run per command, not counted). "
        f"Machine: 2 cores shared with other sessions, Python {platform.python_version()}; "
        f"load average (1 min) {load_before:.2f} before, {load_after:.2f} after.",
        "",
        f"| command | wall, median of {runs} | wall, min | CPU (user+sys), median | "
        "peak RSS | goal |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
        row(plan, "< 2 s, < 300 MB"),
        row(json_plan, ""),
        row(analyze, ""),
        "",
        f"Where a plan's time goes (medians of {runs} `octane -v plan` runs, "
        f"{ms(statistics.median(verbose.walls))} each):",
        "",
        "| phase | time |",
        "| --- | ---: |",
        f"| start-up: interpreter, cliff, the plan command's modules (`octane plan --help`) "
        f"| {ms(start_s)} |",
        *[f"| {what} | {ms(seconds)} |" for what, seconds in split],
        f"| the rest: printing the plan, exit | {ms(max(rest, 0.0))} |",
        "",
        "Connecting includes importing libjuju (~0.15 s, most of it `juju.client.connection` "
        "pulling in macaroonbakery, requests and dateutil); reading includes the twin "
        "building the 3.8 MB FullStatus (~0.15 s), libjuju decoding it and formatting it "
        "into a debug message it then drops (~0.05 s each), and the probe's enqueue on 1,000 "
        "units, which overlaps with the reads.",
        "",
        "```",
        f".venv/bin/python benchmarks/plan_large.py --runs {runs}",
        "```",
        "",
        MARK_END,
    ])


def write(section: str) -> None:
    """Replace this benchmark's section of RESULTS.md (other sections are untouched)."""
    path = ROOT / "benchmarks" / "RESULTS.md"
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    if MARK_START in text and MARK_END in text:
        head, rest = text.split(MARK_START, 1)
        tail = rest.split(MARK_END, 1)[1]
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text)


def main() -> None:
    """Measure and record."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-write", action="store_true", help="print, do not record")
    args = parser.parse_args()
    if not GNU_TIME.exists():
        raise SystemExit("GNU time (/usr/bin/time) is needed for the child's peak RSS")
    section = report(benchmark(args.runs), args.runs)
    print(section)
    if not args.no_write:
        write(section)


if __name__ == "__main__":
    main()
