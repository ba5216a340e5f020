"""The in-place plan's action vocabulary: every action name a step may carry, its parameters
and what it must do.

This module is the contract between the planner (which only writes these names into steps)
and the engine (which implements exactly these names in its registry). It imports nothing
from octane, so any layer may use it. Rules every implementation keeps:

* idempotent: running an action whose effect is already in place changes nothing and
  succeeds (a resumed run re-runs the step that was interrupted);
* an action fails with a one-line reason; it never prompts, except ``vault.unseal``;
* timeouts are seconds; unit and application names are Juju's (``nova-compute/3``);
* ``requires`` ids in a plan always name steps of the same plan.

:func:`validate` checks a step's params against the schema; the planner's tests run it on
every step of every golden plan, so a plan never carries a parameter the engine does not
expect.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

STR, INT, BOOL, STRS, STR_MAP, OPT_STR = "str", "int", "bool", "list[str]", "dict[str,str]", \
    "str|null"


@dataclass(frozen=True)
class Param:
    """One parameter of an action: its JSON type, whether it must be present, its meaning."""

    name: str
    type: str
    meaning: str
    required: bool = True


@dataclass(frozen=True)
class ActionSpec:
    """An action name, what it does in one line, its parameters, and whether it writes."""

    name: str
    meaning: str
    params: tuple[Param, ...]
    mutates: bool = True


def _p(name: str, kind: str, meaning: str, required: bool = True) -> Param:
    return Param(name, kind, meaning, required)


APP = _p("application", STR, "Juju application name")
UNIT = _p("unit", STR, "Juju unit name, e.g. 'nova-compute/3'")
TIMEOUT = _p("timeout", INT, "seconds before the action fails")

SPECS: tuple[ActionSpec, ...] = (
    ActionSpec("model.verify_idle", "Fail unless every unit of the known applications is "
               "active/idle (waits up to `timeout` for them to settle; error states fail at "
               "once)", (TIMEOUT,), mutates=False),
    ActionSpec("mysql.backup", "Run the `mysqldump` action on the leader of `application` and "
               "copy the dump into the octane data dir (0600)", (APP,)),
    ActionSpec("nova.archive", "Run nova-cloud-controller's `archive-data` action with "
               "`batch_size` again and again until it archives nothing more", (
                   APP, _p("batch_size", INT, "rows per batch (--archive-batch-size)"))),
    ActionSpec("nova.purge", "Run nova-cloud-controller's `purge-data` action, deleting shadow "
               "rows older than `before` (all when null)", (
                   APP, _p("before", OPT_STR, "YYYY-MM-DD[ HH:mm[:ss]] or null"))),
    ActionSpec("unit.upgrade_packages", "On `unit`, `apt-mark hold` the `hold` packages, run "
               "apt-get update && dist-upgrade (confnew/confdef, -y) && autoremove, then "
               "unhold them; fail on a non-zero exit", (
                   UNIT, _p("hold", STRS, "packages kept back during the upgrade"), TIMEOUT)),
    ActionSpec("app.refresh", "Refresh `application`'s charm to the latest revision of "
               "`channel` (resolve the revision first: libjuju #1083), cross-grading to charm "
               "`switch` when set; no-op when already there", (
                   APP, _p("channel", STR, "target channel, e.g. 'victoria/stable'"),
                   _p("switch", OPT_STR, "charm URL to cross-grade to, or null"), TIMEOUT)),
    ActionSpec("app.set_config", "Set charm options of `application` (string values, as "
               "`juju config`); no-op when they already hold", (
                   APP, _p("config", STR_MAP, "option -> value"))),
    ActionSpec("app.verify_config", "Fail unless option `key` of `application` is `expected` "
               "now (an operator may have changed it since the plan)", (
                   APP, _p("key", STR, "option name"), _p("expected", STR, "value text")),
               mutates=False),
    ActionSpec("model.wait_idle", "Wait until `applications` (the whole model when null) have "
               "been active/idle for the idle period; fail on error (and on blocked when "
               "`raise_on_blocked`) or after `timeout` with the busy units named", (
                   TIMEOUT, _p("applications", "list[str]|null", "scope; null = model"),
                   _p("raise_on_blocked", BOOL, "treat blocked units as failed")),
               mutates=False),
    ActionSpec("app.verify_workload", "Fail unless every listed unit's workload version maps "
               "to `release` or newer (charms may need minutes after the idle state)", (
                   APP, _p("units", STRS, "units to check"),
                   _p("release", STR, "target release codename")), mutates=False),
    ActionSpec("app.verify_release", "Fail unless every unit of `application` is on `release` "
               "or newer now (e.g. all nova-compute before ceph-osd)", (
                   APP, _p("release", STR, "release codename")), mutates=False),
    ActionSpec("nova.disable_scheduler", "Run nova-compute's `disable` action on `unit` so "
               "the scheduler places no new instance there", (UNIT,)),
    ActionSpec("nova.enable_scheduler", "Run nova-compute's `enable` action on `unit`",
               (UNIT,)),
    ActionSpec("nova.verify_empty", "Fail unless the hypervisor of `unit` runs no instance "
               "(Nova when credentials are given, else the `instance-count` action)", (
                   UNIT, _p("hostname", OPT_STR, "machine hostname Nova knows, or null")),
               mutates=False),
    ActionSpec("unit.pause", "Run the charm's `pause` action on `unit` (no-op if paused)",
               (UNIT,)),
    ActionSpec("unit.openstack_upgrade", "Run the charm's `openstack-upgrade` action on `unit` "
               "(the origin is already set; action-managed-upgrade is true)", (UNIT, TIMEOUT)),
    ActionSpec("unit.resume", "Run the charm's `resume` action on `unit`, then restart the "
               "`restart_services` systemd services on it", (
                   UNIT, _p("restart_services", STRS, "services restarted after resume"))),
    ActionSpec("unit.run_action", "Run charm action `action` with `params` on `unit` and fail "
               "unless it completes", (
                   UNIT, _p("action", STR, "charm action name"),
                   _p("params", "dict", "action parameters"))),
    ActionSpec("ceph.ensure_require_osd_release", "On a `mon_application` unit read the OSD "
               "release from `ceph versions`; if `ceph osd require-osd-release` differs, set "
               "it to that release", (
                   _p("mon_application", STR, "ceph-mon application"),)),
    ActionSpec("ovn.verify_version", "Fail unless every unit of `application` runs OVN "
               "`minimum` or newer (LTS 22.03 is the floor for charm upgrades)", (
                   APP, _p("minimum", STR, "minimum OVN version")), mutates=False),
    ActionSpec("vault.verify_unsealed", "Fail if a unit of `application` reports vault sealed",
               (APP,), mutates=False),
    ActionSpec("vault.unseal", "After a vault refresh: wait until the units report sealed, ask "
               "the operator for unseal keys (never logged), unseal every unit, wait active", (
                   APP, TIMEOUT)),
)

#: Action name -> spec.
ACTIONS: Mapping[str, ActionSpec] = {spec.name: spec for spec in SPECS}

_CHECKS = {
    STR: lambda v: isinstance(v, str) and v != "",
    INT: lambda v: isinstance(v, int) and not isinstance(v, bool),
    BOOL: lambda v: isinstance(v, bool),
    STRS: lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v),
    STR_MAP: lambda v: isinstance(v, dict) and all(isinstance(k, str) and isinstance(i, str)
                                                   for k, i in v.items()),
    OPT_STR: lambda v: v is None or isinstance(v, str),
    "list[str]|null": lambda v: v is None or (isinstance(v, list) and
                                              all(isinstance(i, str) for i in v)),
    "dict": lambda v: isinstance(v, dict),
}


def validate(action: str, params: Mapping[str, Any]) -> list[str]:
    """Problems with ``params`` for ``action``: unknown action, missing, extra or mistyped."""
    spec = ACTIONS.get(action)
    if spec is None:
        return [f"unknown action {action!r}"]
    problems = []
    names = {p.name for p in spec.params}
    for extra in sorted(set(params) - names):
        problems.append(f"{action}: unexpected parameter {extra!r}")
    for param in spec.params:
        if param.name not in params:
            if param.required:
                problems.append(f"{action}: missing parameter {param.name!r}")
            continue
        if not _CHECKS[param.type](params[param.name]):
            problems.append(f"{action}: {param.name!r} must be {param.type}, "
                            f"not {params[param.name]!r}")
    return problems
