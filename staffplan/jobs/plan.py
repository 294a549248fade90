"""The main job: forecast → deflection → staff → schedule (→ simulate), one folder.

:func:`run_plan` computes every table from in-memory inputs (no files read, nothing
printed); :func:`plan_headlines` and :func:`daily_summary` condense it for the terminal
and the report; :func:`write_plan` writes the folder's files into a folder the caller
provides (the CLI gives it a temp folder that is renamed into place only on success).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pandas as pd

from staffplan.deflection import DeflectionResult, project_deflection
from staffplan.errors import InputError
from staffplan.forecast import ForecastRun, run_forecast
from staffplan.jobs.report import render_report
from staffplan.schedule import Schedule, build_schedule
from staffplan.staffing import size_requirements
from staffplan.tables import atomic_write_bytes, atomic_write_text, to_csv_text

if TYPE_CHECKING:
    from staffplan.config import Config
    from staffplan.simulate import SimulationResult

FTE_DAY_HOURS = 8.0  # one FTE-day in the summaries: eight paid hours
Stage = Callable[[str], None]


@dataclasses.dataclass(frozen=True)
class PlanResult:
    """Every stage's output for one planning horizon."""

    start: pd.Timestamp
    interval_min: int
    history: pd.DataFrame
    forecast_run: ForecastRun
    deflection: DeflectionResult | None
    requirements: pd.DataFrame
    schedule: Schedule
    simulation: SimulationResult | None = None

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
    start: pd.Timestamp | None = None,
    horizon_days: int = 7,
    scenario: str | float | None = None,
    time_limit_s: float | None = None,
    simulate_replications: int = 0,
    seed: int = 7,
    stage: Stage = lambda name: None,
) -> PlanResult:
    """Run the pipeline for ``horizon_days`` from ``start`` (default: :func:`default_start`).

    Deflection runs when the config has a ``deflection:`` section; the simulation runs
    when ``simulate_replications`` > 0. ``stage(name)`` is called as each stage begins
    (the CLI shows progress with it).
    """
    config.require("shifts")
    start = default_start(history) if start is None else start
    stage("forecast")
    forecast_run = run_forecast(
        history, start, horizon_days, market=market, settings=config.forecast, scenario=scenario
    )
    deflection = None
    demand = forecast_run.forecast
    if config.deflection is not None:
        stage("deflection")
        deflection = project_deflection(demand, config)
        demand = deflection.intervals
    stage("staff")
    requirements = size_requirements(demand, config)
    stage("schedule")
    schedule = build_schedule(requirements, config, time_limit_s=time_limit_s)
    simulation = None
    if simulate_replications > 0:
        from staffplan.simulate import simulate_schedule

        stage("simulate")
        simulation = simulate_schedule(
            _simulation_demand(forecast_run.forecast, requirements),
            schedule.coverage,
            config,
            replications=simulate_replications,
            seed=seed,
        )
    return PlanResult(
        start,
        config.interval_min,
        history,
        forecast_run,
        deflection,
        requirements,
        schedule,
        simulation,
    )


def _simulation_demand(forecast: pd.DataFrame, requirements: pd.DataFrame) -> pd.DataFrame:
    """The forecast with the contacts that reach agents (``offered``) for the simulation."""
    offered = requirements[["queue", "interval_start", "offered"]]
    return forecast.merge(offered, on=["queue", "interval_start"], how="left")


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
        "Uncovered agent-hours": f"{summary['uncovered_agent_hours']:,.1f}",
    }
    if result.deflection is not None:
        total = result.deflection.summary.iloc[-1]
        headlines["Deflection saving (FTE)"] = f"{total['fte_saved']:,.1f}"
    if result.simulation is not None:
        sim = result.simulation.intervals
        headlines["Simulated service level (mean)"] = f"{_simulated_mean(sim, req):.1%}"
    return headlines


def _peak_agents(req: pd.DataFrame) -> float:
    return float(req.groupby("interval_start")["agents"].sum().max())


def _simulated_mean(sim: pd.DataFrame, req: pd.DataFrame) -> float:
    keys = ["queue", "interval_start"]
    joined = sim.merge(req[[*keys, "offered"]], on=keys)
    return _weighted_mean(joined["service_level"], joined["offered"])


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


def write_plan(result: PlanResult, folder: Path, *, manifest_text: str) -> list[str]:
    """Write the plan's files into ``folder`` (expected empty); return their names."""
    from staffplan.forecast.plot import plot_forecast
    from staffplan.schedule.plot import coverage_png

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
    for name, table in tables.items():
        atomic_write_text(folder / name, to_csv_text(table))
    plot_forecast(result.forecast_run, result.history, folder / "forecast.png")
    atomic_write_bytes(folder / "coverage.png", coverage_png(result.schedule.coverage))
    images = {"Forecast": "forecast.png", "Required vs scheduled agents": "coverage.png"}
    if result.simulation is not None:
        from staffplan.simulate import plot_simulation

        atomic_write_bytes(folder / "simulation.png", plot_simulation(result.simulation))
        images["Simulated service level"] = "simulation.png"
    page = render_report(
        "staffplan plan",
        f"Week starting {result.start.strftime('%Y-%m-%d %H:%M %Z')}",
        plan_headlines(result),
        {caption: (folder / name).read_bytes() for caption, name in images.items()},
        {
            "Per day": daily_summary(result),
            "Shifts": result.schedule.shifts,
            **(
                {"Deflection by reason": result.deflection.summary}
                if result.deflection is not None
                else {}
            ),
        },
    )
    atomic_write_text(folder / "report.html", page)
    atomic_write_text(folder / "manifest.json", manifest_text)
    return sorted(p.name for p in folder.iterdir())


def parse_start(text: str | None, zone: ZoneInfo) -> pd.Timestamp | None:
    """``--start`` as local midnight in ``zone`` (``None`` stays ``None``)."""
    if text is None:
        return None
    try:
        day = pd.Timestamp(text)
    except ValueError:
        raise InputError(
            f"--start {text!r} is not a date; use YYYY-MM-DD, e.g. 2026-12-07"
        ) from None
    if day.tzinfo is not None:
        return day.tz_convert(zone)
    return day.tz_localize(zone)


def input_files(config: Config) -> dict[str, Path | None]:
    """The files a plan reads, by role, for its manifest."""
    files: dict[str, Path | None] = {"config": config.source, "market": config.market.prices}
    for queue in config.queues:
        files[f"history:{queue.name}"] = queue.history
    return files
