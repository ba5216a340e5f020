"""The action vocabulary: the contract the engine implements."""

from __future__ import annotations

from octane.plan.actions import ACTIONS, SPECS, validate


def test_names_are_unique_and_documented() -> None:
    assert len(ACTIONS) == len(SPECS)
    for spec in SPECS:
        assert "." in spec.name and spec.meaning and spec.meaning[0].isupper()
        assert len({p.name for p in spec.params}) == len(spec.params)


def test_read_only_actions_are_marked() -> None:
    read_only = {s.name for s in SPECS if not s.mutates}
    assert {"model.verify_idle", "model.wait_idle", "app.verify_workload",
            "nova.verify_empty", "ovn.verify_version"} <= read_only
    assert "app.refresh" not in read_only


def test_validation_names_each_problem() -> None:
    assert validate("nope", {}) == ["unknown action 'nope'"]
    problems = validate("app.refresh", {"application": "keystone", "channel": 7, "extra": 1})
    assert problems == ["app.refresh: unexpected parameter 'extra'",
                        "app.refresh: 'channel' must be str, not 7",
                        "app.refresh: missing parameter 'switch'",
                        "app.refresh: missing parameter 'timeout'"]
    assert validate("nova.purge", {"application": "ncc", "before": None}) == []
    assert validate("app.set_config", {"application": "a", "config": {"k": True}}) != []
