"""The one error type of the twin's OpenStack APIs, rendered the way each real service does.

openstacksdk turns an error response into an exception by reading the status code and the
``message`` it finds one level down in the JSON body (``openstack/exceptions.py``,
``raise_from_response``). Each service wraps that message differently, and octane's error
messages quote it, so the twin keeps the real shapes: Keystone (and keystonemiddleware in
front of every service) ``{"error": {...}}``, Nova and Cinder a fault named after the
status (``{"itemNotFound": {...}}``, nova ``api/openstack/wsgi.py`` ``Fault``), Neutron
``{"NeutronError": {...}}``.
"""

from __future__ import annotations

from typing import Any, Literal

Dialect = Literal["identity", "compute", "network", "volume"]

# HTTP status -> the name Nova's and Cinder's WSGI layer gives the fault object.
_FAULT_NAMES = {
    400: "badRequest",
    401: "unauthorized",
    403: "forbidden",
    404: "itemNotFound",
    405: "badMethod",
    406: "notAcceptable",
    409: "conflictingRequest",
    413: "overLimit",
    415: "badMediaType",
    429: "overLimit",
    501: "notImplemented",
    503: "serviceUnavailable",
}

_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class ApiError(Exception):
    """A request the real service would refuse: status code, message, optional error type.

    Raised anywhere in the backend or a handler; the server renders it once, in the dialect
    of the service the request went to.
    """

    def __init__(self, status: int, message: str, *, kind: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.kind = kind


def unauthorized() -> ApiError:
    """The refusal keystonemiddleware sends when a request has no valid token."""
    return ApiError(401, "The request you have made requires authentication.")


def in_maintenance() -> ApiError:
    """What a write gets while the cloud's APIs are read-only (side-by-side upgrade)."""
    return ApiError(503, "The service is in maintenance: writes are refused, reads work.")


def error_body(dialect: Dialect, error: ApiError) -> dict[str, Any]:
    """The JSON body the real service sends for ``error``."""
    title = _TITLES.get(error.status, "Error")
    if dialect == "identity" or error.status == 401:
        return {"error": {"code": error.status, "title": title, "message": error.message}}
    if dialect == "network":
        return {"NeutronError": {"type": error.kind or title.replace(" ", ""),
                                 "message": error.message, "detail": ""}}
    name = _FAULT_NAMES.get(error.status, "computeFault")
    return {name: {"code": error.status, "message": error.message}}
