"""Contract checks: every reply the twin sends must parse into libjuju's generated types.

libjuju's ``_client*.py`` declare, per facade method, the ``_definitions`` type of the
reply (``@ReturnMapping(FullStatus)``). The recorder below captures each request and its
raw reply on the client side; :func:`check` parses every reply with that type and fails on
any key the type does not know (a misspelt or misplaced key would otherwise vanish into
``unknown_fields`` silently).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import juju.client
import pytest
from juju.client import _definitions
from juju.client.connection import Connection
from juju.client.facade import Type

#: Keys the twin sends on purpose that libjuju's types do not declare.
ALLOWED_UNKNOWN = {
    # A real 3.6 controller sends supported-series beside supported-bases, and libjuju's
    # deploy reads unknown_fields["supported-series"] (python-libjuju PR #1170).
    ("ResolveCharmWithChannelResult", "supported-series"),
    # Juju's schema has Macaroon as an opaque object; libjuju's consume reads these four
    # keys from unknown_fields (model/__init__.py ``_create_consume_args``).
    ("Macaroon", "caveats"), ("Macaroon", "location"), ("Macaroon", "identifier"),
    ("Macaroon", "signature"),
}


def return_types() -> dict[tuple[str, int, str], str | None]:
    """(facade, version, method) -> reply type name, from libjuju's generated clients."""
    table: dict[tuple[str, int, str], str | None] = {}
    base = Path(juju.client.__file__).parent
    for path in sorted(base.glob("_client*.py")):
        source = path.read_text()
        for facade in re.finditer(
                r'class (\w+)Facade\(Type\):\n    name = "(\w+)"\n    version = (\d+)\n', source):
            end = source.find("\nclass ", facade.end())
            body = source[facade.end(): end if end > 0 else None]
            for method in re.finditer(r"@ReturnMapping\((\w+)\)\n    async def (\w+)\(", body):
                name = None if method.group(1) == "None" else method.group(1)
                table[(facade.group(2), int(facade.group(3)), method.group(2))] = name
    return table


class Recorder:
    """Captures (request, raw reply) pairs of every libjuju RPC."""

    def __init__(self) -> None:
        self.requests: dict[tuple[int, int], dict[str, Any]] = {}
        self.replies: dict[tuple[int, int], dict[str, Any]] = {}

    def install(self, monkeypatch: pytest.MonkeyPatch) -> Recorder:
        original_rpc = Connection.rpc
        original_recv = Connection._recv

        async def rpc(conn: Connection, msg: dict[str, Any], encoder: Any = None) -> Any:
            try:
                return await original_rpc(conn, msg, encoder)
            finally:
                if "request-id" in msg:
                    self.requests[(id(conn), int(msg["request-id"]))] = dict(msg)

        async def recv(conn: Connection, request_id: int) -> Any:
            result = await original_recv(conn, request_id)
            if isinstance(result, dict):
                self.replies[(id(conn), request_id)] = result
            return result

        monkeypatch.setattr(Connection, "rpc", rpc)
        monkeypatch.setattr(Connection, "_recv", recv)
        return self

    def pairs(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """Requests with their replies."""
        return [(self.requests[k], self.replies[k]) for k in self.replies if k in self.requests]

    def methods(self) -> set[str]:
        """``Facade.Method`` names seen."""
        return {f"{r['type']}.{r['request']}" for r, _ in self.pairs()}


def unknown_keys(value: Any, path: str = "") -> list[str]:
    """Keys parsed into ``unknown_fields`` anywhere in a parsed reply."""
    found: list[str] = []
    if isinstance(value, Type):
        name = type(value).__name__
        for key in getattr(value, "unknown_fields", {}) or {}:
            if (name, key) not in ALLOWED_UNKNOWN:
                found.append(f"{path or name}.{key} ({name})")
        for attr in value._toPy.values():
            found += unknown_keys(getattr(value, attr, None), f"{path or name}.{attr}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found += unknown_keys(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            found += unknown_keys(item, f"{path}[{key!r}]")
    return found


def check(recorder: Recorder) -> int:
    """Validate every recorded reply; returns how many were checked."""
    table = return_types()
    problems: list[str] = []
    checked = 0
    for request, reply in recorder.pairs():
        where = f"{request['type']}({request['version']}).{request['request']}"
        assert "request-id" in reply, where
        if "error" in reply:
            assert "response" in reply and "error-code" in reply, f"{where}: bad error envelope"
            checked += 1
            continue
        key = (request["type"], int(request["version"]), request["request"])
        if key not in table:
            problems.append(f"{where}: libjuju has no reply type for it")
            continue
        name = table[key]
        if key[:1] == ("Admin",) and key[2] == "Login":
            # libjuju reads Login replies raw (connection.py ``login``); its generated
            # LoginResult names an undefined FacadeVersions type, so check the keys here.
            response = reply["response"]
            assert {"servers", "facades", "server-version", "user-info", "model-tag",
                    "controller-tag"} <= set(response), where
            assert all(set(f) == {"name", "versions"} for f in response["facades"]), where
            checked += 1
            continue
        if name is None:
            checked += 1
            continue
        cls = getattr(_definitions, name)
        parsed = cls.from_json(reply["response"])
        problems += [f"{where}: {k}" for k in unknown_keys(parsed)]
        parsed.serialize()
        checked += 1
    assert not problems, "\n".join(problems)
    return checked
