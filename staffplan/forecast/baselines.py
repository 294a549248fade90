"""Baselines with the same contract as the staffplan model, so backtests treat all alike."""

from __future__ import annotations

import numpy as np
import pandas as pd

from staffplan.forecast._base import Forecaster
from staffplan.forecast._days import DayMatrix


class _SlotTable(Forecaster):
    """A forecast that is one number per (weekday, slot)."""

    def _point(
        self, state: np.ndarray, weekday: np.ndarray, slot: np.ndarray, drivers: np.ndarray | None
    ) -> np.ndarray:
        return state[weekday, slot]


class SeasonalNaive(_SlotTable):
    """Each interval repeats the same weekday and slot of the latest week.

    A slot missing from the latest same weekday (a DST change) takes the one before.
    """

    name = "seasonal_naive"

    def _fit_point(self, days: DayMatrix, reuse: np.ndarray | None = None) -> np.ndarray:
        table = np.zeros((7, days.volume.shape[1]))
        for weekday, row in zip(days.weekday, days.volume, strict=True):
            table[weekday] = np.where(np.isnan(row), table[weekday], row)
        return table


class SameSlotAverage(_SlotTable):
    """Each interval is the mean of the same weekday and slot over the last ``weeks`` weeks."""

    name = "same_slot_average"

    def __init__(
        self,
        weeks: int = 4,
        history_weeks: int = 16,
        calibration_weeks: int = 10,
        calendar: pd.DataFrame | None = None,
    ) -> None:
        super().__init__(
            history_weeks=history_weeks, calibration_weeks=calibration_weeks, calendar=calendar
        )
        self.weeks = weeks

    def _fit_point(self, days: DayMatrix, reuse: np.ndarray | None = None) -> np.ndarray:
        table = np.zeros((7, days.volume.shape[1]))
        for weekday in range(7):
            recent = days.volume[days.weekday == weekday][-self.weeks :]
            seen = ~np.isnan(recent)
            sums = np.where(seen, recent, 0.0).sum(axis=0)
            table[weekday] = np.divide(
                sums, seen.sum(axis=0), out=np.zeros_like(sums), where=seen.any(axis=0)
            )
        return table
