"""The deterministic fluid model of a backlog: first-in-first-out work with carry-over.

Everything is measured in *work* (agent-seconds): the contacts of interval ``i`` bring
``work[i]`` seconds, spread evenly over the interval; the agents on duty bring
``capacity[i]`` seconds. Cumulative curves are kept at the interval boundaries
``0..n``: ``arrived[b]`` (work arrived before boundary ``b``) and ``served[b]`` (work
answered by then). First-in-first-out with carry-over is the reflection

    served[b] = capacity_sum[b] + min over s <= b of (arrived[s] - capacity_sum[s])

(each boundary serves what the capacity allows, never more than has arrived), which
numpy computes in one pass. Between boundaries the curves are linear.

The horizon is taken as one turn of a repeating pattern (a planned week is followed by
a week like it): the model runs three copies of it from an empty backlog and reports the
middle one, whose backlog at the start is what the pattern leaves behind and whose
contacts near the end are answered in the copy after it.
"""

from __future__ import annotations

import dataclasses

import numpy as np

COPIES = 3  # a warm-up turn, the reported turn, and the turn that answers its tail
_TOLERANCE = 1e-9


@dataclasses.dataclass(frozen=True)
class FluidRun:
    """The fluid model over one turn of ``n`` intervals (the middle copy).

    Per interval: ``in_time`` (share of the interval's contacts answered within the
    target), ``wait`` (mean wait of its contacts, in intervals), ``served_s`` (work
    answered in it, agent-seconds), ``backlog_s`` (work waiting at its end,
    agent-seconds) and ``oldest_age`` (age of the oldest waiting contact at its end, in
    intervals; 0 when none wait).
    """

    in_time: np.ndarray
    wait: np.ndarray
    served_s: np.ndarray
    backlog_s: np.ndarray
    oldest_age: np.ndarray


def tiled(values: np.ndarray) -> np.ndarray:
    """``values`` repeated :data:`COPIES` times (the model's time line)."""
    return np.tile(np.asarray(values, dtype=float), COPIES)


def cumulative(values: np.ndarray) -> np.ndarray:
    """Boundary values 0..n of the running sum of ``values``."""
    return np.concatenate(([0.0], np.cumsum(values)))


def serve(arrived: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """``served`` at every boundary for cumulative ``arrived`` work and per-interval
    ``capacity`` (both agent-seconds; see the module docstring)."""
    offered = cumulative(capacity)
    return offered + np.minimum.accumulate(arrived - offered)


def run(
    work_s: np.ndarray, capacity_s: np.ndarray, within: float, clock: np.ndarray | None = None
) -> FluidRun:
    """The fluid model for one turn of per-interval ``work_s`` and ``capacity_s``
    (agent-seconds) with a target of ``within`` intervals (a float: 48.0 is 24 h of
    30-minute intervals). With ``clock`` (per interval: whether the target's clock runs,
    i.e. business hours) the target counts only those intervals."""
    n = work_s.size
    arrived = cumulative(tiled(work_s))
    served = serve(arrived, tiled(capacity_s))
    middle = np.arange(n, 2 * n)
    start, end = arrived[middle], arrived[middle + 1]
    bounds = np.arange(arrived.size)
    due_start = np.interp(due(middle, within, clock), bounds, served)
    due_end = np.interp(due(middle + 1, within, clock), bounds, served)
    in_time = _share_non_negative(due_start - start, due_end - end, work_s)
    answered_at = _inverse(served, (start + end) / 2.0)
    wait = np.maximum(answered_at - (middle + 0.5), 0.0)
    backlog = arrived[middle + 1] - served[middle + 1]
    # the oldest waiting work is the first not yet served: it arrived when `arrived`
    # passed `served`
    first_waiting = _inverse(arrived, served[middle + 1])
    oldest = np.where(backlog > _TOLERANCE * max(arrived[-1], 1.0), middle + 1 - first_waiting, 0.0)
    return FluidRun(
        in_time=in_time,
        wait=wait,
        served_s=np.diff(served)[middle],
        backlog_s=backlog,
        oldest_age=oldest,
    )


def due(positions: np.ndarray, within: float, clock: np.ndarray | None) -> np.ndarray:
    """The (fractional) boundary positions ``within`` intervals after ``positions`` on the
    time line: wall-clock intervals, or only those where ``clock`` (one turn) runs."""
    if clock is None:
        return positions + within
    ticking = cumulative(tiled(clock))
    reached = np.interp(positions, np.arange(ticking.size), ticking) + within
    return np.where(reached <= ticking[-1], _inverse(ticking, reached), float(ticking.size))


def _share_non_negative(first: np.ndarray, last: np.ndarray, work: np.ndarray) -> np.ndarray:
    """Share of [0, 1] where the linear function from ``first`` to ``last`` is >= 0
    (1 for an interval without work)."""
    slack = _TOLERANCE * np.maximum(np.abs(first) + np.abs(last), 1.0)
    first = np.where(np.abs(first) < slack, 0.0, first)
    last = np.where(np.abs(last) < slack, 0.0, last)
    with np.errstate(divide="ignore", invalid="ignore"):
        root = np.clip(first / (first - last), 0.0, 1.0)
    share = np.where(
        first >= 0, np.where(last >= 0, 1.0, root), np.where(last >= 0, 1.0 - root, 0.0)
    )
    return np.where(work > 0, share, 1.0)


def _inverse(curve: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """The earliest boundary position (fractional) where the non-decreasing ``curve``
    reaches each of ``levels``."""
    right = np.searchsorted(curve, levels, side="left").clip(1, curve.size - 1)
    low, high = curve[right - 1], curve[right]
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(high > low, (levels - low) / (high - low), 1.0)
    return right - 1 + np.clip(fraction, 0.0, 1.0)
