"""The multiplicative volatility effect: a log-link count regression with level terms.

``E[y] = base · exp(levels[day]·a + x·beta)`` is fitted by Poisson quasi-likelihood
(Newton steps), which stays consistent when counts are over-dispersed. ``levels`` are
day-level indicator columns (week and weekday), fitted jointly with ``beta`` so a
drifting weekly level cannot pose as a volatility effect. Every sum the Newton step
needs is first collapsed per day, so the linear algebra stays the size of the days.
Standard errors are sandwich estimates clustered by day, because intervals of one busy
day share its busyness.
"""

from __future__ import annotations

import dataclasses

import numpy as np

MAX_STEPS = 30
NOISE_T = 2.0  # an effect with |t| below this is indistinguishable from noise


@dataclasses.dataclass(frozen=True)
class Effect:
    """Fitted coefficients per standardised driver, and what prediction uses."""

    estimate: np.ndarray
    std_error: np.ndarray
    used: np.ndarray  # estimate shrunk toward zero by its t-statistic


def fit_effect(
    y: np.ndarray, base: np.ndarray, x: np.ndarray, day: np.ndarray, levels: np.ndarray
) -> Effect:
    """Fit ``y ~ base · exp(levels[day]·a + x·beta)`` over cells with ``base > 0``.

    ``y``, ``base``, ``day`` are per cell, ``x`` is (cells, p), ``day`` indexes the rows
    of ``levels`` (days, q). ``used`` is the positive-part shrinkage
    ``beta · max(0, 1 - (2/t)²)``: effects the history cannot tell from noise are
    dropped, clear ones are kept almost whole. Where it cannot tell them at all (no
    contacts, or drivers that move with the day levels only) every driver's effect is 0
    with an infinite standard error.
    """
    ok = (base > 0) & np.isfinite(y) & np.isfinite(x).all(axis=1)
    cells = _Cells(y[ok], np.log(base[ok]), x[ok], day[ok], len(levels))
    if cells.y.sum() <= 0:  # no contacts: nothing for volatility to scale
        return _no_effect(x.shape[1])
    levels = levels[:, (levels[np.unique(cells.day)] != 0).any(axis=0)]
    q = levels.shape[1]
    coef = np.zeros(q + x.shape[1])
    coef[:q] = np.linalg.lstsq(levels, cells.start_levels(), rcond=None)[0]
    try:
        for _ in range(MAX_STEPS):
            score, information, _ = cells.terms(levels, coef)
            step = np.linalg.solve(information, score)
            coef += step
            if np.max(np.abs(step)) < 1e-8:
                break
        _, information, per_day = cells.terms(levels, coef)
        bread = np.linalg.inv(information)
    except np.linalg.LinAlgError:
        # the drivers do not vary apart from the day levels on the days they are known
        return _no_effect(x.shape[1])
    covariance = bread @ (per_day.T @ per_day) @ bread
    estimate = coef[q:]
    std_error = np.sqrt(np.maximum(np.diag(covariance)[q:], 0.0))
    t = np.divide(estimate, std_error, out=np.zeros_like(estimate), where=std_error > 0)
    factor = np.maximum(0.0, 1.0 - (NOISE_T / np.maximum(np.abs(t), 1e-12)) ** 2)
    return Effect(estimate=estimate, std_error=std_error, used=estimate * factor)


def _no_effect(drivers: int) -> Effect:
    """The effect the history cannot tell at all: 0, with an infinite standard error."""
    return Effect(np.zeros(drivers), np.full(drivers, np.inf), np.zeros(drivers))


@dataclasses.dataclass(frozen=True)
class _Cells:
    y: np.ndarray
    log_base: np.ndarray
    x: np.ndarray
    day: np.ndarray
    n_days: int

    def per_day(self, values: np.ndarray) -> np.ndarray:
        return np.bincount(self.day, weights=values, minlength=self.n_days)

    def start_levels(self) -> np.ndarray:
        """Log of each day's count over its base: a starting point for the level terms."""
        return np.log((self.per_day(self.y) + 0.5) / (self.per_day(np.exp(self.log_base)) + 0.5))

    def terms(self, levels: np.ndarray, coef: np.ndarray) -> tuple[np.ndarray, ...]:
        """Score, information and per-day score contributions at ``coef``."""
        q, p = levels.shape[1], self.x.shape[1]
        mu = np.exp(
            np.clip(self.log_base + (levels @ coef[:q])[self.day] + self.x @ coef[q:], -50, 50)
        )
        residual = self.y - mu
        mu_day = self.per_day(mu)
        mu_x = np.column_stack([self.per_day(mu * self.x[:, k]) for k in range(p)])
        per_day = np.column_stack(
            [levels * self.per_day(residual)[:, None]]
            + [self.per_day(residual * self.x[:, k])[:, None] for k in range(p)]
        )
        mu_xx = np.empty((p, p))
        for j in range(p):
            for k in range(j, p):
                mu_xx[j, k] = mu_xx[k, j] = np.sum(mu * self.x[:, j] * self.x[:, k])
        cross = levels.T @ mu_x
        information = np.block([[levels.T @ (levels * mu_day[:, None]), cross], [cross.T, mu_xx]])
        return per_day.sum(axis=0), information, per_day
