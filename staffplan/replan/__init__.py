"""Re-planning a published schedule around a surge (see :mod:`staffplan.replan.surge`)."""

from staffplan.replan.files import replan_files
from staffplan.replan.result import CHANGE_COLUMNS
from staffplan.replan.surge import replan_surge

__all__ = ["CHANGE_COLUMNS", "replan_files", "replan_surge"]
