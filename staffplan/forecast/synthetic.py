"""A seeded generator of crypto-support contact histories driven by real market volatility.

There is no public contact series from a crypto wallet or exchange, so the bundled
sample and the volatility tests use this generator. Per queue and interval::

    rate = daily_volume · weekday_factor[weekday] · shape[slot] · growth^weeks
           · busyness[day] · exp(beta · z)
    count ~ NegativeBinomial(mean = rate, variance = rate + rate² / dispersion_size)

``z`` is the log daily realised volatility of the market (trailing 24 h, see
:mod:`staffplan.forecast.volatility`) at the interval start, standardised over the
generated span; ``busyness`` is a day effect, lognormal with mean 1 and log-sd
``busyness_sd``. ``beta`` is the true volatility effect a model should recover.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from staffplan.forecast import _calendar, volatility


@dataclasses.dataclass(frozen=True)
class QueueSpec:
    """One synthetic queue: volume, weekly and intraday rhythm, volatility sensitivity."""

    name: str
    daily_volume: float  # mean contacts per day at average volatility, at the start
    weekday_factor: tuple[float, ...]  # Monday..Sunday, multiplies daily_volume
    peak_hours: tuple[float, ...]  # local hours of the intraday bumps
    peak_widths_h: tuple[float, ...]  # their widths (standard deviation, hours)
    night_floor: float  # the quietest hour's rate relative to the mean hour
    beta: float  # log change in volume per standard deviation of log realised vol


def intraday_shape(spec: QueueSpec, interval_min: int) -> np.ndarray:
    """Shares of a day's contacts per local slot (sums to 1)."""
    hours = (np.arange(_calendar.MINUTES_PER_DAY // interval_min) + 0.5) * interval_min / 60
    bumps = sum(
        np.exp(-0.5 * (_circular(hours - peak) / width) ** 2)
        for peak, width in zip(spec.peak_hours, spec.peak_widths_h, strict=True)
    )
    rate = spec.night_floor + bumps
    return rate / rate.sum()


def _circular(hours: np.ndarray) -> np.ndarray:
    return (hours + 12.0) % 24.0 - 12.0


def simulate_history(
    specs: tuple[QueueSpec, ...],
    prices: pd.DataFrame,
    start: pd.Timestamp,
    weeks: int,
    interval_min: int = 30,
    *,
    seed: int = 7,
    busyness_sd: float = 0.08,
    dispersion_size: float = 40.0,
    weekly_growth: float = 0.005,
) -> pd.DataFrame:
    """Counts ``queue, interval_start, volume`` for ``weeks`` weeks from ``start``.

    ``start`` is a tz-aware local midnight (the planning zone); ``prices`` a market table
    covering the span and at least a day before it.
    """
    rng = np.random.default_rng(seed)
    times = _calendar.horizon(start, 7 * weeks, interval_min)
    pos = _calendar.positions(times, interval_min)
    log_vol = volatility.observed(volatility.market_drivers(prices), times)["log_daily_vol"]
    z = ((log_vol - log_vol.mean()) / log_vol.std()).to_numpy()
    day_index = pos.day - pos.day[0]
    tables = []
    for spec in specs:
        busyness = rng.lognormal(-(busyness_sd**2) / 2, busyness_sd, size=day_index[-1] + 1)
        rate = (
            spec.daily_volume
            * np.asarray(spec.weekday_factor)[pos.weekday]
            * intraday_shape(spec, interval_min)[pos.slot]
            * (1 + weekly_growth) ** (day_index / 7)
            * busyness[day_index]
            * np.exp(spec.beta * z)
        )
        p = dispersion_size / (dispersion_size + rate)
        counts = rng.negative_binomial(dispersion_size, p)
        tables.append(pd.DataFrame({"queue": spec.name, "interval_start": times, "volume": counts}))
    return pd.concat(tables, ignore_index=True)


SAMPLE_QUEUES = (
    QueueSpec(
        name="chat_en",
        daily_volume=2400.0,
        weekday_factor=(1.08, 1.04, 1.0, 1.0, 1.02, 0.94, 0.92),
        peak_hours=(10.5, 16.0, 21.5),
        peak_widths_h=(2.0, 2.5, 2.5),
        night_floor=0.25,
        beta=0.35,
    ),
    QueueSpec(
        name="phone_zh",
        daily_volume=900.0,
        weekday_factor=(1.15, 1.05, 1.0, 1.0, 1.0, 0.9, 0.9),
        peak_hours=(10.0, 15.0, 20.0),
        peak_widths_h=(1.5, 2.0, 1.5),
        night_floor=0.04,
        beta=0.25,
    ),
)

# A backlog queue for the bundled sample (email: written mostly in office hours, a
# little at night, less sensitive to the market). Kept apart from SAMPLE_QUEUES, whose
# volumes it leaves untouched: make_sample.py draws it after them.
SAMPLE_BACKLOG_QUEUES = (
    QueueSpec(
        name="email_en",
        daily_volume=600.0,
        weekday_factor=(1.12, 1.06, 1.02, 1.0, 0.98, 0.84, 0.80),
        peak_hours=(10.0, 14.5, 20.5),
        peak_widths_h=(2.0, 2.5, 2.0),
        night_floor=0.15,
        beta=0.15,
    ),
)

# A second phone queue for the bundled sample (the desk's English phone line, pooled
# with phone_zh in configs/example.yaml): smaller, a European-evening peak, as sensitive
# to the market as phone_zh. Kept apart from the tuples above, whose volumes it leaves
# untouched: make_sample.py draws it last.
SAMPLE_POOL_QUEUES = (
    QueueSpec(
        name="phone_en",
        daily_volume=450.0,
        weekday_factor=(1.12, 1.04, 1.0, 1.0, 1.0, 0.92, 0.92),
        peak_hours=(11.0, 16.5, 21.5),
        peak_widths_h=(1.5, 2.0, 2.0),
        night_floor=0.06,
        beta=0.25,
    ),
)
