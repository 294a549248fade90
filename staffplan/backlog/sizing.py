"""Size one backlog queue: the fewest agents per interval, in opening hours, that answer
its contacts within the target.

The fluid model (:mod:`staffplan.backlog._fluid`) cannot answer with fewer agent-hours
than the work itself (÷ the occupancy cap): over a repeating week everything that
arrives is answered. So the sizing spends exactly that, and places it so that every
contact that *can* be answered in time (an opening hour lies between its arrival and its
deadline) is: each contact gets a deadline, its arrival plus the target, or, when the
queue is closed all that time, the end of the next opening window; the agents of each
stretch of opening hours (a window, cut into pieces no longer than the target) work at
the one flat rate that meets every deadline falling in it. The share a day or the week
answers in time is then the most any staffing in opening hours could give; when that is
below ``service_level`` no staffing can meet the target and the error says so.

The target's slack above that share (e.g. 100 % in time planned against a 90 % target)
is the margin for randomness: real arrivals and handle times vary, and the simulation
(``staffplan simulate``) checks that the plan still meets the target.

Agents are whole numbers: the cumulative fluid agents of each opening window are rounded
up, so at every boundary at least the fluid capacity has been on duty and a window gains
less than one agent-interval.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from staffplan.backlog._fluid import COPIES, FluidRun, cumulative, run, serve, tiled

_MAX_RATE_ROUNDS = 50
_SLACK = 1e-9


@dataclasses.dataclass(frozen=True)
class BacklogQueue:
    """One backlog queue over one turn of ``n`` intervals (the horizon repeats).

    ``contacts`` and ``aht_s`` per interval (seconds); ``open`` marks the intervals in
    opening hours; ``day`` numbers each interval's day (0, 1, ...); ``within`` is the
    target in intervals (24 h of 30-minute intervals = 48.0); ``agent_s`` the work one
    agent does in an interval (interval seconds × occupancy cap).
    """

    contacts: np.ndarray
    aht_s: np.ndarray
    open: np.ndarray
    day: np.ndarray
    within: float
    agent_s: float
    service_level: float

    @property
    def work_s(self) -> np.ndarray:
        """Agent-seconds of work arriving per interval."""
        return self.contacts * self.aht_s


@dataclasses.dataclass(frozen=True)
class BacklogPlan:
    """The staffing of a backlog queue and what the fluid model makes of it.

    ``agents`` per interval (whole); ``fluid`` the model's run with them; ``day_share``
    the share of each day's contacts answered in time (NaN for a day without contacts),
    ``week_share`` the whole turn's.
    """

    agents: np.ndarray
    fluid: FluidRun
    day_share: np.ndarray
    week_share: float


class Unreachable(ValueError):
    """No staffing in opening hours meets the target: ``day`` (None: the whole turn)
    answers at most ``best_share`` of its contacts in time."""

    def __init__(self, day: int | None, best_share: float) -> None:
        super().__init__(f"day {day}: at most {best_share:.3f} in time")
        self.day = day
        self.best_share = best_share


def size_queue(queue: BacklogQueue) -> BacklogPlan:
    """The fewest whole agents per interval meeting the target each day and over the
    turn (see the module docstring); :class:`Unreachable` when none can."""
    _check_reachable(queue)
    fluid_agents = _flat_rates(queue)[queue.contacts.size : 2 * queue.contacts.size]
    agents = _whole(fluid_agents / queue.agent_s, queue.open)
    return evaluate(queue, agents)


def evaluate(queue: BacklogQueue, agents: np.ndarray) -> BacklogPlan:
    """What the fluid model makes of ``agents`` per interval on ``queue``."""
    fluid = run(queue.work_s, agents * queue.agent_s, queue.within)
    day_share, week_share = shares(queue, fluid.in_time)
    return BacklogPlan(agents, fluid, day_share, week_share)


def shares(queue: BacklogQueue, in_time: np.ndarray) -> tuple[np.ndarray, float]:
    """Share of each day's contacts, and of the turn's, answered in time."""
    days = int(queue.day.max()) + 1
    total = np.bincount(queue.day, weights=queue.contacts, minlength=days)
    answered = np.bincount(queue.day, weights=queue.contacts * in_time, minlength=days)
    with np.errstate(divide="ignore", invalid="ignore"):
        day_share = np.where(total > 0, answered / total, np.nan)
    week_share = answered.sum() / total.sum() if total.sum() > 0 else 1.0
    return day_share, float(week_share)


def _check_reachable(queue: BacklogQueue) -> None:
    """The best share any staffing in opening hours gives: ample agents whenever open."""
    ample = np.where(queue.open, queue.work_s.sum() + 1.0, 0.0)
    best = run(queue.work_s, ample, queue.within)
    day_share, week_share = shares(queue, best.in_time)
    short = np.flatnonzero(day_share < queue.service_level - _SLACK)
    if short.size:
        raise Unreachable(int(short[0]), float(day_share[short[0]]))
    if week_share < queue.service_level - _SLACK:
        raise Unreachable(None, week_share)


def _deadlines(open_: np.ndarray, within: int) -> np.ndarray:
    """Per interval of the time line: the boundary by which its work is due."""
    size = open_.size
    index = np.arange(size)
    opened = cumulative(open_)
    reachable = opened[np.minimum(index + within, size)] > opened[index]
    open_at, closed_at = np.flatnonzero(open_), np.flatnonzero(~open_)
    found = np.searchsorted(open_at, index)
    next_open = np.where(found < open_at.size, open_at[np.minimum(found, open_at.size - 1)], size)
    found = np.searchsorted(closed_at, next_open)
    window_end = np.where(
        found < closed_at.size, closed_at[np.minimum(found, closed_at.size - 1)], size
    )
    return np.minimum(np.where(reachable, index + within, window_end), size)


def _required(arrived: np.ndarray, due: np.ndarray) -> np.ndarray:
    """Work that must be answered by each boundary: first-in-first-out, all work up to
    the latest interval due by then."""
    latest = np.full(arrived.size, -1)
    np.maximum.at(latest, due, np.arange(due.size))
    return arrived[np.maximum.accumulate(latest) + 1]


def _pieces(open_: np.ndarray, longest: int) -> list[tuple[int, int]]:
    """Runs of open intervals ``[start, end)``, cut into pieces of at most ``longest``."""
    edges = np.diff(np.concatenate(([0], open_.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return [
        (a, min(a + longest, end))
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True)
        for a in range(start, end, longest)
    ]


def _flat_rates(queue: BacklogQueue) -> np.ndarray:
    """Capacity (agent-seconds) per interval of the whole time line: one flat rate per
    piece of opening hours, the lowest meeting every deadline in reach of it."""
    open_ = np.tile(queue.open, COPIES)
    within = max(1, int(np.floor(queue.within + _SLACK)))
    arrived = cumulative(tiled(queue.work_s))
    required = _required(arrived, _deadlines(open_, within))
    capacity = np.zeros(open_.size)
    pieces = _pieces(open_, within)
    for k, (start, end) in enumerate(pieces):
        until = pieces[k + 1][0] if k + 1 < len(pieces) else open_.size
        need = required[start + 1 : end + 1].copy()
        need[-1] = required[end : until + 1].max()
        capacity[start:end] = _piece_rate(arrived, capacity, start, end, need)
    return capacity


def _piece_rate(
    arrived: np.ndarray, capacity: np.ndarray, start: int, end: int, need: np.ndarray
) -> float:
    """The lowest flat capacity over ``[start, end)`` with the served work reaching
    ``need`` at each boundary ``start + 1 .. end``."""
    steps = np.arange(1, end - start + 1)
    rate = 0.0
    for _ in range(_MAX_RATE_ROUNDS):
        trial = capacity[:end].copy()
        trial[start:end] = rate
        served = serve(arrived[: end + 1], trial)[start + 1 :]
        short = need - served
        if short.max() <= _SLACK * max(arrived[end], 1.0):
            return rate
        rate += float((short / steps).max())
    return rate


def _whole(agents: np.ndarray, open_: np.ndarray) -> np.ndarray:
    """Whole agents per interval: each opening window's running total rounded up."""
    out = np.zeros(agents.size)
    for start, end in _pieces(open_, agents.size):
        total = np.ceil(np.cumsum(agents[start:end]) - 1e-6)
        out[start:end] = np.diff(total, prepend=0.0)
    return out
