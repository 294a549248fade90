"""The plan's report: what it assumed and the answers a manager asks for.

When are the peaks, is the team big enough, where are we over and under, what did the
solver leave. Each part is a function of :class:`PlanReport` returning a
:class:`~staffplan.jobs.report.Section` (or None when it has nothing to say), listed in
:data:`PLAN_SECTIONS` in page order: a new part is one function and one line there.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from staffplan.backlog.plot import backlog_figure
from staffplan.charts import figure_svg, grouped_bars_figure, hour_by_weekday, value_range
from staffplan.config import Config, QueueConfig
from staffplan.forecast.plot import forecast_figure
from staffplan.forecast.volatility import SCENARIO_QUANTILES
from staffplan.heat_map import heatmap_svg
from staffplan.jobs.backlog_report import backlog_section
from staffplan.jobs.plan import FTE_DAY_HOURS, PlanResult, daily_summary, plan_headlines
from staffplan.jobs.report import (
    Section,
    facts_html,
    figure_html,
    note_html,
    panels_html,
    render_report,
    table_html,
)
from staffplan.jobs.report_classes import class_service_tables
from staffplan.jobs.report_surplus import surplus_tables
from staffplan.peaks import effect_sentences, heatmap_grids, run_peak_tables
from staffplan.schedule.plot import MAX_PANELS, coverage_figure
from staffplan.simulate.output import simulation_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PEAK_HOURS_LISTED = 3  # busiest clock hours named per queue under the heat map


@dataclasses.dataclass(frozen=True)
class PlanReport:
    """What a report section reads: the plan, the config it was made with, and the shift
    solver's time limit in seconds (the command's, else the config's).

    Its charts (:meth:`figure`) are built once: the plan folder's PNG and the page's SVG
    of a chart are saved from the same figure (building one costs about a third of what
    saving it once does).
    """

    result: PlanResult
    config: Config
    time_limit_s: float
    drawn: dict[str, Figure] = dataclasses.field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def figure(self, name: str) -> Figure:
        """The plan's chart ``name`` (a key of :data:`PLAN_FIGURES`), built on first use."""
        if name not in self.drawn:
            self.drawn[name] = PLAN_FIGURES[name](self.result)
        return self.drawn[name]


PLAN_FIGURES: dict[str, Callable[[PlanResult], Figure]] = {
    "forecast": lambda result: forecast_figure(result.forecast_run),
    "coverage": lambda result: coverage_figure(result.schedule.coverage),
    "backlog": lambda result: backlog_figure(result.requirements, backlog_section(result).queues),
    "simulation": lambda result: simulation_figure(result.simulation),
}


def plan_report(plan: PlanReport) -> str:
    """The plan's ``report.html`` text."""
    result = plan.result
    schedule = result.schedule
    days = result.requirements["interval_start"].dt.normalize().nunique()
    subtitle = (
        f"{days} days from {result.start:%a %d %b %Y %H:%M}, {plan.config.timezone} time "
        f"({utc_offset(result.start)}), {result.interval_min}-minute intervals"
    )
    warnings = ["Shift solver"] if schedule.timed_out else []
    if schedule.uncovered_agent_hours > 0:
        warnings.append("Uncovered agent-hours")
    sections = [part for make in PLAN_SECTIONS if (part := make(plan)) is not None]
    return render_report(
        "staffplan plan", subtitle, plan_headlines(result), sections, warnings=warnings
    )


def _target_text(queue: QueueConfig) -> str:
    """``80% within 20 s`` (live) or ``90% within 24 h`` (backlog, business hours said)."""
    target = queue.target
    if not queue.backlog:
        return f"{target.service_level:.0%} within {target.answer_within_s:g} s"
    hours = target.answer_within_s / 3600.0
    clock = " of opening hours" if target.business_hours else ""
    return f"{target.service_level:.0%} within {hours:g} h{clock}"


def utc_offset(moment: pd.Timestamp) -> str:
    """``moment``'s offset from UTC as ``UTC+08:00``."""
    offset = f"{moment:%z}"
    return f"UTC{offset[:3]}:{offset[3:]}"


def assumptions(plan: PlanReport) -> Section:
    """The time zone, horizon, forecast and volatility, each queue's target, the solver's
    settings: what the numbers below depend on."""
    result, config = plan.result, plan.config
    run = result.forecast_run
    history_end = run.history["interval_start"].max()
    shifts = config.require("shifts")
    facts = {
        "Time zone": f"{config.timezone} ({utc_offset(result.start)} at the start); every time "
        "below is its wall clock",
        "Forecast": f"{run.model.name} model, history to {history_end:%Y-%m-%d %H:%M}",
        "Market volatility": volatility_text(result),
        "Deflection": "configured programmes applied"
        if result.deflection is not None
        else "none configured",
        "Shift solver": f"time limit {plan.time_limit_s:g} s; stops within "
        f"{shifts.mip_gap:.1%} of the LP bound; understaffing {shifts.understaffing}"
        + (
            f" ({shifts.understaffing_penalty:g} paid hours per uncovered agent-interval)"
            if shifts.understaffing == "soft"
            else ""
        ),
    }
    if result.simulation is not None:
        facts["Simulation"] = f"{result.simulation.replications} replications"
    queues = pd.DataFrame(
        {
            "queue": [q.name for q in config.queues],
            "channel": [q.channel for q in config.queues],
            "target": [_target_text(q) for q in config.queues],
            "aht_s": [q.aht_s for q in config.queues],
            "concurrency": [q.concurrency for q in config.queues],
            "patience_s": [q.patience_s for q in config.queues],
            "max_occupancy": [q.max_occupancy for q in config.queues],
            "shrinkage": [q.shrinkage for q in config.queues],
        }
    )
    body = facts_html(facts) + "<h3>Each queue's target</h3>" + table_html(queues)
    return Section("What this plan assumed", body)


def volatility_text(result: PlanResult) -> str:
    """Where the horizon's market volatility came from, with its daily value."""
    labels = list(dict.fromkeys(result.forecast["volatility_path"]))
    if labels == ["none"]:
        return "none: volume has no volatility effect (no market prices, or a model without them)"
    driver = result.forecast_run.driver
    ahead = driver[driver["source"] != "observed"]
    parts = []
    for label in labels:
        vol = ahead.loc[ahead["source"] == label, "daily_vol"]
        parts.append(_volatility_part(label, vol))
    return "; then ".join(parts)


def _volatility_part(label: str, vol: pd.Series) -> str:
    mean = f"{vol.mean():.2%} a day" if len(vol) else "no value"
    if label in SCENARIO_QUANTILES:
        return (
            f"scenario '{label}' (the {SCENARIO_QUANTILES[label]:.0%} quantile of the market's "
            f"daily volatility): {mean}, held over the horizon"
        )
    if label == "conditional":
        return f"the market file's own prices over the horizon: mean {mean}"
    if label == "decay":
        return (
            f"decaying toward the typical (median) level after the market file ends: "
            f"{vol.iloc[0]:.2%} to {vol.iloc[-1]:.2%} a day"
        )
    return f"scenario {label}: {mean}, held over the horizon"


def peaks(plan: PlanReport) -> Section:
    """When the contacts come: a forecast heat map (hour of day × weekday) per queue, the
    busiest hours by name, and the forecast with its intervals."""
    forecast = plan.result.forecast
    panels = _per_queue(forecast, "volume", within_hour="sum")
    heat = [  # each queue on its own scale: queues differ in size
        heatmap_svg(
            table,
            title=queue,
            value_label="contacts per hour (forecast)",
            id_prefix=f"peaks{i}",
            cell_text=lambda v: f"{v:,.0f}",
        )
        for i, (queue, table) in enumerate(panels.items())
    ]
    busiest = []
    for queue, table in panels.items():
        stacked = table.stack().sort_values(ascending=False, kind="stable")
        top = ", ".join(
            f"{day} {hour:02d}:00 ({value:,.0f})"
            for (hour, day), value in stacked.head(PEAK_HOURS_LISTED).items()
        )
        busiest.append(f"{queue}: {top}")
    body = (
        note_html("Forecast contacts per clock hour; darker is busier. Busiest hours: ")
        + "<ul>"
        + "".join(f"<li>{html.escape(line)}</li>" for line in busiest)
        + "</ul>"
        + _heat_maps(heat, "Heat map of forecast contacts per hour")
        + "<h3>Forecast with its 80 % and 95 % intervals</h3>"
        + figure_html(
            figure_svg(plan.figure("forecast"), id_prefix="forecast"),
            "Forecast contacts per interval with prediction intervals",
            wide=True,
        )
    )
    return Section("When are the peaks", body)


def past_surges(plan: PlanReport) -> Section | None:
    """The history's peaks: mean contacts per hour by weekday, the top surge days with
    the market volatility that day, and the volatility effect the forecast fitted."""
    tables = run_peak_tables(plan.result.forecast_run)
    if tables is None:
        return None
    maps = [
        heatmap_svg(
            grid,
            title=f"{queue}: mean contacts per local hour of day",
            value_label="contacts per hour (history)",
            id_prefix=f"history-peaks{i}",
        )
        for i, (queue, grid) in enumerate(heatmap_grids(tables.heatmap).items())
    ]
    body = (
        "".join(
            figure_html(svg, "Heat map of past contacts per hour by weekday", wide=True)
            for svg in maps
        )
        + "<h3>Surge days (volume against a normal day)</h3>"
        + table_html(tables.surge_days)
    )
    if not tables.volatility_effect.empty:
        body += (
            "<ul>"
            + "".join(
                f"<li>{html.escape(line)}</li>"
                for line in effect_sentences(tables.volatility_effect)
            )
            + "</ul>"
        )
    return Section("Past surges in the history", body)


def team_size(plan: PlanReport) -> Section | None:
    """Required vs the team in the config, per day: agents free to work that day against
    the shifts the plan needs, and the week's contracted hours against the plan's."""
    team = plan.config.team
    if team is None:
        return None
    result = plan.result
    rostered = [a for a in team.agents if not a.on_call]
    shifts = result.schedule.shifts
    daily = daily_summary(result)
    days = pd.to_datetime(daily["day"]).dt.date
    available = [sum(not a.unavailable_on(day) for a in rostered) for day in days]
    scheduled = shifts.groupby("day").size().reindex(daily["day"]).fillna(0).astype(int)
    table = pd.DataFrame(
        {
            "day": daily["day"],
            "weekday": daily["weekday"],
            "agents_available": available,
            "shifts_scheduled": scheduled.to_numpy(),
            "spare_agents": np.asarray(available) - scheduled.to_numpy(),
            "fte_needed": daily["fte_needed"],
        }
    )
    rules = plan.config.require("shifts").rules
    per_week = 7 / len(table)
    heads_needed = float(table["shifts_scheduled"].sum()) * per_week / rules.days_per_week
    contracted = sum(a.contracted_hours_per_week for a in rostered)
    hours_a_week = float(daily["scheduled_paid_hours"].sum()) * per_week
    short_days = table[table["spare_agents"] < 0]
    verdict = (
        f"Too small: on {len(short_days)} of {len(table)} days the plan has more shifts than "
        f"agents free to work ({', '.join(short_days['day'])})."
        if len(short_days)
        else "Day by day, enough: every day has at least as many agents free as shifts."
    )
    if heads_needed > len(rostered):
        verdict += (
            f" Over the week it needs about {heads_needed:,.0f} agents working "
            f"{rules.days_per_week} days each; the team has {len(rostered)}."
        )
    on_call = len(team.agents) - len(rostered)
    facts = {
        "Team": f"{len(rostered)} rostered agents"
        + (f" and {on_call} on call" if on_call else "")
        + f", {contracted:,.0f} contracted hours a week",
        "Heads the plan needs": f"about {heads_needed:,.1f} agents at {rules.days_per_week} "
        "working days a week (shifts a week ÷ working days)",
        "Hours the plan needs": f"{hours_a_week:,.0f} paid hours a week scheduled, "
        f"{hours_a_week / contracted:.0%} of the contracted hours",
    }
    body = (
        f"<p><strong>{html.escape(verdict)}</strong></p>"
        + facts_html(facts)
        + note_html(
            "Per day: agents available = rostered agents not on leave or an unavailable "
            "weekday (skills aside); each shift needs one of them that day. fte_needed = "
            f"paid hours needed (agents after shrinkage) ÷ {FTE_DAY_HOURS:g} h."
        )
        + figure_html(
            figure_svg(_team_figure(table), id_prefix="team"),
            "Agents available, shifts scheduled and FTE needed per day",
            wide=True,
        )
        + table_html(table)
    )
    return Section("Is the team big enough", body)


def _team_figure(table: pd.DataFrame) -> Figure:
    """Per day: the team's agents free to work, the plan's shifts and the FTE needed."""
    bars = table.set_index(table["weekday"] + " " + table["day"].str[5:])[
        ["agents_available", "shifts_scheduled", "fte_needed"]
    ]
    names = {
        "agents_available": "agents available (team)",
        "shifts_scheduled": "shifts scheduled",
        "fte_needed": "FTE needed",
    }
    return grouped_bars_figure(bars.rename(columns=names), ylabel="agents")


def over_and_under(plan: PlanReport) -> Section:
    """Where scheduled agents are above and below the requirement: a heat map of the
    balance per hour and weekday, the per-interval chart and a per-day table."""
    result = plan.result
    coverage = result.schedule.coverage.assign(balance=lambda c: c["scheduled"] - c["required"])
    panels = _per_queue(coverage, "balance", within_hour="mean")
    limits = value_range(panels.values())  # one scale: agents compare across queues
    heat = [
        heatmap_svg(
            table,
            title=queue,
            value_label="scheduled − required agents",
            id_prefix=f"balance{i}",
            diverging=True,
            limits=limits,
            cell_text=lambda v: f"{v:+.1f}" if abs(v) >= 0.05 else "0",
        )
        for i, (queue, table) in enumerate(panels.items())
    ]
    hours = result.interval_min / 60
    day = coverage["interval_start"].dt.strftime("%Y-%m-%d")
    per_day = (
        coverage.assign(
            day=day,
            required_agent_hours=coverage["required"] * hours,
            scheduled_agent_hours=coverage["scheduled"] * hours,
            short_agent_hours=coverage["gap"] * hours,
            over_agent_hours=coverage["surplus"] * hours,
            intervals_short=coverage["gap"] > 1e-9,
        )
        .groupby(["day", "queue"], sort=True)[
            [
                "required_agent_hours",
                "scheduled_agent_hours",
                "short_agent_hours",
                "over_agent_hours",
                "intervals_short",
            ]
        ]
        .sum()
        .reset_index()
    )
    body = (
        note_html(
            "Scheduled minus required agents on the phones, mean per interval of each clock "
            "hour: red is short, blue is over."
        )
        + _heat_maps(heat, "Heat map of staffing balance")
        + "<h3>Per day and queue</h3>"
        + table_html(per_day)
        + "<h3>Per interval</h3>"
        + figure_html(
            figure_svg(plan.figure("coverage"), id_prefix="coverage"),
            "Required and scheduled agents per interval",
            wide=True,
        )
    )
    return Section("Where we are over and under", body)


def solver(plan: PlanReport) -> Section:
    """How the shift solver ended: time limit hit or not, gap, objective and bound."""
    schedule = plan.result.schedule
    summary = schedule.summary()
    ended = (
        f"stopped at its time limit of {plan.time_limit_s:g} s: a better schedule may "
        "exist; raise --time-limit (or shifts.time_limit_s)"
        if schedule.timed_out
        else f"finished before its time limit of {plan.time_limit_s:g} s"
    )
    facts = {
        "Ended": ended,
        "Gap to the LP bound": f"{schedule.gap:.2%} (the schedule costs at most this much "
        "more than the best possible)",
        "Cost (objective)": f"{schedule.objective:,.1f} (shifts {summary['shift_cost']:,.1f} "
        f"+ penalties {summary['penalty_cost']:,.1f}), paid-hour units",
        "LP bound": f"{schedule.lp_bound:,.1f}: no schedule can cost less",
        "Uncovered": f"{schedule.uncovered_agent_hours:,.1f} agent-hours in "
        f"{summary['intervals_with_gaps']} intervals",
        "Method": schedule.method,
    }
    if schedule.service_level_note:
        facts["Service level"] = schedule.service_level_note
    return Section("What the solver left", facts_html(facts))


def backlog(plan: PlanReport) -> Section | None:
    """The backlog queues (email, tickets, ...): contacts waiting and agents required
    across the horizon, and the share answered within the target per day."""
    part = backlog_section(plan.result)
    if not part.queues:
        return None
    body = figure_html(
        figure_svg(plan.figure("backlog"), id_prefix="backlog"),
        "Contacts waiting and agents required per backlog queue",
        wide=True,
    ) + table_html(part.daily, csv_name="backlog_daily.csv")
    return Section("Backlog: contacts waiting and answered in time", body)


def over_coverage(plan: PlanReport) -> Section:
    """The over-coverage the integer schedule had to accept, per queue and day, and why."""
    zone = str(plan.result.forecast["interval_start"].dt.tz)
    ((title, table),) = surplus_tables(plan.result.schedule, zone).items()
    return Section("Over-coverage and why", note_html(title) + table_html(table))


def priority_classes(plan: PlanReport) -> Section | None:
    """Each priority class's projected service level, ASA and abandonment over the
    horizon, and the method that computed them."""
    tables = class_service_tables(plan.result.requirements)
    if not tables:
        return None
    ((title, table),) = tables.items()
    return Section(title, table_html(table))


def simulation(plan: PlanReport) -> Section | None:
    """The simulated service level against the projection, when the plan simulated."""
    result = plan.result.simulation
    if result is None:
        return None
    body = figure_html(
        figure_svg(plan.figure("simulation"), id_prefix="simulation"),
        "Simulated service level per interval",
        wide=True,
    ) + table_html(result.daily, csv_name="simulation_daily.csv")
    return Section("Simulated service level", body)


def deflection(plan: PlanReport) -> Section | None:
    """What the deflection programmes save, by contact reason."""
    result = plan.result.deflection
    if result is None:
        return None
    return Section(
        "Deflection by reason", table_html(result.summary, csv_name="deflection_summary.csv")
    )


def tables(plan: PlanReport) -> Section:
    """The per-day summary and the shifts, with every table of the folder linked."""
    result = plan.result
    files = ["forecast.csv", "requirements.csv", "shifts.csv", "coverage.csv", "daily.csv"]
    links = " ".join(f"<a href='{name}' download>{name}</a>" for name in files)
    body = (
        "<h3>Per day</h3>"
        + table_html(daily_summary(result), csv_name="daily.csv")
        + "<h3>Shifts</h3>"
        + table_html(result.schedule.shifts, csv_name="shifts.csv")
        + f"<p class='note'>Every table of this plan, in this report's folder: {links}</p>"
    )
    return Section("Tables", body)


PLAN_SECTIONS: list[Callable[[PlanReport], Section | None]] = [
    assumptions,
    peaks,
    past_surges,
    team_size,
    over_and_under,
    solver,
    over_coverage,
    priority_classes,
    backlog,
    simulation,
    deflection,
    tables,
]


def _heat_maps(svgs: list[str], description: str) -> str:
    return panels_html(figure_html(svg, description) for svg in svgs)


def _per_queue(frame: pd.DataFrame, column: str, *, within_hour: str) -> dict[str, pd.DataFrame]:
    """Hour × weekday tables of ``column``, one per queue (up to ``MAX_PANELS``; with more
    queues, one of them all: summed per interval first)."""
    queues = list(dict.fromkeys(frame["queue"]))
    if len(queues) > MAX_PANELS:
        total = frame.groupby("interval_start", sort=True)[column].sum().reset_index()
        return {
            f"all {len(queues)} queues": hour_by_weekday(
                total["interval_start"], total[column], within_hour=within_hour
            )
        }
    return {
        queue: hour_by_weekday(part["interval_start"], part[column], within_hour=within_hour)
        for queue, part in frame.groupby("queue", sort=False)
    }
