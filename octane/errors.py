"""Errors an operator can cause, each with its exit status.

Every command turns an :class:`OctaneError` into one line on stderr and a non-zero exit
status, with no traceback: an operator in a maintenance window must see what went wrong
and what to do next, not a stack. Anything else is a bug in octane; the application still
prints one line, and the traceback goes to the run's log file.
"""

from __future__ import annotations


class OctaneError(Exception):
    """An error an operator can cause and fix; its message is shown as one line."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        """The message and the hint joined on one line (newlines folded)."""
        text = self.message if not self.hint else f"{self.message} ({self.hint})"
        return " ".join(text.split())


class UsageError(OctaneError):
    """Bad flags or arguments: exit status 2, like argparse."""

    exit_code = 2


class ConnectionFailed(OctaneError):
    """A controller, API or server could not be reached or refused our credentials."""


class NotFound(OctaneError):
    """A model, application, unit or machine the operator named does not exist."""


class GateFailed(OctaneError):
    """A read-only verification before a mutation failed; nothing was changed."""


class StepFailed(OctaneError):
    """A step of a running plan failed; the journal says where to resume."""


class Interrupted(OctaneError):
    """The run was stopped by a signal; the journal says where to resume."""

    exit_code = 130
