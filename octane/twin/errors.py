"""The one error type of the twin's Juju side, carrying Juju's own error codes.

A client's error handling is only exercised if the twin fails the way a controller does:
same message, same code, and the same *place* (call-level versus per item in a bulk
result, see reference notes §1 and §5.13). Every rule in ``state/`` and ``facades/`` raises
:class:`ApiError`; the wire layer turns it into a call-level error envelope, and bulk
facades turn it into ``{"error": {"message", "code"}}`` for the one item that failed.

The code strings are Juju's (``rpc/params/apierror.go`` in juju/juju, as observed in the
prototype's transcript and in libjuju's handling of ``error-code``).
"""

from __future__ import annotations

from typing import Any

# Juju's error codes (rpc/params/apierror.go).
NOT_FOUND = "not found"
UNAUTHORIZED = "unauthorized access"
NOT_IMPLEMENTED = "not implemented"
ALREADY_EXISTS = "already exists"
NOT_VALID = "not valid"
NOT_SUPPORTED = "not supported"
BAD_REQUEST = "bad request"
MODEL_NOT_FOUND = "model not found"
STOPPED = "stopped"
ACTION_NOT_AVAILABLE = "action no longer available"


class ApiError(Exception):
    """A Juju API error: a message, a Juju error code and optional structured info."""

    def __init__(self, message: str, code: str = "", info: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.info = info

    def as_item(self) -> dict[str, Any]:
        """The ``params.Error`` document used inside bulk results."""
        doc: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.info:
            doc["info"] = self.info
        return doc


def not_found(what: str) -> ApiError:
    """Juju's ``errors.NotFoundf`` wording: ``<what> not found``."""
    return ApiError(f"{what} not found", NOT_FOUND)


def not_valid(message: str) -> ApiError:
    """A request Juju rejects as invalid (``errors.NotValidf``)."""
    return ApiError(message, NOT_VALID)
