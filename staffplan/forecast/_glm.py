"""The multiplicative volatility effect: a log-link count regression with an offset.

``E[y] = base · exp(c + x·beta)`` is fitted by Poisson quasi-likelihood (Newton steps),
which stays consistent when counts are over-dispersed. Standard errors are sandwich
estimates clustered by day, because intervals of one busy day share its busyness.
"""

from __future__ import annotations

import dataclasses

import numpy as np

MAX_STEPS = 30
NOISE_T = 2.0  # an effect with |t| below this is indistinguishable from noise


@dataclasses.dataclass(frozen=True)
class Effect:
    """Fitted coefficients per standardised feature, and what prediction uses."""

    estimate: np.ndarray
    std_error: np.ndarray
    used: np.ndarray  # estimate shrunk toward zero by its t-statistic


def fit_effect(y: np.ndarray, base: np.ndarray, x: np.ndarray, cluster: np.ndarray) -> Effect:
    """Fit ``y ~ base · exp(c + x·beta)`` over cells with ``base > 0``; ``x`` is (n, p).

    ``used`` is the positive-part shrinkage ``beta · max(0, 1 - (2/t)^2)``: effects the
    history cannot tell from noise are dropped, clear ones are kept almost whole.
    """
    ok = (base > 0) & np.isfinite(y) & np.isfinite(x).all(axis=1)
    y, offset, cluster = y[ok], np.log(base[ok]), cluster[ok]
    design = np.column_stack([np.ones(ok.sum()), x[ok]])
    coef = np.zeros(design.shape[1])
    coef[0] = np.log(max(y.sum(), 1e-12) / np.exp(offset).sum())
    for _ in range(MAX_STEPS):
        mu = np.exp(np.clip(offset + design @ coef, -50.0, 50.0))
        hessian = design.T @ (design * mu[:, None])
        step = np.linalg.solve(hessian, design.T @ (y - mu))
        coef += step
        if np.max(np.abs(step)) < 1e-9:
            break
    mu = np.exp(np.clip(offset + design @ coef, -50.0, 50.0))
    scores = design * (y - mu)[:, None]
    _, group = np.unique(cluster, return_inverse=True)
    per_cluster = np.zeros((group.max() + 1, design.shape[1]))
    np.add.at(per_cluster, group, scores)
    bread = np.linalg.inv(design.T @ (design * mu[:, None]))
    covariance = bread @ (per_cluster.T @ per_cluster) @ bread
    estimate = coef[1:]
    std_error = np.sqrt(np.maximum(np.diag(covariance)[1:], 0.0))
    t = np.divide(estimate, std_error, out=np.zeros_like(estimate), where=std_error > 0)
    factor = np.maximum(0.0, 1.0 - (NOISE_T / np.maximum(np.abs(t), 1e-12)) ** 2)
    return Effect(estimate=estimate, std_error=std_error, used=estimate * factor)
