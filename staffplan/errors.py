"""The one error family users see.

Every mistake a user can make (a wrong file, column, value, date or config key) raises a
:class:`StaffplanError` whose message names the file, row or key and says what to do.
The CLI turns it into exit code ``exit_code`` and one plain line on stderr.
"""

from __future__ import annotations

import functools
from typing import Any


class StaffplanError(Exception):
    """A user-facing error: bad input, bad config, or an impossible request (exit code 2).

    ``parameter`` names the library argument at fault (``start``, ``replications``), so a
    notebook user reads ``start: …`` and a command-line user ``--start: …``.
    """

    exit_code = 2

    def __init__(self, message: str, *, parameter: str | None = None) -> None:
        super().__init__(f"{parameter} {message}" if parameter else message)
        self.message = message
        self.parameter = parameter

    def for_command_line(self) -> str:
        """The message as the CLI shows it: a parameter named as its flag (``--start``)."""
        if self.parameter is None:
            return self.message
        return f"--{self.parameter.replace('_', '-')} {self.message}"

    def __reduce__(self) -> tuple[Any, ...]:
        # Raised in a worker process, it must arrive with its parameter (pickle's default
        # would rebuild it from the joined message alone).
        return functools.partial(type(self), parameter=self.parameter), (self.message,)


class ConfigError(StaffplanError):
    """The YAML config is missing, unreadable or invalid."""


class InputError(StaffplanError):
    """A data file (history, market, forecast, requirements, ...) is missing or invalid."""


class EngineError(StaffplanError):
    """The engine asked for cannot run the work: Dask not installed, the scheduler not
    reachable, or workers running another staffplan version."""


class InfeasiblePlanError(StaffplanError):
    """No plan satisfies the hard constraints (exit code 3); the message says by how much."""

    exit_code = 3
