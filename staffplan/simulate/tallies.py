"""Per-interval tallies of one replication, from per-customer outcomes.

Contacts are counted in the interval they *arrive* in (as the queueing engine does);
busy time and the queue length are measured on the clock. Tallies are sums, so
replications and intervals can be pooled before taking ratios.
"""

from __future__ import annotations

import numpy as np

# Rows of the tally array returned by ``interval_tallies``.
OFFERED, ANSWERED, WITHIN, WAIT_S, ABANDONED, BUSY_S, QUEUE_END = range(7)
N_TALLIES = 7


def interval_tallies(
    arrival_s: np.ndarray,
    start_s: np.ndarray,
    handle_s: np.ndarray,
    give_up_s: np.ndarray | None,
    interval_s: float,
    n_intervals: int,
    answer_within_s: float,
    clock_s: np.ndarray | None = None,
) -> np.ndarray:
    """A ``(N_TALLIES, n_intervals)`` float array of one replication's tallies.

    Rows: contacts offered, answered, answered within ``answer_within_s``, total wait of
    answered contacts (s), abandoned, busy slot-seconds, contacts waiting at the interval's
    end. ``start_s`` is NaN for contacts never served; they abandoned if ``give_up_s`` is
    given, else they were still waiting when the horizon ended. With ``clock_s`` (seconds
    a business-hours clock has run at each interval boundary) the target is measured on
    that clock.
    """
    interval = np.minimum((arrival_s // interval_s).astype(np.intp), n_intervals - 1)
    served = ~np.isnan(start_s)
    wait_s = np.where(served, start_s - arrival_s, 0.0)
    out = np.zeros((N_TALLIES, n_intervals))
    out[OFFERED] = np.bincount(interval, minlength=n_intervals)
    out[ANSWERED] = np.bincount(interval, weights=served, minlength=n_intervals)
    within = served & (
        _target_wait_s(arrival_s, start_s, wait_s, interval_s, clock_s) <= answer_within_s
    )
    out[WITHIN] = np.bincount(interval, weights=within, minlength=n_intervals)
    out[WAIT_S] = np.bincount(interval, weights=wait_s, minlength=n_intervals)
    if give_up_s is not None:
        out[ABANDONED] = np.bincount(interval, weights=~served, minlength=n_intervals)
    ends_s = np.arange(1, n_intervals + 1) * interval_s
    starts = start_s[served]
    busy_to = _busy_until(np.sort(starts), np.sort(starts + handle_s[served]), ends_s)
    out[BUSY_S] = np.diff(busy_to, prepend=0.0)
    if give_up_s is None:
        left_s = np.where(served, start_s, np.inf)
    else:
        left_s = np.where(served, start_s, give_up_s)
    waiting = np.searchsorted(arrival_s, ends_s) - np.searchsorted(np.sort(left_s), ends_s)
    out[QUEUE_END] = waiting
    return out


def _target_wait_s(
    arrival_s: np.ndarray,
    start_s: np.ndarray,
    wait_s: np.ndarray,
    interval_s: float,
    clock_s: np.ndarray | None,
) -> np.ndarray:
    """The wait the target counts: the wall wait, or the business-hours clock's."""
    if clock_s is None:
        return wait_s
    bounds = np.arange(clock_s.size) * interval_s
    started = np.interp(np.nan_to_num(start_s), bounds, clock_s)
    return np.where(np.isnan(start_s), np.inf, started - np.interp(arrival_s, bounds, clock_s))


def _busy_until(starts: np.ndarray, ends: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Busy slot-seconds from 0 to each of ``times``: sum of (min(end, t) - min(start, t))."""
    return _area_before(starts, times) - _area_before(ends, times)


def _area_before(points: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Sum over ``points`` below each t of (t - point); ``points`` sorted."""
    n = np.searchsorted(points, times)
    prefix = np.concatenate(([0.0], np.cumsum(points)))
    return times * n - prefix[n]
