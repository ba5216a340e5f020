"""Running twins on this machine: each data dir's ``twin.json`` and a registry of them.

``octane twin up`` starts ``python -m octane.twin.server`` detached and records the data
dir in a registry under the octane data dir (``twin-registry/<id>.json``), so that
``octane twin list`` and ``octane twin down`` find twins started from any directory.
The pid, ports and admin token live in ``<data-dir>/twin.json`` (0600).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from octane import paths
from octane.errors import OctaneError

REGISTRY = "twin-registry"


def default_data_dir(controller: str) -> Path:
    """``<octane data dir>/twins/<controller>``."""
    return paths.data_dir() / "twins" / controller


def _entry_path(data_dir: Path) -> Path:
    key = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
    return paths.subdir(REGISTRY) / f"{key}.json"


def read_info(data_dir: Path) -> dict[str, Any] | None:
    """``twin.json`` of a data dir, or None."""
    try:
        info: dict[str, Any] = json.loads((data_dir / "twin.json").read_text())
    except (OSError, ValueError):
        return None
    return info


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def running(data_dir: Path) -> dict[str, Any] | None:
    """The twin.json of a live twin in ``data_dir``, else None."""
    info = read_info(data_dir)
    if info and alive(int(info.get("pid", 0))):
        return info
    return None


def start(scenario_path: Path, data_dir: Path, scale: float | None,
          wait: float) -> dict[str, Any]:
    """Start a detached twin and wait (at most ``wait`` seconds) until it is ready."""
    current = running(data_dir)
    if current:
        raise OctaneError(f"a twin is already running in {data_dir} (pid {current['pid']})",
                          hint=f"octane twin down {data_dir}")
    paths.private_dir(data_dir)
    stale = data_dir / "twin.json"
    if stale.exists():
        stale.unlink()
    argv = [sys.executable, "-m", "octane.twin.server", "--scenario", str(scenario_path),
            "--data-dir", str(data_dir)]
    if scale is not None:
        argv += ["--scale", str(scale)]
    log_path = data_dir / "twin.log"
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                start_new_session=True, close_fds=True)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        info = read_info(data_dir)
        if info and info.get("ready"):
            register(data_dir, info)
            return info
        code = proc.poll()
        if code is not None:
            tail = log_path.read_text(errors="replace").strip().splitlines()[-1:] or [""]
            raise OctaneError(f"the twin exited with status {code}: {tail[0]}")
        time.sleep(0.05)
    proc.terminate()
    raise OctaneError(f"the twin did not become ready within {wait:g}s",
                      hint=f"see {log_path}")


def register(data_dir: Path, info: dict[str, Any]) -> None:
    """Record a started twin in the registry."""
    entry = {"data_dir": str(data_dir.resolve()), "pid": info["pid"],
             "controller": info["controller"], "scenario": info["scenario"],
             "api": f"{info['host']}:{info['ports']['api']}", "started": time.time()}
    paths.write_private(_entry_path(data_dir), json.dumps(entry))


def registered() -> list[dict[str, Any]]:
    """Every registry entry, with ``running`` computed now."""
    out = []
    for path in sorted(paths.subdir(REGISTRY).glob("*.json")):
        try:
            entry = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        info = running(Path(entry["data_dir"]))
        entry["running"] = bool(info and info.get("pid") == entry.get("pid"))
        out.append(entry)
    return out


def stop(data_dir: Path, wait: float = 15.0) -> int:
    """Stop the twin in ``data_dir`` (SIGTERM, then SIGKILL after ``wait``); its pid."""
    info = running(data_dir)
    entry = _entry_path(data_dir)
    if info is None:
        entry.unlink(missing_ok=True)
        raise OctaneError(f"no twin is running in {data_dir}")
    pid = int(info["pid"])
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and alive(pid):
        time.sleep(0.05)
    if alive(pid):
        os.kill(pid, signal.SIGKILL)
    entry.unlink(missing_ok=True)
    return pid
