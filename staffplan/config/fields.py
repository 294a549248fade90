"""Building blocks for config sections: typed fields with ranges, and the error they raise.

A config section is a frozen dataclass whose fields carry type hints; the loader in
:mod:`staffplan.config` checks YAML values against those hints and against the range
metadata set here, and reports problems with the full key path
(``queues[1].target.service_level``). Cross-field rules go in ``__post_init__`` and raise
:class:`Invalid`, naming the key relative to the section; the loader adds the file and
the path.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable
from typing import Any


class Invalid(ValueError):
    """A config value breaks a rule; ``key`` is relative to the dataclass that raised it."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice most like ``word`` (a likely typo of it), or None if none is close."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def share(default: Any = dataclasses.MISSING, *, unit: str = "share of 1") -> Any:
    """A number in [0, 1] (a rate or share: 0.8 means 80 %)."""
    return _ranged(default, low=0.0, high=1.0, kind="share", unit=unit)


def positive(default: Any = dataclasses.MISSING, *, unit: str = "") -> Any:
    """A number strictly greater than zero."""
    return _ranged(default, low=0.0, high=None, kind="positive", unit=unit)


def non_negative(default: Any = dataclasses.MISSING, *, unit: str = "") -> Any:
    """A number greater than or equal to zero."""
    return _ranged(default, low=0.0, high=None, kind="non_negative", unit=unit)


def _ranged(default: Any, *, low: float, high: float | None, kind: str, unit: str) -> Any:
    metadata = {"range": (low, high), "kind": kind, "unit": unit}
    if isinstance(default, list | dict):
        raise TypeError("use default_factory-free immutable defaults (tuple, None, number)")
    return dataclasses.field(default=default, metadata=metadata)
