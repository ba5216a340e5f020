"""Small private files to and from a unit, through ``juju exec`` alone.

Why through ``juju exec``: a monitor joining the cluster from a seed unit needs the
cluster's monmap and ``mon.`` keyring there, and the seed's units need the admin keyring;
``juju scp`` would need SSH to every unit, which the port does not assume. So a file goes
as base64 inside one command (``umask 077`` first: the file is 0600 from its first byte,
in a directory only root reads) and comes back as base64 on stdout.

What that costs, and how it is contained: the content travels in the exec task's
parameters, which the controller keeps with the task — readable only by model admins, who
can read the same keyrings on any ceph-mon unit anyway. On this side, nothing of it is
logged: octane never logs the command, and :class:`RedactSecrets` blanks long base64 runs
in libjuju's own debug records of the request and the answer (shown at ``-vvv``).
"""

from __future__ import annotations

import base64
import binascii
import logging
import posixpath
import re
import shlex
from collections.abc import Sequence

from octane.errors import OctaneError
from octane.juju.model import JujuModel

#: base64 runs this long are file contents (a keyring's key alone is 40 characters).
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{40,}={0,2}")


class RedactSecrets(logging.Filter):
    """Blank base64 payloads in log records of the Juju client (requests and answers)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message when it carries a payload; never drop it."""
        text = record.getMessage()
        if _BASE64_RUN.search(text):
            record.msg, record.args = _BASE64_RUN.sub("<redacted>", text), None
        return True


_FILTER = RedactSecrets()


def install_redaction() -> None:
    """Install the filter on libjuju's connection logger (idempotent)."""
    logger = logging.getLogger("juju.client.connection")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


async def _run(model: JujuModel, unit: str, command: str, what: str,
               timeout: float) -> str:
    install_redaction()
    result = (await model.run_command([unit], command, timeout=timeout))[unit]
    if result.return_code != 0:
        # the command is never part of the message: it may carry a secret
        raise OctaneError(f"could not {what} on {unit}: {_last_line(result.stderr)} "
                          f"(rc {result.return_code})")
    return result.stdout


async def put_private(model: JujuModel, unit: str, path: str, data: bytes, *,
                      owner: str | None = None, timeout: float = 60.0) -> None:
    """Write ``data`` to ``path`` on ``unit``, mode 0600 (and ``owner`` when given)."""
    encoded = base64.b64encode(data).decode()
    quoted = shlex.quote(path)
    command = (f"umask 077 && mkdir -p {shlex.quote(posixpath.dirname(path))} && "
               f"printf %s {shlex.quote(encoded)} | base64 -d > {quoted}")
    if owner:
        command += f" && chown {shlex.quote(owner)} {quoted}"
    await _run(model, unit, command, f"write {path}", timeout)


async def fetch(model: JujuModel, unit: str, path: str, *, timeout: float = 60.0) -> bytes:
    """The bytes of ``path`` on ``unit``."""
    out = await _run(model, unit, f"base64 -w0 {shlex.quote(path)}", f"read {path}", timeout)
    try:
        return base64.b64decode(out.strip(), validate=True)
    except binascii.Error:
        raise OctaneError(f"could not read {path} on {unit}: not base64 output") from None


async def remove(model: JujuModel, unit: str, paths: Sequence[str], *,
                 timeout: float = 60.0) -> None:
    """``rm -f`` the paths on ``unit`` (missing files are fine)."""
    if paths:
        await _run(model, unit, "rm -f " + " ".join(shlex.quote(p) for p in paths),
                   "remove " + ", ".join(paths), timeout)
