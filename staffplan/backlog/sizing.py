"""Size one backlog queue: the fewest agents per interval, in opening hours, that answer
its contacts within the target.

The fluid model (:mod:`staffplan.backlog._fluid`) cannot answer with fewer agent-hours
than the work itself (÷ the occupancy cap): over a repeating week everything that
arrives is answered. So the sizing spends exactly that, and places it so that every
contact that *can* be answered in time (an opening hour lies between its arrival and its
deadline) is: each contact gets a deadline, its arrival plus the target, or, when the
queue is closed all that time, the end of the next opening window. In each stretch of
opening hours (a window, cut into days) the work answered follows the *taut string*
between the work due (first-in-first-out: all work up to the latest contact due) and the
work arrived: the shortest such path, so the staffing is as flat as the deadlines allow
and never idles while work waits. The share a day or the week
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
from statistics import NormalDist

import numpy as np

from staffplan.backlog._fluid import COPIES, FluidRun, cumulative, run, tiled

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
    interval_s: float
    max_occupancy: float
    service_level: float
    handle_cv: float = 1.0
    business_hours: bool = False

    @property
    def clock(self) -> np.ndarray | None:
        """Where the target's clock runs: the open intervals with business hours, else
        None (every interval, the wall clock)."""
        return self.open if self.business_hours else None

    @property
    def agent_s(self) -> float:
        """Work (s) one agent does in an interval at the occupancy cap."""
        return self.interval_s * self.max_occupancy

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
    fluid_s = _capacity(queue)[queue.contacts.size : 2 * queue.contacts.size]
    agents = _whole(_with_margin(queue, fluid_s) / queue.agent_s, queue.open)
    return evaluate(queue, agents)


def evaluate(queue: BacklogQueue, agents: np.ndarray) -> BacklogPlan:
    """What the fluid model makes of ``agents`` per interval on ``queue``."""
    fluid = run(queue.work_s, agents * queue.agent_s, queue.within, queue.clock)
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
    best = run(queue.work_s, ample, queue.within, queue.clock)
    day_share, week_share = shares(queue, best.in_time)
    short = np.flatnonzero(day_share < queue.service_level - _SLACK)
    if short.size:
        raise Unreachable(int(short[0]), float(day_share[short[0]]))
    if week_share < queue.service_level - _SLACK:
        raise Unreachable(None, week_share)


def _deadlines(open_: np.ndarray, within: int, business_hours: bool) -> np.ndarray:
    """Per interval of the time line: the boundary by which its work is due: ``within``
    intervals later (``within`` open ones with ``business_hours``), or, when the queue
    is closed all that time, the end of the next opening window."""
    size = open_.size
    index = np.arange(size)
    opened = cumulative(open_)
    if business_hours:
        return np.minimum(np.searchsorted(opened, opened[index] + within, side="left"), size)
    reachable = opened[np.minimum(index + within, size)] > opened[index]
    next_open = _next(np.flatnonzero(open_), index, size)
    window_end = _next(np.flatnonzero(~open_), next_open, size)
    return np.minimum(np.where(reachable, index + within, window_end), size)


def _next(positions: np.ndarray, index: np.ndarray, size: int) -> np.ndarray:
    """Per ``index``: the first of the sorted ``positions`` at or after it, else ``size``."""
    found = np.searchsorted(positions, index)
    padded = np.append(positions, size)
    return padded[found]


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


def _capacity(queue: BacklogQueue) -> np.ndarray:
    """Capacity (agent-seconds) per interval of the whole time line: in each piece of
    opening hours, the taut string between the work due and the work arrived."""
    open_ = np.tile(queue.open, COPIES)
    within = max(1, int(np.floor(queue.within + _SLACK)))
    arrived = cumulative(tiled(queue.work_s))
    required = _required(arrived, _deadlines(open_, within, queue.business_hours))
    capacity = np.zeros(open_.size)
    pieces = _pieces(open_, int(np.bincount(queue.day).max()))
    served = 0.0
    for k, (start, end) in enumerate(pieces):
        until = pieces[k + 1][0] if k + 1 < len(pieces) else open_.size
        low = np.maximum(required[start + 1 : end + 1], served)
        low[-1] = max(low[-1], required[end : until + 1].max())
        high = np.maximum(arrived[start + 1 : end + 1], low)
        path = _taut_string(served, low, high)
        capacity[start:end] = np.diff(path, prepend=served)
        served = float(path[-1])
    return capacity


def _taut_string(begin: float, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """The shortest non-decreasing path from ``begin`` through boundaries 1..m staying in
    ``[low, high]`` and ending at ``low[-1]`` (the least it must reach): the served work
    of the smoothest staffing that meets every deadline without idling."""
    m = low.size
    path = np.empty(m)
    at, value = 0, begin
    while at < m:
        steps = np.arange(1, m - at + 1)
        lows = low[at:].copy()
        highs = high[at:].copy()
        highs[-1] = lows[-1]
        floor = np.maximum.accumulate((lows - value) / steps)
        ceiling = np.minimum.accumulate((highs - value) / steps)
        crossed = np.flatnonzero(floor > ceiling + _SLACK)
        if crossed.size == 0:
            path[at:] = value + floor[-1] * steps
            break
        j = int(crossed[0])
        # the string bends at the bound that stopped it, where that bound was tightest
        if floor[j] > floor[j - 1]:
            slope = ceiling[j - 1]
            bend = int(np.flatnonzero((highs[:j] - value) / steps[:j] <= slope + _SLACK)[-1])
        else:
            slope = floor[j - 1]
            bend = int(np.flatnonzero((lows[:j] - value) / steps[:j] >= slope - _SLACK)[-1])
        path[at : at + bend + 1] = value + slope * steps[: bend + 1]
        value = float(path[at + bend])
        at += bend + 1
    return np.maximum.accumulate(path)


def _with_margin(queue: BacklogQueue, fluid_s: np.ndarray) -> np.ndarray:
    """The fluid capacity plus the randomness margin, in agent-seconds at the occupancy
    cap. Work arriving over one target window varies (Poisson arrivals, handle times with
    ``handle_cv``) by ``sd``; each open interval of the window must hold ``z × sd`` spare
    work at full occupancy, ``z`` the standard-normal quantile of ``service_level``. The
    occupancy cap's own slack (agents may work flat out when a backlog waits) counts
    towards it, so a capped queue often needs no extra agent."""
    n = queue.contacts.size
    within = max(1, int(np.floor(queue.within + _SLACK)))
    variance = cumulative(tiled(queue.contacts * queue.aht_s**2 * (1.0 + queue.handle_cv**2)))
    opened = cumulative(np.tile(queue.open, COPIES))
    last = np.arange(n + 1, 2 * n + 1)  # boundary after each interval of the middle copy
    first = np.maximum(last - within, 0)  # a window longer than the copies before it: all
    window_sd = np.sqrt(np.maximum(variance[last] - variance[first], 0.0))
    open_in_window = np.maximum(opened[last] - opened[first], 1.0)
    margin = NormalDist().inv_cdf(queue.service_level) * window_sd / open_in_window
    slack = fluid_s * (1.0 / queue.max_occupancy - 1.0)
    extra = np.where(queue.open, np.maximum(margin - slack, 0.0), 0.0)
    return fluid_s + extra * queue.max_occupancy


def _whole(agents: np.ndarray, open_: np.ndarray) -> np.ndarray:
    """Whole agents per interval: each opening window's running total rounded up."""
    out = np.zeros(agents.size)
    for start, end in _pieces(open_, agents.size):
        total = np.ceil(np.cumsum(agents[start:end]) - 1e-6)
        out[start:end] = np.diff(total, prepend=0.0)
    return out
