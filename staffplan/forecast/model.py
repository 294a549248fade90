"""The staffplan forecaster: robust weekly × intraday profile × volatility effect.

Expected contacts in an interval are ``day_total[weekday] · shape[weekday, slot] ·
exp(beta · z)``, where ``z`` are the standardised volatility drivers (log daily realised
volatility and log recent absolute return) and ``beta`` is estimated from the history
(see :mod:`staffplan.forecast._glm`). The profile is fitted to the history divided by the
volatility effect, and the effect to the history given the profile, alternating a few
times, so a storm in the history neither inflates the level nor hides the effect.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from staffplan.errors import InputError
from staffplan.forecast import volatility
from staffplan.forecast._base import Forecaster
from staffplan.forecast._days import DayMatrix
from staffplan.forecast._glm import Effect, fit_effect
from staffplan.forecast._profile import Profile, estimate_profile

# Profile and effect share the intraday pattern of volatility, so alternating fits
# converge slowly (about ten rounds); stop when the effect moves less than this.
MAX_BACKFIT_ROUNDS = 30
BACKFIT_TOLERANCE = 1e-3
# days of the fitted history with market drivers known: fewer cannot part volatility from
# the week and weekday levels it is fitted beside
MIN_MARKET_DAYS = 7


@dataclasses.dataclass(frozen=True)
class _State:
    profile: Profile
    effect: Effect | None


class StaffplanForecaster(Forecaster):
    """Robust profile, adaptive level and a multiplicative volatility effect.

    Parameters (see :class:`~staffplan.config.forecast.ForecastConfig` for the meaning):
    ``history_weeks``, ``level_weeks``, ``shape_weeks``, ``outlier_threshold``,
    ``calibration_weeks``, ``volatility_window_h``, ``shock_window_h``, ``calendar``.
    Learned: ``queues_`` (per queue: profile, effect, dispersion), ``drivers_`` (the
    market's volatility history or ``None``), ``driver_mean_``/``driver_scale_``.
    """

    name = "staffplan"

    def __init__(
        self,
        history_weeks: int = 16,
        level_weeks: int = 4,
        shape_weeks: int = 4,
        outlier_threshold: float = 3.0,
        calibration_weeks: int = 10,
        volatility_window_h: int = 24,
        shock_window_h: int = 6,
        calendar: pd.DataFrame | None = None,
    ) -> None:
        super().__init__(
            history_weeks=history_weeks, calibration_weeks=calibration_weeks, calendar=calendar
        )
        self.level_weeks = level_weeks
        self.shape_weeks = shape_weeks
        self.outlier_threshold = outlier_threshold
        self.volatility_window_h = volatility_window_h
        self.shock_window_h = shock_window_h

    def effects(self) -> pd.DataFrame:
        """The fitted volatility effect per queue and driver: ``estimate`` and ``std_error``
        (log change in volume per standard deviation of the driver) and ``used``."""
        rows = []
        for queue, fitted in self.queues_.items():
            effect = fitted.state.effect
            if effect is None:
                continue
            for k, driver in enumerate(volatility.FEATURES):
                rows.append(
                    {
                        "queue": queue,
                        "driver": driver,
                        "estimate": effect.estimate[k],
                        "std_error": effect.std_error[k],
                        "used": effect.used[k],
                        "driver_mean": self.driver_mean_[k],
                        "driver_scale": self.driver_scale_[k],
                    }
                )
        return pd.DataFrame(rows)

    def volatility_factor(self, queue: str, path: pd.DataFrame) -> np.ndarray:
        """``exp(z · beta)``: the factor the fitted volatility effect of ``queue`` puts on
        contacts at the drivers ``path`` (see :func:`volatility.horizon_path`); 1 where
        the model has no market or the queue no effect."""
        fitted = self.queues_.get(queue)
        if self.drivers_ is None or fitted is None or fitted.state.effect is None:
            return np.ones(len(path))
        return _multiplier(self._standardised(path), fitted.state.effect)

    # ------------------------------------------------------------------ market

    def _drivers_from(self, market: pd.DataFrame) -> volatility.MarketDrivers:
        return volatility.market_drivers(market, self.volatility_window_h, self.shock_window_h)

    def _fit_market(self, market: pd.DataFrame | None, history: pd.DataFrame) -> None:
        self.drivers_ = None if market is None else self._drivers_from(market)
        if self.drivers_ is None:
            return
        times = pd.DatetimeIndex(history["interval_start"].drop_duplicates())
        seen = volatility.observed(self.drivers_, times)[list(volatility.FEATURES)].dropna()
        days = seen.index.normalize().nunique()
        if days < MIN_MARKET_DAYS:
            known = self.drivers_.known_at
            overlap = f"overlap only {days} days of" if days else "do not overlap"
            raise InputError(
                f"{self.drivers_.source}: the market prices ({known[0]:%Y-%m-%d} to "
                f"{known[-1]:%Y-%m-%d}) {overlap} the history ({times.min():%Y-%m-%d} to "
                f"{times.max():%Y-%m-%d}); the volatility effect needs {MIN_MARKET_DAYS} or "
                "more: pass prices covering the history period, or forecast without the "
                "market (leave out --market and market.prices)"
            )
        if (seen.std().to_numpy() == 0).any():
            raise InputError(
                f"{self.drivers_.source}: the prices do not move over the history "
                f"({seen.index[0]:%Y-%m-%d} to {seen.index[-1]:%Y-%m-%d}), so volatility is "
                "0 and cannot explain contacts; check the export, or forecast without the "
                "market (leave out --market and market.prices)"
            )
        self.driver_mean_ = seen.mean().to_numpy()
        self.driver_scale_ = np.maximum(seen.std().to_numpy(), 1e-9)

    def _standardised(self, path: pd.DataFrame) -> np.ndarray:
        raw = path[list(volatility.FEATURES)].to_numpy(dtype=float)
        return (raw - self.driver_mean_) / self.driver_scale_

    def _history_drivers(self, times: pd.DatetimeIndex) -> np.ndarray | None:
        if self.drivers_ is None:
            return None
        return self._standardised(volatility.observed(self.drivers_, times))

    def _horizon_drivers(
        self, times: pd.DatetimeIndex, market: pd.DataFrame | None, scenario: str | float | None
    ) -> tuple[np.ndarray | None, np.ndarray | str]:
        if self.drivers_ is None:
            if scenario is not None:
                raise InputError(
                    "a volatility scenario needs market prices to learn the effect from; "
                    "pass --market FILE or set market.prices in the config"
                )
            return None, "none"
        drivers = self.drivers_ if market is None else self._drivers_from(market)
        path = volatility.horizon_path(drivers, times, scenario)
        return self._standardised(path), path["volatility_path"].to_numpy()

    # ------------------------------------------------------------------ point forecast

    def _fit_point(self, days: DayMatrix, reuse: _State | None = None) -> _State:
        if days.drivers is None:
            return _State(self._profile(days.volume, days), None)
        if reuse is not None and reuse.effect is not None:
            return _State(self._profile(self._adjusted(days, reuse.effect), days), reuse.effect)
        profile = self._profile(days.volume, days)
        # Round one keeps the days flagged as outliers: before the effect is known, a
        # storm day looks like an outlier, and dropping it would hide the effect.
        effect = self._fit_effect(days, profile, drop_outliers=False)
        for _ in range(MAX_BACKFIT_ROUNDS):
            profile = self._profile(self._adjusted(days, effect), days)
            previous, effect = effect, self._fit_effect(days, profile, drop_outliers=True)
            if np.max(np.abs(effect.estimate - previous.estimate)) < BACKFIT_TOLERANCE:
                break
        return _State(self._profile(self._adjusted(days, effect), days), effect)

    def _profile(self, volume: np.ndarray, days: DayMatrix) -> Profile:
        adjusted = dataclasses.replace(days, volume=volume)
        return estimate_profile(
            adjusted, self.level_weeks, self.shape_weeks, self.outlier_threshold
        )

    def _adjusted(self, days: DayMatrix, effect: Effect) -> np.ndarray:
        return days.volume / _multiplier(days.drivers, effect)

    def _fit_effect(self, days: DayMatrix, profile: Profile, drop_outliers: bool) -> Effect:
        base = profile.shape[days.weekday]
        if drop_outliers:
            base = np.where(profile.outlier[:, None], 0.0, base)
        elif days.event is not None:  # a known event is never volatility's doing
            base = np.where(days.event[:, None], 0.0, base)
        n_days, n_slots = days.volume.shape
        week = (days.day[-1] - days.day) // 7
        levels = np.column_stack(
            [week[:, None] == np.arange(week.max() + 1), days.weekday[:, None] == np.arange(1, 7)]
        )
        return fit_effect(
            days.volume.ravel(),
            base.ravel(),
            days.drivers.reshape(n_days * n_slots, -1),
            np.repeat(np.arange(n_days), n_slots),
            levels.astype(float),
        )

    def _point(
        self, state: _State, weekday: np.ndarray, slot: np.ndarray, drivers: np.ndarray | None
    ) -> np.ndarray:
        profile = state.profile
        mu = profile.day_total[weekday] * profile.shape[weekday, slot]
        if state.effect is not None and drivers is not None:
            mu = mu * _multiplier(drivers, state.effect)
        return mu


def _multiplier(drivers: np.ndarray, effect: Effect) -> np.ndarray:
    """``exp(z · beta)``; a cell without market data counts as average volatility."""
    return np.exp(np.nan_to_num(drivers) @ effect.used)
