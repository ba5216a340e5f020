"""Golden plans over the wire: every shipped twin scenario, planned through Juju.

``test_golden.py`` pins the planner on snapshot clouds; here each scenario in
``etc/scenarios/`` is started as a twin and ``octane plan`` runs its production path -- the
Juju port, unmodified libjuju over the TLS websocket, the ``instance-count`` probe and the
``ceph versions`` / ``ceph osd dump`` probe answered by the twin's charms -- in text and JSON.
What the charms report, how the twin's facades encode it and how octane reads it are all in
the comparison, so a change in any of them shows up as a diff of ``twin_plans/``.

Nothing is normalised: the scenarios fix the controller and model names and seed the UUIDs,
and a plan holds no address, port, UUID, path or time (its ``cloud_fingerprint`` hashes
charms, config, units, versions and machines' zones and hostnames, all fixed by the
scenario). Anything that differs is a real change.

Cases: each scenario's default plan; flag variants that show behaviour (``--force`` with busy
hypervisors, ``control-plane --no-backup``, ``--purge``); refusals (``jammy-caracal``, the last
release on jammy; the data plane before the control plane), whose golden is the exit status
and the one ``octane: error:`` line; and plans of a twin whose control plane a real ``octane
upgrade control-plane`` has just upgraded (``hypervisors --az``, ``--machine --force``, an
unknown AZ, ``data-plane``). The text goldens end with what the operator reads on stderr
beside the plan (the warnings). ``large`` (9,000 steps) is stored gzip-compressed with
mtime 0, so regenerating it gives the same bytes.

Regenerate with ``OCTANE_UPDATE_GOLDEN=1 pytest tests/golden`` and review the diff in git.

Real services: the ``databases:`` (MariaDB and sshds) and ``ceph:`` (ceph-mon daemons)
sections are switched off for the goldens, so they run (~11 s for the module's 34 golden
checks) wherever those packages are missing and do not wait for a Ceph quorum. ``octane
plan`` never talks to MariaDB (the backup and the archive are steps it plans, not runs), and
its Ceph probe is answered by the twin's ceph-mon charm from the units' versions and the
cluster's flags when no real cluster is attached: other version strings than the installed
daemons report, but the same facts the plan uses (one version, no ``noout``). That claim is
tested: :func:`test_real_services_give_the_same_plan`
starts every scenario that has such a section with its real services (``real``: skipped
locally without the binaries, a failure in CI with ``OCTANE_REQUIRE_REAL=1``; ceph-handover's
~10 s quorum is also marked ``slow``) and compares its plans with the same goldens.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from octane.cli import main
from octane.plan import actions
from octane.plan.step import Plan
from octane.twin.server import Extension, ExtensionContext
from octane.twin.testing import RunningTwin, running_twin
from tests.real import need_binaries
from tests.rigs import OCTANE, Children, octane_env

PLANS = Path(__file__).parent / "twin_plans"
SCENARIOS = Path(__file__).resolve().parents[2] / "etc" / "scenarios"
UPDATE = os.environ.get("OCTANE_UPDATE_GOLDEN") == "1"
#: What a real ``octane upgrade`` runs before a case's plan, so the plan reads the state the
#: twin's charms reach (channels, origins and workload versions moved by the upgrade).
CONTROL_PLANE = ("upgrade", "control-plane", "--auto-approve", "--no-backup", "--no-archive")
#: Scenario seconds per wall second while an upgrade runs (its settles then take ms).
UPGRADE_SCALE = 5000.0


@dataclass(frozen=True)
class Case:
    """One ``octane plan`` against one scenario's model."""

    scenario: str
    model: str
    argv: tuple[str, ...] = ()
    exit_code: int = 0
    #: An ``octane upgrade`` run against the fresh twin before planning (empty: none).
    upgraded: tuple[str, ...] = ()

    @property
    def compressed(self) -> bool:
        return self.scenario == "large"

    @property
    def twin(self) -> tuple[str, tuple[str, ...]]:
        """Cases planning the same scenario in the same state share one twin."""
        return self.scenario, self.upgraded


CASES: dict[str, Case] = {
    "mini": Case("mini", "openstack"),
    "focal-ussuri": Case("focal-ussuri", "openstack"),
    "focal-ussuri-control-plane": Case("focal-ussuri", "openstack",
                                       ("control-plane", "--no-backup")),
    # the data plane is planned before the control plane is done: octane refuses
    "focal-ussuri-data-plane-too-early": Case("focal-ussuri", "openstack", ("data-plane",),
                                              exit_code=1),
    # compute-0 and compute-1 run VMs: left out with a warning, unless --force
    "focal-ussuri-force": Case("focal-ussuri", "openstack", ("--force",)),
    # after a real control-plane upgrade: the empty AZ alone; a busy machine forced; an AZ
    # the model does not have (refused, naming the ones it has); the whole data plane
    "focal-ussuri-upgraded-hypervisors-az3": Case(
        "focal-ussuri", "openstack", ("hypervisors", "--az", "az3"), upgraded=CONTROL_PLANE),
    "focal-ussuri-upgraded-hypervisors-machine-4-force": Case(
        "focal-ussuri", "openstack", ("hypervisors", "--machine", "4", "--force"),
        upgraded=CONTROL_PLANE),
    "focal-ussuri-upgraded-hypervisors-az9": Case(
        "focal-ussuri", "openstack", ("hypervisors", "--az", "az9"), exit_code=1,
        upgraded=CONTROL_PLANE),
    "focal-ussuri-upgraded-data-plane": Case(
        "focal-ussuri", "openstack", ("data-plane",), upgraded=CONTROL_PLANE),
    "jammy-yoga": Case("jammy-yoga", "openstack", ("--purge", "--purge-before-date",
                                                   "2024-01-02")),
    # caracal is the last release on jammy: the one line points to the series upgrade
    "jammy-caracal": Case("jammy-caracal", "openstack", exit_code=1),
    "awkward": Case("awkward", "awkward"),
    "awkward-force": Case("awkward", "awkward", ("--force",)),
    "side-by-side": Case("side-by-side", "openstack"),
    "ceph-handover": Case("ceph-handover", "openstack"),
    "large": Case("large", "large"),
}

#: Every shipped scenario has at least one case.
assert {c.scenario for c in CASES.values()} == {p.stem for p in SCENARIOS.glob("*.yaml")}


class _Off:
    """Stands in for a real-service extension (the module docstring says why)."""

    def describe(self) -> dict[str, Any]:
        return {"off": "golden plans: octane plan needs no real service"}

    async def stop(self) -> None:
        return None


async def _off(ctx: ExtensionContext) -> _Off:
    return _Off()


#: ``databases:`` and ``ceph:`` off; ``openstack:`` (in-process HTTP, cheap) stays on: it
#: holds the VMs that nova-compute's ``instance-count`` reports.
NO_REAL_SERVICES: dict[str, Extension] = {"databases": _off, "ceph": _off}


def _upgrade(twin: RunningTwin, argv: tuple[str, ...], work: Path) -> None:
    """Run ``octane <argv>`` as a child process against ``twin``; it must succeed."""
    env = octane_env(twin, work / "octane-data")
    children = Children(work, env, timeout=300)
    try:
        proc = children.start([*OCTANE, *argv, "--model", twin.model_name("openstack")])
        assert proc.wait() == 0, f"{' '.join(argv)} failed:\n{proc.out[-3000:]}{proc.err}"
    finally:
        children.kill_running()


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[dict[tuple[str, tuple[str, ...]], RunningTwin]]:
    """Each twin a case needs, started (and upgraded) when first needed, all stopped at the
    end of the module."""
    with contextlib.ExitStack() as stack:
        class Lazy(dict[tuple[str, tuple[str, ...]], RunningTwin]):
            def __missing__(self, key: tuple[str, tuple[str, ...]]) -> RunningTwin:
                scenario, upgraded = key
                work = tmp_path_factory.mktemp(f"twin-{scenario}")
                twin = stack.enter_context(running_twin(
                    scenario, data_dir=work / "twin", extensions=NO_REAL_SERVICES,
                    scale=UPGRADE_SCALE if upgraded else None))
                if upgraded:
                    _upgrade(twin, upgraded, work)
                self[key] = twin
                return twin

        yield Lazy()


@pytest.fixture(autouse=True)
def _no_openstack_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    # the emptiness probe asks the twin's nova-compute units (`instance-count`), as an
    # operator without OS_* credentials gets it; the timeouts in the plan are the defaults
    for name in [n for n in os.environ if n.startswith("OS_")] + [
            "OCTANE_STANDARD_IDLE_TIMEOUT", "OCTANE_LONG_IDLE_TIMEOUT"]:
        monkeypatch.delenv(name, raising=False)


def _plan(case: Case, fmt: str, twin: RunningTwin, monkeypatch: pytest.MonkeyPatch,
          capsys: pytest.CaptureFixture[str]) -> str:
    """``octane plan`` in this process, through the Juju port to ``twin``: what the
    operator reads (stdout, then stderr when there is any), or ``exit N`` and the error."""
    for name, value in twin.env({}).items():
        if name in ("JUJU_DATA", "OCTANE_SSH_USER"):
            monkeypatch.setenv(name, value)
    code = main(["plan", *case.argv, "--model", twin.model_name(case.model), "-f", fmt])
    out, err = capsys.readouterr()
    assert code == case.exit_code, err
    if case.exit_code:
        assert out == "" and err.count("\n") == 1 and err.startswith("octane: error: "), err
        return f"exit {code}\n{err}"
    if fmt == "text" and err:  # the warnings an operator reads with the plan
        return f"{out}--- stderr ---\n{err}"
    return out


def _path(name: str, suffix: str) -> Path:
    path = PLANS / f"{name}{suffix}"
    return path.with_name(path.name + ".gz") if CASES[name].compressed else path


def _read(path: Path) -> str:
    return gzip.decompress(path.read_bytes()).decode() if path.suffix == ".gz" \
        else path.read_text()


def _compare(path: Path, actual: str) -> None:
    if UPDATE or not path.exists():
        if path.suffix == ".gz":  # mtime 0: the same plan gives the same bytes
            path.write_bytes(gzip.compress(actual.encode(), mtime=0))
        else:
            path.write_text(actual)
        if not UPDATE:
            pytest.fail(f"{path.name} did not exist; written -- review it and rerun")
    assert actual == _read(path), f"{path.name} changed (OCTANE_UPDATE_GOLDEN=1 to accept)"


@pytest.mark.parametrize("name", sorted(CASES))
def test_text_plan_over_the_wire(name: str, twins: dict[Any, RunningTwin],
                                 monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES[name]
    _compare(_path(name, ".txt"), _plan(case, "text", twins[case.twin], monkeypatch, capsys))


@pytest.mark.parametrize("name", sorted(CASES))
def test_json_plan_over_the_wire(name: str, twins: dict[Any, RunningTwin],
                                 monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES[name]
    out = _plan(case, "json", twins[case.twin], monkeypatch, capsys)
    if case.exit_code:  # a script reading -f json gets the same one line, nothing on stdout
        assert out == _read(_path(name, ".txt"))
        return
    plan = Plan.from_dict(json.loads(out))
    assert Plan.from_dict(plan.to_dict()) == plan
    assert plan.to_dict() == json.loads(out)  # nothing in the document is lost on reading
    for step in plan.root.walk():  # the engine can run every step
        if step.action:
            assert actions.validate(step.action, step.params) == [], step.id
    _compare(_path(name, ".json"), out)


#: The binaries each real-service section needs (``scripts/bootstrap.sh`` installs them).
BINARIES = {"databases": ("mariadbd", "sshd"),
            "ceph": ("ceph-mon", "ceph", "ceph-authtool", "monmaptool")}


def _real_sections(path: Path) -> list[str]:
    """The real-service sections of a scenario file, top level or in a model."""
    doc = yaml.safe_load(path.read_text())
    keys = set(doc) | {k for m in doc.get("models", {}).values() for k in m}
    return sorted(keys & set(BINARIES))


#: Scenario -> its real-service sections, for every shipped scenario that has any.
REAL_SERVICES = {p.stem: found for p in sorted(SCENARIOS.glob("*.yaml"))
                 if (found := _real_sections(p))}


@pytest.mark.real
@pytest.mark.parametrize("name", [
    # real ceph-mon daemons take ~10 s to form a quorum; MariaDB ~0.5 s (cached template)
    pytest.param(n, marks=[pytest.mark.slow] if "ceph" in REAL_SERVICES[n] else [])
    for n in sorted(REAL_SERVICES)])
def test_real_services_give_the_same_plan(name: str, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """With MariaDB, the sshds and real ceph-mon daemons behind the units, the plan is the
    golden one: switching them off above hides nothing ``octane plan`` depends on (here
    ``ceph versions`` and ``ceph osd dump`` are answered by the real monitors)."""
    sections = REAL_SERVICES[name]
    need_binaries(*(b for s in sections for b in BINARIES[s]),
                  what=f"the {name} scenario's real services ({', '.join(sections)})")
    case = CASES[name]
    with running_twin(name, data_dir=tmp_path / "twin") as twin:
        services = twin.server.services
        for section in sections:  # started, and really real (ceph's falls back otherwise)
            assert "error" not in services[section], services[section]
        for cluster in services.get("ceph", {}).get("clusters", {}).values():
            assert cluster["real"], cluster
        for fmt, suffix in (("text", ".txt"), ("json", ".json")):
            assert _plan(case, fmt, twin, monkeypatch, capsys) == _read(_path(name, suffix))
