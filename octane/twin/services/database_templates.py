"""Seeded MariaDB datadirs built once and copied, so a twin with databases starts fast.

Why: initialising a datadir (``mariadb-install-db``) and seeding the core databases takes
about 3.3 s per model here (1.8 s + 1.6 s, measured); copying a prepared datadir and
starting the server takes about 0.5 s. The focal-ussuri and jammy-yoga scenarios start a
server per test, and side-by-side starts two, so the difference is most of a twin's start.

A template is keyed by everything that shapes its bytes: the section's contents, release,
size and databases, the server tuning, the MariaDB version, and the twin's schema files and
seeding code. It is built in a temporary directory next to its final place and renamed
into place (atomic), under an exclusive ``flock`` so concurrent test runs build it once.
A copy gets its own root password when it starts (``MariaDBServer.set_root_password``).
Templates live in ``$XDG_CACHE_HOME/octane/mariadb-templates`` (``OCTANE_TWIN_CACHE``
overrides); deleting that directory is always safe.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from importlib import resources
from pathlib import Path

from octane.twin.db import catalog, seed
from octane.twin.services.database_section import DatabaseSection
from octane.twin.services.mariadb import MariaDBError, MariaDBServer, Tuning, binary

#: Bumped when the way a template is laid out changes.
FORMAT = "1"
#: Small on purpose: a twin's databases are megabytes, and a copy moves every byte.
TWIN_TUNING = Tuning(buffer_pool="64M", log_file_size="8M", max_allowed_packet="64M")
#: How long to wait for another run building the same template (a 2 GB seed: ~90 s).
BUILD_TIMEOUT = 900.0
_SOURCES = ("seed.py", "seed_nova.py", "seed_services.py", "sqlgen.py", "schema_sync.py",
            "catalog.py")


def cache_dir() -> Path:
    """Where templates are kept (created on demand)."""
    explicit = os.environ.get("OCTANE_TWIN_CACHE")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "octane" / "mariadb-templates"


def template_key(section: DatabaseSection, tuning: Tuning = TWIN_TUNING) -> str:
    """A digest of everything that decides the template's contents."""
    digest = hashlib.sha256()
    for part in (FORMAT, section.key(), repr(tuning), _server_version()):
        digest.update(part.encode() + b"\0")
    package = resources.files("octane.twin.db")
    for name in _SOURCES:
        digest.update((package / name).read_bytes())
    for item in sorted((package / "data").iterdir(), key=lambda p: p.name):
        digest.update(item.name.encode() + item.read_bytes())
    return digest.hexdigest()[:20]


def _server_version() -> str:
    done = subprocess.run([binary("mariadbd"), "--version"], capture_output=True, text=True,
                          timeout=30, check=False)
    return done.stdout.strip()


def fill(server: MariaDBServer, section: DatabaseSection) -> None:
    """Give a fresh server the section's contents (what a template holds)."""
    if section.contents == "seeded":
        seed.seed(server, section.size, section.databases, release=section.release)
    elif section.contents == "empty":
        server.sql("".join(
            f"CREATE DATABASE `{spec.name}` CHARACTER SET {spec.charset} COLLATE "
            f"{spec.collation};\n" for spec in map(catalog.spec, section.databases)))


def template(section: DatabaseSection, tuning: Tuning = TWIN_TUNING) -> Path:
    """The template directory for ``section`` (built now if missing)."""
    root = cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o700)
    final = root / template_key(section, tuning)
    if (final / "ready").exists():
        return final
    with open(root / f"{final.name}.lock", "w") as lock:
        _wait_for_lock(lock.fileno(), BUILD_TIMEOUT)
        if (final / "ready").exists():
            return final
        shutil.rmtree(final, ignore_errors=True)
        work = Path(tempfile.mkdtemp(prefix=".build-", dir=root))
        try:
            server = MariaDBServer(work, name=f"template-{section.model}", tuning=tuning)
            try:
                server.start()
                fill(server, section)
            finally:
                server.stop()
            (work / "ready").write_text(section.key() + "\n")
            os.rename(work, final)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
    return final


def _wait_for_lock(fd: int, timeout: float) -> None:
    """Take the build lock; another run building the same template holds it at most one
    build long."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise MariaDBError(f"another run kept the template build lock for "
                                   f"{timeout:.0f}s") from None
            time.sleep(0.1)


def instantiate(template_dir: Path, base: Path, *, name: str, host: str, port: int,
                tuning: Tuning = TWIN_TUNING) -> MariaDBServer:
    """A server under ``base`` started from a copy of ``template_dir``, with its own password."""
    if base.exists():
        raise MariaDBError(f"{base} already exists")
    base.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["cp", "-a", "--reflink=auto", str(template_dir), str(base)],
                          capture_output=True, timeout=300, check=False)
    if done.returncode != 0:
        raise MariaDBError(f"copying the template datadir failed: "
                           f"{done.stderr.decode(errors='replace').strip()}")
    for stale in ("ready", "error.log", "stdout.log", "run/mysqld.pid", "run/mysqld.sock"):
        (base / stale).unlink(missing_ok=True)
    server = MariaDBServer(base, name=name, tuning=tuning, host=host, port=port)
    server.start()
    server.set_root_password()
    return server
