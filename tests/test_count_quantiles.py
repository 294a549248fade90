"""The forecast's count quantiles and CDF, computed with scipy.special alone, against
scipy.stats's negative binomial and Poisson (the oracle, imported here only)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from staffplan.forecast import _intervals as intervals


def _nbinom_params(mu: np.ndarray, variance: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = mu / variance
    return mu * p / (1 - p), p


@pytest.mark.parametrize("probability", [0.005, 0.025, 0.1, 0.5, 0.9, 0.975, 0.995])
def test_quantiles_equal_scipy_stats_on_a_wide_grid(probability: float) -> None:
    rng = np.random.default_rng(7)
    mu = np.exp(rng.uniform(np.log(0.01), np.log(5000), 20_000))
    ratio = np.exp(rng.uniform(np.log(1.001), np.log(50), mu.size))
    ratio[::4] = 1.0  # a quarter Poisson (variance equal to the mean)
    variance = mu * ratio
    got = intervals.quantiles(mu, variance, probability)
    over = ratio > 1
    n, p = _nbinom_params(mu[over], variance[over])
    np.testing.assert_array_equal(got[over], stats.nbinom.ppf(probability, n, p))
    np.testing.assert_array_equal(got[~over], stats.poisson.ppf(probability, mu[~over]))


@settings(max_examples=200, deadline=None)
@given(
    mu=st.floats(0.001, 1e4),
    ratio=st.floats(1.0001, 200.0),
    probability=st.floats(0.001, 0.999),
)
def test_nbinom_quantile_is_the_least_count_reaching_the_probability(
    mu: float, ratio: float, probability: float
) -> None:
    n, p = _nbinom_params(np.array([mu]), np.array([mu * ratio]))
    k = intervals._nbinom_ppf(probability, n, p)[0]
    assert k == stats.nbinom.ppf(probability, n, p)[0]
    assert stats.nbinom.cdf(k, n, p)[0] >= probability
    assert k == 0 or stats.nbinom.cdf(k - 1, n, p)[0] < probability


def test_cdf_equals_scipy_stats_including_negative_and_fractional_counts() -> None:
    rng = np.random.default_rng(3)
    mu = np.exp(rng.uniform(np.log(0.05), np.log(2000), 5_000))
    variance = mu * np.exp(rng.uniform(np.log(1.01), np.log(30), mu.size))
    y = rng.uniform(-3, 3, mu.size) * mu
    n, p = _nbinom_params(mu, variance)
    np.testing.assert_allclose(
        intervals._cdf(y, mu, variance), stats.nbinom.cdf(y, n, p), rtol=1e-12, atol=0
    )


def test_quantiles_of_zero_mean_are_zero() -> None:
    mu = np.array([0.0, 0.0, 3.0])
    got = intervals.quantiles(mu, np.array([0.0, 0.0, 3.0]), 0.9)
    assert got.tolist() == [0.0, 0.0, stats.poisson.ppf(0.9, 3.0)]
