"""Re-planning a published schedule around a surge."""

from staffplan.replan.surge import CHANGE_COLUMNS, read_baseline, replan_surge, write_replan

__all__ = ["CHANGE_COLUMNS", "read_baseline", "replan_surge", "write_replan"]
