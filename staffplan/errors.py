"""The one error family users see.

Every mistake a user can make (a wrong file, column, value, date or config key) raises a
:class:`StaffplanError` whose message names the file, row or key and says what to do;
so does a file system that refuses a write (:class:`FileSystemError`: disk full,
permission denied, read-only, I/O error). The CLI turns it into exit code ``exit_code``
and one plain line on stderr.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import numbers
import os
from collections.abc import Iterator
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


def shown(value: object, limit: int = 60) -> str:
    """``repr(value)`` for a message, cut to about ``limit`` characters: an error line
    never carries a huge value (a pasted file, an expanded YAML alias)."""
    text = repr(value)
    if len(text) <= limit:
        return text
    size = len(value) if isinstance(value, str) else len(text)
    return f"{text[: limit - 1]}… ({size:,} characters)"


def whole_number(value: object, parameter: str, unit: str, example: int) -> int:
    """``value`` as an int, or an :class:`InputError` naming ``parameter``: a library
    caller may pass text or a fraction where the CLI's option parser only lets an int
    through (``unit``, e.g. ``days`` or "" for none, and ``example``: what the message
    asks for). Its range is the caller's check."""
    whole = isinstance(value, numbers.Integral) or (
        isinstance(value, numbers.Real) and float(value).is_integer()
    )
    if isinstance(value, bool) or not whole:
        of = f" of {unit}" if unit else ""
        raise InputError(
            f"{shown(value)} is not a whole number{of}; give e.g. {example}", parameter=parameter
        )
    return int(value)


def real_number(value: object, parameter: str, unit: str, example: float) -> float:
    """``value`` as a float, or an :class:`InputError` naming ``parameter`` when it is
    not a number (text, None, a bool); its range is the caller's check."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(
            f"{shown(value)} is not a number of {unit}; give e.g. {example:g}",
            parameter=parameter,
        )
    return float(value)


class StaleInputError(StaffplanError):
    """The history is older than the config allows for this run (exit code 6): the export
    feeding it has probably stopped, and a plan from it would repeat an old week."""

    exit_code = 6


class PublishedShortError(StaffplanError):
    """The output was published, but it leaves more demand uncovered than the config
    allows (exit code 7); the message says by how much."""

    exit_code = 7


class SolverClockError(StaffplanError):
    """The output was published, but the shift solver stopped at its wall-clock safety
    net (exit code 8): a re-run, with more time or on a less busy machine, may publish
    another schedule."""

    exit_code = 8


class FileSystemError(StaffplanError):
    """The machine refused a file operation: disk full, permission denied, read-only file
    system or an I/O error (exit code 5). Not a mistake in the inputs, and not a bug."""

    exit_code = 5


# errno → what the user can do about it
_FILE_SYSTEM_ADVICE = {
    errno.ENOSPC: "free space on that disk or choose another --output",
    errno.EDQUOT: "free space within your disk quota or choose another --output",
    errno.EFBIG: "choose an --output on another file system",
    errno.EACCES: "check who owns it and its folder, or choose another --output",
    errno.EPERM: "check who owns it and its folder, or choose another --output",
    errno.EROFS: "choose an --output on a writable file system",
    errno.EIO: "check the disk (e.g. dmesg), then run again",
}


def file_system_error(exc: OSError, path: object = None) -> FileSystemError | None:
    """``exc`` as a :class:`FileSystemError` naming ``path`` (default: the file ``exc``
    names) and what to do, or None when ``exc`` is no file-system failure (a bug)."""
    advice = _FILE_SYSTEM_ADVICE.get(exc.errno or 0)
    if advice is None:
        return None
    where = path if path is not None else exc.filename
    cause = exc.strerror or os.strerror(exc.errno or 0)
    return FileSystemError(f"{where if where is not None else 'an output'}: {cause}; {advice}")


@contextlib.contextmanager
def file_errors_named(path: object) -> Iterator[None]:
    """Inside the block, an :class:`OSError` that is a file-system failure (see
    :func:`file_system_error`) becomes a :class:`FileSystemError` naming ``path``."""
    try:
        yield
    except OSError as exc:
        failure = file_system_error(exc, path)
        if failure is None:
            raise
        raise failure from exc
