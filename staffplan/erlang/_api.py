"""The public functions: workload, required agents, their metrics, and FTE.

All arguments broadcast against each other like numpy arrays (scalars, lists, arrays), so
one call sizes every queue × interval; results have the broadcast shape (0-d for all
scalars). See the package docstring for the models and their definitions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from staffplan.erlang import _erlang_a, _erlang_c, _inputs, _search
from staffplan.erlang._metrics import Metrics

# Loads below this many Erlangs (one contact in 10^190 intervals) count as none: they
# would only push subnormal numbers through the formulas.
_NEGLIGIBLE_LOAD = 1e-200


def workload_erlangs(volume: ArrayLike, aht_s: ArrayLike, interval_min: ArrayLike) -> np.ndarray:
    """Offered load in Erlangs: ``volume`` contacts per interval of ``interval_min`` minutes,
    each taking ``aht_s`` seconds: volume · aht_s / (interval_min · 60)."""
    shape, q = _inputs.broadcast(
        volume=_inputs.non_negative("volume", volume, "contacts per interval"),
        aht_s=_inputs.positive("aht_s", aht_s, "seconds"),
        interval_min=_inputs.positive("interval_min", interval_min, "minutes"),
    )
    return (q["volume"] * q["aht_s"] / (q["interval_min"] * 60.0)).reshape(shape)


def _queue(
    volume: ArrayLike,
    aht_s: ArrayLike,
    interval_min: ArrayLike,
    answer_within_s: ArrayLike,
    patience_s: ArrayLike | None,
    concurrency: ArrayLike,
    **extra: np.ndarray,
) -> tuple[tuple[int, ...], dict[str, np.ndarray]]:
    """Checked, broadcast, flat arrays in model units: ``load`` (Erlangs, below
    _NEGLIGIBLE_LOAD as 0), ``tau`` (answer-within / AHT), ``rate`` (AHT / patience,
    0 = none), ``slots`` per agent."""
    shape, q = _inputs.broadcast(
        load=workload_erlangs(volume, aht_s, interval_min),
        aht_s=_inputs.positive("aht_s", aht_s, "seconds"),
        answer_within_s=_inputs.non_negative("answer_within_s", answer_within_s, "seconds"),
        patience_s=_inputs.patience(patience_s),
        slots=_inputs.whole("concurrency", concurrency, minimum=1),
        **extra,
    )
    q["load"] = np.where(q["load"] < _NEGLIGIBLE_LOAD, 0.0, q["load"])
    q["tau"] = q["answer_within_s"] / q["aht_s"]
    q["rate"] = q["aht_s"] / q["patience_s"]
    return shape, q


def required_agents(
    volume: ArrayLike,
    aht_s: ArrayLike,
    interval_min: ArrayLike,
    service_level: ArrayLike,
    answer_within_s: ArrayLike,
    *,
    patience_s: ArrayLike | None = None,
    max_occupancy: ArrayLike = 1.0,
    concurrency: ArrayLike = 1,
) -> np.ndarray:
    """The exact minimum agents meeting the target, as int64 in the broadcast shape.

    The target: a share ``service_level`` (0.8, not 80) of contacts answered within
    ``answer_within_s`` seconds. Then raised, if need be, to the fewest agents whose
    occupancy is at most ``max_occupancy``: ⌈A / (concurrency · max_occupancy)⌉ without
    abandonment (within one part in 10⁹, so float noise never adds one); with patience
    only answered contacts keep agents busy, so the floor can be lower. Zero volume: 0.
    """
    shape, q = _queue(
        volume,
        aht_s,
        interval_min,
        answer_within_s,
        patience_s,
        concurrency,
        target=_inputs.share("service_level", service_level, example=0.8),
        max_occupancy=_inputs.share("max_occupancy", max_occupancy, example=0.85, one_ok=True),
    )
    agents = np.zeros(q["load"].size)
    busy = q["load"] > 0
    load, tau, rate, slots = (q[name][busy] for name in ("load", "tau", "rate", "slots"))
    servers = _search.min_servers(load, tau, rate, q["target"][busy])
    floor = _search.occupancy_floor(load, rate, slots, q["max_occupancy"][busy])
    agents[busy] = np.maximum(np.ceil(servers / slots), floor)
    return agents.astype(np.int64).reshape(shape)


def staffing_metrics(
    agents: ArrayLike,
    volume: ArrayLike,
    aht_s: ArrayLike,
    interval_min: ArrayLike,
    answer_within_s: ArrayLike,
    *,
    patience_s: ArrayLike | None = None,
    concurrency: ArrayLike = 1,
) -> pd.DataFrame:
    """What ``agents`` achieve, one row per element of the broadcast inputs (C order).

    Columns: ``service_level`` (answered within ``answer_within_s`` / offered),
    ``asa_s`` (mean wait of answered contacts, seconds; inf when the queue never drains),
    ``p_wait`` (P(wait > 0)), ``occupancy`` (per chat slot with concurrency > 1),
    ``abandon_rate`` (P(abandon); 0 without patience), ``workload_erlangs``.
    """
    _, q = _queue(
        volume,
        aht_s,
        interval_min,
        answer_within_s,
        patience_s,
        concurrency,
        agents=_inputs.whole("agents", agents, minimum=0),
    )
    servers, load, tau, rate = q["agents"] * q["slots"], q["load"], q["tau"], q["rate"]
    out = Metrics.saturated(load.size)
    impatient = (rate > 0) & (load > 0)
    out.put(~impatient, _erlang_c.metrics(servers[~impatient], load[~impatient], tau[~impatient]))
    out.put(
        impatient,
        _erlang_a.metrics(servers[impatient], load[impatient], tau[impatient], rate[impatient]),
    )
    return _frame(out, q)


def _frame(out: Metrics, q: dict[str, np.ndarray]) -> pd.DataFrame:
    # shares are probabilities: clip the last-bit rounding of sums like 1 - tail + tail
    return pd.DataFrame(
        {
            "service_level": _share(out.service_level),
            "asa_s": out.asa * q["aht_s"],
            "p_wait": _share(out.p_wait),
            "occupancy": _share(out.occupancy),
            "abandon_rate": _share(out.abandon_rate),
            "workload_erlangs": q["load"],
        }
    )


def _share(values: np.ndarray) -> np.ndarray:
    return np.clip(values, 0.0, 1.0)


def required_fte(agents: ArrayLike, shrinkage: ArrayLike) -> np.ndarray:
    """Paid full-time equivalents: agents / (1 − shrinkage), not rounded.

    ``shrinkage`` is the share of paid time not spent on contacts (breaks, training...).
    """
    agents = _inputs.non_negative("agents", agents, "agents")
    shrinkage = _inputs.share("shrinkage", shrinkage, example=0.3, zero_ok=True)
    return agents / (1.0 - shrinkage)
