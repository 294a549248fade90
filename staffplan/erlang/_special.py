"""Log-space building blocks: Poisson terms and the Erlang-A sum, stable at any load.

Nothing here forms a factorial or a power that could overflow: every quantity is a
logarithm assembled from ``scipy.special`` functions, with a fallback where the
incomplete gamma function underflows to zero.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from staffplan.erlang._laplace import log_laplace

_TINY = 1e-280  # below this an incomplete gamma value has lost its digits to underflow
_HALF_LOG_2PI = 0.5 * np.log(2.0 * np.pi)


def _stirling_error(x: np.ndarray) -> np.ndarray:
    """ln Γ(x+1) − (x ln x − x + ½ ln 2πx), for x > 0 (series above 10, exact below)."""
    x = np.asarray(x, dtype=float)
    big = np.maximum(x, 10.0)
    inv2 = 1.0 / (big * big)
    series = (
        1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 * (1.0 / 1260.0 - inv2 * (1.0 / 1680.0)))
    ) / big
    small = np.minimum(x, 10.0)
    direct = special.gammaln(small + 1.0) - (
        small * np.log(small) - small + _HALF_LOG_2PI + 0.5 * np.log(small)
    )
    return np.where(x >= 10.0, series, direct)


def _deviance(k: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """k ln(k/mean) + mean − k ≥ 0 (Loader's bd0), without cancellation near k = mean."""
    d = (k - mean) / mean
    return mean * ((1.0 + d) * np.log1p(d) - d)


def log_poisson_pmf(k: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """ln(meanᵏ e^(−mean) / Γ(k+1)) for real k > 0 and mean > 0 (saddle-point form)."""
    return -_deviance(k, mean) - _HALF_LOG_2PI - 0.5 * np.log(k) - _stirling_error(k)


def log_poisson_ratio(n: np.ndarray, load: np.ndarray) -> np.ndarray:
    """ln(P(Poisson(load) ≤ n−1) / P(Poisson(load) = n)) for whole n ≥ 0 and load > 0.

    This is ln Σ_{j<n} π_j/π_n for the states below n servers; −inf for n = 0.
    """
    n = np.asarray(n, dtype=float)
    out = np.full(np.broadcast(n, load).shape, -np.inf)
    cdf = special.pdtr(np.maximum(n - 1.0, 0.0), load)
    direct = (n > 0) & (cdf >= _TINY)
    out[direct] = np.log(cdf[direct]) - log_poisson_pmf(n[direct], load[direct])
    deep = (n > 0) & ~direct
    if deep.any():
        out[deep] = _log_falling_series(n[deep], load[deep])
    return out


def _log_falling_series(n: np.ndarray, load: np.ndarray) -> np.ndarray:
    """ln Σ_{k=1..n} Π_{i<k} (n−i)/load, summed while its terms matter (used for n ≪ load)."""
    term = n / load
    total = term.copy()
    i = 1.0
    while np.any(term > 1e-17 * total):
        term = term * np.maximum(n - i, 0.0) / load
        total += term
        i += 1.0
    return np.log(total)


def log_erlang_a_sum(x: np.ndarray, z: np.ndarray) -> np.ndarray:
    """ln A(x, z), where A(x, z) = x eᶻ z⁻ˣ γ(x, z) = Σ_{k≥0} zᵏ / ((x+1)…(x+k)) ≥ 1.

    γ is the lower incomplete gamma function (Mandelbaum & Zeltyn's A(x, y)); x > 0,
    z ≥ 0. Where the regularised γ underflows (z far below x) the defining integral
    A = x ∫₀^∞ exp(−x w + z(1 − e^(−w))) dw is evaluated by quadrature instead.
    """
    x, z = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(z, dtype=float))
    out = np.empty(x.shape)
    p = special.gammainc(x, z)
    direct = p >= _TINY
    out[direct] = np.log(p[direct]) - log_poisson_pmf(x[direct], z[direct])
    deep = ~direct
    if deep.any():
        log_integral, _ = log_laplace(x[deep], z[deep])
        out[deep] = np.log(x[deep]) + log_integral
    return out
