"""The main job: forecast → deflection → staff → schedule (→ simulate), one folder.

:func:`run_plan` computes every table from in-memory inputs (no files read, nothing
printed); :func:`plan_headlines` and :func:`daily_summary` condense it for the terminal
and the report; :func:`plan_files` renders the folder's files; :func:`plan_job` is the
whole job: read the config's inputs, run, publish the folder (locked, atomic, manifest).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from staffplan.charts import figure_png
from staffplan.deflection import DeflectionResult, project_deflection
from staffplan.engine import IN_PROCESS, Workers, open_workers
from staffplan.forecast import ForecastRun, run_forecast
from staffplan.forecast.plot import FORECAST_PNG_DPI
from staffplan.forecast.run import history_span
from staffplan.jobs.backlog_report import backlog_section
from staffplan.jobs.publish import (
    Warn,
    check_output_folder,
    check_wait_lock,
    config_inputs,
    manifest,
    output_lock,
    publish,
)
from staffplan.milp import check_time_limit
from staffplan.schedule import Schedule, build_schedule
from staffplan.simulate import SimulationResult, simulate_schedule
from staffplan.simulate.run import check_replications
from staffplan.staffing import size_requirements
from staffplan.tables import as_written, to_csv_text
from staffplan.tables.calendar import load_calendar
from staffplan.tables.dates import parse_start
from staffplan.tables.inputs import load_history, load_market

if TYPE_CHECKING:
    from staffplan.config import Config

FTE_DAY_HOURS = 8.0  # one FTE-day in the summaries: eight paid hours
Stage = Callable[[str], None]


@dataclasses.dataclass(frozen=True)
class PlanResult:
    """Every stage's output for one planning horizon."""

    start: pd.Timestamp
    interval_min: int
    forecast_run: ForecastRun
    deflection: DeflectionResult | None
    requirements: pd.DataFrame
    schedule: Schedule
    simulation: SimulationResult | None = None
    config: Config | None = None

    @property
    def forecast(self) -> pd.DataFrame:
        """The forecast table (design.md columns plus ``peak``)."""
        return self.forecast_run.forecast


def default_start(history: pd.DataFrame) -> pd.Timestamp:
    """The first Monday 00:00 (planning-zone clock) after the history ends."""
    last = history["interval_start"].max()
    day = (last + pd.Timedelta(days=1)).normalize()
    return day + pd.Timedelta(days=(7 - day.weekday()) % 7)


def run_plan(
    config: Config,
    history: pd.DataFrame,
    market: pd.DataFrame | None = None,
    *,
    start: pd.Timestamp | str | None = None,
    horizon_days: int = 7,
    scenario: str | float | None = None,
    time_limit_s: float | None = None,
    simulate_replications: int | None = None,
    seed: int = 7,
    stage: Stage = lambda name: None,
    workers: Workers = IN_PROCESS,
    calendar: pd.DataFrame | None = None,
    solver_progress: Callable[[str], None] | None = None,
) -> PlanResult:
    """Run the pipeline for ``horizon_days`` from ``start`` (default: :func:`default_start`).

    One demand table grows through the stages (forecast → deflection → staff), each
    stage getting its predecessor's table exactly as written to the folder, so every stage
    can be re-run alone on the plan's files with the same result. Deflection runs when
    the config has a ``deflection:`` section; the simulation (of the requirements table
    against the schedule's coverage) when ``simulate_replications`` is a number of runs
    (checked before any work, as is ``time_limit_s``). The forecast applies the known
    events of ``calendar`` (see :mod:`staffplan.tables.calendar`). ``stage(name)`` is
    called as each stage begins (the CLI shows progress with it), ``solver_progress(line)``
    as the shift solver improves its schedule (incumbent and gap). The forecast, the
    schedule and the simulation split their work into tasks on ``workers``
    (:mod:`staffplan.engine`); the plan does not depend on where they ran.
    """
    config.require("shifts")
    check_time_limit(time_limit_s)
    if simulate_replications is not None:
        check_replications(simulate_replications)
    if start is None:
        start = default_start(history)
    else:
        start = parse_start(start, config.zone, config.interval_min)
    stage("forecast")
    forecast_run = run_forecast(
        history,
        start,
        horizon_days,
        market=market,
        settings=config.forecast,
        scenario=scenario,
        calendar=calendar,
        workers=workers,
    )
    forecast_run = dataclasses.replace(forecast_run, forecast=as_written(forecast_run.forecast))
    deflection = None
    demand = forecast_run.forecast
    if config.deflection is not None:
        stage("deflection")
        deflection = project_deflection(demand, config)
        demand = as_written(deflection.intervals)
    stage("staff")
    requirements = as_written(size_requirements(demand, config))
    stage("schedule")
    schedule = build_schedule(
        requirements,
        config,
        time_limit_s=time_limit_s,
        workers=workers,
        progress=solver_progress,
    )
    simulation = None
    if simulate_replications is not None:
        stage("simulate")
        simulation = simulate_schedule(
            requirements,
            as_written(schedule.coverage),
            config,
            replications=simulate_replications,
            seed=seed,
            workers=workers,
        )
    return PlanResult(
        start,
        config.interval_min,
        forecast_run,
        deflection,
        requirements,
        schedule,
        simulation,
        config,
    )


def daily_summary(result: PlanResult) -> pd.DataFrame:
    """Per planning-zone day: contacts, deflected, agent-hours and FTE needed, scheduled
    paid hours and the projected service level (weighted by contacts offered).

    ``fte_needed`` = required FTE-hours (agents after shrinkage × interval hours) / 8 h.
    """
    req = result.requirements
    hours = result.interval_min / 60.0
    day = req["interval_start"].dt.strftime("%Y-%m-%d")
    coverage = result.schedule.coverage
    scheduled_sl = _projected_service_level(req, coverage)
    table = pd.DataFrame(
        {
            "day": day,
            "contacts": req["volume"],
            "deflected": req["deflected"],
            "agent_hours_needed": req["agents"] * hours,
            "fte_needed": req["required_fte"] * hours / FTE_DAY_HOURS,
            "_sl_weight": scheduled_sl.fillna(0.0) * req["offered"],
            "_offered": req["offered"].where(scheduled_sl.notna(), 0.0),
        }
    )
    daily = table.groupby("day", sort=True).sum(numeric_only=True)
    shifts = result.schedule.shifts
    paid = shifts.groupby(shifts["start"].dt.strftime("%Y-%m-%d"))["paid_hours"].sum()
    daily["scheduled_paid_hours"] = paid.reindex(daily.index).fillna(0.0)
    daily.insert(0, "weekday", pd.to_datetime(daily.index).strftime("%a"))
    daily["projected_service_level"] = daily["_sl_weight"] / daily["_offered"].where(
        daily["_offered"] > 0
    )
    return daily.drop(columns=["_sl_weight", "_offered"]).reset_index()


def plan_headlines(result: PlanResult) -> dict[str, str]:
    """The report's headline numbers, formatted for people (see :func:`daily_summary`)."""
    req = result.requirements
    peak = req.loc[req["volume"].idxmax()]
    daily = daily_summary(result)
    sl = _projected_service_level(req, result.schedule.coverage)
    weighted_sl = _weighted_mean(sl, req["offered"])
    summary = result.schedule.summary()
    headlines = {
        "Peak interval": (
            f"{peak['queue']} {peak['interval_start'].strftime('%a %d %b %H:%M')} "
            f"({peak['volume']:,.0f} contacts)"
        ),
        "Peak agents on queue": f"{_peak_agents(req):,.0f}",
        "FTE needed per day (mean)": f"{daily['fte_needed'].mean():,.1f}",
        "Projected service level": f"{weighted_sl:.1%}",
        "Scheduled paid hours": f"{result.schedule.paid_hours:,.1f}",
        "Gap to LP bound": f"{result.schedule.gap:.2%}",
        "Gap to proven bound": f"{result.schedule.proven_gap:.2%}",
        "Uncovered agent-hours": f"{summary['uncovered_agent_hours']:,.1f}",
        "Shift solver": (
            "hit its time limit (safety net): raise --time-limit"  # a re-run may differ
            if result.schedule.timed_out
            else "stopped on its counted limits"
        ),
    }
    if result.deflection is not None:
        total = result.deflection.summary.iloc[-1]
        headlines["Deflection saving (FTE)"] = f"{total['fte_saved']:,.1f}"
    if result.simulation is not None:
        sim = result.simulation.intervals
        headlines["Simulated service level (mean)"] = f"{_simulated_mean(sim):.1%}"
    headlines.update(backlog_section(result).headlines)
    return headlines


def _peak_agents(req: pd.DataFrame) -> float:
    return float(req.groupby("interval_start")["agents"].sum().max())


def _simulated_mean(sim: pd.DataFrame) -> float:
    return _weighted_mean(sim["service_level"], sim["volume"])


def _projected_service_level(req: pd.DataFrame, coverage: pd.DataFrame) -> pd.Series:
    """Per requirements row, the service level the scheduled agents give (NaN if unknown)."""
    joined = req[["queue", "interval_start"]].merge(
        coverage[["queue", "interval_start", "service_level"]],
        on=["queue", "interval_start"],
        how="left",
    )
    return joined["service_level"].astype(float).set_axis(req.index)


def _weighted_mean(values: pd.Series, weights: pd.Series) -> float:
    """Mean of ``values`` weighted by ``weights``, over rows where the value is known."""
    known = values.notna().to_numpy() & (weights.to_numpy() > 0)
    total = float(weights.to_numpy()[known].sum())
    return (
        float((values.to_numpy()[known] * weights.to_numpy()[known]).sum() / total)
        if total
        else float("nan")
    )


def plan_files(
    result: PlanResult, config: Config, time_limit_s: float | None = None
) -> dict[str, str | bytes]:
    """File name → content of the plan folder: the tables, the charts and the report
    (``manifest.json`` is added by :func:`staffplan.jobs.publish.publish`). ``config``
    and ``time_limit_s`` (None: the config's) are what the plan was made with; the
    report states them."""
    # The report's sections read this module's summaries: imported here, not at the top.
    from staffplan.jobs.plan_report import PlanReport, plan_report

    tables = {
        "forecast.csv": result.forecast,
        "requirements.csv": result.requirements,
        "shifts.csv": result.schedule.shifts,
        "coverage.csv": result.schedule.coverage,
        "daily.csv": daily_summary(result),
    }
    if result.deflection is not None:
        tables["deflection.csv"] = result.deflection.intervals
        tables["deflection_summary.csv"] = result.deflection.summary
    if result.simulation is not None:
        tables["simulation.csv"] = result.simulation.intervals
        tables["simulation_daily.csv"] = result.simulation.daily
    limit = config.require("shifts").time_limit_s if time_limit_s is None else time_limit_s
    report = PlanReport(result, config, limit)  # its charts are these PNGs, drawn once
    images = {
        "forecast.png": figure_png(report.figure("forecast"), dpi=FORECAST_PNG_DPI),
        "coverage.png": figure_png(report.figure("coverage")),
    }
    if result.simulation is not None:
        images["simulation.png"] = figure_png(report.figure("simulation"))
    backlog = backlog_section(result)
    if backlog.queues:
        tables["backlog_daily.csv"] = backlog.daily
        images["backlog.png"] = figure_png(report.figure("backlog"))
    return {
        **{name: to_csv_text(table) for name, table in tables.items()},
        **images,
        "report.html": plan_report(report),
    }


def plan_job(
    config: Config,
    output: Path,
    *,
    arguments: list[str],
    start: pd.Timestamp | str | None = None,
    horizon_days: int = 7,
    scenario: str | float | None = None,
    time_limit_s: float | None = None,
    simulate_replications: int | None = None,
    seed: int = 7,
    stage: Stage = lambda name: None,
    solver_progress: Callable[[str], None] | None = None,
    warn: Warn = print,
    wait_lock: float = 0.0,
    engine: str | None = None,
    scheduler: str | None = None,
) -> PlanResult:
    """``staffplan plan``: read the config's history and market, run :func:`run_plan` and
    publish ``output`` (locked for the whole run, waiting up to ``wait_lock`` seconds for
    another run; ``arguments`` go in its manifest). ``engine`` and ``scheduler`` choose
    where the stages' tasks run (see :func:`staffplan.engine.open_workers`);
    ``stage`` and ``solver_progress`` are :func:`run_plan`'s.

    Cheap checks (the start date, the output folder) run before the slow work; the
    forecast's warnings (a history long before the horizon) go to ``warn``.
    """
    if start is not None:
        start = parse_start(start, config.zone, config.interval_min)
    check_output_folder(output)
    check_wait_lock(wait_lock)
    stage("read inputs")
    history = load_history(config)
    market = load_market(config)
    calendar = load_calendar(config)
    with output_lock(output, warn, wait_lock), open_workers(engine, scheduler) as workers:
        result = run_plan(
            config,
            history,
            market,
            start=start,
            horizon_days=horizon_days,
            scenario=scenario,
            time_limit_s=time_limit_s,
            simulate_replications=simulate_replications,
            seed=seed,
            stage=stage,
            workers=workers,
            calendar=calendar,
            solver_progress=solver_progress,
        )
        for warning in result.forecast_run.warnings:
            warn(warning)
        stage("write")
        record = manifest(
            "plan",
            arguments,
            config_inputs(config),
            config.timezone,
            solver=result.schedule.solver_record(),
            history=history_span(history),
        )
        publish(output, plan_files(result, config, time_limit_s), manifest_text=record, locked=True)
    return result
