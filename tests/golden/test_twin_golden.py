"""Golden plans over the wire: every shipped twin scenario, planned through Juju.

``test_golden.py`` pins the planner on snapshot clouds; here each scenario in
``etc/scenarios/`` is started as a twin (its real extensions too: MariaDB for
``databases:``, ceph-mon daemons for ``ceph:``), and ``octane plan`` runs its production
path -- the Juju port, unmodified libjuju over the TLS websocket, the ``instance-count``
probe answered by the twin's charms -- in text and JSON. What the charms report, how the
twin's facades encode it, and how octane reads it are all in the comparison, so a change in
any of them shows up as a diff of ``twin_plans/``. Nothing is normalised: the scenarios fix
controller and model names, and a plan holds no address, port, UUID or time.

A scenario where planning must refuse (``jammy-caracal``: the last release on jammy) has
its one-line error and exit status as the golden; the text goldens end with what the
operator reads on stderr beside the plan (warnings), when there is any. Regenerate with
``OCTANE_UPDATE_GOLDEN=1 pytest tests/golden`` and review the diff in git. The ``large``
plan (9,000 steps) is stored gzip-compressed (mtime 0, so the bytes are reproducible).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from octane.cli import main
from octane.plan import actions
from octane.plan.step import Plan
from octane.twin.testing import RunningTwin, running_twin
from tests.real import need_binaries

PLANS = Path(__file__).parent / "twin_plans"
SCENARIOS = Path(__file__).resolve().parents[2] / "etc" / "scenarios"
UPDATE = os.environ.get("OCTANE_UPDATE_GOLDEN") == "1"


@dataclass(frozen=True)
class Case:
    """One ``octane plan`` against one scenario's model."""

    scenario: str
    model: str
    argv: tuple[str, ...] = ()
    exit_code: int = 0

    @property
    def compressed(self) -> bool:
        return self.scenario == "large"


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
    "jammy-yoga": Case("jammy-yoga", "openstack", ("--purge", "--purge-before-date",
                                                   "2024-01-02")),
    "jammy-caracal": Case("jammy-caracal", "openstack", exit_code=1),
    "awkward": Case("awkward", "awkward"),
    "awkward-force": Case("awkward", "awkward", ("--force",)),
    "side-by-side": Case("side-by-side", "openstack"),
    "ceph-handover": Case("ceph-handover", "openstack"),
    "large": Case("large", "large"),
}

#: Every shipped scenario has at least one case.
assert {c.scenario for c in CASES.values()} == {p.stem for p in SCENARIOS.glob("*.yaml")}


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, RunningTwin]]:
    """Each scenario's twin, started when a case first needs it, all stopped at the end."""
    started: dict[str, RunningTwin] = {}
    with contextlib.ExitStack() as stack:
        class Lazy(dict[str, RunningTwin]):
            def __missing__(self, name: str) -> RunningTwin:
                twin = stack.enter_context(running_twin(
                    name, data_dir=tmp_path_factory.mktemp(f"twin-{name}")))
                self[name] = twin
                return twin

        need_binaries("mariadbd", "sshd", "ceph-mon",
                      what="the scenarios' databases: and ceph: sections")
        started = Lazy()
        yield started


@pytest.fixture(autouse=True)
def _no_openstack_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    # the probe asks the twin's nova-compute units (`instance-count`), as without OS_*
    for name in [n for n in os.environ if n.startswith("OS_")] + [
            "OCTANE_STANDARD_IDLE_TIMEOUT", "OCTANE_LONG_IDLE_TIMEOUT"]:
        monkeypatch.delenv(name, raising=False)


def _plan(case: Case, fmt: str, twins: dict[str, RunningTwin],
          monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    twin = twins[case.scenario]
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


def _compare(path: Path, actual: str, *, compressed: bool) -> None:
    if compressed:
        path = path.with_name(path.name + ".gz")
    if UPDATE or not path.exists():
        if compressed:
            path.write_bytes(gzip.compress(actual.encode(), mtime=0))
        else:
            path.write_text(actual)
        if not UPDATE:
            pytest.fail(f"{path.name} did not exist; written -- review it and rerun")
    expected = gzip.decompress(path.read_bytes()).decode() if compressed else path.read_text()
    assert actual == expected, f"{path.name} changed (OCTANE_UPDATE_GOLDEN=1 to accept)"


@pytest.mark.parametrize("name", sorted(CASES))
def test_text_plan_over_the_wire(name: str, twins: dict[str, RunningTwin],
                                 monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES[name]
    _compare(PLANS / f"{name}.txt", _plan(case, "text", twins, monkeypatch, capsys),
             compressed=case.compressed)


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if not c.exit_code))
def test_json_plan_over_the_wire(name: str, twins: dict[str, RunningTwin],
                                 monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES[name]
    out = _plan(case, "json", twins, monkeypatch, capsys)
    plan = Plan.from_dict(json.loads(out))
    assert Plan.from_dict(plan.to_dict()) == plan
    for step in plan.root.walk():  # the engine can run every step
        if step.action:
            assert actions.validate(step.action, step.params) == [], step.id
    _compare(PLANS / f"{name}.json", out, compressed=case.compressed)
