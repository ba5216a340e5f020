"""A small in-memory model with the charm rules the actions rely on, for fast tests.

Not a mock of calls: it keeps state (channels, revisions, config, workload versions, unit
statuses, files on units) and applies the rules a charm follows -- a new origin moves the
workload once hooks settle unless ``action-managed-upgrade`` is on, ``openstack-upgrade``
moves one unit, ``pause`` / ``resume`` change the workload status, ``archive-data`` empties
a row counter in batches. Tests assert on that state after running an action.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from octane.actions import RunNotes, Settings, Timeouts, UpgradeDeps
from octane.actions.deps import NovaPort, Unsealer
from octane.cloud.model import Application, Cloud, Unit
from octane.engine import StepContext
from octane.engine.signals import StopController
from octane.juju.model import ActionResult, CommandResult
from octane.plan.step import Step
from octane.releases import catalogue


@dataclass
class FakeJuju:
    """State plus rules; ``calls`` records every write for idempotence checks."""

    cloud: Cloud
    revisions: dict[tuple[str, str], int] = field(default_factory=dict)
    files: dict[tuple[str, str], bytes] = field(default_factory=dict)
    instances: dict[str, int] = field(default_factory=dict)
    archive_rows: int = 0
    osd_release: str = "octopus"
    require_osd_release: str = "octopus"
    failing: dict[tuple[str, str], str] = field(default_factory=dict)
    calls: list[tuple[str, ...]] = field(default_factory=list)
    on_status: Callable[[FakeJuju], None] | None = None

    @property
    def name(self) -> str:
        return self.cloud.model

    # -- state helpers ----------------------------------------------------------------------

    def app(self, name: str) -> Application:
        return self.cloud.applications[name]

    def _put(self, app: Application) -> None:
        apps = dict(self.cloud.applications)
        apps[app.name] = app
        self.cloud = replace(self.cloud, applications=apps)

    def set_unit(self, name: str, **changes: Any) -> None:
        app = self.app(name.split("/")[0])
        units = tuple(replace(u, **changes) if u.name == name else u for u in app.units)
        self._put(replace(app, units=units))

    def unit(self, name: str) -> Unit:
        found = self.app(name.split("/")[0]).unit(name)
        assert found is not None
        return found

    def _version_for_origin(self, app: Application, unit: Unit) -> str:
        cat = catalogue()
        origin = str(app.config.get("openstack-origin") or app.config.get("source") or "")
        release = cat.parse_origin(origin, cat.series(app.series))
        if release is None:
            return unit.workload_version
        return cat.workload_version_for(app.charm, release, app.channel) or \
            unit.workload_version

    # -- the port ---------------------------------------------------------------------------

    async def status(self) -> Cloud:
        if self.on_status is not None:
            self.on_status(self)
        return self.cloud

    async def get_config(self, application: str) -> dict[str, Any]:
        return dict(self.app(application).config)

    async def set_config(self, application: str, config: Mapping[str, Any]) -> None:
        self.calls.append(("set_config", application, json.dumps(dict(config), sort_keys=True)))
        app = self.app(application)
        self._put(replace(app, config={**app.config, **config}))
        app = self.app(application)
        managed = str(app.config.get("action-managed-upgrade", "false")).lower() == "true"
        if not managed:
            units = tuple(replace(u, workload_version=self._version_for_origin(app, u))
                          for u in app.units)
            self._put(replace(app, units=units))

    async def latest_revision(self, application: str, channel: str) -> int | None:
        return self.revisions.get((application, channel))

    async def refresh(self, application: str, *, channel: str | None = None,
                      switch: str | None = None, revision: int | None = None) -> None:
        self.calls.append(("refresh", application, channel or ""))
        app = self.app(application)
        rev = self.revisions.get((application, channel or app.channel), app.revision)
        self._put(replace(app, channel=channel or app.channel, revision=rev))

    async def run_action(self, unit: str, action: str, params: Mapping[str, Any] | None = None,
                         *, timeout: float | None = None) -> ActionResult:
        self.calls.append(("action", unit, action))
        if (unit, action) in self.failing:
            return ActionResult(unit, action, "1", "failed", {}, self.failing[(unit, action)])
        output: dict[str, Any] = {}
        app = self.app(unit.split("/")[0])
        if action == "pause":
            self.set_unit(unit, workload_status="maintenance",
                          workload_message="Paused. Use 'resume' action to resume normal service.")
        elif action == "resume":
            self.set_unit(unit, workload_status="active", workload_message="Unit is ready")
        elif action == "openstack-upgrade":
            self.set_unit(unit, workload_version=self._version_for_origin(app, self.unit(unit)))
        elif action == "instance-count":
            output["instance-count"] = str(self.instances.get(unit, 0))
        elif action == "archive-data":
            size = int((params or {})["batch-size"])
            moved = min(size, self.archive_rows)
            self.archive_rows -= moved
            output["archive-deleted-rows"] = (
                "Nothing was archived." if not moved else
                f"+-----------+----+\n| Table | Number of Rows Archived |\n"
                f"+-----------+----+\n| instances | {moved} |\n+-----------+----+")
        elif action == "mysqldump":
            path = "/var/backups/mysql/mysqldump-all-databases-202601010000.gz"
            self.files[(unit, path)] = b"-- dump --\n" * 100_000
            output["mysqldump-file"] = path
        return ActionResult(unit, action, "1", "completed", output)

    async def run_command(self, units: Sequence[str], command: str, *,
                          timeout: float | None = None) -> dict[str, CommandResult]:
        self.calls.append(("command", ",".join(units), command))
        return {u: self._command(u, command) for u in units}

    def _command(self, unit: str, command: str) -> CommandResult:
        if command.startswith("ceph versions"):
            major = catalogue().ceph_release(self.osd_release)
            assert major is not None
            text = f"ceph version {major.major}.2.1 (abc) {self.osd_release} (stable)"
            return CommandResult(unit, 0, json.dumps({"osd": {text: 3}}), "")
        if command.startswith("ceph osd dump"):
            return CommandResult(unit, 0, json.dumps(
                {"require_osd_release": self.require_osd_release}), "")
        if command.startswith("ceph osd require-osd-release "):
            self.require_osd_release = command.split()[-1]
            return CommandResult(unit, 0, "", "")
        parts = command.split()
        if parts[0] in ("stat", "sha256sum", "dd"):
            path = parts[-1] if parts[0] != "dd" else parts[1].split("=", 1)[1]
            data = self.files.get((unit, path))
            if data is None:
                return CommandResult(unit, 1, "", f"{path}: No such file or directory")
            if parts[0] == "stat":
                return CommandResult(unit, 0, f"{len(data)}\n", "")
            if parts[0] == "sha256sum":
                return CommandResult(unit, 0, f"{hashlib.sha256(data).hexdigest()}  {path}", "")
            size = int(parts[2].split("=")[1])
            skip = int(parts[3].split("=")[1])
            chunk = data[skip * size:(skip + 1) * size]
            return CommandResult(unit, 0, base64.b64encode(chunk).decode(), "")
        if command.startswith(("apt-get", "apt-mark", "systemctl")):
            return CommandResult(unit, 0, "", "")
        return CommandResult(unit, 127, "", f"{parts[0]}: command not found")


@dataclass
class Screen:
    """What an action showed the operator, and the answers it will get."""

    said: list[tuple[str, bool]] = field(default_factory=list)
    progress: list[tuple[str | None, tuple[str, ...]]] = field(default_factory=list)
    answers: list[str | None] = field(default_factory=list)
    asked: list[tuple[str, bool]] = field(default_factory=list)


def context(juju: FakeJuju, step: Step, *, notes: RunNotes, screen: Screen | None = None,
            settings: Settings | None = None, nova: NovaPort | None = None,
            run_id: str = "run-1", stop: StopController | None = None,
            unsealer: Unsealer | None = None, backups: Path | None = None
            ) -> StepContext[UpgradeDeps]:
    """A StepContext as the engine builds it, over the fake model."""
    shown = screen or Screen()

    async def ask(question: str, secret: bool) -> str | None:
        shown.asked.append((question, secret))
        return shown.answers.pop(0) if shown.answers else None

    deps = UpgradeDeps(juju=juju, notes=notes, nova=nova, backups=backups, unsealer=unsealer,
                       settings=settings or Settings(timeouts=Timeouts(), idle_period=0.0,
                                                     poll=0.0))
    return StepContext(run_id=run_id, step=step, deps=deps, resumed=False,
                       _stop=stop or StopController(),
                       _report=lambda sid, p: shown.progress.append((p.waiting_for, p.busy)),
                       _say=lambda sid, text, important: shown.said.append((text, important)),
                       _ask=ask)
