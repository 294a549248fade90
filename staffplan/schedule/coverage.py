"""The coverage table: required vs scheduled agents per queue and interval.

Columns ``queue, interval_start, required, scheduled, gap, surplus, service_level``:
``scheduled`` counts agents on the phones (present, not on a break; a break that takes
part of an interval counts as that share of an agent), ``gap`` the uncovered agents
(``max(required − scheduled, 0)``) and ``surplus`` the spare ones.

``service_level`` is projected with :func:`staffplan.erlang.staffing_metrics` from the
whole agents scheduled (fractions from part-interval breaks rounded down) and the
queue's target time, patience and concurrency, where the requirements carry ``aht_s``
and ``offered`` (or ``volume``) for that interval. It is left empty, with the reason in
the returned note, when those columns are missing, for intervals without a requirements
row, and when queues are pooled (``shared_queues``: one pool's service level is not any
single queue's).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from staffplan.schedule._candidates import Grid

if TYPE_CHECKING:
    from staffplan.config import Config, QueueConfig

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
) -> tuple[pd.DataFrame, str]:
    """The coverage table for each block label, and a note on ``service_level`` (or "")."""
    parts = []
    for label in labels:
        on_phones = np.round(scheduled[label], 9) + 0.0
        need = required[label]
        parts.append(
            pd.DataFrame(
                {
                    "queue": label,
                    "interval_start": grid.starts,
                    "required": need,
                    "scheduled": on_phones,
                    "gap": np.maximum(need - on_phones, 0.0),
                    "surplus": np.maximum(on_phones - need, 0.0),
                }
            )
        )
    table = pd.concat(parts, ignore_index=True)
    service_level, note = _service_level(table, requirements, config)
    table["service_level"] = service_level
    return table[COVERAGE_COLUMNS], note


def _service_level(
    table: pd.DataFrame, requirements: pd.DataFrame, config: Config
) -> tuple[np.ndarray, str]:
    empty = np.full(len(table), np.nan)
    if config.shifts is not None and config.shifts.shared_queues:
        return empty, "queues are pooled (shifts.shared_queues), so no single queue's service level"
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
    queues = [config.queue(str(q)) for q in source["queue"]]
    metrics = _metrics(table, known, source, queues, volume, config.interval_min)
    out = empty.copy()
    out[known] = metrics
    note = "" if known.all() else "empty where the requirements have no row for the interval"
    return out, note


def _metrics(
    table: pd.DataFrame,
    known: np.ndarray,
    source: pd.DataFrame,
    queues: list[QueueConfig],
    volume: str,
    interval_min: int,
) -> np.ndarray:
    from staffplan.erlang import staffing_metrics

    agents = np.floor(table["scheduled"].to_numpy()[known] + _EPS)
    patience = np.array([np.nan if q.patience_s is None else q.patience_s for q in queues])
    metrics = staffing_metrics(
        agents,
        source[volume].to_numpy(dtype=float),
        source["aht_s"].to_numpy(dtype=float),
        interval_min,
        np.array([q.target.answer_within_s for q in queues]),
        patience_s=None if np.isnan(patience).all() else patience,
        concurrency=np.array([q.concurrency for q in queues]),
    )
    return metrics["service_level"].to_numpy()
