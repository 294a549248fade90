"""The one error family users see.

Every mistake a user can make (a wrong file, column, value, date or config key) raises a
:class:`StaffplanError` whose message names the file, row or key and says what to do.
The CLI turns it into exit code ``exit_code`` and one plain line on stderr.
"""

from __future__ import annotations


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


class ConfigError(StaffplanError):
    """The YAML config is missing, unreadable or invalid."""


class InputError(StaffplanError):
    """A data file (history, market, forecast, requirements, ...) is missing or invalid."""


class InfeasiblePlanError(StaffplanError):
    """No plan satisfies the hard constraints (exit code 3); the message says by how much."""

    exit_code = 3


def shown(value: object, limit: int = 60) -> str:
    """``repr(value)`` for a message, cut to about ``limit`` characters: an error line
    never carries a huge value (a pasted file, an expanded YAML alias)."""
    text = repr(value)
    if len(text) <= limit:
        return text
    size = len(value) if isinstance(value, str) else len(text)
    return f"{text[: limit - 1]}… ({size:,} characters)"
