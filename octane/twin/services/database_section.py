"""The schema of a model's ``databases:`` scenario section (docs/db.md).

Why its own module: a scenario that cannot describe its databases must fail when the twin
starts, with one line naming the file and the path inside it, before any server runs.

::

    databases:
      application: mysql-innodb-cluster  # default: the model's mysql-innodb-cluster app
      contents: seeded       # seeded (default): schemas and rows; empty: the service
                             # databases exist without tables (a fresh seed whose services
                             # never synced); none: only MariaDB's own schemas
      release: ussuri        # seeded: the release the schemas are synced to (default ussuri)
      size: tiny             # seeded: tiny (default), {instances: N} or {megabytes: M}
      databases: [keystone, nova_api, nova, ...]   # default: the core service databases
      ssh: ["3"]             # more machines with a real sshd (the database machine has one)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from octane.twin.db import catalog, schema_sync
from octane.twin.db.seed import SeedSize
from octane.twin.scenario import ScenarioError, model_section

KEYS = frozenset({"application", "contents", "release", "size", "databases", "ssh"})
CONTENTS = ("seeded", "empty", "none")


@dataclass(frozen=True)
class DatabaseSection:
    """One model's ``databases:`` section, validated."""

    model: str
    application: str | None = None
    contents: str = "seeded"
    release: str = "ussuri"
    size: SeedSize = field(default_factory=SeedSize.tiny)
    databases: tuple[str, ...] = catalog.CORE
    ssh: tuple[str, ...] = ()

    def key(self) -> str:
        """What determines the server's initial datadir (the template cache key)."""
        return (f"{self.contents}|{self.release}|{self.size}|{','.join(self.databases)}"
                if self.contents != "none" else "none")


def parse_section(source: str, model: str, raw: Any) -> DatabaseSection:
    """Validate ``models.<model>.databases``; the first problem is one line naming its path."""
    where, raw = model_section(source, model, "databases", raw, KEYS)
    contents = raw.get("contents", "seeded")
    if contents not in CONTENTS:
        raise ScenarioError(f"{where}.contents: expected one of {', '.join(CONTENTS)}, "
                            f"not {contents!r}")
    release = str(raw.get("release", schema_sync.releases()[0]))
    if release not in schema_sync.releases():
        raise ScenarioError(f"{where}.release: the twin's schemas know "
                            f"{', '.join(schema_sync.releases())}, not {release!r}")
    if contents != "seeded" and ({"size", "release"} & set(raw)):
        raise ScenarioError(f"{where}: size and release describe seeded contents, not "
                            f"{contents!r}")
    names = raw.get("databases", list(catalog.CORE))
    if not isinstance(names, list) or not names:
        raise ScenarioError(f"{where}.databases: expected a list of database names")
    for index, name in enumerate(names):
        try:
            catalog.spec(str(name))
        except KeyError:
            known = ", ".join(d.name for d in catalog.DATABASES)
            raise ScenarioError(f"{where}.databases[{index}]: the twin has no schema for "
                                f"{name!r} (it knows {known})") from None
    ssh = raw.get("ssh", [])
    if not isinstance(ssh, list):
        raise ScenarioError(f"{where}.ssh: expected a list of machine ids")
    application = raw.get("application")
    return DatabaseSection(
        model=model, application=str(application) if application else None,
        contents=contents, release=release, size=_size(where, raw.get("size", "tiny")),
        databases=tuple(str(n) for n in names), ssh=tuple(str(m) for m in ssh))


def _size(where: str, raw: Any) -> SeedSize:
    if raw == "tiny":
        return SeedSize.tiny()
    if isinstance(raw, dict) and set(raw) == {"instances"} and isinstance(raw["instances"], int) \
            and raw["instances"] >= 10:
        return SeedSize(instances=raw["instances"])
    if isinstance(raw, dict) and set(raw) == {"megabytes"} and \
            isinstance(raw["megabytes"], (int, float)) and raw["megabytes"] > 0:
        return SeedSize.for_megabytes(float(raw["megabytes"]))
    raise ScenarioError(f"{where}.size: expected tiny, {{instances: N}} (N >= 10) or "
                        "{megabytes: M}")
