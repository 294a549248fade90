"""How far the market since a forecast's origin moves it, through the fitted effect.

A published forecast assumed the volatility known at its origin (realised, then decaying
toward typical). At ``as_of`` more prices are known: the realised path up to ``as_of``
and a decay from there. The factor per interval is the fitted volatility effect at the
new path over the effect at the old one, so a market shock raises the forecast before
contacts do. Prices that closed after ``as_of`` are never used.
"""

from __future__ import annotations

import pandas as pd

from staffplan.forecast import volatility
from staffplan.forecast.model import StaffplanForecaster


def prices_known_by(market: pd.DataFrame, when: pd.Timestamp) -> pd.DataFrame:
    """The price bars that had closed by ``when`` (``timestamp`` is a bar's start)."""
    times = pd.DatetimeIndex(market["timestamp"])
    bar = pd.Timedelta(times.to_series().diff().median())
    return market[(times + bar <= when)].reset_index(drop=True)


def published_scenario(labels: pd.Series) -> str | float | None:
    """The volatility scenario a forecast was made with, from its ``volatility_path``
    labels: None for the market's own path (``conditional``/``decay``), else the
    scenario name or daily volatility (``vol=0.05``)."""
    named = sorted(set(labels.astype(str)) - {"conditional", "decay"})
    if not named:
        return None
    return volatility.parse_scenario(named[0].removeprefix("vol="))


def volatility_shift(
    model: StaffplanForecaster,
    times: pd.DatetimeIndex,
    market: pd.DataFrame,
    origin: pd.Timestamp,
    as_of: pd.Timestamp,
    scenario: str | float | None = None,
) -> dict[str, pd.Series]:
    """Per queue the factor on the forecast at ``times`` (indexed by them): the fitted
    effect at the volatility known at ``as_of`` (realised, then decaying) over the effect
    on the path the forecast assumed: the one known at ``origin`` (its first interval),
    or its ``scenario``."""
    windows = (model.volatility_window_h, model.shock_window_h)
    before = volatility.market_drivers(prices_known_by(market, origin), *windows)
    now = volatility.market_drivers(prices_known_by(market, as_of), *windows)
    old = volatility.horizon_path(before, times, scenario)
    new = volatility.horizon_path(now, times)
    return {
        queue: pd.Series(
            model.volatility_factor(queue, new) / model.volatility_factor(queue, old), index=times
        )
        for queue in model.queues_
    }
