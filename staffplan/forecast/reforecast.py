"""Re-forecast from actuals: update the rest of the day and the rest of the week of a
published forecast without refitting it.

Each queue's forecast ``F`` is scaled by two level factors, each an empirical-Bayes
(shrunk) estimate of how far reality runs from the forecast:

- the **week level**, from the days since the origin that are over (and today so far):
  ``1 + w_week · (A/F − 1)``, days off by more than ``max_day_ratio`` left out;
- the **day level** of today, from today's intervals before ``as_of`` against the
  week-updated forecast: ``1 + w_day · (A/F − 1)``.

The weights come from the forecast's own prediction intervals: a forecast interval
varies as ``Var = a·mu + k·mu²`` (see :mod:`staffplan.forecast._intervals`), ``a``
the count noise and ``k`` the level noise. A share ``p = day_share`` of ``k`` is a level
the whole day shares (the rest differs between morning and afternoon), and a share
``q = week_share`` of that persists from day to day. Each weight is the variance of
the level to learn over itself plus the noise of the ratio seen on ``F_seen`` expected
contacts: ``w_week = p·q·k / (p·q·k + a/F_seen + (1 − p·q)·k/n_days)`` (``n_days``
the effective number of days, recent days weighing more) and ``w_day = p·(1 − q)·k /
(p·(1 − q)·k + a/F_seen + (1 − p)·k)``, so a busy morning seen on many contacts moves
the afternoon further than a quiet one, and a noisy queue's less.

An optional market multiplier per interval (the fitted volatility effect at the
realised volatility, see :mod:`staffplan.forecast.market_shift`) scales the forecast
first, so a market shock moves the forecast before contacts rise and is not counted
twice.

Intervals of updated rows keep the forecast's dispersion law at the new mean: each bound
moves with the new mean and its distance from it scales with the standard deviation, so
an unchanged row keeps its bounds exactly and a doubled one widens.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import special

# Without interval columns: Poisson counts and a level known to about ±20 % (k = 0.2²).
DEFAULT_POISSON_FACTOR = 1.0
DEFAULT_LEVEL_VAR = 0.04


@dataclasses.dataclass(frozen=True)
class ReforecastSettings:
    """How far actuals move the forecast (chosen on real series; see BENCHMARKS.md).

    ``day_share``: share of the forecast's level variance shared by a whole day (0-1];
    ``week_share``: share of that day level that persists to later days (0-1];
    ``max_day_ratio``: a finished day off the forecast by more than this factor (either
    way) is left out of the week level (an outage or a one-off event); ``recency``: a day
    ``n`` days back weighs ``recency ** n`` in the week level (yesterday says most).
    """

    day_share: float = 0.7
    week_share: float = 0.9
    max_day_ratio: float = 2.0
    recency: float = 0.2


@dataclasses.dataclass(frozen=True)
class QueueUpdate:
    """What actuals told about one queue: the week and day level factors, their weights
    and the actual/forecast ratio so far today (NaN before the day's first interval)."""

    queue: str
    week_factor: float
    week_weight: float
    day_factor: float
    day_weight: float
    today_ratio: float


def reforecast(
    forecast: pd.DataFrame,
    actuals: pd.DataFrame,
    as_of: pd.Timestamp,
    *,
    multiplier: Mapping[str, pd.Series] | None = None,
    settings: ReforecastSettings | None = None,
) -> tuple[pd.DataFrame, list[QueueUpdate]]:
    """The forecast with every row from ``as_of`` on updated from ``actuals`` (``queue,
    interval_start, volume``, only intervals before ``as_of``), and per queue what moved
    it. Rows before ``as_of`` are kept as published; the columns and rows stay the
    forecast's. ``multiplier[queue]`` (indexed by ``interval_start``) scales the forecast
    first (a market update, see :func:`staffplan.forecast.market_shift.volatility_shift`;
    1 where missing). Inputs are trusted: see
    :func:`staffplan.tables.actuals.check_actuals`.
    """
    settings = settings or ReforecastSettings()
    out = forecast.copy()
    volume = out["volume"].to_numpy(dtype=float).copy()
    bands = _band_levels(out)
    bounds = {name: out[name].to_numpy(dtype=float).copy() for pair in bands for name in pair[1:]}
    seen = actuals.set_index(["queue", "interval_start"])["volume"]
    updates = []
    for queue, index in out.groupby("queue", sort=True).indices.items():
        index = np.sort(index)
        times = pd.DatetimeIndex(out["interval_start"].iloc[index])
        mu = volume[index] * _factor(multiplier, str(queue), times)
        actual = _aligned(seen, str(queue), times)
        a, k = _dispersion(out.iloc[index], bands)
        new_mu, update = _update_queue(str(queue), times, mu, actual, as_of, a, k, settings)
        ahead = times >= as_of
        old = volume[index]
        _move_bounds(bounds, bands, index[ahead], old[ahead], new_mu[ahead], a, k)
        volume[index[ahead]] = new_mu[ahead]
        updates.append(update)
    out["volume"] = volume
    for name, values in bounds.items():
        out[name] = values
    return out, updates


def _factor(
    multiplier: Mapping[str, pd.Series] | None, queue: str, times: pd.DatetimeIndex
) -> np.ndarray:
    """The market factor of ``queue`` at ``times`` (1 where none is given)."""
    if multiplier is None or queue not in multiplier:
        return np.ones(len(times))
    return multiplier[queue].reindex(times).fillna(1.0).to_numpy(dtype=float)


def _aligned(seen: pd.Series, queue: str, times: pd.DatetimeIndex) -> np.ndarray:
    """Actual contacts at ``times`` for ``queue``, NaN where there is no actual."""
    if queue not in seen.index.get_level_values(0):
        return np.full(len(times), np.nan)
    return seen.xs(queue, level=0).reindex(times).to_numpy(dtype=float)


def _update_queue(
    queue: str,
    times: pd.DatetimeIndex,
    mu: np.ndarray,
    actual: np.ndarray,
    as_of: pd.Timestamp,
    a: float,
    k: float,
    settings: ReforecastSettings,
) -> tuple[np.ndarray, QueueUpdate]:
    day = np.asarray(times.normalize().tz_localize(None).to_numpy())
    today = np.datetime64(as_of.tz_convert(times.tz).normalize().tz_localize(None))
    known = ~np.isnan(actual) & (times < as_of)
    p_day, p_week = settings.day_share, settings.week_share
    today_rows = known & (day == today)
    week_ratio, seen_mu, n_days = _week_ratio(day, today, known, actual, mu, settings)
    week_weight = _weight(
        p_day * p_week * k, a, seen_mu, (1 - p_week * p_day) * k / max(n_days, 1.0)
    )
    week_factor = _shrunk(week_ratio, week_weight)
    prior = mu * week_factor
    # The day level of today, against the week-updated forecast.
    today_ratio = _ratio(actual[today_rows], prior[today_rows])
    day_weight = _weight(
        p_day * (1 - p_week) * k, a, float(prior[today_rows].sum()), (1 - p_day) * k
    )
    day_factor = _shrunk(today_ratio, day_weight)
    new_mu = np.where(day == today, prior * day_factor, prior)
    update = QueueUpdate(queue, week_factor, week_weight, day_factor, day_weight, today_ratio)
    return new_mu, update


def _week_ratio(
    day: np.ndarray,
    today: np.datetime64,
    known: np.ndarray,
    actual: np.ndarray,
    mu: np.ndarray,
    settings: ReforecastSettings,
) -> tuple[float, float, float]:
    """The pooled actual/forecast ratio of the finished days (each kept unless off by
    more than ``max_day_ratio``) and today so far, a day ``n`` days back weighing
    ``recency ** n``; with the expected contacts it rests on and the effective number of
    days."""
    totals = []
    for d in np.unique(day[known]):
        rows = known & (day == d)
        seen, expected = float(actual[rows].sum()), float(mu[rows].sum())
        if d < today and not (expected > 0 and _within(seen / expected, settings.max_day_ratio)):
            continue
        age = float((today - d) / np.timedelta64(1, "D"))
        totals.append((settings.recency**age, seen, expected))
    if not totals:
        return math.nan, 0.0, 0.0
    weight, seen, expected = (np.array(column) for column in zip(*totals, strict=True))
    ratio = float((weight * seen).sum() / (weight * expected).sum())
    n_days = float(weight.sum() ** 2 / (weight**2).sum())
    return ratio, float((weight * expected).sum() / weight.max()), n_days


def _within(ratio: float, limit: float) -> bool:
    return ratio > 0 and abs(math.log(ratio)) <= math.log(limit)


def _ratio(actual: np.ndarray, expected: np.ndarray) -> float:
    total = float(expected.sum())
    return float(actual.sum()) / total if total > 0 else math.nan


def _weight(prior_var: float, a: float, seen_mu: float, slot_var: float) -> float:
    """Prior variance over prior plus the noise variance of a ratio seen on ``seen_mu``
    expected contacts (0 when nothing was seen)."""
    if seen_mu <= 0 or prior_var <= 0:
        return 0.0
    return prior_var / (prior_var + a / seen_mu + slot_var)


def _shrunk(ratio: float, weight: float) -> float:
    return 1.0 if not math.isfinite(ratio) else 1.0 + weight * (ratio - 1.0)


# ---------------------------------------------------------------------- intervals


def _band_levels(forecast: pd.DataFrame) -> list[tuple[int, str, str]]:
    """``(level, lo column, hi column)`` for every prediction interval the table has."""
    out = []
    for column in forecast.columns:
        if column.startswith("lo") and column[2:].isdigit():
            level = int(column[2:])
            if f"hi{level}" in forecast.columns and 0 < level < 100:
                out.append((level, column, f"hi{level}"))
    return sorted(out)


def _dispersion(rows: pd.DataFrame, bands: list[tuple[int, str, str]]) -> tuple[float, float]:
    """``(a, k)`` of ``Var = a·mu + k·mu²`` read back from the rows' interval widths."""
    mu = rows["volume"].to_numpy(dtype=float)
    spans, weights = [], []
    for level, lo, hi in bands:
        z = special.ndtri(0.5 + level / 200)  # standard normal quantile
        width = rows[hi].to_numpy(dtype=float) - rows[lo].to_numpy(dtype=float)
        spans.append((width / (2 * z)) ** 2)
        weights.append(mu)
    if not spans:
        return DEFAULT_POISSON_FACTOR, DEFAULT_LEVEL_VAR
    variance, mus = np.concatenate(spans), np.concatenate(weights)
    ok = (mus > 1.0) & np.isfinite(variance)
    if ok.sum() < 3:
        return DEFAULT_POISSON_FACTOR, DEFAULT_LEVEL_VAR
    mus, variance = mus[ok], variance[ok]
    scale = 1.0 / np.maximum(variance, 1.0)  # relative errors: each row counts alike
    design = np.column_stack([mus, mus**2]) * scale[:, None]
    a, k = np.linalg.lstsq(design, variance * scale, rcond=None)[0]
    return float(max(a, 1.0)), float(max(k, 0.0))


def _move_bounds(
    bounds: dict[str, np.ndarray],
    bands: list[tuple[int, str, str]],
    index: np.ndarray,
    old_mu: np.ndarray,
    new_mu: np.ndarray,
    a: float,
    k: float,
) -> None:
    """Move each band with the mean; its distance from the mean scales with the standard
    deviation of ``Var = a·mu + k·mu²`` (unchanged rows keep their bounds)."""
    old_sd = np.sqrt(a * old_mu + k * old_mu**2)
    new_sd = np.sqrt(a * new_mu + k * new_mu**2)
    scale = np.divide(new_sd, old_sd, out=np.ones_like(new_sd), where=old_sd > 0)
    same = new_mu == old_mu
    for _, lo, hi in bands:
        low = np.maximum(new_mu - (old_mu - bounds[lo][index]) * scale, 0.0)
        high = new_mu + (bounds[hi][index] - old_mu) * scale
        bounds[lo][index] = np.where(same, bounds[lo][index], low)
        bounds[hi][index] = np.where(same, bounds[hi][index], high)
