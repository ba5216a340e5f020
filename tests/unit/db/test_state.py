"""The resume record: private file, round trip, and a corrupt file meaning a fresh start."""

from __future__ import annotations

import json
import stat

from octane.db.endpoint import Endpoint
from octane.db.report import CopyReport, TableResult
from octane.db.state import TableRecord, load_state

SRC = Endpoint("10.0.0.1", 3306, "root", "s3cret")
TGT = Endpoint("10.0.0.2", 3306, "root", "t0psecret")


def test_record_round_trips_privately() -> None:
    state = load_state(SRC, TGT, ["nova", "keystone"])
    assert not state.resumable
    state.record("nova.instances", TableRecord(12, 345))
    assert stat.S_IMODE(state.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(state.path.parent.stat().st_mode) == 0o700
    text = state.path.read_text()
    assert "s3cret" not in text and "t0psecret" not in text

    again = load_state(SRC, TGT, ["keystone", "nova"])
    assert again.path == state.path and again.done == {"nova.instances": TableRecord(12, 345)}
    assert load_state(SRC, TGT, ["nova"]).path != state.path
    assert load_state(SRC, TGT, ["nova", "keystone"], fresh=True).done == {}

    again.forget("nova.instances")
    assert json.loads(state.path.read_text())["done"] == {}
    again.remove()
    assert not state.path.exists()


def test_corrupt_state_starts_over() -> None:
    state = load_state(SRC, TGT, ["nova"])
    state.record("nova.a", TableRecord(1, 2))
    state.path.write_text("{not json")
    assert load_state(SRC, TGT, ["nova"]).done == {}


def test_report_verdicts() -> None:
    good = TableResult("nova.a", 3, 3, 7, 7)
    missing = TableResult("nova.b", 3)
    bad = TableResult("nova.c", 3, 3, 7, 8)
    assert (good.status, missing.status, bad.status) == ("ok", "not copied", "MISMATCH")
    report = CopyReport("s", "t", ["nova"], [good, bad], seconds=2.0)
    assert not report.ok and report.failures == ["nova.c"]
    assert report.summary().endswith("1 FAILED")
    assert CopyReport("s", "t", ["nova"], [good]).summary().endswith("all verified")
