"""Size every queue × interval of a forecast: the requirements table.

This is the library behind ``staffplan staff``: it maps each row's queue to its config
(AHT, target, patience, occupancy cap, concurrency, shrinkage) and sizes all rows with
one vectorised call of the queueing engine.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from staffplan.config import Config
from staffplan.engine_inputs import (
    metrics_arguments,
    queue_parameters,
    row_aht_s,
    sizing_arguments,
)
from staffplan.erlang import required_agents, required_fte, staffing_metrics
from staffplan.errors import ConfigError
from staffplan.priority_staffing import with_shared_agents
from staffplan.tables.schema import columns

DEMAND_COLUMNS = ["queue", "interval_start", "volume", "deflected", "offered", "aht_s"]
# the columns this stage adds to the demand table (docs/tables.md, requirements)
SIZING_COLUMNS = [c for c in columns("requirements") if c not in columns("deflection")]


def size_requirements(forecast: pd.DataFrame, config: Config) -> pd.DataFrame:
    """The requirements table (docs/tables.md): the demand table plus the sizing columns.

    ``forecast`` needs ``queue, interval_start, volume``; optional ``deflected``,
    ``offered`` (contacts reaching agents; default ``volume - deflected``) and ``aht_s``
    (seconds, per row; default the queue's ``aht_s``) come from the deflection stage.
    Every other column (prediction intervals, model, volatility path, peak…) is kept in
    its place; the :data:`SIZING_COLUMNS` follow, replaced if the input had them.
    ``agents`` is the minimum on the phones/chats meeting the queue's target;
    ``required_fte`` divides by (1 - shrinkage), unrounded. Queues with classes and
    pools are sized together (:mod:`staffplan.priority_staffing`).
    """
    if forecast.empty:
        raise ConfigError("the forecast has no rows to size; check its dates and queues")
    rows = forecast.reset_index(drop=True)
    params = queue_parameters(rows["queue"], config)
    volume = rows["volume"].to_numpy(dtype=float)
    deflected = _column(rows, "deflected", np.zeros_like(volume))
    offered = _column(rows, "offered", volume - deflected)
    aht_s = row_aht_s(rows, params)
    agents = required_agents(offered, aht_s, config.interval_min, **sizing_arguments(params))
    metrics = staffing_metrics(
        agents, offered, aht_s, config.interval_min, **metrics_arguments(params)
    )
    out = rows.drop(columns=[c for c in SIZING_COLUMNS if c in rows.columns])
    out = out.assign(volume=volume, deflected=deflected, offered=offered, aht_s=aht_s)
    sizing = {
        "workload_erlangs": metrics["workload_erlangs"].to_numpy(),
        "agents": agents,
        **{c: metrics[c].to_numpy() for c in ("service_level", "asa_s", "occupancy", "p_wait")},
        "abandon_rate": metrics["abandon_rate"].to_numpy(),
        "required_fte": required_fte(agents, params["shrinkage"].to_numpy()),
        "method": np.where(params["patience_s"].isna(), "erlang_c", "erlang_a"),
    }
    return with_shared_agents(out.assign(**sizing), config)


def _column(frame: pd.DataFrame, name: str, default: np.ndarray) -> np.ndarray:
    if name not in frame.columns:
        return np.asarray(default, dtype=float)
    return frame[name].to_numpy(dtype=float)


def erlang_calculator(
    volume: float,
    aht_s: float,
    interval_min: float,
    service_level: float,
    answer_within_s: float,
    *,
    patience_s: float | None = None,
    max_occupancy: float = 1.0,
    shrinkage: float = 0.0,
    concurrency: int = 1,
    agents: int | None = None,
) -> dict[str, float | int | None]:
    """The one-off calculator: the minimum agents for the target, or what ``agents`` give.

    Returns ``agents, service_level, asa_s, p_wait, occupancy, abandon_rate (None
    without patience), workload_erlangs, required_fte``; times in seconds, shares of 1.
    """
    if not 0.0 <= shrinkage < 1.0:
        raise ConfigError(
            f"{shrinkage:g} must be a share in [0, 1), e.g. 0.3", parameter="shrinkage"
        )
    if agents is None:
        agents = int(
            required_agents(
                volume,
                aht_s,
                interval_min,
                service_level,
                answer_within_s,
                patience_s=patience_s,
                max_occupancy=max_occupancy,
                concurrency=concurrency,
            )
        )
    elif agents < 0:
        raise ConfigError(f"{agents} must be 0 or more", parameter="agents")
    metrics = staffing_metrics(
        agents,
        volume,
        aht_s,
        interval_min,
        answer_within_s,
        patience_s=patience_s,
        concurrency=concurrency,
    ).iloc[0]
    return {
        "agents": agents,
        "service_level": float(metrics["service_level"]),
        "asa_s": float(metrics["asa_s"]),
        "p_wait": float(metrics["p_wait"]),
        "occupancy": float(metrics["occupancy"]),
        "abandon_rate": None if patience_s is None else float(metrics["abandon_rate"]),
        "workload_erlangs": float(metrics["workload_erlangs"]),
        "required_fte": float(required_fte(agents, shrinkage)),
    }
