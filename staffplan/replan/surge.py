"""Peak re-planning: keep a published schedule and add the cheapest cover for a surge.

Given the baseline shifts (a published schedule or roster) and new requirements (a
volatility surge), a small MILP picks the cheapest mix of: overtime (a shift runs up to
``team.surge.max_extension_hours`` longer at either end, at the overtime premium), extra
short shifts (no breaks; they go to agents free that day, else stay open), on-call
activations (a fixed cost plus hours) and, only with ``allow_moves``, moving a shift
earlier or later. Understaffing stays soft at ``shifts.understaffing_penalty`` per
agent-interval. No baseline shift changes unless moved: overtime is its own span next to
the shift. Named agents keep the rules: minimum rest between shifts and weekly hours.

Each change comes with its cost (paid-hour units) and the service level it buys: the
projected service level of the intervals it touches with the whole re-plan (after) and
with the re-plan minus this change (before).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd

from staffplan.config import Config
from staffplan.config.names import POOLED_SEPARATOR
from staffplan.config.team import SurgeConfig
from staffplan.errors import InputError
from staffplan.replan._model import ReplanModel
from staffplan.replan._options import Option, candidate_options, useful_options
from staffplan.replan.result import Replan, replan_result
from staffplan.roster.need import Pools, presence_matrix, requirement_pools, text_column
from staffplan.tables.breaks import break_offsets


def replan_surge(
    baseline: pd.DataFrame,
    requirements: pd.DataFrame,
    config: Config,
    *,
    allow_moves: bool = False,
    kinds: Collection[str] | None = None,
    not_before: pd.Timestamp | None = None,
    opened: Mapping[str, pd.DatetimeIndex] | None = None,
) -> Replan:
    """Cover ``requirements`` (``queue, interval_start, agents`` and, for service levels,
    ``offered`` or ``volume`` and optionally ``aht_s``) on top of ``baseline`` (a shifts
    table, optionally with ``agent``, ``queue`` and ``template``) at least cost.

    Needs the ``shifts:`` section (penalty, rules, template costs); ``team:`` adds on-call
    agents, named agents for extra shifts and the surge options (defaults otherwise).
    ``kinds`` limits the changes to those option kinds (``overtime_before``,
    ``overtime_after``, ``extra_shift``, ``on_call``, ``move``; a surge tier's measures)
    and ``not_before`` to changes starting then or later (a re-plan made now; a shift
    that started before it does not move). ``opened``: backlog queue → the interval
    starts a surge tier opened out of hours (:mod:`staffplan.replan.opening`); an extra
    shift of a block serving such a queue that covers one of them is allowed even when
    ``kinds`` leaves extra shifts out.
    """
    config.require("shifts")
    if requirements.empty:
        raise InputError("the surge requirements have no rows; nothing to re-plan")
    pools = requirement_pools(requirements, config)
    base = _prepared(baseline, pools)
    team = config.team
    surge = team.surge if team is not None else SurgeConfig()
    present = _presence(base, pools)
    gap = {p: np.maximum(pools.required[p] - present[p], 0.0) for p in present}
    candidates = candidate_options(base, pools, gap, config, team, surge, allow_moves)
    candidates = [
        o for o in candidates if kinds is None or o.kind in kinds or _opens(o, opened or {})
    ]
    if not_before is not None:
        candidates = [o for o in candidates if _starts_after(o, base, not_before)]
    options, adds = useful_options(candidates, base, pools, gap)
    model = ReplanModel(options, adds, base, pools, present, config, team)
    counts = model.solve()
    return replan_result(base, options, adds, counts, pools, present, requirements, config, team)


def _opens(option: Option, opened: Mapping[str, pd.DatetimeIndex]) -> bool:
    """Whether ``option`` is an extra shift covering some hours ``opened`` for its block."""
    if option.kind != "extra_shift":
        return False
    return any(
        ((starts >= option.start) & (starts < option.end)).any()
        for queue, starts in opened.items()
        if queue in option.pool.split(POOLED_SEPARATOR)
    )


def _starts_after(option: Option, base: pd.DataFrame, when: pd.Timestamp) -> bool:
    """Whether ``option`` starts at ``when`` or later (a move: the shift as published too)."""
    if option.kind == "move" and base.at[option.base, "start"] < when:
        return False
    return option.start >= when


def _prepared(baseline: pd.DataFrame, pools: Pools) -> pd.DataFrame:
    """The baseline with text columns filled, ``break_offsets_min`` for every row (its own,
    else from its clock ``breaks``) and ``pool``: the block each shift serves (its
    ``queue``; a blank queue serves the only block there is)."""
    base = baseline.reset_index(drop=True).copy()
    for column in ("agent", "queue", "breaks", "template"):
        base[column] = text_column(base, column)
    base["break_offsets_min"] = break_offsets(base)
    labels = list(pools.required)
    base["pool"] = base["queue"].where(base["queue"] != "", labels[0] if len(labels) == 1 else "")
    unknown = sorted(set(base["pool"]) - set(labels))
    if unknown:
        what = "a blank queue" if unknown[0] == "" else f"queue {unknown[0]!r}"
        raise InputError(
            f"baseline: {what} matches none of the requirements' queues ({', '.join(labels)}); "
            "give every shift the queue it serves"
        )
    return base


def _presence(base: pd.DataFrame, pools: Pools) -> dict[str, np.ndarray]:
    matrix = presence_matrix(
        list(base["start"]),
        list(base["end"]),
        list(base["breaks"]),
        pools.grid,
        list(base["break_offsets_min"]),
    )
    return {
        label: matrix @ (base["pool"] == label).to_numpy(dtype=float) for label in pools.required
    }
