"""Erlang C (M/M/s): Poisson arrivals, exponential handle times, s servers, no abandonment.

Time is measured in units of the AHT (μ = 1), so the load a = λ/μ is in Erlangs and
``tau`` is the answer-within target divided by the AHT. With R(s) = P(Poisson(a) ≤ s−1) /
P(Poisson(a) = s), the chance to wait is C = 1 / (1 + R·(s−a)/s), the service level
P(wait ≤ t) = 1 − C·e^(−(s−a)t) and the ASA C/(s−a). A queue with s ≤ a never drains:
everyone waits, the service level is 0 and the ASA infinite.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from staffplan.erlang._metrics import Metrics
from staffplan.erlang._special import log_poisson_ratio


def metrics(servers: np.ndarray, load: np.ndarray, tau: np.ndarray) -> Metrics:
    """Erlang C metrics per element; zero load gives SL 1, ASA 0, occupancy 0."""
    out = Metrics.saturated(load.size)
    idle = load == 0
    out.put(idle, Metrics(1.0, 0.0, 0.0, 0.0, 0.0))
    stable = ~idle & (servers > load)
    s, a = servers[stable], load[stable]
    p_wait = special.expit(-(log_poisson_ratio(s, a) + np.log1p(-a / s)))
    service_level = 1.0 - p_wait * np.exp(-(s - a) * tau[stable])
    out.put(stable, Metrics(service_level, p_wait / (s - a), p_wait, a / s, 0.0))
    return out


def min_servers(load: np.ndarray, tau: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The smallest whole s whose service level reaches ``target``, for load > 0.

    Every s ≤ load fails, so the search starts at ⌊load⌋ + 1 with one exact R and steps
    up with the Erlang B recurrence R(s+1) = (R(s) + 1)(s+1)/a, which is stable upwards,
    until the target is met: the first s that meets it is the exact minimum.
    """
    s = np.floor(load) + 1.0
    ratio = np.exp(log_poisson_ratio(s, load))
    result = np.empty(load.size)
    todo = np.arange(load.size)
    a, t, goal = load, tau, target
    while todo.size:
        p_wait = 1.0 / (1.0 + ratio * (s - a) / s)
        met = 1.0 - p_wait * np.exp(-(s - a) * t) >= goal
        result[todo[met]] = s[met]
        left = ~met
        todo, s, a, t, goal, ratio = todo[left], s[left], a[left], t[left], goal[left], ratio[left]
        ratio = (ratio + 1.0) * (s + 1.0) / a
        s = s + 1.0
    return result
