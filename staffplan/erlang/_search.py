"""The exact minimum number of servers (slots) meeting a service-level target, vectorised.

Without abandonment the Erlang C stepping search of :mod:`staffplan.erlang._erlang_c` is
used. With abandonment the service level is still increasing in the servers, but there
is no cheap recurrence, so each element gallops from the Erlang C answer (doubling steps
down to a failing count, or up to a meeting one) and then bisects.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from staffplan.erlang import _erlang_a, _erlang_c

Meets = Callable[[np.ndarray, np.ndarray], np.ndarray]
OCCUPANCY_SLACK = 1e-9  # relative: a load worth 10.0000000001 agents needs 10, not 11


def min_servers(
    load: np.ndarray, tau: np.ndarray, rate: np.ndarray, target: np.ndarray
) -> np.ndarray:
    """Smallest whole number of servers meeting ``target``, per element with load > 0.

    ``rate`` = AHT / mean patience (0: no abandonment); ``tau`` = answer-within / AHT.
    """
    servers = _erlang_c.min_servers(load, tau, target)
    impatient = np.flatnonzero(rate > 0)
    if impatient.size:
        a, t, r, goal = load[impatient], tau[impatient], rate[impatient], target[impatient]

        def meets(s: np.ndarray, idx: np.ndarray) -> np.ndarray:
            return _erlang_a.service_level(s, a[idx], t[idx], r[idx]) >= goal[idx]

        # Served work is at most s, so the service level is at most s/a: fewer fail.
        surely_fails = np.ceil(goal * a) - 1.0
        servers[impatient] = _gallop(meets, surely_fails, servers[impatient])
    return servers


def occupancy_floor(
    load: np.ndarray, rate: np.ndarray, slots: np.ndarray, max_occupancy: np.ndarray
) -> np.ndarray:
    """Fewest agents (``slots`` servers each) whose occupancy is at most ``max_occupancy``.

    For load > 0. Without abandonment occupancy is load / (N·slots), so N is
    ⌈load / (slots · max_occupancy)⌉, up to OCCUPANCY_SLACK. With abandonment only the
    answered load keeps agents busy, load·(1 − P(abandon)) / (N·slots), which falls as N
    grows: no floor under a cap of 1, else a gallop down from the closed form.
    """
    agents = np.ceil(load / (slots * max_occupancy) * (1.0 - OCCUPANCY_SLACK))
    agents[rate > 0] = 0.0
    capped = np.flatnonzero((rate > 0) & (max_occupancy < 1.0))
    if capped.size:
        a, r, k = load[capped], rate[capped], slots[capped]
        cap = max_occupancy[capped] * (1.0 + OCCUPANCY_SLACK)

        def meets(n: np.ndarray, idx: np.ndarray) -> np.ndarray:
            return _erlang_a.occupancy(n * k[idx], a[idx], r[idx]) <= cap[idx]

        guess = np.ceil(a / (k * max_occupancy[capped]))
        agents[capped] = _gallop(meets, np.zeros(capped.size), guess)
    return agents


def _gallop(meets: Meets, fail: np.ndarray, guess: np.ndarray) -> np.ndarray:
    """Per element, the smallest whole s > fail[i] with meets(s, [i]); meets is monotone.

    ``meets(s, idx)`` judges counts ``s`` for the elements ``idx``; ``fail`` must fail.
    """
    lo = fail.copy()
    hi = np.maximum(guess, fail + 1.0)
    met = meets(hi, np.arange(hi.size))
    lo[~met] = hi[~met]
    for idx, direction in ((np.flatnonzero(~met), 1.0), (np.flatnonzero(met), -1.0)):
        step = 1.0
        while idx.size:
            edge = hi[idx] if direction < 0 else lo[idx]
            s = edge + direction * step
            inside = s > lo[idx]
            idx, s = idx[inside], s[inside]
            ok = meets(s, idx)
            hi[idx[ok]], lo[idx[~ok]] = s[ok], s[~ok]
            idx = idx[ok] if direction < 0 else idx[~ok]
            step *= 2.0
    idx = np.flatnonzero(hi - lo > 1.0)
    while idx.size:
        mid = np.floor(0.5 * (lo[idx] + hi[idx]))
        ok = meets(mid, idx)
        hi[idx[ok]], lo[idx[~ok]] = mid[ok], mid[~ok]
        idx = idx[hi[idx] - lo[idx] > 1.0]
    return hi
