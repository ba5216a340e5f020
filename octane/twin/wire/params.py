"""Request parameters read the way Juju's Go codec reads them.

Go's ``encoding/json`` matches object keys to struct fields case-insensitively, so
libjuju's ``"Id"`` and ``{"Args": [...]}`` (Go field names without json tags) reach the
same fields as ``id`` and ``args`` (reference notes §1, "The server should read keys
case-insensitively"). Every facade reads its parameters through :class:`Params`.
"""

from __future__ import annotations

from typing import Any


class Params:
    """A JSON object whose keys match case-insensitively; nested objects wrap too."""

    def __init__(self, raw: Any) -> None:
        self.raw: dict[str, Any] = raw if isinstance(raw, dict) else {}
        self._folded = {k.lower(): v for k, v in self.raw.items()}

    def get(self, key: str, default: Any = None) -> Any:
        """The value for ``key`` (exact match first, then case-insensitive)."""
        value = self.raw[key] if key in self.raw else self._folded.get(key.lower(), default)
        return default if value is None else value

    def __contains__(self, key: str) -> bool:
        return key in self.raw or key.lower() in self._folded

    def text(self, key: str, default: str = "") -> str:
        """A string value ("" when absent or null)."""
        value = self.get(key, default)
        return value if isinstance(value, str) else str(value)

    def num(self, key: str, default: int = 0) -> int:
        """An integer value."""
        value = self.get(key, default)
        try:
            return int(value)
        except (TypeError, ValueError):
            return default

    def flag(self, key: str, default: bool = False) -> bool:
        """A boolean value."""
        return bool(self.get(key, default))

    def seq(self, key: str) -> list[Any]:
        """A list value ([] when absent or null)."""
        value = self.get(key, [])
        return value if isinstance(value, list) else []

    def obj(self, key: str) -> Params:
        """A nested object."""
        return Params(self.get(key, {}))

    def objs(self, key: str) -> list[Params]:
        """A list of nested objects."""
        return [Params(item) for item in self.seq(key)]

    def mapping(self, key: str) -> dict[str, Any]:
        """A nested object as a plain dict."""
        value = self.get(key, {})
        return value if isinstance(value, dict) else {}
