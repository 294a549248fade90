"""Vectorised quadrature of the incomplete gamma integrals, where scipy cannot help.

With σ = +1 (lower) or −1 (upper) and w ≥ 0,

    I(c, b) = ∫₀^∞ exp(g(w)) dw,   g(w) = −σ c w − b (e^(−σw) − 1),

is e^b b^(−c) γ(c, b) for σ = +1 (substitute t = b e^(−w)) and e^b b^(−c) Γ(c, b) for
σ = −1 (t = b e^w): the incomplete gamma functions divided by their leading term, finite
where the functions themselves underflow. g is strictly concave (c > 0; b ≥ 0 for the
lower, b > 0 for the upper integral), so the integrand is unimodal with mode
w* = max(0, σ ln(b/c)). Newton's method on the concave g brackets the window where g stays
within ``_DROP`` of its peak (each Newton iterate lands on the outer side of the root, so
the window always covers it); two 32-node Gauss-Legendre panels split near the mode then
give about 1e-13 relative accuracy for c ≥ 1 (checked against 30-digit mpmath), with less
than e^(−40) of the mass outside. For c ≪ 1 and b ≫ c the lower integrand has two scales
and the rule loses accuracy; callers keep c ≥ 1 there.
"""

from __future__ import annotations

import numpy as np

_DROP = 40.0
_NEWTON_STEPS = 24
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(32)


def _exponent(w: np.ndarray, c: np.ndarray, b: np.ndarray, sign: float) -> np.ndarray:
    return -sign * c * w - b * np.expm1(-sign * w)


def _slope(w: np.ndarray, c: np.ndarray, b: np.ndarray, sign: float) -> np.ndarray:
    return sign * (b * np.exp(-sign * w) - c)


def _window(
    c: np.ndarray, b: np.ndarray, sign: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(lower end, mode, upper end, peak exponent) of the window that holds the integral."""
    with np.errstate(divide="ignore"):
        mode = np.maximum(sign * np.log(b / c), 0.0)
    peak = _exponent(mode, c, b, sign)
    scale = 1.0 / np.sqrt(b * np.exp(-sign * mode) + _slope(mode, c, b, sign) ** 2)
    hi = mode + scale
    lo = np.maximum(mode - scale, 0.0)
    rising = mode > 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        for _ in range(_NEWTON_STEPS):
            hi = hi - (_exponent(hi, c, b, sign) - peak + _DROP) / _slope(hi, c, b, sign)
            step = (_exponent(lo, c, b, sign) - peak + _DROP) / _slope(lo, c, b, sign)
            lo = np.where(rising, np.maximum(lo - step, 0.0), 0.0)
    return lo, mode, hi, peak


def log_laplace(
    c: np.ndarray, b: np.ndarray, *, upper: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """(ln I(c, b), mean of w under the density exp(g(w)) / I(c, b)), element-wise.

    ``upper`` picks σ = −1 (the Γ integral); c and b are arrays of one shape.
    """
    sign = -1.0 if upper else 1.0
    lo, mode, hi, peak = _window(c, b, sign)
    split = np.maximum(mode, lo + 0.125 * (hi - lo))
    mass = np.zeros(c.shape)
    moment = np.zeros(c.shape)
    for start, end in ((lo, split), (split, hi)):
        half = 0.5 * (end - start)
        for node, weight in zip(_NODES, _WEIGHTS, strict=True):
            w = start + half * (node + 1.0)
            f = (weight * half) * np.exp(_exponent(w, c, b, sign) - peak)
            mass += f
            moment += f * w
    return peak + np.log(mass), moment / mass
