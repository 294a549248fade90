"""Numerical inversion of Laplace transforms on Talbot's contour, vectorised.

The fixed Talbot method (Abate & Valkó, "Multi-precision Laplace transform inversion",
Int. J. Numer. Meth. Engng 60 (2004)): with M nodes, r = 2M / (5t), θ_k = kπ/M,

    f(t) ≈ (r/M) [ ½ F(r) e^(rt) + Σ_{k=1}^{M−1} Re( e^(t s_k) F(s_k) (1 + i σ_k) ) ],
    s_k = r θ_k (cot θ_k + i),   σ_k = θ_k + (θ_k cot θ_k − 1) cot θ_k.

The contour wraps the negative real axis, so F may have poles and branch cuts there
(the busy-period transforms of :mod:`staffplan.erlang.priority` do). The truncation error
falls as about 10^(−0.6 M) while the e^(rt) = e^(0.4 M) factor multiplies the rounding of
F, so in double precision M = 16 is the sweet spot: on 20,000 random class waits it is
within 3e-11 of M = 20 and 24, where M = 32 is 7e-10 off and M = 48 1e-7 (rounding);
checked against closed forms in the tests.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

NODES = 16
_THETA = np.arange(1, NODES) * np.pi / NODES
_COT = 1.0 / np.tan(_THETA)
_SIGMA = _THETA + (_THETA * _COT - 1.0) * _COT

Transform = Callable[[np.ndarray], np.ndarray]


def invert(transform: Transform, t: np.ndarray) -> np.ndarray:
    """f(t) for t > 0 (1-d array) from its transform F.

    ``transform(s)`` gets complex ``s`` of shape (len(t), NODES) — row i for t[i] — and
    returns F(s) of that shape; it must broadcast its own per-row parameters as [:, None].
    """
    t = np.asarray(t, dtype=float)
    r = 2.0 * NODES / (5.0 * t)
    s = np.empty((t.size, NODES), dtype=complex)
    s[:, 0] = r
    s[:, 1:] = r[:, None] * _THETA * (_COT + 1j)
    values = transform(s)
    total = 0.5 * np.exp(r * t) * values[:, 0].real
    total += np.sum((np.exp(s[:, 1:] * t[:, None]) * values[:, 1:] * (1.0 + 1j * _SIGMA)).real, 1)
    return r / NODES * total
