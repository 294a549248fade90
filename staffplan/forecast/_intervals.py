"""Prediction intervals from an over-dispersed count distribution.

Contacts in a slot vary far more than Poisson: ``Var(y) = a·mu + k·mu²`` with ``a >= 1``
(extra small-count noise) and ``k >= 0`` (day-to-day busyness, level error). The ratio of
``a`` to ``k`` is fitted to out-of-sample forecast errors (squared error against the
forecast mean, weighted like a gamma regression); then both are scaled together so the
central ``CALIBRATION_LEVEL`` interval covers that share of those same errors, which keeps
a holiday week in the calibration data from blowing every interval up. Quantiles come
from the negative binomial with that mean and variance (Poisson when they are equal).
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy import special

CALIBRATION_LEVEL = 0.80


@dataclasses.dataclass(frozen=True)
class Dispersion:
    """``Var(y) = poisson_factor · mu + level_var · mu²`` one week ahead."""

    poisson_factor: float
    level_var: float

    def variance(self, mu: np.ndarray, extra_level_var: np.ndarray | float = 0.0) -> np.ndarray:
        """The predictive variance at forecast means ``mu``."""
        return self.poisson_factor * mu + (self.level_var + extra_level_var) * mu**2


def fit_dispersion(mu: np.ndarray, y: np.ndarray) -> Dispersion:
    """Fit ``a`` and ``k`` to forecast means ``mu`` and outcomes ``y``."""
    ok = np.isfinite(mu) & np.isfinite(y) & (mu > 0)
    mu, squared = mu[ok], (y[ok] - mu[ok]) ** 2
    if len(mu) < 3:
        return Dispersion(1.0, 0.0)
    a, k = 1.0, 0.0
    for _ in range(5):
        weight = 1.0 / np.maximum(a * mu + k * mu**2, 1e-9)
        design = np.column_stack([mu, mu**2]) * weight[:, None]
        a, k = np.linalg.lstsq(design, squared * weight, rcond=None)[0]
        a, k = max(a, 1.0), max(k, 0.0)
    scale = _coverage_scale(mu, y[ok], a, k)
    return Dispersion(float(max(a * scale, 1.0)), float(k * scale))


def _coverage_scale(mu: np.ndarray, y: np.ndarray, a: float, k: float) -> float:
    """The variance multiplier at which the central interval covers CALIBRATION_LEVEL."""
    tail = (1 - CALIBRATION_LEVEL) / 2
    low, high = np.log(0.05), np.log(20.0)
    for _ in range(25):
        middle = (low + high) / 2
        variance = np.exp(middle) * (a * mu + k * mu**2)
        inside = (_cdf(y, mu, variance) >= tail) & (_cdf(y - 1, mu, variance) < 1 - tail)
        low, high = (middle, high) if inside.mean() < CALIBRATION_LEVEL else (low, middle)
    return float(np.exp((low + high) / 2))


def _cdf(y: np.ndarray, mu: np.ndarray, variance: np.ndarray) -> np.ndarray:
    variance = np.maximum(variance, mu * (1 + 1e-9))
    p = mu / variance
    return _nbinom_cdf(y, mu * p / (1 - p), p)


def _nbinom_cdf(y: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """P(Y <= y) of the negative binomial with ``n`` (real) successes of probability ``p``:
    the regularised incomplete beta ``I_p(n, floor(y) + 1)``, 0 below zero (the same
    function ``scipy.stats.nbinom.cdf`` evaluates; scipy.stats itself is not imported
    because importing it costs a third of a second of every command's start)."""
    k = np.floor(np.maximum(y, 0.0))
    return np.where(np.asarray(y) >= 0, special.betainc(n, k + 1, p), 0.0)


def _nbinom_ppf(probability: float, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """The least count ``k >= 0`` with ``P(Y <= k) >= probability`` (``0 < probability <
    1``), found by bisection on whole counts."""
    low = np.full(n.shape, -1.0)  # P(Y <= low) < probability always holds
    mean = n * (1 - p) / p
    high = np.ceil(mean + 10 * np.sqrt(mean / p) + 10)
    while (short := _nbinom_cdf(high, n, p) < probability).any():
        high = np.where(short, 2 * high, high)
    while (high - low > 1).any():
        middle = np.floor((low + high) / 2)
        enough = _nbinom_cdf(middle, n, p) >= probability
        high, low = np.where(enough, middle, high), np.where(enough, low, middle)
    return high


def _poisson_ppf(probability: float, mu: np.ndarray) -> np.ndarray:
    """The least count ``k >= 0`` with ``P(Y <= k) >= probability`` for Poisson ``mu``
    (the inverse in k of the incomplete gamma, rounded up, checked one below)."""
    above = np.ceil(special.pdtrik(probability, mu))
    below = np.maximum(above - 1, 0)
    return np.where(special.pdtr(below, mu) >= probability, below, above)


def quantiles(mu: np.ndarray, variance: np.ndarray, probability: float) -> np.ndarray:
    """The ``probability`` quantile of counts with mean ``mu`` and ``variance``."""
    mu = np.maximum(mu, 0.0)
    over = variance > mu * (1 + 1e-9)
    out = np.zeros_like(mu)
    poisson = ~over & (mu > 0)
    out[poisson] = _poisson_ppf(probability, mu[poisson])
    p = mu[over] / variance[over]
    n = mu[over] * p / (1 - p)
    out[over] = _nbinom_ppf(probability, n, p)
    return out
