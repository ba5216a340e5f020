"""Golden plans: a whole cloud in, a whole plan out, compared as text and as JSON.

Each case runs ``octane plan`` end to end (flags, probes, builder, output) on a scenario
snapshot. A changed plan fails with a diff; when the change is intended, regenerate with
``OCTANE_UPDATE_GOLDEN=1 pytest tests/golden`` and review the diff of ``plans/`` in git --
that review is the point of golden files.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

import octane.commands.plan as plan_command
from octane.cli import main
from octane.cloud.model import Cloud
from octane.plan import actions
from octane.plan.step import Plan
from tests.golden import scenarios as sc
from tests.golden.session import SnapshotSession, opener

PLANS = Path(__file__).parent / "plans"
UPDATE = os.environ.get("OCTANE_UPDATE_GOLDEN") == "1"

#: name -> (cloud factory, instance counts, extra argv)
CASES: dict[str, tuple[Callable[[], Cloud], dict[str, int], list[str]]] = {
    "focal-ussuri": (sc.focal_ussuri, {}, []),
    "focal-ussuri-control-plane": (sc.focal_ussuri, {}, ["control-plane", "--no-backup"]),
    "focal-ussuri-data-plane": (lambda: sc.control_plane_done("focal", "ussuri", "victoria"),
                                {}, ["data-plane"]),
    "focal-ussuri-hypervisors-az2": (
        lambda: sc.control_plane_done("focal", "ussuri", "victoria"), {},
        ["hypervisors", "--az", "az2"]),
    "jammy-yoga": (sc.jammy_yoga, {}, ["--purge", "--purge-before-date", "2024-01-02",
                                       "--archive-batch-size", "200"]),
    "jammy-yoga-upgrade-vault": (sc.jammy_yoga, {}, ["control-plane", "--upgrade-vault"]),
    "jammy-antelope": (lambda: sc.openstack_cloud("openstack", "jammy", "antelope").build(),
                       {}, ["--skip-apps", "vault"]),
    "awkward": (sc.awkward, sc.AWKWARD_VMS, []),
    "awkward-force": (sc.awkward, sc.AWKWARD_VMS, ["--force", "--no-archive"]),
}


@pytest.fixture(autouse=True)
def _no_openstack_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OS_CLOUD", "OS_AUTH_URL", "OCTANE_STANDARD_IDLE_TIMEOUT",
                 "OCTANE_LONG_IDLE_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)


def _run(name: str, fmt: str, monkeypatch: pytest.MonkeyPatch,
         capsys: pytest.CaptureFixture[str]) -> str:
    factory, vms, argv = CASES[name]
    session = SnapshotSession(factory(), instance_counts=vms)
    monkeypatch.setattr(plan_command, "open_model", opener({None: session}))
    assert main(["plan", *argv, "-f", fmt]) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def _compare(path: Path, actual: str) -> None:
    if UPDATE or not path.exists():
        path.write_text(actual)
        if not UPDATE:
            pytest.fail(f"{path.name} did not exist; written -- review it and rerun")
    assert actual == path.read_text(), f"{path.name} changed (OCTANE_UPDATE_GOLDEN=1 to accept)"


@pytest.mark.parametrize("name", sorted(CASES))
def test_text_plan(name: str, monkeypatch: pytest.MonkeyPatch,
                   capsys: pytest.CaptureFixture[str]) -> None:
    _compare(PLANS / f"{name}.txt", _run(name, "text", monkeypatch, capsys))


@pytest.mark.parametrize("name", sorted(CASES))
def test_json_plan(name: str, monkeypatch: pytest.MonkeyPatch,
                   capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(name, "json", monkeypatch, capsys)
    plan = Plan.from_dict(json.loads(out))
    for step in plan.root.walk():  # the engine can run every step of every golden plan
        if step.action:
            assert actions.validate(step.action, step.params) == [], step.id
    _compare(PLANS / f"{name}.json", out)


def test_the_last_release_of_a_series_has_no_plan(monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    session = SnapshotSession(sc.jammy_caracal())
    monkeypatch.setattr(plan_command, "open_model", opener({None: session}))
    assert main(["plan"]) == 1
    err = capsys.readouterr().err
    assert err == ("octane: error: No upgrades available for OpenStack caracal on Ubuntu "
                   "jammy: caracal is the last release on jammy; upgrade the series to noble "
                   "first (octane upgrade-os)\n")


@pytest.mark.parametrize("name", sorted(CASES))
def test_yaml_plan_is_the_json_plan_as_pyyaml_writes_it(
        name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # `-f yaml` uses libyaml's emitter when PyYAML has it; the text must stay what the
    # pure-Python safe dumper writes for the golden JSON document
    expected = yaml.safe_dump(json.loads((PLANS / f"{name}.json").read_text()),
                              sort_keys=False, allow_unicode=True, width=100)
    assert _run(name, "yaml", monkeypatch, capsys) == expected
