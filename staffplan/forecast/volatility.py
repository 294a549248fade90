"""Market volatility drivers, aligned to planning intervals without look-ahead.

From a price table (``timestamp`` = bar start, UTC; ``close``) two drivers are derived
at each bar's close, i.e. at ``timestamp + bar``:

- ``daily_vol``: realised volatility, the root mean square of log returns over the
  trailing ``window_h`` hours, scaled to one day (0.04 = 4 % a day). Daily bars use a
  window of whole days, at least 3.
- ``shock``: the absolute log return over the trailing ``shock_h`` hours (one bar for
  daily prices): a crash hour shows here before it dominates ``daily_vol``.

An interval starting at ``t`` sees the drivers of the latest bar that closed at or
before ``t`` (and not more than one bar earlier): later prices never change it.

Volatility scenarios for the horizon are quantiles of the market file's own
``daily_vol`` history: calm = 10th percentile, typical = median, stressed = 90th,
crash = 99th.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd

from staffplan.errors import InputError

SCENARIO_QUANTILES = {"calm": 0.10, "typical": 0.50, "stressed": 0.90, "crash": 0.99}
FEATURES = ("log_daily_vol", "log_shock")
MIN_DAILY_WINDOW = 3
SHOCK_FLOOR = 0.1
# 0.01 % a day, far below any traded market: a flat stretch of prices (no trades, a
# holiday) is real data, and this keeps log(daily_vol) finite through it.
VOL_FLOOR = 1e-4


@dataclasses.dataclass(frozen=True)
class MarketDrivers:
    """Volatility drivers known at each bar close (``known_at``, UTC)."""

    known_at: pd.DatetimeIndex
    daily_vol: np.ndarray
    shock: np.ndarray
    bar: pd.Timedelta
    shock_hours: float
    persistence_per_hour: float  # AR(1) coefficient of log daily_vol, per hour
    source: str = "the market prices"  # the file, for messages

    def scenario_vol(self, name: str) -> float:
        """The daily volatility of a named scenario (a quantile of this history)."""
        return float(np.quantile(self.daily_vol, SCENARIO_QUANTILES[name]))

    def implied_shock(self, daily_vol: np.ndarray) -> np.ndarray:
        """The mean absolute ``shock_hours`` return when volatility is ``daily_vol``."""
        return daily_vol * math.sqrt(self.shock_hours / 24.0 * 2.0 / math.pi)


def market_drivers(prices: pd.DataFrame, window_h: int = 24, shock_h: int = 6) -> MarketDrivers:
    """Drivers from a checked price table (see :func:`staffplan.tables.read_market`)."""
    times = pd.DatetimeIndex(prices["timestamp"])
    bar = pd.Timedelta(times.to_series().diff().median())
    per_day = pd.Timedelta(days=1) / bar
    bars_h = bar / pd.Timedelta(hours=1)
    window = max(math.ceil(window_h / bars_h), 1 if per_day > 1 else MIN_DAILY_WINDOW)
    steps = max(round(shock_h / bars_h), 1)
    log_close = pd.Series(np.log(prices["close"].to_numpy(dtype=float)))
    returns = log_close.diff()
    daily_vol = np.sqrt(returns.pow(2).rolling(window, min_periods=window).mean() * per_day)
    shock = log_close.diff(steps).abs()
    ok = (daily_vol.notna() & shock.notna()).to_numpy()
    source = prices.attrs.get("source", "the market prices")
    if ok.sum() < 2:
        raise InputError(
            f"{source}: the market file is too short: volatility needs more than {window} "
            f"bars of prices, it has {len(prices)}"
        )
    vol = daily_vol.to_numpy()[ok]
    return MarketDrivers(
        known_at=(times + bar)[ok],
        daily_vol=vol,
        shock=shock.to_numpy()[ok],
        bar=bar,
        shock_hours=steps * bars_h,
        persistence_per_hour=_persistence(np.log(np.maximum(vol, VOL_FLOOR)), per_day),
        source=source,
    )


def _persistence(log_vol: np.ndarray, per_day: float) -> float:
    """Day-to-day autocorrelation of log volatility, as a per-hour decay factor."""
    daily = log_vol[:: max(round(per_day), 1)]
    if len(daily) < 3 or np.std(daily) == 0:
        return 0.0
    rho = float(np.corrcoef(daily[:-1], daily[1:])[0, 1])
    return float(np.clip(rho, 0.0, 0.995) ** (1.0 / 24.0))


def observed(drivers: MarketDrivers, times: pd.DatetimeIndex) -> pd.DataFrame:
    """Drivers at interval starts ``times``, in their order, which need not be sorted
    (queues whose histories end on different days); NaN where no bar closed within one
    bar."""
    known = pd.DataFrame(
        {"known_at": drivers.known_at, "daily_vol": drivers.daily_vol, "shock": drivers.shock}
    )
    order = np.argsort(times.asi8, kind="stable")
    left = pd.DataFrame({"interval_start": times.tz_convert("UTC")[order]})
    merged = pd.merge_asof(
        left,
        known,
        left_on="interval_start",
        right_on="known_at",
        direction="backward",
        tolerance=drivers.bar,
    )
    daily_vol, shock = np.empty(len(times)), np.empty(len(times))
    daily_vol[order], shock[order] = merged["daily_vol"], merged["shock"]
    return _with_logs(drivers, daily_vol, shock, times)


def _with_logs(
    drivers: MarketDrivers, daily_vol: np.ndarray, shock: np.ndarray, times: pd.DatetimeIndex
) -> pd.DataFrame:
    # A floor of a tenth of the typical move at the current volatility keeps a flat
    # hour from reaching log(0); it uses only what was known at the time.
    floored = np.maximum(daily_vol, VOL_FLOOR)
    floor = SHOCK_FLOOR * drivers.implied_shock(floored)
    return pd.DataFrame(
        {
            "daily_vol": daily_vol,
            "log_daily_vol": np.log(floored),
            "log_shock": np.log(shock + floor),
        },
        index=times,
    )


def horizon_path(
    drivers: MarketDrivers, times: pd.DatetimeIndex, scenario: str | float | None = None
) -> pd.DataFrame:
    """Drivers over a forecast horizon, with a ``volatility_path`` column saying where they
    came from.

    An explicit ``scenario`` wins: a name in :data:`SCENARIO_QUANTILES` or a daily
    volatility (0.05 = 5 % a day) held over the horizon. Otherwise intervals the market
    file covers use its realised path (``conditional``), and later ones decay from the
    last observed volatility toward the typical level at the market's own day-to-day
    persistence (``decay``).
    """
    if scenario is not None:
        vol = np.full(len(times), scenario_daily_vol(drivers, scenario))
        path = _with_logs(drivers, vol, drivers.implied_shock(vol), times)
        return path.assign(volatility_path=scenario_label(scenario))
    path = observed(drivers, times).assign(volatility_path="conditional")
    missing = path["daily_vol"].isna().to_numpy()
    if missing.any():
        decayed = _decay(drivers, times[missing])
        path.loc[missing, ["daily_vol", "log_daily_vol", "log_shock"]] = decayed.to_numpy()
        path.loc[missing, "volatility_path"] = "decay"
    return path


def _decay(drivers: MarketDrivers, times: pd.DatetimeIndex) -> pd.DataFrame:
    typical = math.log(max(drivers.scenario_vol("typical"), VOL_FLOOR))
    last = math.log(max(drivers.daily_vol[-1], VOL_FLOOR))
    hours = (times.tz_convert("UTC") - drivers.known_at[-1]) / pd.Timedelta(hours=1)
    weight = drivers.persistence_per_hour ** np.maximum(np.asarray(hours, dtype=float), 0.0)
    vol = np.exp(typical + (last - typical) * weight)
    return _with_logs(drivers, vol, drivers.implied_shock(vol), times)[
        ["daily_vol", "log_daily_vol", "log_shock"]
    ]


def scenario_daily_vol(drivers: MarketDrivers, scenario: str | float) -> float:
    """The daily volatility a scenario name or number stands for."""
    if isinstance(scenario, str):
        return drivers.scenario_vol(scenario)
    return float(scenario)


def scenario_label(scenario: str | float) -> str:
    """The ``volatility_path`` label of a scenario: the name, or ``vol=0.05`` for a number."""
    return scenario if isinstance(scenario, str) else f"vol={scenario:g}"


def parse_scenario(text: str | None) -> str | float | None:
    """A ``--volatility-scenario`` value: a scenario name or a daily volatility number."""
    if text is None:
        return None
    name = text.strip().lower()
    if name in SCENARIO_QUANTILES:
        return name
    try:
        value = float(name.rstrip("%")) / (100.0 if name.endswith("%") else 1.0)
    except ValueError:
        value = math.nan
    if not 0.0 < value <= 1.0:
        names = "|".join(SCENARIO_QUANTILES)
        raise InputError(
            f"{text!r}: use {names} or a daily volatility between 0 and 1, e.g. 0.05 (5 % a day)",
            parameter="volatility_scenario",
        )
    return value
