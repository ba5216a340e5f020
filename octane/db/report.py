"""What a copy reports: per table, rows and checksums on both sides; per object, DDL.

The report is the proof the issue asks for: a table is ``ok`` only when the source's
``CHECKSUM TABLE`` in the snapshot equals the target's after the load *and* the row
counts agree; views, triggers and routines are ``ok`` when the target's ``SHOW CREATE``
text equals the source's.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TableResult:
    """The copy of one table as verified."""

    label: str
    source_rows: int = 0
    target_rows: int | None = None
    source_checksum: int | None = None
    target_checksum: int | None = None
    bytes: int = 0
    resumed: bool = False
    schema_ok: bool = True
    note: str = ""

    @property
    def ok(self) -> bool:
        """Rows and checksums equal on both sides, and the DDL matches."""
        return (self.target_rows == self.source_rows and self.schema_ok
                and self.source_checksum == self.target_checksum
                and self.target_checksum is not None)

    @property
    def status(self) -> str:
        """One word for the report table."""
        if self.ok:
            return "resumed" if self.resumed else "ok"
        if self.target_rows is None:
            return "not copied"
        return "MISMATCH"


@dataclass(frozen=True)
class ObjectResult:
    """A view, trigger, routine or event and whether its DDL matches."""

    label: str
    kind: str
    ok: bool


@dataclass
class CopyReport:
    """The outcome of ``octane db copy``."""

    source: str
    target: str
    databases: list[str]
    tables: list[TableResult] = field(default_factory=list)
    objects: list[ObjectResult] = field(default_factory=list)
    seconds: float = 0.0
    readers: int = 0
    loaders: int = 0
    consistent: bool = True

    @property
    def ok(self) -> bool:
        """Every table and object verified."""
        return all(t.ok for t in self.tables) and all(o.ok for o in self.objects)

    @property
    def rows(self) -> int:
        """Rows copied (source side)."""
        return sum(t.source_rows for t in self.tables)

    @property
    def bytes(self) -> int:
        """Bytes of row text moved in this run."""
        return sum(t.bytes for t in self.tables)

    @property
    def failures(self) -> list[str]:
        """Labels of everything that did not verify."""
        return ([t.label for t in self.tables if not t.ok]
                + [f"{o.kind.lower()} {o.label}" for o in self.objects if not o.ok])

    def summary(self) -> str:
        """One line for the operator."""
        resumed = sum(1 for t in self.tables if t.resumed)
        rate = self.bytes / 1e6 / self.seconds if self.seconds else 0.0
        extra = f", {resumed} verified from an earlier run" if resumed else ""
        verdict = "all verified" if self.ok else f"{len(self.failures)} FAILED"
        return (f"copied {len(self.tables)} tables ({self.rows} rows, "
                f"{self.bytes / 1e6:.1f} MB) of {len(self.databases)} databases in "
                f"{self.seconds:.1f}s ({rate:.1f} MB/s{extra}): {verdict}")
