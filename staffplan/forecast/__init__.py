"""Forecast contact volume from history and market volatility, with honest intervals.

Every model has the same contract (``fit(history, market) -> self``,
``predict(start, horizon_days, market=None, levels=(80, 95), scenario=None)``), so
:func:`backtest` treats the staffplan model and the baselines alike.
"""

from __future__ import annotations

from staffplan.config.forecast import ForecastConfig
from staffplan.forecast._base import Forecaster
from staffplan.forecast.backtest import backtest
from staffplan.forecast.baselines import SameSlotAverage, SeasonalNaive
from staffplan.forecast.model import StaffplanForecaster
from staffplan.forecast.run import (
    ForecastRun,
    build_model,
    mark_peaks,
    next_midnight,
    run_backtest,
    run_forecast,
)
from staffplan.forecast.volatility import (
    SCENARIO_QUANTILES,
    horizon_path,
    market_drivers,
    observed,
    parse_scenario,
)

__all__ = [
    "SCENARIO_QUANTILES",
    "ForecastConfig",
    "ForecastRun",
    "Forecaster",
    "SameSlotAverage",
    "SeasonalNaive",
    "StaffplanForecaster",
    "backtest",
    "build_model",
    "horizon_path",
    "mark_peaks",
    "market_drivers",
    "next_midnight",
    "observed",
    "parse_scenario",
    "run_backtest",
    "run_forecast",
]
