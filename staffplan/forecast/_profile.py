"""Robust weekly × intraday profile: day totals per weekday and the shape within the day.

Day totals are modelled on the log scale as week effect + weekday effect; a day whose
residual is beyond ``threshold`` robust standard deviations (MAD) is an outlier (a
holiday, an outage, a near-empty export day), and so is every known calendar event
(``days.event``) whatever its size. Outliers are replaced by their expectation
for the level and left out of the shape, so one bad day cannot poison either.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from staffplan.forecast._days import DayMatrix

MIN_LOG_SCALE = 0.05  # a robust spread below 5 % would flag ordinary days


@dataclasses.dataclass(frozen=True)
class Profile:
    """What the history says a day looks like, per weekday (0 = Monday)."""

    day_total: np.ndarray  # (7,) expected contacts per day, recent level
    shape: np.ndarray  # (7, n_slots) share of the day's contacts per slot
    outlier: np.ndarray  # (n_days,) bool


def estimate_profile(
    days: DayMatrix, level_weeks: int, shape_weeks: int, threshold: float
) -> Profile:
    """Fit the profile to ``days`` (already divided by any volatility effect)."""
    totals = days.totals
    week = (days.day[-1] - days.day) // 7
    active = _active_weekdays(totals, days.weekday)[days.weekday]
    known = np.zeros(len(totals), dtype=bool) if days.event is None else days.event
    week_effect, weekday_effect, outlier = _robust_two_way(
        np.log(np.maximum(totals, 1.0)), week, days.weekday, active & ~known, threshold
    )
    outlier = outlier | (active & known)
    fitted = np.where(active, np.exp(week_effect[week] + weekday_effect[days.weekday]), 0.0)
    cleaned = np.where(outlier, fitted, totals)
    day_total = np.zeros(7)
    for weekday in range(7):
        recent = cleaned[days.weekday == weekday][-level_weeks:]
        day_total[weekday] = recent.mean() if len(recent) else 0.0
    recent = week < shape_weeks
    shape = _shape(days.volume, totals, days.weekday, ~outlier & recent)
    return Profile(day_total, shape, outlier)


def _active_weekdays(totals: np.ndarray, weekday: np.ndarray) -> np.ndarray:
    """Weekdays with contacts on a typical day (a closed Sunday is not an outlier)."""
    return np.array(
        [np.median(totals[weekday == w]) > 0 if (weekday == w).any() else False for w in range(7)]
    )


def _robust_two_way(
    log_total: np.ndarray,
    week: np.ndarray,
    weekday: np.ndarray,
    active: np.ndarray,
    threshold: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Week and weekday effects of log day totals, refitted without flagged days."""
    keep = active.copy()
    for _ in range(3):
        week_effect, weekday_effect = _two_way(log_total, week, weekday, keep)
        residual = log_total - week_effect[week] - weekday_effect[weekday]
        spread = 1.4826 * np.median(np.abs(residual[keep])) if keep.any() else 0.0
        keep = active & (np.abs(residual) <= threshold * max(spread, MIN_LOG_SCALE))
    return week_effect, weekday_effect, active & ~keep


def _two_way(
    values: np.ndarray, week: np.ndarray, weekday: np.ndarray, keep: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Additive week + weekday fit by alternating means over the kept days."""
    n_weeks = int(week.max()) + 1
    weight = keep.astype(float)
    week_effect = np.zeros(n_weeks)
    weekday_effect = np.zeros(7)
    for _ in range(10):
        week_effect = _group_mean(values - weekday_effect[weekday], week, weight, n_weeks)
        weekday_effect = _group_mean(values - week_effect[week], weekday, weight, 7)
    return week_effect, weekday_effect


def _group_mean(values: np.ndarray, group: np.ndarray, weight: np.ndarray, n: int) -> np.ndarray:
    sums = np.bincount(group, weights=values * weight, minlength=n)
    counts = np.bincount(group, weights=weight, minlength=n)
    means = np.divide(sums, counts, out=np.zeros(n), where=counts > 0)
    if (counts == 0).any() and (counts > 0).any():
        means[counts == 0] = np.average(means[counts > 0], weights=counts[counts > 0])
    return means


def _shape(
    volume: np.ndarray, totals: np.ndarray, weekday: np.ndarray, use: np.ndarray
) -> np.ndarray:
    """Per-weekday slot shares, shrunk toward the pooled shape where the data are thin.

    The shrinkage is empirical Bayes: a weekday keeps its own shape in proportion to how
    far it differs from the pooled one beyond sampling noise.
    """
    counts = np.nan_to_num(volume) * use[:, None]
    n_slots = volume.shape[1]
    sums = np.zeros((7, n_slots))
    np.add.at(sums, weekday, counts)
    day_sums = sums.sum(axis=1)
    pooled = sums.sum(axis=0) / max(sums.sum(), 1e-12)
    own = np.divide(
        sums, day_sums[:, None], out=np.tile(pooled, (7, 1)), where=day_sums[:, None] > 0
    )
    noise = (own * (1 - own) / np.maximum(day_sums, 1.0)[:, None]).mean(axis=1)
    signal = np.maximum(((own - pooled) ** 2).mean(axis=1) - noise, 0.0)
    keep_own = np.divide(signal, signal + noise, out=np.zeros(7), where=signal + noise > 0)
    return keep_own[:, None] * own + (1 - keep_own[:, None]) * pooled
