"""Partly cross-trained pools: size and project them by simulation (no closed form).

A pool with a ``skill_mix`` has agents on several skill combinations (``a+b``, ``a``,
``b``), each a fixed share of the pool. Per interval the pool is simulated in steady
state with the shared-agent engine (:mod:`staffplan.simulate._priority_engine`: classes
by priority, contacts to the longest-idle agent with the skill): :data:`CONTACTS`
arrivals of the interval's rates, exponential handle times and patience, the first
:data:`WARM_UP_SHARE` of them not counted.

Sizing starts from the fully cross-trained answer (no mix of skills does better) and
adds one agent at a time — split over the combinations by their shares, largest
remainder first — until every class of every queue meets its target. Every count of
agents meets the *same* contacts (common random numbers: one seeded stream per pool and
interval, ``SeedSequence(SEED, spawn_key=(pool key, interval))``), so the comparison
between counts is not noise, and the answer is deterministic. The service levels are
estimates (about ±1.5 points at 5,000 contacts), so an answer may differ by one agent
from a longer simulation.
"""

from __future__ import annotations

import numpy as np

from staffplan.erlang.priority import Streams
from staffplan.simulate._priority_engine import serve_priority

CONTACTS = 5000
WARM_UP_SHARE = 0.1
SEED = 12
MAX_EXTRA = 3.0  # search at most this many times the fully cross-trained answer (+ 10)


def apportion(agents: int, shares: np.ndarray) -> np.ndarray:
    """Whole agents per combination summing to ``agents``: largest remainder of
    agents × share (ties: the earlier combination)."""
    exact = agents * shares
    whole = np.floor(exact + 1e-9).astype(int)
    left = agents - whole.sum()
    order = np.argsort(-(exact - whole), kind="stable")
    whole[order[:left]] += 1
    return whole


def simulated_levels(
    system: Streams,
    combo_agents: np.ndarray,
    combo_skills: np.ndarray,
    stream_queue: np.ndarray,
    seed_key: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row and stream: (service level, ASA of answered contacts in s, abandon rate)
    with ``combo_agents`` (rows, combinations) agents on each skill combination."""
    rows, streams = system.volume.shape
    sl, asa, abandon = _nobody_waits(rows, streams)
    for r in range(rows):
        draws = _contacts(system, r, seed_key)
        if draws is None:
            continue
        sl[r], asa[r], abandon[r] = _measure(
            system, r, draws, combo_agents[r], combo_skills, stream_queue
        )
    return sl, asa, abandon


def required_agents(
    system: Streams,
    target: np.ndarray,
    lower: np.ndarray,
    shares: np.ndarray,
    combo_skills: np.ndarray,
    stream_queue: np.ndarray,
    seed_key: int,
    slots: int = 1,
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(agents per row, their simulated (service level, ASA, abandon rate) per stream):
    the fewest agents, from ``lower`` up, whose split by ``shares`` meets ``target``
    (``slots`` contacts at once per agent: that many servers with its skills)."""
    rows, streams = system.volume.shape
    agents = np.zeros(rows)
    sl, asa, abandon = _nobody_waits(rows, streams)
    for r in range(rows):
        draws = _contacts(system, r, seed_key)
        if draws is None:
            continue
        n = int(lower[r])
        while True:
            got = _measure(
                system, r, draws, apportion(n, shares) * slots, combo_skills, stream_queue
            )
            if (got[0] >= target[r]).all() or n >= MAX_EXTRA * lower[r] + 10:
                break
            n += 1
        agents[r] = n
        sl[r], asa[r], abandon[r] = got
    return agents, (sl, asa, abandon)


def _contacts(system: Streams, row: int, seed_key: int):
    """One interval's steady-state contacts: (arrival s, stream, handle s, give-up s),
    or None without volume."""
    rate = system.arrival_rate[row]
    total = rate.sum()
    if total <= 0:
        return None
    rng = np.random.default_rng(np.random.SeedSequence(SEED, spawn_key=(seed_key, row)))
    arrival = np.cumsum(rng.exponential(1.0 / total, CONTACTS))
    stream = rng.choice(rate.size, size=CONTACTS, p=rate / total)
    handle = rng.exponential(system.aht_s[row][stream])
    patience = system.patience_s[row][stream]
    give_up = np.full(CONTACTS, np.inf)
    finite = np.isfinite(patience)
    give_up[finite] = arrival[finite] + rng.exponential(patience[finite])
    return arrival, stream, handle, give_up


def _measure(system, row, draws, combo_agents, combo_skills, stream_queue):
    arrival, stream, handle, give_up = draws
    count = int(combo_agents.sum())
    streams = system.volume.shape[1]
    if count == 0:
        return (
            np.zeros(streams),
            np.full(streams, np.inf),
            np.where(np.isfinite(system.patience_s[row]), 1.0, 0.0),
        )
    skills = np.repeat(combo_skills, combo_agents.astype(int), axis=0)
    windows = (np.zeros(count), np.full(count, np.inf), np.arange(count))
    start = serve_priority(
        arrival, stream, handle, give_up, system.level, stream_queue, windows, skills
    )
    counted = arrival >= arrival[-1] * WARM_UP_SHARE
    # contacts still waiting when the run ends are judged by their wait so far
    end = arrival[-1]
    wait = np.where(np.isnan(start), np.minimum(give_up, end) - arrival, start - arrival)
    answered = ~np.isnan(start)
    sl, asa, abandon = np.ones(streams), np.zeros(streams), np.zeros(streams)
    for j in range(streams):
        mine = counted & (stream == j)
        if not mine.any():
            continue
        within = answered[mine] & (wait[mine] <= system.answer_within_s[row, j])
        sl[j] = within.mean()
        gave_up = ~answered[mine] & (give_up[mine] <= end)
        abandon[j] = gave_up.mean()
        served = answered[mine]
        asa[j] = wait[mine][served].mean() if served.any() else np.inf
    return sl, asa, abandon


def _nobody_waits(rows: int, streams: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(service level 1, ASA 0 s, abandon rate 0) per row and stream: rows without
    contacts keep these."""
    return np.ones((rows, streams)), np.zeros((rows, streams)), np.zeros((rows, streams))
