"""Log-space building blocks: Poisson terms and incomplete gamma functions at any load.

Nothing here forms a factorial or a power that could overflow: every quantity is a
logarithm assembled from ``scipy.special`` functions. Where scipy's incomplete gamma
underflows, or is unreliable (shape above ``_SCIPY_MAX_SHAPE``: outside its asymptotic
window it stops its series after 2,000 terms and loses digits in the tails), the integral
is evaluated by :mod:`staffplan.erlang._laplace` instead.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from staffplan.erlang._laplace import log_laplace

_TINY = 1e-280  # below this an incomplete gamma value has lost its digits to underflow
_SCIPY_MAX_SHAPE = 1e5
_HALF_LOG_2PI = 0.5 * np.log(2.0 * np.pi)


def _stirling_error(x: np.ndarray) -> np.ndarray:
    """ln Γ(x+1) − (x ln x − x + ½ ln 2πx), for x > 0 (series from 10 on, exact below)."""
    out = np.empty(x.shape)
    big = x >= 10.0
    inv = 1.0 / x[big]
    inv2 = inv * inv
    out[big] = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680))))
    small = x[~big]
    logs = np.log(small)
    out[~big] = special.gammaln(small + 1.0) - (small * logs - small + _HALF_LOG_2PI + 0.5 * logs)
    return out


def _deviance(k: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """k ln(k/mean) + mean − k ≥ 0 (Loader's bd0), without cancellation near k = mean."""
    out = np.empty(k.shape)
    near = np.abs(k - mean) < 0.5 * mean
    k_n, m_n = k[near], mean[near]
    d = (k_n - m_n) / m_n
    out[near] = m_n * ((1.0 + d) * np.log1p(d) - d)
    k_f, m_f = k[~near], mean[~near]
    out[~near] = k_f * (np.log(k_f) - np.log(m_f)) + m_f - k_f
    return out


def log_poisson_pmf(k: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """ln(meanᵏ e^(−mean) / Γ(k+1)) for real k > 0 and mean > 0 (saddle-point form)."""
    return -_deviance(k, mean) - _HALF_LOG_2PI - 0.5 * np.log(k) - _stirling_error(k)


def log_scaled_gamma(a: np.ndarray, z: np.ndarray, *, upper: bool) -> np.ndarray:
    """ln(eᶻ z⁻ᵃ γ(a, z)), or ln(eᶻ z⁻ᵃ Γ(a, z)) with ``upper``: finite where γ, Γ underflow.

    a ≥ 1 (or z ≪ a for the lower function), z ≥ 0 (z > 0 for the upper), same shapes.
    """
    regularised = special.gammaincc(a, z) if upper else special.gammainc(a, z)
    direct = (regularised >= _TINY) & (a <= _SCIPY_MAX_SHAPE)
    out = np.empty(a.shape)
    # Γ(a) eᶻ z⁻ᵃ = 1 / (a · Poisson pmf(a; z))
    a_d, z_d = a[direct], z[direct]
    out[direct] = np.log(regularised[direct]) - log_poisson_pmf(a_d, z_d) - np.log(a_d)
    if not direct.all():
        out[~direct], _ = log_laplace(a[~direct], z[~direct], upper=upper)
    return out


def upper_gamma(a: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Regularised upper incomplete gamma Q(a, z) for a ≥ 1, z ≥ 0, accurate for any a."""
    q = special.gammaincc(a, z)
    big = (a > _SCIPY_MAX_SHAPE) & (z > 0)
    if big.any():
        a_b, z_b = a[big], z[big]
        scaled = log_scaled_gamma(a_b, z_b, upper=True)
        q[big] = np.exp(log_poisson_pmf(a_b, z_b) + np.log(a_b) + scaled)
    return q


def log_poisson_ratio(n: np.ndarray, load: np.ndarray) -> np.ndarray:
    """ln(P(Poisson(load) ≤ n−1) / P(Poisson(load) = n)) for whole n ≥ 0 and load > 0.

    This is ln Σ_{j<n} π_j/π_n for the states below n servers; −inf for n = 0. It equals
    ln n + ln(e^load load⁻ⁿ Γ(n, load)).
    """
    out = np.full(n.shape, -np.inf)
    some = n > 0
    n_s = n[some]
    out[some] = np.log(n_s) + log_scaled_gamma(n_s, load[some], upper=True)
    return out


def log_erlang_a_sum(x: np.ndarray, z: np.ndarray) -> np.ndarray:
    """ln A(x, z), where A(x, z) = x eᶻ z⁻ˣ γ(x, z) = Σ_{k≥0} zᵏ / ((x+1)…(x+k)) ≥ 1.

    Mandelbaum & Zeltyn's A(x, y), for x > 0 and z ≥ 0 (γ: lower incomplete gamma).
    """
    return np.log(x) + log_scaled_gamma(x, z, upper=False)
