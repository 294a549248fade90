"""What one queue's simulation needs, as plain arrays (cheap to send to worker processes)."""

from __future__ import annotations

import dataclasses

import numpy as np


@dataclasses.dataclass(frozen=True)
class QueueArrays:
    """One queue over a contiguous run of intervals.

    ``volume``: expected contacts reaching agents per interval. ``spread_up`` /
    ``spread_down``: standard deviation of the interval's *rate* above / below the
    forecast (contacts; None when the forecast has no interval). ``day``: day number of
    each interval (0, 1, ...). ``slots``: simultaneous contacts the scheduled agents can
    take (agents x concurrency). ``seed_key`` keeps the queue's random stream independent
    of the other queues simulated with it.
    """

    name: str
    seed_key: int
    interval_s: float
    volume: np.ndarray
    day: np.ndarray
    slots: np.ndarray
    aht_s: float
    answer_within_s: float
    patience_s: float | None = None
    spread_up: np.ndarray | None = None
    spread_down: np.ndarray | None = None
