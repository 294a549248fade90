"""Shift scheduling: cover the required agents with shifts, then roster named agents.

The covering part is :func:`staffplan.schedule.cover.build_schedule` (also importable as
``staffplan.schedule.build_schedule``); its config is :mod:`staffplan.schedule.config`.
Attributes load on first use, because :mod:`staffplan.config` imports the config
dataclasses from this package and the solver modules import :mod:`staffplan.config`.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Schedule": "staffplan.schedule.cover",
    "build_schedule": "staffplan.schedule.cover",
    "write_schedule": "staffplan.schedule.cover_files",
    "coverage_png": "staffplan.schedule.plot",
    "read_requirements": "staffplan.schedule.cover_files",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'staffplan.schedule' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
