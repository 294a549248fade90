"""Erlang A (abandonment): closed forms against brute-force sums, limits and extremes."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special, stats

from staffplan.erlang import required_agents, staffing_metrics
from staffplan.erlang._laplace import log_laplace
from staffplan.erlang._special import log_erlang_a_sum, log_poisson_ratio

AHT = 180.0
INTERVAL = 30.0


def volume_for(load: float) -> float:
    return load * INTERVAL * 60.0 / AHT


def brute_force(n: int, load: float, rate: float, tau: float, depth: int = 4000) -> dict:
    """Sum over the truncated birth-death chain, state by state (time in AHTs).

    An arrival finding j callers queued is answered with probability x/(x+j+1), x = n/rate;
    given that, its wait is late (> tau) with probability I_(e^(-rate tau))(x+1, j+1), and
    its mean wait is (psi(x+j+2) - psi(x+1)) / rate.
    """
    below = np.arange(n + 1) * np.log(load) - special.gammaln(np.arange(1, n + 2))
    above = below[-1] + np.cumsum(np.log(load / (n + rate * np.arange(1, depth))))
    log_p = np.concatenate([below, above])
    p = np.exp(log_p - special.logsumexp(log_p))
    queued, x = p[n:], n / rate
    j = np.arange(queued.size)
    answered = x / (x + j + 1)
    late = answered * special.betainc(x + 1, j + 1, np.exp(-rate * tau))
    wait = answered * (special.digamma(x + j + 2) - special.digamma(x + 1)) / rate
    abandon = np.sum(queued * (1 - answered))
    return {
        "p_wait": queued.sum(),
        "abandon_rate": abandon,
        "service_level": 1 - abandon - np.sum(queued * late),
        "asa_s": np.sum(queued * wait) / (1 - abandon) * AHT,
        "occupancy": load * (1 - abandon) / n,
    }


@pytest.mark.parametrize(
    ("n", "load", "patience_s", "within_s"),
    [
        (14, 10.0, 180.0, 20.0),
        (11, 10.0, 600.0, 20.0),
        (8, 10.0, 60.0, 30.0),  # fewer agents than Erlangs: stable thanks to abandonment
        (3, 0.4, 20.0, 0.0),
        (25, 30.0, 1800.0, 60.0),
        (1, 5.0, 5.0, 10.0),
        (40, 38.2, 90.0, 120.0),
        (5, 2000.0, 0.09, 20.0),  # Poisson cdf below 5 underflows: the series path
    ],
)
def test_closed_forms_match_brute_force_sums(n, load, patience_s, within_s) -> None:
    m = staffing_metrics(n, volume_for(load), AHT, INTERVAL, within_s, patience_s=patience_s)
    expected = brute_force(n, load, AHT / patience_s, within_s / AHT)
    for column, value in expected.items():
        assert m.loc[0, column] == pytest.approx(value, rel=1e-9, abs=1e-13), column


def test_endless_patience_reproduces_erlang_c() -> None:
    volume = volume_for(10.0)
    c = staffing_metrics([11, 14, 20], volume, AHT, INTERVAL, 20.0)
    gaps = {}
    for patience_s, rtol in ((1e9, 1e-5), (1e12, 1e-8)):
        a = staffing_metrics([11, 14, 20], volume, AHT, INTERVAL, 20.0, patience_s=patience_s)
        for column in ("service_level", "p_wait", "asa_s", "occupancy"):
            np.testing.assert_allclose(a[column], c[column], rtol=rtol)
        assert (a["abandon_rate"] < 1e3 * AHT / patience_s).all()
        gaps[patience_s] = (a["service_level"] - c["service_level"]).to_numpy()
    # The gap is the model's, first order in 1/patience, not rounding noise (for the two
    # smaller teams, whose gaps stay well above the 1e-14 rounding level at 1e12 s).
    np.testing.assert_allclose(gaps[1e9][:2], 1e3 * gaps[1e12][:2], rtol=1e-4)
    assert required_agents(volume, AHT, INTERVAL, 0.8, 20.0, patience_s=1e9) == 14


def test_patience_equal_to_aht_makes_the_number_in_system_poisson() -> None:
    # With theta = mu every caller present leaves at rate mu, served or not: M/M/infinity.
    load, n = 10.0, 12
    m = staffing_metrics(n, volume_for(load), AHT, INTERVAL, 20.0, patience_s=AHT).iloc[0]
    in_system = stats.poisson(load)
    assert m["p_wait"] == pytest.approx(in_system.sf(n - 1), rel=1e-12)
    # abandon rate = theta E[(L - n)+] / lambda = (load P(L >= n) - n P(L >= n+1)) / load
    mean_queue = load * in_system.sf(n - 1) - n * in_system.sf(n)
    assert m["abandon_rate"] == pytest.approx(mean_queue / load, rel=1e-12)


def test_abandonment_needs_fewer_agents_than_erlang_c() -> None:
    volume = np.array([volume_for(a) for a in (5.0, 10.0, 50.0, 200.0)])
    c = required_agents(volume, AHT, INTERVAL, 0.8, 20.0)
    a = required_agents(volume, AHT, INTERVAL, 0.8, 20.0, patience_s=120.0)
    assert (a < c).all()
    sl = staffing_metrics(a - 1, volume, AHT, INTERVAL, 20.0, patience_s=120.0)["service_level"]
    assert (sl < 0.8).all()


def test_short_patience_can_meet_the_target_below_the_load() -> None:
    # Callers who hang up after ~3 s hardly queue: served ~ Erlang B, so N < A can reach 70 %.
    volume = volume_for(100.0)
    n = int(required_agents(volume, AHT, INTERVAL, 0.7, 0.0, patience_s=3.0))
    assert 70 <= n < 100
    sl = staffing_metrics([n - 1, n], volume, AHT, INTERVAL, 0.0, patience_s=3.0)["service_level"]
    assert sl[0] < 0.7 <= sl[1]


def test_occupancy_cap_counts_only_answered_work() -> None:
    volume = volume_for(100.0)
    loose = int(required_agents(volume, AHT, INTERVAL, 0.5, 20.0, patience_s=30.0))
    capped = int(
        required_agents(volume, AHT, INTERVAL, 0.5, 20.0, patience_s=30.0, max_occupancy=0.8)
    )
    occ = staffing_metrics([capped - 1, capped], volume, AHT, INTERVAL, 20.0, patience_s=30.0)
    assert loose < capped <= 125  # 125 = ceil(100 / 0.8) counts abandoned calls too
    assert occ["occupancy"][0] > 0.8 >= occ["occupancy"][1]


def test_patience_per_element_with_nan_meaning_none() -> None:
    volume = volume_for(10.0)
    mixed = staffing_metrics(14, volume, AHT, INTERVAL, 20.0, patience_s=[np.nan, np.inf, 180.0])
    plain = staffing_metrics(14, volume, AHT, INTERVAL, 20.0)
    assert mixed.loc[0].equals(plain.loc[0]) and mixed.loc[1].equals(plain.loc[0])
    assert mixed.loc[2, "abandon_rate"] > 0


def test_zero_agents_lose_every_caller() -> None:
    m = staffing_metrics(0, volume_for(3.0), AHT, INTERVAL, 20.0, patience_s=60.0).iloc[0]
    assert (m["service_level"], m["p_wait"], m["abandon_rate"]) == (0.0, 1.0, 1.0)
    assert np.isinf(m["asa_s"])


@pytest.mark.parametrize("patience_s", [1e-3, 1.0, 60.0, 3600.0, 1e7, 1e12])
def test_extreme_loads_and_patience_stay_finite_and_in_range(patience_s: float) -> None:
    loads = np.array([1e-6, 0.03, 1.0, 99.5, 5000.0, 1e4, 1e5])
    agents = np.array([1, 2, 10, 100, 1000, 9990, 10100, 2e5])[:, None]
    for within in (0.0, 20.0, 1e6):
        m = staffing_metrics(agents, loads * 10.0, AHT, INTERVAL, within, patience_s=patience_s)
        shares = m[["service_level", "p_wait", "occupancy", "abandon_rate"]].to_numpy()
        assert np.isfinite(shares).all() and (shares >= 0).all() and (shares <= 1).all()
        assert (m["asa_s"] >= 0).all() and not m["asa_s"].isna().any()


def test_erlang_a_sum_paths_agree_and_match_the_series() -> None:
    # ln A(x, y): incomplete-gamma path, quadrature path (where gamma underflows) and series.
    x = np.array([2.0, 50.0, 3000.0, 3000.0, 3000.0, 1e6, 1e6])
    y = np.array([0.5, 20.0, 2990.0, 2000.0, 1000.0, 1e6 - 40.0, 9e5])
    assert (special.gammainc(x, y)[[4, 6]] == 0).all()  # these two take the quadrature path
    i = np.arange(1, 200_000)[:, None]
    log_terms = np.vstack([np.zeros(x.size), np.cumsum(np.log(y / (x + i)), axis=0)])
    series = special.logsumexp(log_terms, axis=0)
    np.testing.assert_allclose(log_erlang_a_sum(x, y), series, rtol=1e-11)
    log_integral, _ = log_laplace(x, y)
    np.testing.assert_allclose(np.log(x) + log_integral, series, rtol=1e-11)


def test_poisson_ratio_direct_and_series_paths() -> None:
    # ln(P(Poisson(a) <= n-1) / P(Poisson(a) = n)) = ln sum_k n!/((n-k)! a^k), k = 1..n
    n = np.array([0.0, 1.0, 7.0, 90.0, 100.0, 4000.0])
    load = np.array([3.0, 0.5, 7.5, 2000.0, 1e5, 9000.0])
    assert (special.pdtr(n - 1, load)[[3, 4, 5]] == 0).all()  # these take the series path
    expected = [-np.inf]
    for count, a in zip(n[1:], load[1:], strict=True):
        k = np.arange(1, count + 1)
        expected.append(special.logsumexp(np.cumsum(np.log((count - k + 1) / a))))
    np.testing.assert_allclose(log_poisson_ratio(n, load), expected, rtol=1e-13)
