"""A queue's history as a day × slot matrix on the planning zone's calendar."""

from __future__ import annotations

import dataclasses

import numpy as np

from staffplan.forecast._calendar import Positions


@dataclasses.dataclass(frozen=True)
class DayMatrix:
    """Complete local days of one queue.

    ``volume[d, j]`` is the count in slot ``j`` of day ``d`` (the mean of the two on a
    fall-back day's repeated slots, NaN for a spring-forward day's skipped slots);
    ``drivers[d, j, :]`` are the standardised volatility features there (or ``None``);
    ``event[d]`` is true on a known calendar event (or ``None``: no calendar).
    """

    day: np.ndarray
    weekday: np.ndarray
    volume: np.ndarray
    drivers: np.ndarray | None
    event: np.ndarray | None = None

    @property
    def totals(self) -> np.ndarray:
        """Contacts per day (skipped DST slots count as zero)."""
        return np.nansum(self.volume, axis=1)

    def before(self, day: int) -> DayMatrix:
        """The days strictly before local day ``day``."""
        return self.select(self.day < day)

    def select(self, keep: np.ndarray) -> DayMatrix:
        """The rows where ``keep`` is true."""
        drivers = None if self.drivers is None else self.drivers[keep]
        event = None if self.event is None else self.event[keep]
        return DayMatrix(self.day[keep], self.weekday[keep], self.volume[keep], drivers, event)


def day_matrix(
    pos: Positions, volume: np.ndarray, n_slots: int, drivers: np.ndarray | None = None
) -> DayMatrix:
    """Average values into (day, slot) cells; keep days that run from slot 0 to the last.

    Intervals are assumed contiguous (the readers check it), so a day holding both its
    first and last slot is complete.
    """
    days, row = np.unique(pos.day, return_inverse=True)
    counts = np.zeros((len(days), n_slots))
    np.add.at(counts, (row, pos.slot), 1.0)
    complete = (counts[:, 0] > 0) & (counts[:, -1] > 0)
    matrix = _cell_mean(row, pos.slot, volume, counts)
    stacked = None
    if drivers is not None:
        columns = [
            _cell_mean(row, pos.slot, drivers[:, k], counts) for k in range(drivers.shape[1])
        ]
        stacked = np.stack(columns, axis=2)
    weekday = (days + 3) % 7
    out = DayMatrix(days, weekday, matrix, stacked)
    return out.select(complete)


def _cell_mean(
    row: np.ndarray, slot: np.ndarray, values: np.ndarray, counts: np.ndarray
) -> np.ndarray:
    sums = np.zeros(counts.shape)
    np.add.at(sums, (row, slot), values)
    return np.where(counts > 0, sums / np.where(counts > 0, counts, 1.0), np.nan)
