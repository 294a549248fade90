"""The short Python API: one function per stage, each taking tables or file paths.

Every function takes the config as a :class:`~staffplan.config.Config` or a YAML path, and
its input tables as DataFrames or CSV paths (read and checked with :mod:`staffplan.tables`),
and returns the stage's result in memory; nothing is written or printed. The CLI commands
are these functions plus rendering::

    import staffplan
    config = staffplan.load_config("configs/example.yaml")
    run = staffplan.forecast(config, start="2020-05-11", horizon_days=7)
    requirements = staffplan.size(run.forecast, config)
    schedule = staffplan.schedule(requirements, config)
    band = staffplan.simulate(requirements, schedule.coverage, config, replications=100)

Where the work runs is one pair of keywords on the stages that split it (``forecast``,
``backtest``, ``schedule``, ``simulate``, ``scenarios``, ``plan``): ``engine="local"``
(the default, this process), ``"processes"`` or ``"dask"``, and ``scheduler=`` the
address of a Dask scheduler (see :mod:`staffplan.engine`). The results are the same.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from staffplan.config import Config, load_config
from staffplan.config.forecast import ForecastConfig
from staffplan.deflection import DeflectionResult, project_deflection
from staffplan.demand_checks import RowName, check_queues, file_rows
from staffplan.engine import Progress, open_workers
from staffplan.errors import InputError
from staffplan.finance.scenarios import ScenarioResult, scenarios_from_history
from staffplan.forecast import ForecastRun, parse_scenario, run_backtest, run_forecast
from staffplan.forecast.parts import (
    HistoryReader,
    backtest_history_parts,
    forecast_history_parts,
)
from staffplan.jobs.plan import PlanResult, run_plan
from staffplan.jobs.reforecast import ReforecastResult, run_reforecast
from staffplan.peaks import PeakTables, peak_tables
from staffplan.replan import replan_surge
from staffplan.replan.result import Replan
from staffplan.schedule import Schedule, build_schedule
from staffplan.simulate import SimulationResult, simulate_schedule
from staffplan.staffing import size_requirements
from staffplan.tables import read_coverage, read_demand, read_requirements
from staffplan.tables.actuals import parse_as_of, read_actuals
from staffplan.tables.calendar import load_calendar
from staffplan.tables.folders import is_folder
from staffplan.tables.inputs import (
    history_folder,
    load_every_queue_history,
    load_history,
    load_market,
)
from staffplan.tables.parse import InMemory
from staffplan.tables.shifts import read_baseline

ConfigLike = Config | str | Path
TableLike = pd.DataFrame | str | Path

__all__ = [
    "backtest",
    "deflect",
    "forecast",
    "load_config",
    "peaks",
    "plan",
    "reforecast",
    "replan",
    "scenarios",
    "schedule",
    "simulate",
    "size",
]


def _config(config: ConfigLike) -> Config:
    """``config`` loaded; anything but a :class:`Config` or a path is an
    :class:`InputError` saying what it must be (a swapped argument, say)."""
    if isinstance(config, Config):
        return config
    if isinstance(config, str | Path):
        return load_config(config)
    raise InputError(
        f"must be a Config (staffplan.load_config) or the path of a YAML config, not "
        f"{_kind(config)}",
        parameter="config",
    )


def _source(argument: str, table: TableLike | None) -> str | Path | None:
    """``table`` as the readers take it: a path (or None) as given, a DataFrame as an
    :class:`InMemory` table named ``argument``, so both pass the same checks (the
    columns and every cell, named by row); anything else is an :class:`InputError`."""
    if isinstance(table, pd.DataFrame):
        return InMemory(argument, table)
    if table is None or isinstance(table, str | Path):
        return table
    raise InputError(
        f"must be a DataFrame or the path of a CSV file, not {_kind(table)}", parameter=argument
    )


def _kind(value: object) -> str:
    """What ``value`` is, for a message: ``None`` or its type's name (``a list``)."""
    if value is None:
        return "None"
    name = type(value).__name__
    return f"{'an' if name[0] in 'aeiouAEIOU' else 'a'} {name}"


def _history(config: Config, history: TableLike | None, fill_gaps: str | None) -> pd.DataFrame:
    return load_history(config, _source("history", history), fill_gaps)


def _market(config: Config, market: TableLike | None) -> pd.DataFrame | None:
    return load_market(config, _source("market", market))


def _scenario(value: str | float | None) -> str | float | None:
    return parse_scenario(value) if isinstance(value, str) else value


def _demand(config: Config, demand: TableLike, scenario: str | None = None) -> pd.DataFrame:
    """``demand`` read (its ``scenario`` columns for a file), every queue in ``config``:
    an unknown one is named by its row of the file."""
    source = _source("demand", demand)
    rows = read_demand(source, config.zone, config.interval_min, scenario=scenario)
    check_queues(rows["queue"], config, _row_name(demand))
    return rows


def forecast(
    config: ConfigLike,
    *,
    history: TableLike | None = None,
    market: TableLike | None = None,
    start: pd.Timestamp | str | None = None,
    horizon_days: int = 14,
    volatility_scenario: str | float | None = None,
    fill_gaps: str | None = None,
    engine: str | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> ForecastRun:
    """Forecast contacts per queue × interval (``horizon_days`` local days from ``start``,
    default the midnight after the history) from the config's history and market, or the
    ones given. ``volatility_scenario``: calm|typical|stressed|crash or a daily volatility.
    A ``start`` inside the history is a :class:`~staffplan.errors.InputError` (use
    :func:`backtest`); one long after it is listed in the run's ``warnings``.
    ``engine``/``scheduler``: where the queues are fitted (see :func:`open_workers`). A
    ``history`` folder (CSV files, or Parquet partitioned by queue) is read part by part
    by those tasks (:mod:`staffplan.forecast.parts`)."""
    cfg = _config(config)
    calendar = load_calendar(cfg)  # before the history: a cheap mistake fails fast
    folder = history_folder(cfg, _source("history", history))
    with open_workers(engine, scheduler) as workers:
        options = {
            "market": _market(cfg, market),
            "settings": cfg.forecast or ForecastConfig(),
            "scenario": _scenario(volatility_scenario),
            "calendar": calendar,
            "workers": workers,
            "progress": progress,
        }
        if folder is not None:  # each part read by the task that fits its queues
            path, queues = folder
            reader = HistoryReader(cfg.zone, cfg.interval_min, fill_gaps, queues)
            return forecast_history_parts(path, reader, start, horizon_days, **options)
        return run_forecast(_history(cfg, history, fill_gaps), start, horizon_days, **options)


def backtest(
    config: ConfigLike,
    *,
    history: TableLike | None = None,
    market: TableLike | None = None,
    origins: int = 4,
    horizon_days: int = 7,
    train_weeks: int = 16,
    realised_market: bool = False,
    fill_gaps: str | None = None,
    engine: str | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Rolling-origin accuracy of the configured model against the baselines, one row per
    model (MASE, WAPE, interval coverage, seconds per origin); each queue × origin is one
    task on ``engine`` (see :func:`open_workers`); from a ``history`` folder, each part
    with every origin is one task that reads it (:mod:`staffplan.forecast.parts`)."""
    cfg = _config(config)
    calendar = load_calendar(cfg)
    folder = history_folder(cfg, _source("history", history))
    with open_workers(engine, scheduler) as workers:
        options = {
            "origins": origins,
            "horizon_days": horizon_days,
            "train_weeks": train_weeks,
            "market": _market(cfg, market),
            "realised_market": realised_market,
            "settings": cfg.forecast,
            "workers": workers,
            "progress": progress,
        }
        if folder is not None:  # each part read by the task that scores its queues
            path, queues = folder
            reader = HistoryReader(cfg.zone, cfg.interval_min, fill_gaps, queues)
            return backtest_history_parts(path, reader, calendar=calendar, **options)
        return run_backtest(_history(cfg, history, fill_gaps), calendar=calendar, **options)


def deflect(demand: TableLike, config: ConfigLike) -> DeflectionResult:
    """The demand table with ``deflected, offered, aht_s`` and the saving per reason."""
    cfg = _config(config)
    return project_deflection(_demand(cfg, demand), cfg)


def size(demand: TableLike, config: ConfigLike) -> pd.DataFrame:
    """The requirements table: every queue × interval of ``demand`` sized in one pass."""
    cfg = _config(config)
    return size_requirements(_demand(cfg, demand), cfg, row_name=_row_name(demand))


def _row_name(demand: TableLike) -> RowName:
    """How a message names a row of ``demand``: as the readers do (in memory as
    ``demand`` by position, in a file by its spreadsheet row), in a folder by the folder
    (its parts are stacked, and the message names the queue, whose rows are all in one
    part)."""
    if not isinstance(demand, pd.DataFrame) and is_folder(demand):
        return lambda _: str(demand)
    return file_rows(_source("demand", demand))


def schedule(
    requirements: TableLike,
    config: ConfigLike,
    *,
    time_limit_s: float | None = None,
    allow_moves: bool = False,
    engine: str | None = None,
    scheduler: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Schedule:
    """Cost-minimal shifts with breaks covering the ``agents`` column of ``requirements``
    (``allow_moves`` belongs to :func:`replan` and is refused here, naming it); each
    queue, or the pool, is one task on ``engine`` (see :func:`open_workers`);
    ``progress(line)`` hears the incumbent and its gap as the solver improves it."""
    cfg = _config(config)
    requirements = read_requirements(
        _source("requirements", requirements), cfg.zone, cfg.interval_min
    )
    with open_workers(engine, scheduler) as workers:
        return build_schedule(
            requirements,
            cfg,
            time_limit_s=time_limit_s,
            allow_moves=allow_moves,
            workers=workers,
            progress=progress,
        )


def replan(
    baseline: TableLike,
    requirements: TableLike,
    config: ConfigLike,
    *,
    allow_moves: bool = False,
) -> Replan:
    """The cheapest changes (overtime, extra shifts, on-call) to a published schedule
    ``baseline`` that cover new ``requirements`` (a surge)."""
    cfg = _config(config)
    baseline = read_baseline(_source("baseline", baseline), cfg.zone)
    requirements = read_requirements(
        _source("requirements", requirements), cfg.zone, cfg.interval_min
    )
    return replan_surge(baseline, requirements, cfg, allow_moves=allow_moves)


def reforecast(
    config: ConfigLike,
    *,
    forecast: TableLike,
    actuals: TableLike,
    as_of: pd.Timestamp | str,
    market: TableLike | None = None,
    baseline: TableLike | None = None,
) -> ReforecastResult:
    """Update a published ``forecast`` (rest of the day, rest of the week) from the
    ``actuals`` before ``as_of``, without refitting; pick the ``surge_plans:`` tier from
    the market (``market``, default the config's prices; bars after ``as_of`` unused) and
    the contacts so far; with ``baseline`` (the published shifts or roster) also re-plan
    the rest of today with what that tier allows. With prices and the queues' history
    in the config, a market move since the forecast's origin enters through the fitted
    volatility effect."""
    cfg = _config(config)
    forecast, actuals = _source("forecast", forecast), _source("actuals", actuals)
    sources = (str(forecast), str(actuals))
    forecast = read_demand(forecast, cfg.zone, cfg.interval_min)
    actuals = read_actuals(actuals, cfg.zone, cfg.interval_min)
    baseline = _source("baseline", baseline)
    if baseline is not None:
        baseline = read_baseline(baseline, cfg.zone)
    prices = _market(cfg, market)
    history = None
    if prices is not None and any(q.history is not None for q in cfg.queues):
        history = load_history(cfg)
    return run_reforecast(
        cfg,
        forecast,
        actuals,
        parse_as_of(as_of, cfg.zone, cfg.interval_min),
        market=prices,
        history=history,
        baseline=baseline,
        sources=sources,
    )


def simulate(
    demand: TableLike,
    coverage: TableLike,
    config: ConfigLike,
    *,
    replications: int = 200,
    seed: int = 7,
    jobs: int | None = None,
    scenario: str | None = None,
    engine: str | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> SimulationResult:
    """Replay a schedule (``coverage``: a table, a coverage CSV or a schedule/plan folder)
    against ``demand`` (forecast or requirements: its ``offered`` and ``aht_s`` are used).
    Batches of a queue's replications are tasks on ``engine`` (see :func:`open_workers`;
    ``jobs`` > 1 alone means that many processes); the result does not depend on it."""
    cfg = _config(config)
    demand = _demand(cfg, demand, scenario)
    coverage = read_coverage(_source("coverage", coverage), cfg.zone, cfg.interval_min)
    with open_workers(engine, scheduler, jobs=jobs) as workers:
        return simulate_schedule(
            demand,
            coverage,
            cfg,
            replications=replications,
            seed=seed,
            workers=workers,
            progress=progress,
        )


def scenarios(
    config: ConfigLike,
    *,
    history: TableLike | None = None,
    engine: str | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> ScenarioResult:
    """Finance: monthly required vs available FTE, hires and cost per configured scenario,
    from the typical week of ``history`` (default: the queues' history files); each case
    and case × sensitivity driver is one task on ``engine`` (see :func:`open_workers`)."""
    cfg = _config(config)
    history = load_every_queue_history(cfg, _source("history", history))
    with open_workers(engine, scheduler) as workers:
        return scenarios_from_history(history, cfg, workers=workers, progress=progress)


def plan(
    config: ConfigLike,
    *,
    start: pd.Timestamp | str | None = None,
    horizon_days: int = 7,
    volatility_scenario: str | float | None = None,
    time_limit_s: float | None = None,
    simulate_replications: int | None = None,
    seed: int = 7,
    engine: str | None = None,
    scheduler: str | None = None,
) -> PlanResult:
    """The main job in memory: forecast → deflection → staff → schedule (→ simulate
    ``simulate_replications`` runs when given) from the config's history and market
    (``staffplan plan`` also writes the folder); the stages' tasks run on ``engine`` (see
    :func:`open_workers`)."""
    cfg = _config(config)
    with open_workers(engine, scheduler) as workers:
        return run_plan(
            cfg,
            load_history(cfg),
            load_market(cfg),
            calendar=load_calendar(cfg),
            start=start,
            horizon_days=horizon_days,
            scenario=_scenario(volatility_scenario),
            time_limit_s=time_limit_s,
            simulate_replications=simulate_replications,
            seed=seed,
            workers=workers,
        )


def peaks(
    config: ConfigLike,
    *,
    history: TableLike | None = None,
    market: TableLike | None = None,
    weeks: int | None = None,
    top: int = 10,
    fill_gaps: str | None = None,
) -> PeakTables:
    """Where the last ``weeks`` weeks of history peaked (default: all of it): the hour ×
    weekday heat map, each queue's ``top`` surge days with the market's volatility, and
    the fitted volatility effect per doubling with its 95 % interval."""
    cfg = _config(config)
    return peak_tables(
        _history(cfg, history, fill_gaps),
        _market(cfg, market),
        cfg.forecast,
        weeks=weeks,
        top=top,
    )
