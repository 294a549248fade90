"""The one mapping from the queues' config to the queueing engine's arguments.

Every stage that calls :mod:`staffplan.erlang` for rows of a table (staff, deflection,
coverage, scenarios) takes each row's AHT, target, patience, occupancy cap, concurrency
and shrinkage from :func:`queue_parameters`, and passes them on with
:func:`sizing_arguments` (for ``required_agents``) or :func:`metrics_arguments` (for
``staffing_metrics``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from staffplan.config import Config


def queue_parameters(queues: pd.Series, config: Config) -> pd.DataFrame:
    """Per row of ``queues``: the queue's parameters from the config, as columns.

    Columns: ``aht_s, service_level, answer_within_s, patience_s (NaN = none),
    max_occupancy, concurrency, shrinkage``. A queue missing from the config is a
    :class:`ConfigError` naming it.
    """
    for name in pd.unique(queues):
        config.queue(str(name))
    table = pd.DataFrame(
        {
            "aht_s": [q.aht_s for q in config.queues],
            "service_level": [q.target.service_level for q in config.queues],
            "answer_within_s": [q.target.answer_within_s for q in config.queues],
            "patience_s": [np.nan if q.patience_s is None else q.patience_s for q in config.queues],
            "max_occupancy": [q.max_occupancy for q in config.queues],
            "concurrency": [q.concurrency for q in config.queues],
            "shrinkage": [q.shrinkage for q in config.queues],
        },
        index=[q.name for q in config.queues],
    )
    return table.loc[queues.to_numpy()].reset_index(drop=True)


def row_aht_s(rows: pd.DataFrame, params: pd.DataFrame) -> np.ndarray:
    """Per row: its own ``aht_s`` (seconds) where ``rows`` has one, else its queue's from
    ``params`` (:func:`queue_parameters` of the same rows)."""
    queue_aht_s = params["aht_s"].to_numpy(dtype=float)
    if "aht_s" not in rows.columns:
        return queue_aht_s
    given = rows["aht_s"].to_numpy(dtype=float)
    return np.where(np.isnan(given), queue_aht_s, given)


def metrics_arguments(params: pd.DataFrame) -> dict[str, np.ndarray | None]:
    """``answer_within_s, patience_s, concurrency`` for :func:`staffing_metrics` from
    :func:`queue_parameters` (``patience_s`` None when no queue has one: Erlang C)."""
    patience_s = params["patience_s"].to_numpy()
    return {
        "answer_within_s": params["answer_within_s"].to_numpy(),
        "patience_s": None if np.isnan(patience_s).all() else patience_s,
        "concurrency": params["concurrency"].to_numpy(),
    }


def sizing_arguments(params: pd.DataFrame) -> dict[str, np.ndarray | None]:
    """:func:`metrics_arguments` plus the target ``service_level`` and ``max_occupancy``,
    for :func:`required_agents`."""
    return {
        "service_level": params["service_level"].to_numpy(),
        "max_occupancy": params["max_occupancy"].to_numpy(),
        **metrics_arguments(params),
    }
