"""The client side of the admin channel's wire format: one JSON request with the token.

Shared by the test helpers' :class:`octane.twin.testing.AdminClient` and the ``juju`` shim
(``shim.py``), so the two speak to ``admin.py`` exactly alike. Stdlib only: the shim
imports it on every ``juju`` call and must start fast. Each caller turns an error answer
(:class:`urllib.error.HTTPError`, whose body is ``{"error", "code"}``) into its own error.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from typing import Any


def request(base: str, token: str, method: str, path: str,
            body: dict[str, Any] | None = None, query: dict[str, str] | None = None,
            timeout: float = 30.0) -> Any:
    """``method base+path?query`` with ``body`` as JSON; the decoded JSON answer.

    Raises :class:`urllib.error.HTTPError` for a non-2xx answer and :class:`OSError` when
    the twin cannot be reached.
    """
    url = base + path + ("?" + urllib.parse.urlencode(query) if query else "")
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as response:
        return json.loads(response.read() or b"{}")
