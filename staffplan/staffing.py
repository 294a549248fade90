"""Size every queue × interval of a forecast: the requirements table.

This is the library behind ``staffplan staff``: it maps each row's queue to its config
(AHT, target, patience, occupancy cap, concurrency, shrinkage) and sizes the live queues'
rows with one vectorised call of the queueing engine per escalation tier, the backlog
queues' with the fluid backlog model, queue by queue.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from staffplan.backlog import size_backlog
from staffplan.config import Config, QueueConfig
from staffplan.config.backlog import BACKLOG_CHANNELS
from staffplan.demand_checks import RowName, check_demand, forecast_row
from staffplan.engine_inputs import (
    metrics_arguments,
    queue_parameters,
    row_aht_s,
    sizing_arguments,
)
from staffplan.erlang import required_agents, required_fte, staffing_metrics
from staffplan.errors import ConfigError
from staffplan.escalation import (
    escalated_contacts,
    escalation_aht_s,
    own_demand,
    tiers,
    with_receiver_rows,
)
from staffplan.priority_staffing import with_shared_agents
from staffplan.tables.schema import columns

DEMAND_COLUMNS = ["queue", "interval_start", "volume", "deflected", "offered", "aht_s"]
# the columns this stage adds to the demand table (docs/tables.md, requirements)
SIZING_COLUMNS = [c for c in columns("requirements") if c not in columns("deflection")]
LIVE_METRICS = ("service_level", "asa_s", "occupancy", "p_wait", "abandon_rate")


def size_requirements(
    forecast: pd.DataFrame,
    config: Config,
    *,
    escalate: bool = True,
    row_name: RowName = forecast_row,
) -> pd.DataFrame:
    """The requirements table (docs/tables.md): the demand table plus the sizing columns.

    ``forecast`` needs ``queue, interval_start, volume``; optional ``deflected``,
    ``offered`` (contacts reaching agents; default ``volume - deflected``) and ``aht_s``
    (seconds, per row; default the queue's ``aht_s``) come from the deflection stage.
    Every other column (prediction intervals, model, volatility path, peak…) is kept in
    its place; the :data:`SIZING_COLUMNS` follow, replaced if the input had them.
    A live queue's ``agents`` is the minimum on the phones/chats meeting its target (the
    queueing engine); a backlog queue's (email, ticket, ...) the fewest in opening hours
    that answer its backlog in time (:mod:`staffplan.backlog`). ``required_fte`` divides
    by (1 - shrinkage), unrounded. With ``escalate``, tier-2 queues receive the share of
    what their tier-1 queues answer (:mod:`staffplan.escalation`): it is in ``offered``
    and ``escalated``, and ``aht_s`` is the mean over both kinds of contact. A queue may
    appear in several runs of intervals (a time that does not follow the previous row
    starts a new run); each run is sized on its own. Queues with classes and pools are
    then sized together (:mod:`staffplan.priority_staffing`).

    A queue the config lacks, or a missing interval of a backlog queue, is an
    :class:`InputError` naming the row as ``row_name`` does (a file's:
    :func:`staffplan.demand_checks.file_rows`); see :mod:`staffplan.demand_checks`.
    """
    if forecast.empty:
        raise ConfigError("the forecast has no rows to size; check its dates and queues")
    rows = forecast.reset_index(drop=True)
    check_demand(rows, _runs(rows), config, row_name, escalate=escalate)
    if escalate:
        rows = with_receiver_rows(rows, config)
    params = queue_parameters(rows["queue"], config)
    volume = rows["volume"].to_numpy(dtype=float)
    deflected = _column(rows, "deflected", np.zeros_like(volume))
    own = _column(rows, "offered", volume - deflected)
    own_aht_s = row_aht_s(rows, params)
    if "escalated" in rows.columns:  # a requirements table sized again
        names = rows["queue"].to_numpy()
        own, own_aht_s = own_demand(names, own, own_aht_s, rows["escalated"].to_numpy(), config)
    demand = _Demand(rows, _runs(rows), own, own_aht_s)
    for level in tiers(config):
        demand.size_live([q for q in level if not q.backlog], config, params)
        for queue in level:
            if queue.backlog:
                demand.size_backlog(queue, config)
        if escalate:
            for queue in level:
                demand.escalate(queue, config)
    out = rows.drop(columns=[c for c in SIZING_COLUMNS if c in rows.columns])
    out = out.assign(volume=volume, deflected=deflected, offered=demand.offered, aht_s=demand.aht_s)
    sized = {
        "escalated": demand.escalated,
        "workload_erlangs": demand.offered * demand.aht_s / (config.interval_min * 60.0),
        **demand.columns,
        "required_fte": required_fte(demand.columns["agents"], params["shrinkage"].to_numpy()),
        "method": _methods(rows["queue"], params, config),
    }
    return with_shared_agents(out.assign(**{c: sized[c] for c in SIZING_COLUMNS}), config)


def _methods(queues: pd.Series, params: pd.DataFrame, config: Config) -> np.ndarray:
    """How each row is sized before priority classes and pools: ``fluid`` (backlog),
    ``erlang_c`` or ``erlang_a`` (a live queue without / with abandonment)."""
    backlog = queues.map({q.name: q.backlog for q in config.queues}).to_numpy(dtype=bool)
    live = np.where(params["patience_s"].isna(), "erlang_c", "erlang_a")
    return np.where(backlog, "fluid", live)


class _Demand:
    """The rows being sized: own and escalated contacts, and the sizing columns so far."""

    def __init__(
        self, rows: pd.DataFrame, runs: np.ndarray, own: np.ndarray, own_aht_s: np.ndarray
    ) -> None:
        self.rows = rows
        self.runs = runs
        self.own = own
        self.own_aht_s = own_aht_s
        self.escalated = np.zeros_like(own)
        self.escalated_work_s = np.zeros_like(own)
        self.answered = np.zeros_like(own)
        names = ["agents", *LIVE_METRICS, "backlog_end", "oldest_age_h"]
        self.columns = {name: np.full(own.size, np.nan) for name in names}
        self.positions = rows.groupby("queue", sort=False).indices

    @property
    def offered(self) -> np.ndarray:
        return self.own + self.escalated

    @property
    def aht_s(self) -> np.ndarray:
        return self.aht_s_at(slice(None))

    def aht_s_at(self, at: np.ndarray | slice) -> np.ndarray:
        """Mean handle time (s) of the rows ``at``: own and escalated contacts together."""
        offered = self.own[at] + self.escalated[at]
        work = self.own[at] * self.own_aht_s[at] + self.escalated_work_s[at]
        return np.divide(work, offered, out=self.own_aht_s[at].copy(), where=offered > 0)

    def rows_of(self, name: str) -> np.ndarray:
        return self.positions.get(name, np.zeros(0, dtype=np.intp))

    def size_backlog(self, queue: QueueConfig, config: Config) -> None:
        at = self.rows_of(queue.name)
        for run in (at[self.runs[at] == r] for r in np.unique(self.runs[at])):
            offered = self.own[run] + self.escalated[run]
            rows = self.rows.iloc[run].assign(offered=offered, aht_s=self.aht_s_at(run))
            sized = size_backlog(rows, queue, config)
            for name in self.columns:
                self.columns[name][run] = sized[name].to_numpy(dtype=float)
            self.answered[run] = sized["answered"].to_numpy()

    def size_live(self, queues: list[QueueConfig], config: Config, params: pd.DataFrame) -> None:
        parts = [self.rows_of(q.name) for q in queues]
        at = np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.intp)
        if at.size == 0:
            return
        offered, aht_s = self.own[at] + self.escalated[at], self.aht_s_at(at)
        part = params.iloc[at]
        agents = required_agents(offered, aht_s, config.interval_min, **sizing_arguments(part))
        metrics = staffing_metrics(
            agents, offered, aht_s, config.interval_min, **metrics_arguments(part)
        )
        self.columns["agents"][at] = agents
        for name in LIVE_METRICS:
            self.columns[name][at] = metrics[name].to_numpy()
        self.answered[at] = offered * (1.0 - metrics["abandon_rate"].to_numpy())

    def escalate(self, queue: QueueConfig, config: Config) -> None:
        """Add what ``queue`` escalates to its tier-2 queue's rows of the same run."""
        if queue.escalation is None:
            return
        source = self.rows_of(queue.name)
        target = self.rows_of(queue.escalation.to)
        aht_s = escalation_aht_s(queue, config)
        for run in np.unique(self.runs[source]):
            at = source[self.runs[source] == run]
            contacts = escalated_contacts(
                self.answered[at],
                queue.escalation.share,
                queue.escalation.delay_min,
                config.interval_min,
            )
            into = target[self.runs[target] == run]
            times = self.rows["interval_start"].iloc[into]
            found = pd.Series(contacts, index=self.rows["interval_start"].iloc[at]).reindex(times)
            moved = found.fillna(0.0).to_numpy()
            self.escalated[into] += moved
            self.escalated_work_s[into] += moved * aht_s


def _runs(rows: pd.DataFrame) -> np.ndarray:
    """Per row: the number of its queue's run (a new run starts where a queue's time does
    not move forward)."""
    out = np.zeros(len(rows), dtype=np.int64)
    times = rows["interval_start"]
    for _, at in rows.groupby("queue", sort=False).indices.items():
        step = times.iloc[at].diff().dt.total_seconds().to_numpy()
        out[at] = np.cumsum(~(step > 0)) - 1
    return out


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


def backlog_warning(answer_within_s: float, interval_min: float) -> str | None:
    """A warning when a target is longer than the interval: that is backlog work, which
    an Erlang calculation per interval sizes wrongly (None for a live-queue target)."""
    if answer_within_s <= interval_min * 60.0:
        return None
    return (
        f"a target of {answer_within_s / 3600:g} h is longer than the {interval_min:g}-minute "
        "interval: that is backlog work (email, tickets, ...), which waits across intervals "
        "and nights, and Erlang sizes each interval as if it could not. In the config set "
        f"the queue's channel (queues[].channel: {' | '.join(BACKLOG_CHANNELS)}) with "
        "target.answer_within_h and open_hours, and run `staffplan staff`"
    )
