"""The storm desk's job: actuals so far → re-forecast → (with the published shifts) the
changes to make now for the rest of today.

:func:`run_reforecast` works in memory (nothing read, nothing printed):

1. the published forecast is updated from the actuals before ``as_of`` (rest of the day
   and of the week, see :mod:`staffplan.forecast.reforecast`); with market prices and the
   history the forecast was fitted on, the volatility known at ``as_of`` enters first
   through the fitted effect (:mod:`staffplan.forecast.market_shift`);
2. the ``surge_plans:`` tier is chosen from the market at ``as_of`` and the contacts so
   far (:mod:`staffplan.replan.tiers`);
3. with a ``baseline`` (the published shifts or roster), the rest of today is sized
   (deflection first when configured) and re-planned with only the changes the tier
   allows, none starting before ``as_of`` (a shift moves only if it has not started);
   a tier with ``open_backlog_hours`` sizes the backlog queues around the clock and lets
   the re-plan staff their closed hours (:mod:`staffplan.replan.opening`).

Without ``surge_plans:`` every change ``team.surge`` offers may be used, in the backlog
queues' opening hours only; with tiers and none fired, nothing changes.
"""

from __future__ import annotations

import dataclasses
import math

import pandas as pd

from staffplan.config import Config
from staffplan.config.forecast import ForecastConfig
from staffplan.deflection import project_deflection
from staffplan.forecast.market_shift import (
    prices_known_by,
    published_scenario,
    volatility_shift,
)
from staffplan.forecast.model import StaffplanForecaster
from staffplan.forecast.reforecast import reforecast
from staffplan.forecast.run import build_model
from staffplan.replan import replan_files, replan_surge
from staffplan.replan.opening import open_backlog_hours
from staffplan.replan.result import Replan
from staffplan.replan.tiers import (
    MEASURE_KINDS,
    OPEN_BACKLOG_HOURS,
    TierChoice,
    market_signals,
    select_tier,
)
from staffplan.staffing import size_requirements
from staffplan.tables import as_written, to_csv_text, to_json_text
from staffplan.tables.actuals import check_actuals, ignored_actuals_warning
from staffplan.tables.calendar import load_calendar

# What a re-plan may use without surge_plans: (every team.surge change but moves, in
# opening hours).
_WITHOUT_TIERS = ("overtime", "extra_shifts", "on_call")
UPDATE_COLUMNS = ["queue", "week_factor", "week_weight", "day_factor", "day_weight", "today_ratio"]


@dataclasses.dataclass(frozen=True)
class ReforecastResult:
    """The re-forecast, what moved it per queue, the surge tier and, with a baseline, the
    rest of today's requirements and re-plan."""

    as_of: pd.Timestamp
    forecast: pd.DataFrame
    updates: pd.DataFrame  # UPDATE_COLUMNS
    tier: TierChoice
    requirements: pd.DataFrame | None = None
    replan: Replan | None = None
    measures: tuple[str, ...] = ()  # the surge measures the re-plan could use
    # backlog queue → the [start, end) hours the tier opened (ISO timestamps)
    opened: dict[str, list[list[str]]] = dataclasses.field(default_factory=dict)
    warnings: tuple[str, ...] = ()  # for the user: e.g. actuals the update ignored


def run_reforecast(
    config: Config,
    forecast: pd.DataFrame,
    actuals: pd.DataFrame,
    as_of: pd.Timestamp,
    *,
    market: pd.DataFrame | None = None,
    history: pd.DataFrame | None = None,
    baseline: pd.DataFrame | None = None,
    sources: tuple[str, str] = ("forecast", "actuals"),
) -> ReforecastResult:
    """Re-forecast ``forecast`` from ``actuals`` (intervals before ``as_of``) and, with a
    ``baseline``, re-plan the rest of today (see the module doc). ``market`` prices after
    ``as_of`` are ignored; ``history`` (the one the forecast was fitted on) lets the
    market move the forecast through the fitted effect. ``sources`` name the forecast
    and actuals files in messages; actuals that are no interval of the forecast are
    ignored, and counted in the result's ``warnings``."""
    check_actuals(actuals, forecast, as_of, forecast_source=sources[0], actuals_source=sources[1])
    ignored = ignored_actuals_warning(actuals, forecast, actuals_source=sources[1])
    settings = config.forecast or ForecastConfig()
    known = None if market is None else prices_known_by(market, as_of)
    multiplier = None
    if known is not None and history is not None:
        multiplier = _market_multiplier(
            forecast, history, market, as_of, settings, load_calendar(config)
        )
    updated, updates = reforecast(forecast, actuals, as_of, multiplier=multiplier)
    signals = {
        "actual_over_forecast": _today_ratio(forecast, actuals, as_of),
        **market_signals(known, as_of, settings.volatility_window_h, settings.shock_window_h),
    }
    tier = select_tier(config.surge_plans, signals)
    table = pd.DataFrame([dataclasses.asdict(u) for u in updates], columns=UPDATE_COLUMNS)
    warnings = () if ignored is None else (ignored,)
    result = ReforecastResult(as_of, updated, table, tier, warnings=warnings)
    if baseline is None:
        return result
    return _replanned(result, config, baseline)


def _market_multiplier(
    forecast: pd.DataFrame,
    history: pd.DataFrame,
    market: pd.DataFrame,
    as_of: pd.Timestamp,
    settings: ForecastConfig,
    calendar: pd.DataFrame | None,
) -> dict[str, pd.Series] | None:
    """The volatility effect, refitted on the history before the forecast's origin (the
    same fit the forecast had, with the config's ``calendar``), at the market known now
    over the path the forecast assumed; None for a forecast made without the market
    (``volatility_path`` none)."""
    model = build_model(settings, calendar=calendar)
    origin = forecast["interval_start"].min()
    before = history[history["interval_start"] < origin]
    labels = forecast.get("volatility_path", pd.Series(["decay"]))
    if not isinstance(model, StaffplanForecaster) or before.empty or (labels == "none").any():
        return None
    model.fit(before, prices_known_by(market, origin))
    times = pd.DatetimeIndex(forecast["interval_start"].drop_duplicates().sort_values())
    scenario = published_scenario(labels)
    return volatility_shift(model, times, market, origin, as_of, scenario)


def _today_ratio(forecast: pd.DataFrame, actuals: pd.DataFrame, as_of: pd.Timestamp) -> float:
    """The largest actual ÷ forecast over today's intervals before ``as_of``, by queue."""
    midnight = as_of.normalize()
    seen = actuals[actuals["interval_start"] >= midnight]
    rows = forecast.merge(
        seen[["queue", "interval_start", "volume"]], on=["queue", "interval_start"]
    )
    totals = rows.groupby("queue")[["volume_x", "volume_y"]].sum()
    totals = totals[totals["volume_x"] > 0]
    if totals.empty:
        return math.nan
    return float((totals["volume_y"] / totals["volume_x"]).max())


def _replanned(
    result: ReforecastResult, config: Config, baseline: pd.DataFrame
) -> ReforecastResult:
    tier = result.tier
    end = (result.as_of + pd.Timedelta(days=1)).normalize()
    times = result.forecast["interval_start"]
    demand = result.forecast[(times >= result.as_of) & (times < end)].reset_index(drop=True)
    if config.deflection is not None:
        demand = as_written(project_deflection(demand, config).intervals)
    opened = open_backlog_hours(config, demand) if tier.opens_backlog_hours else None
    sizing = config if opened is None else opened.config
    requirements = as_written(size_requirements(demand, sizing))
    kinds = None if not config.surge_plans else tier.kinds
    moves = kinds is not None and "move" in kinds
    plan = replan_surge(
        baseline,
        requirements,
        sizing,
        allow_moves=moves,
        kinds=kinds,
        not_before=result.as_of,
        opened=None if opened is None else opened.starts,
    )
    spans = {} if opened is None else opened.spans(config.interval_min)
    measures = tier.measures if config.surge_plans else _WITHOUT_TIERS
    return dataclasses.replace(
        result, requirements=requirements, replan=plan, measures=measures, opened=spans
    )


def measures_used(result: ReforecastResult) -> list[str]:
    """The surge measures the re-plan's changes used, in the order of
    :data:`MEASURE_KINDS` (``open_backlog_hours`` when it opened any hours; an extra
    shift counts as ``extra_shifts`` only when the tier allows those)."""
    if result.replan is None:
        return []
    made = set(result.replan.changes["kind"])
    return [
        measure
        for measure, kinds in MEASURE_KINDS.items()
        if measure in result.measures
        and ((made & set(kinds)) or (measure == OPEN_BACKLOG_HOURS and result.opened))
    ]


def reforecast_files(result: ReforecastResult) -> dict[str, str]:
    """File name → text of a re-plan folder: ``reforecast.csv``, ``requirements.csv`` (the
    rest of today), the re-plan's ``changes.csv``, ``shifts.csv``, ``coverage.csv`` and
    ``summary.json`` with the surge tier, why it fired, the measures it allows and those
    used, the backlog hours it opened and what moved each queue."""
    if result.replan is None or result.requirements is None:
        raise ValueError("reforecast_files needs a re-plan: run_reforecast with a baseline")
    files = replan_files(result.replan)
    summary = {
        "as_of": result.as_of.isoformat(),
        "surge_tier": result.tier.name,
        "why": result.tier.describe(),
        "signals": result.tier.signals,
        "measures_allowed": list(result.measures),
        "measures_used": measures_used(result),
        "backlog_hours_opened": result.opened,
        **result.replan.summary,
        "queues": result.updates.to_dict(orient="records"),
    }
    return {
        "reforecast.csv": to_csv_text(result.forecast),
        "requirements.csv": to_csv_text(result.requirements),
        **files,
        "summary.json": to_json_text(summary),
    }
