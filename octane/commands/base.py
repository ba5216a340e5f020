"""What every octane command shares: the error contract.

An :class:`~octane.errors.OctaneError` becomes one line on stderr (``octane: error: ...``)
and its exit status; any other exception is a bug: one line on stderr pointing at the log
file, the traceback in the log file only. Commands mix :class:`ErrorContract` in before the
cliff base class (``class Plan(ErrorContract, Command)``).
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from octane.errors import OctaneError

LOG = logging.getLogger(__name__)


class ErrorContract:
    """Mixin for cliff commands: operator errors are one line and an exit status."""

    app: Any

    def run(self, parsed_args: Any) -> int:
        """Run the command, turning exceptions into the documented exit statuses."""
        try:
            result = super().run(parsed_args)  # type: ignore[misc]
        except OctaneError as exc:
            LOG.debug("command failed", exc_info=True)
            sys.stderr.write(f"octane: error: {exc.one_line()}\n")
            return exc.exit_code
        except KeyboardInterrupt:
            sys.stderr.write("octane: interrupted\n")
            return 130
        except Exception as exc:  # a bug: keep the traceback out of the operator's face
            LOG.debug("unexpected error", exc_info=True)
            where = getattr(self.app, "log_path", None)
            detail = f" (traceback in {where})" if where else ""
            sys.stderr.write(f"octane: error: unexpected {type(exc).__name__}: {exc}{detail}\n")
            return 1
        return int(result or 0)
