"""Shift covering: the cheapest shifts (with breaks) that cover the required agents.

:func:`build_schedule` solves it; its config is :mod:`staffplan.config.shifts`. Named
agents are assigned in :mod:`staffplan.roster`, surge re-planning is :mod:`staffplan.replan`.
"""

from __future__ import annotations

from staffplan.schedule.cover import Schedule, build_schedule
from staffplan.schedule.output import schedule_files
from staffplan.schedule.plot import coverage_png

__all__ = ["Schedule", "build_schedule", "coverage_png", "schedule_files"]
