"""Vectorised quadrature of I(c, b) = ∫₀^∞ exp(−c w + b(1 − e^(−w))) dw, and its mean w.

The exponent g(w) = −c w + b(1 − e^(−w)) is strictly concave (c > 0, b ≥ 0), so the
integrand is unimodal with mode w* = max(0, ln(b/c)). Newton's method on the concave g
brackets the window where g stays within ``_DROP`` of its peak (every Newton iterate on
a concave function lands on the outer side of the root, so the window always covers it).
Two 32-node Gauss-Legendre panels, split at the mode, then give about 1e-13 relative
accuracy for c ≥ 1 (checked against 30-digit mpmath quadrature); the mass left outside
the window is below e^(−40) of the total. For c ≪ 1 with b ≫ c the integrand has two
scales and the rule loses accuracy: callers keep c ≥ 1 or b ≪ c.
"""

from __future__ import annotations

import numpy as np

_DROP = 40.0
_NEWTON_STEPS = 8
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(32)


def _exponent(w: np.ndarray, c: np.ndarray, b: np.ndarray) -> np.ndarray:
    return -c * w - b * np.expm1(-w)


def _slope(w: np.ndarray, c: np.ndarray, b: np.ndarray) -> np.ndarray:
    return -c + b * np.exp(-w)


def _window(c: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(lower end, mode, upper end, peak exponent) of the window that holds the integral."""
    with np.errstate(divide="ignore"):
        mode = np.maximum(np.log(b / c), 0.0)
    peak = _exponent(mode, c, b)
    scale = 1.0 / np.sqrt(b * np.exp(-mode) + _slope(mode, c, b) ** 2)
    hi = mode + scale
    lo = np.maximum(mode - scale, 0.0)
    rising = mode > 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        for _ in range(_NEWTON_STEPS):
            hi = hi - (_exponent(hi, c, b) - peak + _DROP) / _slope(hi, c, b)
            step = (_exponent(lo, c, b) - peak + _DROP) / _slope(lo, c, b)
            lo = np.where(rising, np.maximum(lo - step, 0.0), 0.0)
    return lo, mode, hi, peak


def log_laplace(c: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ln I(c, b), mean of w under the density exp(g(w)) / I(c, b)), element-wise.

    c > 0 and b ≥ 0, arrays of one shape.
    """
    lo, mode, hi, peak = _window(c, b)
    split = np.maximum(mode, lo + 0.125 * (hi - lo))
    mass = np.zeros(c.shape)
    moment = np.zeros(c.shape)
    for start, end in ((lo, split), (split, hi)):
        half = 0.5 * (end - start)
        for node, weight in zip(_NODES, _WEIGHTS, strict=True):
            w = start + half * (node + 1.0)
            f = (weight * half) * np.exp(_exponent(w, c, b) - peak)
            mass += f
            moment += f * w
    return peak + np.log(mass), moment / mass
