"""The service level a re-plan buys: projected from the scheduled agents by the coverage
table (:func:`staffplan.schedule.coverage.projected_service_level`), averaged over
intervals weighted by contacts offered."""

from __future__ import annotations

import numpy as np
import pandas as pd

from staffplan.config import Config
from staffplan.config.team import POOLED_SEPARATOR
from staffplan.roster.need import Pools
from staffplan.schedule.coverage import coverage_table


class ServiceLevels:
    """Projected service levels of scheduled agents, from the coverage table (so the
    numbers match ``coverage.csv``), averaged over intervals weighted by contacts offered.
    NaN where the coverage table has none (no volumes, or pooled queues)."""

    def __init__(self, requirements: pd.DataFrame, pools: Pools, config: Config) -> None:
        self.requirements, self.pools, self.config = requirements, pools, config
        column = "offered" if "offered" in requirements.columns else "volume"
        self.offered = {}
        for label in pools.required:
            rows = requirements[
                requirements["queue"].astype(str).isin(label.split(POOLED_SEPARATOR))
            ]
            if column in rows.columns:
                per_interval = rows.groupby("interval_start")[column].sum()
                values = per_interval.reindex(pools.grid.starts, fill_value=0.0)
                self.offered[label] = values.to_numpy(dtype=float)
            else:
                self.offered[label] = np.zeros(pools.grid.size)

    def levels(self, scheduled: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Service level per block and interval for ``scheduled`` agents."""
        labels = list(self.pools.required)
        table, _ = coverage_table(
            labels, self.pools.required, scheduled, self.pools.grid, self.requirements, self.config
        )
        return {
            label: table.loc[table["queue"] == label, "service_level"].to_numpy()
            for label in labels
        }

    def nearby(self, scheduled: dict[str, np.ndarray]) -> dict[int, dict[str, np.ndarray]]:
        """Service levels with ``scheduled`` agents and with one agent fewer or more in
        every interval: enough to price leaving out any one change (one agent at most)."""
        return {
            step: self.levels({k: np.maximum(v + step, 0.0) for k, v in scheduled.items()})
            for step in (-1, 0, 1)
        }

    @staticmethod
    def leave_out(
        nearby: dict[int, dict[str, np.ndarray]],
        scheduled: dict[str, np.ndarray],
        pool: str,
        column: np.ndarray,
    ) -> dict[str, np.ndarray]:
        """Service levels without the change adding ``column`` agents to ``pool``; the
        coverage table counts whole agents, so only the floor's step matters."""
        now = np.floor(scheduled[pool] + 1e-9)
        step = np.clip(np.floor(scheduled[pool] - column + 1e-9) - now, -1, 1).astype(int)
        levels = {**nearby[0]}
        levels[pool] = np.choose(step + 1, [nearby[s][pool] for s in (-1, 0, 1)])
        return levels

    def level(self, levels: dict[str, np.ndarray], where: dict[str, np.ndarray]) -> float:
        """Offered-weighted service level over the intervals ``where[label]``."""
        total = answered = 0.0
        for label, idx in where.items():
            weight = self.offered[label][idx]
            value = levels[label][idx]
            known = ~np.isnan(value) & (weight > 0)
            total += float(weight[known].sum())
            answered += float((weight[known] * value[known]).sum())
        return answered / total if total > 0 else float("nan")
