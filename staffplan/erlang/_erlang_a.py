"""Erlang A (M/M/s+M): Erlang C plus exponential patience, so callers abandon.

Units: time in AHTs (μ = 1), load a = λ/μ in Erlangs, abandonment rate r = θ/μ =
AHT / mean patience, ``tau`` = answer-within target / AHT. Exact closed forms after
Garnett, Mandelbaum & Reiman (2002) and Mandelbaum & Zeltyn, "The Palm/Erlang-A queue,
with applications to call centers" (2007), via x = s/r, y = a/r and

    A(x, y) = x e^y y^(−x) γ(x, y) = Σ_k y^k / ((x+1)…(x+k))   (γ: lower incomplete gamma).

With R = Σ_{j<s} π_j / π_s (Poisson terms), π_s = 1/(R + A(x, y)) and ρ = a/s:

* P(wait) = A(x, y) / (R + A(x, y));
* P(answered | wait) = (1 − 1/A(x, y)) / ρ, and P(abandon) = P(wait)·(1 − that);
* a caller who finds j waiting has an offered wait V that is a sum of exponential phases
  of rates s + r·i (i = 0…j), so e^(−rV) ~ Beta(x, j+1), and is answered with probability
  E[e^(−rV)] = x/(x+j+1). Summing over j, the wait of answered callers who queued has
  P(V ≤ t | waited, answered) = 1 − γ(x+1, y e^(−rt)) / γ(x+1, y). (Equivalently
  P(V > t) = P(wait)·γ(x, y e^(−rt))/γ(x, y), Mandelbaum & Zeltyn, and Zeltyn's thesis
  eq. 5.20 for P(V > t, answered).)
* service level = P(no wait) + P(wait)·P(answered | wait)·P(V ≤ t | waited, answered),
  a sum of non-negative terms, so it keeps its digits when it is tiny;
* ASA of answered callers: E[V; answered] = π_s·s ∫₀^∞ u exp(−(s+r)u + y(1 − e^(−ru))) du,
  which has no closed form; it is integrated by :mod:`staffplan.erlang._laplace`;
* occupancy = a·(1 − P(abandon)) / s.

The formulas hold for any s ≥ 1, including s < a (abandonment keeps the queue stable).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from staffplan.erlang._laplace import log_laplace
from staffplan.erlang._metrics import Metrics
from staffplan.erlang._special import log_erlang_a_sum, log_poisson_ratio, upper_gamma


def waiting(
    servers: np.ndarray, load: np.ndarray, rate: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(ln odds of waiting, P(answered | wait)) for servers ≥ 1, load > 0, rate > 0."""
    log_a = log_erlang_a_sum(servers / rate, load / rate)
    answered_if_wait = np.clip(-np.expm1(-log_a) * servers / load, 0.0, 1.0)
    return log_a - log_poisson_ratio(servers, load), answered_if_wait


def _within_if_answered(
    servers: np.ndarray, load: np.ndarray, tau: np.ndarray, rate: np.ndarray
) -> np.ndarray:
    """P(V ≤ tau | waited, answered) = 1 − γ(x+1, y e^(−r·tau)) / γ(x+1, y)."""
    x1, y = servers / rate + 1.0, load / rate
    y_t = y * np.exp(-rate * tau)
    q = upper_gamma(x1, y)
    out = np.empty(q.shape)
    # Mostly above x+1: the difference of two small upper tails keeps its digits.
    up = q <= 0.5
    out[up] = (upper_gamma(x1[up], y_t[up]) - q[up]) / (1.0 - q[up])
    # Otherwise the ratio of lower tails, through ln A (exact where they underflow).
    lo = ~up
    x1, y, y_t, s, r, t = x1[lo], y[lo], y_t[lo], servers[lo], rate[lo], tau[lo]
    log_ratio = (
        log_erlang_a_sum(x1, y_t) - log_erlang_a_sum(x1, y) - (s + r) * t - y * np.expm1(-r * t)
    )
    out[lo] = -np.expm1(np.minimum(log_ratio, 0.0))
    return out


def service_level(
    servers: np.ndarray, load: np.ndarray, tau: np.ndarray, rate: np.ndarray
) -> np.ndarray:
    """P(answered within tau) per element, for servers ≥ 1, load > 0, rate > 0."""
    log_odds, answered_if_wait = waiting(servers, load, rate)
    within = _within_if_answered(servers, load, tau, rate)
    return special.expit(-log_odds) + special.expit(log_odds) * answered_if_wait * within


def occupancy(servers: np.ndarray, load: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """Busy share of the servers, load·(1 − P(abandon)) / servers, for servers ≥ 1."""
    log_odds, answered_if_wait = waiting(servers, load, rate)
    return _busy_share(servers, load, special.expit(log_odds) * (1.0 - answered_if_wait))


def _busy_share(servers: np.ndarray, load: np.ndarray, p_abandon: np.ndarray) -> np.ndarray:
    return np.minimum(load * (1.0 - p_abandon) / servers, 1.0)


def metrics(servers: np.ndarray, load: np.ndarray, tau: np.ndarray, rate: np.ndarray) -> Metrics:
    """Erlang A metrics per element for load > 0 and rate > 0; zero servers: all abandon."""
    out = Metrics.saturated(load.size)
    out.abandon_rate[:] = 1.0
    staffed = servers > 0
    s, a, t, r = servers[staffed], load[staffed], tau[staffed], rate[staffed]
    log_odds, answered_if_wait = waiting(s, a, r)
    p_wait = special.expit(log_odds)
    p_abandon = p_wait * (1.0 - answered_if_wait)
    answered_waited = p_wait * answered_if_wait
    sl = special.expit(-log_odds) + answered_waited * _within_if_answered(s, a, t, r)
    _, mean_scaled_wait = log_laplace(s / r + 1.0, a / r)
    asa = answered_waited / (1.0 - p_abandon) * mean_scaled_wait / r
    out.put(staffed, Metrics(sl, asa, p_wait, _busy_share(s, a, p_abandon), p_abandon))
    return out
