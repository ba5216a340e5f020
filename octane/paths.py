"""Where octane keeps its files, and how secrets are written.

Logs, journals, plans and backups live in the XDG data directory (like COU's
``~/.local/share/cou``) so that an operator finds every run's artefacts in one place.
Secrets (database dumps, keyrings, passwords) are always written 0600 inside a 0700
directory, atomically, so a half-written dump is never mistaken for a whole one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def data_dir() -> Path:
    """The octane data directory: ``$OCTANE_DATA``, else ``$XDG_DATA_HOME/octane``."""
    explicit = os.environ.get("OCTANE_DATA")
    if explicit:
        base = Path(explicit)
    else:
        xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        base = Path(xdg) / "octane"
    return private_dir(base)


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if needed and make it 0700."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def subdir(name: str) -> Path:
    """A 0700 subdirectory of the data directory (``log``, ``journal``, ``backups``...)."""
    return private_dir(data_dir() / name)


def write_private(path: Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` atomically with mode 0600; the parent is made 0700."""
    private_dir(path.parent)
    raw = data.encode() if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
