"""Where a database server is and how to log in, without the password ever leaking.

Operators name servers as ``mysql://user:pass@host:port`` URLs (percent-encoding allowed in
the user and password) or as ``juju:<model>``. The Juju form needs the Juju port to find
the model's mysql-innodb-cluster leader and its root password (leader data), and a way to
reach it; that lookup is a :class:`Resolver` the caller passes in, so this module stays a
pure parser and the command works today for URLs. Without a resolver the Juju form is a
usage error that says so.

An :class:`Endpoint` never shows its password: not in ``repr``, not in ``str``, not in
log lines. Tools that must run as processes get the credentials through a 0600 option file
(:func:`option_file`), never through argv, where ``ps`` would show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from octane import paths
from octane.errors import UsageError

DEFAULT_PORT = 3306


@dataclass(frozen=True)
class Endpoint:
    """A MySQL/MariaDB server and an account on it."""

    host: str
    port: int = DEFAULT_PORT
    user: str = "root"
    password: str = field(default="", repr=False)

    @property
    def address(self) -> str:
        """``host:port`` for messages (no credentials)."""
        return f"{self.host}:{self.port}"

    def __str__(self) -> str:
        return f"mysql://{self.user}@{self.address}"


class Resolver(Protocol):
    """Turns ``juju:<model>`` into an endpoint (implemented with the Juju port)."""

    def resolve(self, model: str) -> Endpoint:
        """The model's database endpoint, or raise an OctaneError saying why not."""
        ...


def parse_endpoint(spec: str, resolver: Resolver | None = None) -> Endpoint:
    """Parse ``mysql://user:pass@host[:port]`` or ``juju:<model>`` into an endpoint."""
    if spec.startswith("juju:"):
        model = spec[len("juju:"):]
        if not model:
            raise UsageError(f"'{spec}' names no model", hint="use juju:<model>")
        if resolver is None:
            raise UsageError(
                f"'{spec}': juju:<model> endpoints need the Juju connection, which this "
                "command does not have yet", hint="pass mysql://user:pass@host:port instead")
        return resolver.resolve(model)
    parts = urlsplit(spec)
    if parts.scheme not in ("mysql", "mariadb"):
        raise UsageError(f"'{_redact(spec)}' is not a database URL",
                         hint="use mysql://user:pass@host:port or juju:<model>")
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError as exc:
        raise UsageError(f"'{_redact(spec)}' has an invalid port") from exc
    if not parts.hostname:
        raise UsageError(f"'{_redact(spec)}' names no host")
    if parts.path not in ("", "/"):
        raise UsageError(f"'{_redact(spec)}' names a database in the URL",
                         hint="choose databases with --databases")
    return Endpoint(host=parts.hostname, port=port, user=unquote(parts.username or "root"),
                    password=unquote(parts.password or ""))


def _redact(spec: str) -> str:
    """The URL with any password replaced, for error messages."""
    parts = urlsplit(spec)
    if parts.password is None:
        return spec
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def option_file(endpoint: Endpoint, path: Path) -> Path:
    """Write a ``[client]`` option file (0600 in a 0700 dir) for the MySQL tools."""

    def quoted(value: str) -> str:
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'

    text = "\n".join([
        "[client]",
        f"host={endpoint.host}",
        f"port={endpoint.port}",
        "protocol=tcp",
        f"user={quoted(endpoint.user)}",
        f"password={quoted(endpoint.password)}",
        "default-character-set=utf8mb4",
        "",
    ])
    return paths.write_private(path, text)
