"""Facts one step of a run leaves for later steps, kept on disk so a resumed run has them.

The journal records each step's own result, but some decisions span steps: a hypervisor
that ``nova.verify_empty`` found running instances is *skipped*, so the same unit's pause,
openstack-upgrade and resume must do nothing and the AZ's workload check must not count it,
even when those steps run in another process after a crash. Such facts go to
``<data>/runs/<run id>/notes.json``, written atomically (0600) before the step that decided
them is journaled done; a step that is re-run rewrites its own fact, so the file never
disagrees with the journal for long.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from octane import paths


class RunNotes:
    """Per-run notes under ``base`` (default: ``<data>/runs``)."""

    def __init__(self, base: Path | None = None) -> None:
        self._base = base
        self._lock = asyncio.Lock()

    def _file(self, run_id: str) -> Path:
        base = self._base if self._base is not None else paths.subdir("runs")
        return base / run_id / "notes.json"

    def read(self, run_id: str) -> dict[str, Any]:
        """Everything noted for ``run_id`` (empty when nothing was)."""
        path = self._file(run_id)
        if not path.exists():
            return {}
        data = json.loads(path.read_text())
        return data if isinstance(data, dict) else {}

    async def _update(self, run_id: str, section: str, key: str, value: Any) -> None:
        async with self._lock:
            def write() -> None:
                data = self.read(run_id)
                entries = dict(data.get(section) or {})
                if value is None:
                    entries.pop(key, None)
                else:
                    entries[key] = value
                data[section] = entries
                paths.write_private(self._file(run_id), json.dumps(data, indent=1,
                                                                   sort_keys=True))
            await asyncio.to_thread(write)

    # -- skipped hypervisors ---------------------------------------------------------------

    def skipped(self, run_id: str) -> dict[str, str]:
        """nova-compute units skipped in this run -> why."""
        return {str(k): str(v) for k, v in (self.read(run_id).get("skipped") or {}).items()}

    async def skip(self, run_id: str, unit: str, reason: str) -> None:
        """Record that ``unit`` is left alone for the rest of the run."""
        await self._update(run_id, "skipped", unit, reason)

    async def unskip(self, run_id: str, unit: str) -> None:
        """Forget a skip (the unit was found empty when its check ran again)."""
        await self._update(run_id, "skipped", unit, None)

    # -- backups ---------------------------------------------------------------------------

    def backups(self, run_id: str) -> dict[str, str]:
        """Application -> the local dump file taken in this run."""
        return {str(k): str(v) for k, v in (self.read(run_id).get("backups") or {}).items()}

    async def backup(self, run_id: str, application: str, local: Path) -> None:
        """Record the dump of ``application`` fetched to ``local``."""
        await self._update(run_id, "backups", application, str(local))
