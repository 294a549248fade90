"""What one queue's simulation needs, as plain arrays (cheap to send to worker processes)."""

from __future__ import annotations

import dataclasses

import numpy as np

PART_STEP_S = 60.0  # resolution of part-interval presence (an agent on for 15 of 30 min)


@dataclasses.dataclass(frozen=True)
class QueueArrays:
    """One queue over a contiguous run of intervals.

    ``volume``: expected contacts reaching agents per interval. ``spread_up`` /
    ``spread_down``: standard deviation of the interval's *rate* above / below the
    forecast (contacts; None when the forecast has no interval). ``day``: day number of
    each interval (0, 1, ...). ``agents``: agents on the queue per interval; a fraction
    is an agent there for that share of the interval (a break covering part of it).
    ``concurrency``: contacts one agent handles at once. ``aht_s``: mean handle time in
    seconds, one for the queue or one per interval (e.g. deflection leaves the harder
    contacts, so the AHT of what is offered changes by interval). ``seed_key`` keeps the
    queue's random stream independent of the other queues simulated with it.
    """

    name: str
    seed_key: int
    interval_s: float
    volume: np.ndarray
    day: np.ndarray
    agents: np.ndarray
    aht_s: float | np.ndarray
    answer_within_s: float
    patience_s: float | None = None
    concurrency: int = 1
    spread_up: np.ndarray | None = None
    spread_down: np.ndarray | None = None
    wrap: int = 0
    feeds: tuple[Feed, ...] = ()
    clock: np.ndarray | None = None

    def wrapped(self, wrap: int) -> QueueArrays:
        """This queue over ``wrap`` intervals before and after its horizon, replayed from
        its end and its start (``wrap`` at most the horizon's length)."""
        if wrap == 0:
            return dataclasses.replace(self, wrap=0)

        def around(values: np.ndarray) -> np.ndarray:
            return np.concatenate((values[-wrap:], values, values[:wrap]))

        return dataclasses.replace(
            self,
            volume=around(self.volume),
            day=around(self.day),
            agents=around(self.agents),
            aht_s=around(self.interval_aht_s()),
            spread_up=None if self.spread_up is None else around(self.spread_up),
            spread_down=None if self.spread_down is None else around(self.spread_down),
            clock=None if self.clock is None else around(self.clock),
            wrap=0,
        )

    def clock_s(self) -> np.ndarray | None:
        """Seconds the target's clock has run at each interval boundary (None: wall)."""
        if self.clock is None:
            return None
        return np.concatenate(([0.0], np.cumsum(self.clock * self.interval_s)))

    def interval_aht_s(self) -> np.ndarray:
        """Mean handle time (s) of each interval's contacts."""
        return np.broadcast_to(np.asarray(self.aht_s, dtype=float), self.volume.shape)

    def slot_curve(self) -> tuple[np.ndarray, float]:
        """(slots on duty per step, step length in s): the staffing as a step function.

        Steps are the intervals when every count is whole; otherwise minutes, with an
        interval's part-time agent on duty for the first minutes of the interval.
        """
        whole = np.floor(self.agents + 1e-9)
        part = self.agents - whole
        if not (part > 1e-9).any():
            return (whole * self.concurrency).astype(np.int64), self.interval_s
        steps = round(self.interval_s / PART_STEP_S)
        minutes_on = np.rint(part * steps)
        fine = whole[:, None] + (np.arange(steps)[None, :] < minutes_on[:, None])
        return (fine.ravel() * self.concurrency).astype(np.int64), PART_STEP_S

    def capacity_s(self) -> np.ndarray:
        """Slot-seconds on duty in each interval (the denominator of occupancy)."""
        slots, step_s = self.slot_curve()
        return slots.reshape(self.volume.size, -1).sum(axis=1) * step_s


@dataclasses.dataclass(frozen=True)
class Feed:
    """A tier-1 queue escalating to the queue holding this: ``share`` of the contacts
    ``source`` answers arrive ``delay_s`` seconds after their answer, each taking
    ``aht_s`` seconds (mean)."""

    source: QueueArrays
    share: float
    delay_s: float
    aht_s: float
