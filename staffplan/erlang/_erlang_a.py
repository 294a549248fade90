"""Erlang A (M/M/s+M): Erlang C plus exponential patience, so callers abandon.

Units: time in AHTs (μ = 1), load a = λ/μ in Erlangs, abandonment rate r = θ/μ =
AHT / mean patience, ``tau`` = answer-within target / AHT. Exact closed forms from
Garnett, Mandelbaum & Reiman (2002) and Mandelbaum & Zeltyn, "The Palm/Erlang-A queue,
with applications to call centers" (2007), via x = s/r, y = a/r and

    A(x, y) = x e^y y^(−x) γ(x, y) = Σ_k y^k / ((x+1)…(x+k))   (γ: lower incomplete gamma).

With R = Σ_{j<s} π_j / π_s (Poisson terms), π_s = 1/(R + A(x, y)) and:

* P(wait) = A(x, y) / (R + A(x, y));
* P(answered | wait) = (1 − 1/A(x, y)) / ρ with ρ = a/s, so P(abandon) = P(wait)·(1 − that);
* the offered wait V of a caller who finds j waiting is a sum of exponential phases with
  rates s + r·k, so e^(−rV) ~ Beta(x, j+1); summing over j gives
  P(V > t) = P(wait)·γ(x, y e^(−rt)) / γ(x, y) and
  P(V > t, answered) = P(V > t)·(1 − 1/A(x, y e^(−rt))) / ρ  (Zeltyn's thesis, eq. 5.20);
* service level = P(V ≤ t, answered) = 1 − P(abandon) − P(V > t, answered);
* ASA of answered callers: E[V; answered] = π_s·s ∫₀^∞ u exp(−(s+r)u + y(1 − e^(−ru))) du,
  which has no closed form; it is integrated by :mod:`staffplan.erlang._laplace`;
* occupancy = a·(1 − P(abandon)) / s.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from staffplan.erlang._laplace import log_laplace
from staffplan.erlang._metrics import Metrics
from staffplan.erlang._special import log_erlang_a_sum, log_poisson_ratio


def _waiting(
    servers: np.ndarray, load: np.ndarray, rate: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(P(wait), P(answered | wait), ln A(x, y)) for servers ≥ 1, load > 0, rate > 0."""
    log_a = log_erlang_a_sum(servers / rate, load / rate)
    p_wait = special.expit(log_a - log_poisson_ratio(servers, load))
    answered_if_wait = np.clip(-np.expm1(-log_a) * servers / load, 0.0, 1.0)
    return p_wait, answered_if_wait, log_a


def _service_level(
    servers: np.ndarray,
    load: np.ndarray,
    tau: np.ndarray,
    rate: np.ndarray,
    waiting: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> np.ndarray:
    """1 − P(abandon) − P(V > t, answered), from ``_waiting``'s results."""
    p_wait, answered_if_wait, log_a = waiting
    y = load / rate
    log_a_t = log_erlang_a_sum(servers / rate, y * np.exp(-rate * tau))
    gamma_ratio = np.exp(log_a_t - log_a - servers * tau - y * np.expm1(-rate * tau))
    late_answered = p_wait * gamma_ratio * -np.expm1(-log_a_t) * servers / load
    return np.clip(1.0 - p_wait * (1.0 - answered_if_wait) - late_answered, 0.0, 1.0)


def service_level(
    servers: np.ndarray, load: np.ndarray, tau: np.ndarray, rate: np.ndarray
) -> np.ndarray:
    """P(answered within tau) per element, for servers ≥ 1, load > 0, rate > 0."""
    return _service_level(servers, load, tau, rate, _waiting(servers, load, rate))


def occupancy(servers: np.ndarray, load: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """Busy share of the servers, load·(1 − P(abandon)) / servers, for servers ≥ 1."""
    p_wait, answered_if_wait, _ = _waiting(servers, load, rate)
    return _busy_share(servers, load, p_wait * (1.0 - answered_if_wait))


def _busy_share(servers: np.ndarray, load: np.ndarray, p_abandon: np.ndarray) -> np.ndarray:
    return np.minimum(load * (1.0 - p_abandon) / servers, 1.0)


def metrics(servers: np.ndarray, load: np.ndarray, tau: np.ndarray, rate: np.ndarray) -> Metrics:
    """Erlang A metrics per element for load > 0 and rate > 0; zero servers: all abandon."""
    out = Metrics.saturated(load.size)
    out.abandon_rate[:] = 1.0
    staffed = servers > 0
    s, a, t, r = servers[staffed], load[staffed], tau[staffed], rate[staffed]
    waiting = _waiting(s, a, r)
    p_wait, answered_if_wait, _ = waiting
    p_abandon = p_wait * (1.0 - answered_if_wait)
    _, mean_scaled_wait = log_laplace(s / r + 1.0, a / r)
    asa = p_wait * answered_if_wait / (1.0 - p_abandon) * mean_scaled_wait / r
    sl = _service_level(s, a, t, r, waiting)
    out.put(staffed, Metrics(sl, asa, p_wait, _busy_share(s, a, p_abandon), p_abandon))
    return out
