"""``simulate_schedule``: replay a schedule against a forecast, many times over."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from staffplan.config.simulation import SimulationConfig
from staffplan.engine import IN_PROCESS, Progress, Workers
from staffplan.errors import InputError, whole_number
from staffplan.simulate.blocks import block_labels, simulate_blocks
from staffplan.simulate.inputs import queue_parts, unscheduled_queues
from staffplan.simulate.summary import DAILY_COLUMNS, INTERVAL_COLUMNS
from staffplan.simulate.tasks import simulate_queues

if TYPE_CHECKING:
    from staffplan.config import Config

MAX_REPLICATIONS = 100_000


@dataclasses.dataclass(frozen=True)
class SimulationResult:
    """The simulated band of a schedule.

    ``intervals``: ``simulation.csv`` (queue × interval: mean and 10th/90th percentiles
    across replications, next to the Erlang projection). ``daily``: ``daily.csv`` (queue ×
    day: the day's service level and the share of replications meeting the target).
    ``unscheduled``: forecast queues the schedule does not cover (not simulated).
    """

    intervals: pd.DataFrame
    daily: pd.DataFrame
    replications: int
    seed: int
    unscheduled: tuple[str, ...] = ()


def simulate_schedule(
    forecast: pd.DataFrame,
    coverage: pd.DataFrame,
    config: Config,
    *,
    replications: int = 200,
    seed: int = 7,
    workers: Workers = IN_PROCESS,
    progress: Progress | None = None,
) -> SimulationResult:
    """Simulate every scheduled queue ``replications`` times and summarise.

    ``forecast``: a demand table, ``queue, interval_start, volume[, offered][, aht_s][,
    lo80, hi80]`` (contacts per interval; ``offered`` and the per-interval ``aht_s`` of the
    deflection stage are used when present), e.g. the plan's requirements table.
    ``coverage``: ``queue, interval_start, scheduled`` (agents per interval; a fraction is
    an agent on duty for that share of the interval, from its start). The other queue
    parameters (``aht_s`` where the table has none, target, ``patience_s``,
    ``concurrency``) come from ``config``, the handle-time shape and over-dispersion from
    ``config.simulation``. Same inputs and ``seed`` give the same result on any
    ``workers`` (:mod:`staffplan.engine`): each queue is lined up, replicated and
    summarised in its own task(s) (:mod:`staffplan.simulate.tasks`); ``progress(done,
    total)`` reports finished tasks.
    """
    _check_options(forecast, coverage, replications, seed)
    settings = config.simulation or SimulationConfig()
    shared = coverage["queue"].isin(list(block_labels(config)))  # pools, queues with classes
    coverage, shared_coverage = coverage[~shared], coverage[shared]
    unscheduled = unscheduled_queues(forecast, coverage, config)
    parts = queue_parts(forecast, coverage, config)
    intervals, daily = simulate_blocks(
        forecast, shared_coverage, config, settings, replications, seed, workers
    )
    if not parts and not intervals:
        raise InputError(
            "the schedule has no rows for any queue of the forecast; check that both files "
            "cover the same queues"
        )
    if settings.overdispersed and "lo80" not in forecast:
        raise InputError(
            "simulation.overdispersed is true but the forecast has no lo80 and hi80 columns; "
            "use a forecast with prediction intervals or set overdispersed: false"
        )
    tables = simulate_queues(
        parts, config, settings, replications, seed, workers=workers, progress=progress
    )
    intervals += [table for table, _ in tables]
    daily += [table for _, table in tables]
    simulated = {str(q) for frame in intervals for q in frame["queue"].unique()}
    unscheduled = [q for q in unscheduled if q not in simulated]
    interval_rows = _in_config_order(pd.concat(intervals, ignore_index=True), config)
    extra = [c for c in interval_rows.columns if c not in INTERVAL_COLUMNS]
    return SimulationResult(
        intervals=interval_rows[INTERVAL_COLUMNS + extra],
        daily=_in_config_order(pd.concat(daily, ignore_index=True), config)[DAILY_COLUMNS],
        replications=replications,
        seed=seed,
        unscheduled=tuple(unscheduled),
    )


def check_replications(replications: int) -> None:
    """Simulated runs must number 1 to :data:`MAX_REPLICATIONS` (``--replications``)."""
    if not 1 <= whole_number(replications, "replications", "runs", 200) <= MAX_REPLICATIONS:
        raise InputError(
            f"must be between 1 and {MAX_REPLICATIONS:,}, got {replications}",
            parameter="replications",
        )


def _check_options(
    forecast: pd.DataFrame, coverage: pd.DataFrame, replications: int, seed: int
) -> None:
    check_replications(replications)
    if whole_number(seed, "seed", "", 7) < 0:
        raise InputError(f"must be 0 or more, got {seed}", parameter="seed")
    _check_tables(forecast, coverage)


def _check_tables(forecast: pd.DataFrame, coverage: pd.DataFrame) -> None:
    for kind, frame, needed in (
        ("forecast", forecast, ("queue", "interval_start", "volume")),
        ("coverage", coverage, ("queue", "interval_start", "scheduled")),
    ):
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            raise InputError(
                f"the {kind} table has no column {missing[0]!r} (needs {', '.join(needed)})"
            )
        if not isinstance(frame["interval_start"].dtype, pd.DatetimeTZDtype):
            raise InputError(
                f"the {kind} table's interval_start must be timezone-aware timestamps; "
                "read it with staffplan.tables or localize it to the planning zone"
            )


def _in_config_order(frame: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Rows grouped by queue in the config's order (each queue's rows as they were)."""
    rank = {q.name: i for i, q in enumerate(config.queues)}
    order = np.argsort(frame["queue"].map(rank).to_numpy(), kind="stable")
    return frame.iloc[order].reset_index(drop=True)
