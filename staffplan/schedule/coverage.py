"""The coverage table: required vs scheduled agents per queue and interval.

Columns ``queue, interval_start, required, scheduled, gap, surplus, service_level``:
``scheduled`` counts agents on the phones (present, not on a break; a break that takes
part of an interval counts as that share of an agent), ``gap`` the uncovered agents
(``max(required − scheduled, 0)``, or, for a schedule, the worst shortfall at any moment
of the interval at the breaks' resolution) and ``surplus`` the spare ones.

``service_level`` is projected (:func:`projected_service_level`) from the
whole agents scheduled (fractions from part-interval breaks rounded down) and the
queue's target time, patience and concurrency, where the requirements carry ``aht_s``
and ``offered`` (or ``volume``) for that interval. It is left empty, with the reason in
the returned note, when those columns are missing or for intervals without a
requirements row. A pool's rows (labels ``a+b``) and a queue with classes are projected
with the priority model (:func:`staffplan.block_projection.with_block_coverage`): the
pool's service level plus ``service_level_<queue>`` per queue and
``service_level_<class>`` per class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from staffplan.backlog import backlog_projection
from staffplan.block_projection import with_block_coverage
from staffplan.engine_inputs import metrics_arguments, queue_parameters
from staffplan.erlang import staffing_metrics
from staffplan.schedule._candidates import Grid

if TYPE_CHECKING:
    from staffplan.config import Config

COVERAGE_COLUMNS = [
    "queue",
    "interval_start",
    "required",
    "scheduled",
    "gap",
    "surplus",
    "service_level",
]
_EPS = 1e-9


def coverage_table(
    labels: list[str],
    required: dict[str, np.ndarray],
    scheduled: dict[str, np.ndarray],
    grid: Grid,
    requirements: pd.DataFrame,
    config: Config,
    lowest: dict[str, np.ndarray] | None = None,
) -> tuple[pd.DataFrame, str]:
    """The coverage table for each block label, and a note on ``service_level`` (or "").

    ``lowest`` (per label: the fewest agents on the floor at any moment of each interval,
    at the breaks' resolution) makes ``gap`` the worst shortfall within the interval, so
    a quarter-hour short inside a half-hour interval is reported, not averaged away."""
    parts = []
    for label in labels:
        on_phones = np.round(scheduled[label], 9) + 0.0
        need = required[label]
        floor = on_phones if lowest is None else np.minimum(lowest[label], on_phones)
        parts.append(
            pd.DataFrame(
                {
                    "queue": label,
                    "interval_start": grid.starts,
                    "required": need,
                    "scheduled": on_phones,
                    "gap": np.maximum(need - floor, 0.0),
                    "surplus": np.maximum(on_phones - need, 0.0),
                }
            )
        )
    table = pd.concat(parts, ignore_index=True)
    service_level, note = _service_level(table, requirements, config)
    table["service_level"] = service_level
    table = with_block_coverage(table[COVERAGE_COLUMNS], requirements, config)
    # a pool's rows have no requirements row of their label; the block projection fills them
    return table, note if table["service_level"].isna().any() else ""


def _service_level(
    table: pd.DataFrame, requirements: pd.DataFrame, config: Config
) -> tuple[np.ndarray, str]:
    empty = np.full(len(table), np.nan)
    volume = "offered" if "offered" in requirements.columns else "volume"
    if "aht_s" not in requirements.columns or volume not in requirements.columns:
        return empty, "the requirements have no aht_s and offered/volume columns to project it from"
    keys = requirements[["queue", "interval_start"]].astype({"queue": str})
    rows = pd.MultiIndex.from_frame(keys).get_indexer(
        pd.MultiIndex.from_frame(table[["queue", "interval_start"]])
    )
    known = rows >= 0
    if not known.any():
        return empty, "no coverage interval has a requirements row"
    source = requirements.iloc[rows[known]]
    out = empty.copy()
    out[known] = projected_service_level(
        source["queue"].astype(str),
        table["scheduled"].to_numpy()[known],
        source[volume].to_numpy(dtype=float),
        source["aht_s"].to_numpy(dtype=float),
        config,
        interval_start=source["interval_start"],
    )
    note = "" if known.all() else "empty where the requirements have no row for the interval"
    return out, note


def projected_service_level(
    queues: pd.Series,
    scheduled: np.ndarray,
    offered: np.ndarray,
    aht_s: np.ndarray,
    config: Config,
    *,
    interval_start: pd.Series | None = None,
) -> np.ndarray:
    """Per row: the share of the ``offered`` contacts (per interval) answered within the
    queue's target time by the ``scheduled`` agents, each interval its own steady state.

    Only whole agents count (an agent on a break for part of the interval does not);
    ``aht_s`` is the row's handle time in seconds; patience and concurrency are the
    queue's (:mod:`staffplan.engine_inputs`). The one projection of the service level
    that scheduled agents give. With ``interval_start``, the rows of a backlog queue are
    projected by the fluid backlog model instead (:mod:`staffplan.backlog`): the share of
    each interval's contacts the scheduled agents answer within the target.
    """
    agents = np.floor(np.asarray(scheduled, dtype=float) + _EPS)
    params = queue_parameters(queues, config)
    metrics = staffing_metrics(
        agents, offered, aht_s, config.interval_min, **metrics_arguments(params)
    )
    out = metrics["service_level"].to_numpy().copy()
    if interval_start is not None:
        backlog_projection(out, queues, scheduled, offered, aht_s, interval_start, config)
    return out
