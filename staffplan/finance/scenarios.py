"""Finance scenarios: monthly required FTE, headcount, hires and cost per named case.

Demand comes from the queueing engine, not from volume × AHT: a representative week per
queue (:func:`representative_week`) is scaled to each month — growth compounded monthly
from the history's last month, AHT change, the deflection programme at the month's
mid-point of its ramp — and sized interval by interval with the same engine as
``staffplan staff``. A calm week and a stressed week (volume × ``stressed_volume_factor``)
are sized separately; a month's required FTE is their mix by the case's
``stressed_share`` of days. FTE = paid hours per week (agents grossed up by shrinkage)
over ``hours_per_fte_week``.

Supply is the cohort model of :mod:`staffplan.finance.headcount`: attrition, hires arriving
after the lead time, ramp-adjusted productivity, and hires requisitioned by its hiring
rule (just in time, capped at ``max_hires_per_month``, no lasting surplus). The gap is
bought as overtime/outsourcing. The sensitivity table moves each driver by
±``sensitivity_step`` (relative) and reports the change in mean required FTE, mean paid
FTE (heads + gap) and total cost over the horizon.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pandas as pd

from staffplan.config import Config
from staffplan.config.scenarios import Case, ScenariosConfig
from staffplan.deflection import apply_deflection
from staffplan.engine import IN_PROCESS, Progress, Workers
from staffplan.engine_inputs import queue_parameters, sizing_arguments
from staffplan.erlang import required_agents, required_fte
from staffplan.errors import ConfigError, InputError
from staffplan.escalation import scaled_escalation, with_receiver_rows
from staffplan.finance.headcount import HeadcountPlan, plan_headcount
from staffplan.staffing import DEMAND_COLUMNS, size_requirements

__all__ = [
    "SCENARIO_COLUMNS",
    "SENSITIVITY_COLUMNS",
    "Case",
    "ScenarioResult",
    "ScenariosConfig",
    "compare",
    "representative_week",
    "run_scenarios",
    "scenarios_from_history",
]

SCENARIO_COLUMNS = [
    "scenario",
    "month",
    "volume",
    "deflected",
    "required_fte",
    "available_fte",
    "hires",
    "attrition",
    "cost",
    "offered",
    "aht_s",
    "required_fte_calm",
    "required_fte_stressed",
    "headcount_start",
    "headcount_end",
    "hires_requisitioned",
    "gap_fte",
    "payroll_cost",
    "overtime_cost",
    "note",
]
SENSITIVITY_COLUMNS = [
    "scenario",
    "driver",
    "base_value",
    "low_value",
    "high_value",
    "delta_required_fte_low",
    "delta_required_fte_high",
    "delta_paid_fte_low",
    "delta_paid_fte_high",
    "delta_cost_low",
    "delta_cost_high",
    "cost_swing",
]
DAY_TYPES = ("calm", "stressed")
MAX_SHRINKAGE = 0.95  # a sensitivity move never makes shrinkage reach 100%


@dataclasses.dataclass(frozen=True)
class ScenarioResult:
    """``months`` (:data:`SCENARIO_COLUMNS`, one row per case and month), the
    ``sensitivity`` table (:data:`SENSITIVITY_COLUMNS`, largest cost swing first per
    case), a one-row-per-case ``comparison`` and the ``assumptions`` each case used."""

    months: pd.DataFrame
    sensitivity: pd.DataFrame
    comparison: pd.DataFrame
    assumptions: pd.DataFrame


@dataclasses.dataclass(frozen=True)
class _Knobs:
    """Drivers that are not fields of a case: levels the sensitivity table moves."""

    volume_scale: float = 1.0
    aht_scale: float = 1.0
    shrinkage_scale: float = 1.0
    stressed_volume_factor: float = 2.0


def representative_week(history: pd.DataFrame, config: Config, weeks: int) -> pd.DataFrame:
    """A typical week per queue: the mean of the last ``weeks`` weeks per weekday and slot.

    ``history`` is a counts table ``queue, interval_start, volume[, aht_s]``. The result
    (``queue, interval_start, volume, aht_s``) sits on the last 7 local days of each
    queue's history (a DST day keeps its own number of intervals); ``aht_s`` is the
    volume-weighted mean where the history has it, else the queue's ``aht_s`` (seconds).
    """
    parts = []
    for name in pd.unique(history["queue"]):
        config.queue(str(name))
        rows = history[history["queue"] == name]
        parts.append(_queue_week(rows, str(name), config, weeks))
    return pd.concat(parts, ignore_index=True)


def _queue_week(rows: pd.DataFrame, name: str, config: Config, weeks: int) -> pd.DataFrame:
    wall = rows["interval_start"].dt.tz_localize(None)
    day = wall.dt.normalize()
    last = day.max()
    if (last - day.min()).days + 1 < 7:
        raise InputError(
            f"history of queue {name!r} covers {(last - day.min()).days + 1} day(s); "
            "scenarios need at least one full week to build a typical week"
        )
    recent = rows[(day > last - pd.Timedelta(days=7 * weeks)).to_numpy()]
    key = _weekday_slot(recent["interval_start"])
    volume = recent["volume"].to_numpy(dtype=float)
    default_aht_s = config.queue(name).aht_s
    aht_s = recent["aht_s"].to_numpy(dtype=float) if "aht_s" in recent else None
    table = pd.DataFrame({"key": key, "volume": volume})
    table["work"] = volume * (
        default_aht_s if aht_s is None else np.nan_to_num(aht_s, nan=default_aht_s)
    )
    means = table.groupby("key").agg(volume=("volume", "mean"), work=("work", "mean"))
    grid = _last_week_grid(last, config)
    target = pd.Series(_weekday_slot(pd.Series(grid)))
    found = means.reindex(target.to_numpy())
    volume_week = found["volume"].fillna(0.0).to_numpy()
    work = found["work"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        week_aht_s = np.where(volume_week > 0, work / volume_week, default_aht_s)
    return pd.DataFrame(
        {"queue": name, "interval_start": grid, "volume": volume_week, "aht_s": week_aht_s}
    )


def _weekday_slot(times: pd.Series) -> np.ndarray:
    wall = times.dt.tz_localize(None)
    return (wall.dt.day_of_week * 1440 + wall.dt.hour * 60 + wall.dt.minute).to_numpy()


def _last_week_grid(last_day: pd.Timestamp, config: Config) -> pd.DatetimeIndex:
    """Interval starts of the 7 local days ending on ``last_day`` (from local midnights)."""
    first = _local_midnight(last_day - pd.Timedelta(days=6), config)
    end = _local_midnight(last_day + pd.Timedelta(days=1), config)
    step = pd.Timedelta(minutes=config.interval_min)
    return pd.date_range(first, end, freq=step, inclusive="left", name="interval_start")


def _local_midnight(day: pd.Timestamp, config: Config) -> pd.Timestamp:
    return pd.Timestamp(day.date()).tz_localize(
        config.zone, nonexistent="shift_forward", ambiguous=True
    )


def run_scenarios(
    profile: pd.DataFrame,
    config: Config,
    *,
    workers: Workers = IN_PROCESS,
    progress: Progress | None = None,
) -> ScenarioResult:
    """Every case of ``config.scenarios`` over its horizon, with sensitivities.

    ``profile`` is a representative week (:func:`representative_week`). Each case's
    months, and each case × sensitivity driver, is one task on ``workers``;
    ``progress(done, total)`` counts them.
    """
    settings = config.require("scenarios")
    _check_start_month(profile, config)
    months = pd.period_range(settings.start, periods=settings.horizon_months, freq="M")
    demand = _DemandCache(profile, config, months)
    drivers = [None, *_drivers(0.0)]  # None: the case itself; then each driver's name
    tasks = [(case, driver) for case in settings.cases for driver in drivers]
    results = workers.map(case_task, tasks, common=(demand, settings), progress=progress)
    tables = results[:: len(drivers)]
    sensitivities = [
        _sensitivity(results[start + 1 : start + len(drivers)])
        for start in range(0, len(results), len(drivers))
    ]
    months_table = pd.concat(tables, ignore_index=True)[SCENARIO_COLUMNS]
    return ScenarioResult(
        months=months_table,
        sensitivity=pd.concat(sensitivities, ignore_index=True)[SENSITIVITY_COLUMNS],
        comparison=compare(months_table),
        assumptions=_assumptions(settings),
    )


def _check_start_month(profile: pd.DataFrame, config: Config) -> None:
    """:class:`ConfigError` naming ``scenarios.start`` when that month comes before the
    month the history ends in (the end of the typical week ``profile``).

    Growth compounds from the history's last month, so an earlier start would shrink the
    typical week backwards and advise hiring for months already gone. The history's own
    last month is allowed: a history exported mid-month plans from the current month.
    """
    start = pd.Period(config.require("scenarios").start, freq="M")
    last_month = _last_month(profile)
    if start < last_month:
        raise ConfigError(
            f"{config.source or 'config'}: scenarios.start: {start} is before the month "
            f"the history ends in (it ends {profile['interval_start'].max().date()}); set it "
            f"to {last_month} or later"
        )


def _last_month(profile: pd.DataFrame) -> pd.Period:
    """The month of the typical week's last interval: the month the history ends in."""
    return profile["interval_start"].max().tz_localize(None).to_period("M")


def case_task(
    demand: _DemandCache, settings: ScenariosConfig, task: tuple[Case, str | None]
) -> pd.DataFrame | dict[str, object]:
    """One task: the monthly table of case ``task[0]``, or with a driver name
    ``task[1]`` that driver's sensitivity row."""
    case, driver = task
    knobs = _Knobs(stressed_volume_factor=settings.stressed_volume_factor)
    table = _case_months(case, knobs, demand, settings)
    if driver is None:
        return table
    return _driver_row(case, knobs, table, demand, settings, driver)


def scenarios_from_history(
    history: pd.DataFrame,
    config: Config,
    *,
    workers: Workers = IN_PROCESS,
    progress: Progress | None = None,
) -> ScenarioResult:
    """:func:`run_scenarios` on the typical week of ``history`` (``profile_weeks`` weeks)."""
    weeks = config.require("scenarios").profile_weeks
    profile = representative_week(history, config, weeks)
    return run_scenarios(profile, config, workers=workers, progress=progress)


# --------------------------------------------------------------------------- demand


class _DemandCache:
    """Weekly engine results per month and day type, sized once per set of drivers.

    The engine's agents do not depend on shrinkage, so shrinkage is applied afterwards
    (``required_fte``) and moving it needs no new engine run.
    """

    def __init__(self, profile: pd.DataFrame, config: Config, months: pd.PeriodIndex) -> None:
        self.profile = with_receiver_rows(profile, config).reset_index(drop=True)
        self.config = config
        # backlog queues, escalation, priority classes and shared-agent pools need the
        # staff stage's sizing; without them each queue alone on the engine is the same
        # answer (twice as fast)
        self.staged = bool(config.pools) or any(
            q.backlog or q.escalation is not None or q.classes for q in config.queues
        )
        self.months = months
        last = _last_month(self.profile)
        self.months_since_profile = np.array([(m - last).n for m in months])
        self.labels = np.repeat(np.arange(2 * len(months)), len(self.profile))
        week = queue_parameters(self.profile["queue"], config)
        self.queue_shrinkage = week["shrinkage"].to_numpy(dtype=float)
        self.params = pd.concat([week] * (2 * len(months)), ignore_index=True)
        self._sized: dict[tuple[float, ...], pd.DataFrame] = {}

    def weekly(self, case: Case, knobs: _Knobs) -> pd.DataFrame:
        """Per month × day type (rows 2i calm, 2i + 1 stressed): weekly ``volume,
        deflected, offered, work_s`` (offered × AHT, seconds) and ``fte``."""
        key = (
            case.volume_growth,
            case.deflection_scale,
            (1.0 + case.aht_change) * knobs.aht_scale,
            knobs.volume_scale,
            knobs.stressed_volume_factor,
            case.escalation_scale,
        )
        if key not in self._sized:
            self._sized[key] = self._size(case, knobs)
        per_row = self._sized[key]
        shrinkage = np.tile(_shrinkage_of(self.queue_shrinkage, case, knobs), 2 * len(self.months))
        hours = self.config.interval_min / 60.0
        paid_hours = required_fte(per_row["agents"].to_numpy(), shrinkage) * hours
        weekly = per_row.drop(columns="agents").assign(paid_hours=paid_hours)
        weekly = weekly.groupby(self.labels).sum()
        weekly["fte"] = (
            weekly.pop("paid_hours") / self.config.require("scenarios").hours_per_fte_week
        )
        return weekly

    def _size(self, case: Case, knobs: _Knobs) -> pd.DataFrame:
        frame = self._scaled_weeks(case, knobs)
        netted = apply_deflection(
            frame, self.config, containment_scale=case.deflection_scale, as_of=frame["as_of"]
        )
        if self.staged:
            config = scaled_escalation(self.config, case.escalation_scale)
            # each copy of the week (month × day type) is its own "scenario": a pool is
            # sized on one copy's load at a time, not on every copy's at the same clock time
            netted = size_requirements(netted[[*DEMAND_COLUMNS, "scenario"]], config)
            agents = netted["agents"].to_numpy(dtype=float)
        else:
            agents = self._agents(netted).astype(float)
        return pd.DataFrame(
            {
                "volume": netted["volume"].to_numpy(),
                "deflected": netted["deflected"].to_numpy(),
                "offered": netted["offered"].to_numpy(),
                "work_s": (netted["offered"] * netted["aht_s"]).to_numpy(),
                "agents": agents,
            }
        )

    def _agents(self, netted: pd.DataFrame) -> np.ndarray:
        """The engine's minimum agents per row, as ``staff`` sizes them (its metrics and
        table are not needed here, and skipping them halves the time)."""
        return required_agents(
            netted["offered"].to_numpy(),
            netted["aht_s"].to_numpy(),
            self.config.interval_min,
            **sizing_arguments(self.params),
        )

    def _scaled_weeks(self, case: Case, knobs: _Knobs) -> pd.DataFrame:
        """The profile week once per month and day type (in ``labels`` order), scaled."""
        growth = (1.0 + case.volume_growth) ** self.months_since_profile
        aht_scale = (1.0 + case.aht_change) * knobs.aht_scale
        frames = []
        for i, month in enumerate(self.months):
            as_of = _mid_month(month, self.config)
            for day_type in DAY_TYPES:
                stress = knobs.stressed_volume_factor if day_type == "stressed" else 1.0
                scale = knobs.volume_scale * growth[i] * stress
                frames.append(
                    self.profile.assign(
                        volume=self.profile["volume"] * scale,
                        aht_s=self.profile["aht_s"] * aht_scale,
                        as_of=as_of,
                        scenario=f"{month} {day_type}",
                    )
                )
        return pd.concat(frames, ignore_index=True)


def _mid_month(month: pd.Period, config: Config) -> pd.Timestamp:
    day = month.start_time + pd.Timedelta(days=month.days_in_month // 2)
    return _local_midnight(day, config)


def _shrinkage_of(queue_shrinkage: np.ndarray, case: Case, knobs: _Knobs) -> np.ndarray:
    """Per row: the case's shrinkage (else the queue's), scaled by ``knobs``, below 0.95."""
    base = (
        queue_shrinkage if case.shrinkage is None else np.full_like(queue_shrinkage, case.shrinkage)
    )
    return np.minimum(base * knobs.shrinkage_scale, MAX_SHRINKAGE)


# --------------------------------------------------------------------------- months


def _case_months(
    case: Case, knobs: _Knobs, demand: _DemandCache, settings: ScenariosConfig
) -> pd.DataFrame:
    """The monthly table of one case."""
    weekly = demand.weekly(case, knobs)
    calm = weekly.iloc[0::2].reset_index(drop=True)
    stressed = weekly.iloc[1::2].reset_index(drop=True)
    p = case.stressed_share
    mixed = (1.0 - p) * calm + p * stressed
    weeks_in_month = np.array([m.days_in_month for m in demand.months]) / 7.0
    plan = plan_headcount(
        mixed["fte"].to_numpy(),
        settings.starting_headcount,
        case.attrition,
        case.hiring_lead_months,
        case.ramp,
        case.max_hires_per_month,
    )
    table = pd.DataFrame(
        {
            "scenario": case.name,
            "month": [str(m) for m in demand.months],
            "volume": mixed["volume"].to_numpy() * weeks_in_month,
            "deflected": mixed["deflected"].to_numpy() * weeks_in_month,
            "required_fte": mixed["fte"].to_numpy(),
            "offered": mixed["offered"].to_numpy() * weeks_in_month,
            "aht_s": _safe_ratio(mixed["work_s"].to_numpy(), mixed["offered"].to_numpy()),
            "required_fte_calm": calm["fte"].to_numpy(),
            "required_fte_stressed": stressed["fte"].to_numpy(),
        }
    )
    return _with_plan(table, plan, case, demand.months)


def _with_plan(
    table: pd.DataFrame, plan: HeadcountPlan, case: Case, months: pd.PeriodIndex
) -> pd.DataFrame:
    for column in (
        "available_fte",
        "hires",
        "attrition",
        "headcount_start",
        "headcount_end",
        "hires_requisitioned",
        "gap_fte",
    ):
        table[column] = getattr(plan, column)
    table["hires"] = table["hires"].astype(int)
    table["hires_requisitioned"] = table["hires_requisitioned"].astype(int)
    table["payroll_cost"] = plan.headcount_end * case.cost_per_fte_month
    table["overtime_cost"] = plan.gap_fte * case.overtime_cost
    table["cost"] = table["payroll_cost"] + table["overtime_cost"]
    table["note"] = _notes(plan, table["required_fte"].to_numpy(), case, months)
    return table


def _notes(
    plan: HeadcountPlan, required: np.ndarray, case: Case, months: pd.PeriodIndex
) -> list[str]:
    """Per month: why the plan looks as it does (lead time, ramp, cap, surplus, requisitions)."""
    lead = case.hiring_lead_months
    first_start = str(months[lead]) if lead < len(months) else None
    cap = case.max_hires_per_month
    notes = []
    for i in range(len(months)):
        parts = []
        capped = cap is not None and bool((plan.hires[lead : i + 1] >= cap).any())
        if i < lead and plan.gap_fte[i] > 0:
            parts.append(
                f"lead time: first {min(lead, len(months))} month(s) cannot be met by hiring; "
                + (
                    f"hires requisitioned now start in {first_start}"
                    if first_start
                    else f"the {lead}-month lead time exceeds the horizon"
                )
            )
        elif plan.gap_fte[i] > 0 and capped:
            parts.append(f"hiring capped at {cap} a month; gap covered by overtime")
        elif plan.gap_fte[i] > 0:
            parts.append("ramp: new hires not yet fully productive; gap covered by overtime")
        surplus = plan.available_fte[i] - required[i]
        if surplus >= 1.0:
            why = (
                "hired ahead of a later need the monthly cap could not meet in time"
                if plan.hires[: i + 1].sum() > 0
                else "attrition absorbs it"
            )
            parts.append(f"{surplus:.1f} FTE above need ({why}; nobody is laid off)")
        if plan.hires_requisitioned[i] > 0:
            parts.append(
                f"requisition {plan.hires_requisitioned[i]:.0f} to start {months[i + lead]}"
            )
        notes.append("; ".join(parts))
    return notes


def _safe_ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    return np.divide(
        numerator, denominator, out=np.full(len(numerator), np.nan), where=denominator > 0
    )


def compare(months: pd.DataFrame) -> pd.DataFrame:
    """One row per case of a ``months`` table: totals and peaks over the horizon."""
    grouped = months.groupby("scenario", sort=False)
    out = grouped.agg(
        volume=("volume", "sum"),
        deflected=("deflected", "sum"),
        mean_required_fte=("required_fte", "mean"),
        peak_required_fte=("required_fte", "max"),
        end_headcount=("headcount_end", "last"),
        hires=("hires", "sum"),
        attrition=("attrition", "sum"),
        gap_fte_months=("gap_fte", "sum"),
        payroll_cost=("payroll_cost", "sum"),
        overtime_cost=("overtime_cost", "sum"),
        cost=("cost", "sum"),
    ).reset_index()
    out["cost_per_contact"] = _safe_ratio(out["cost"].to_numpy(), out["volume"].to_numpy())
    return out


def _assumptions(settings: ScenariosConfig) -> pd.DataFrame:
    """The inputs of each case, one row per case (for the workbook's audit trail)."""
    rows = []
    for case in settings.cases:
        row = {
            "scenario": case.name,
            "start": settings.start,
            "horizon_months": settings.horizon_months,
            "starting_headcount": settings.starting_headcount,
            "profile_weeks": settings.profile_weeks,
            "stressed_volume_factor": settings.stressed_volume_factor,
            "hours_per_fte_week": settings.hours_per_fte_week,
            "currency": settings.currency,
        }
        for field in dataclasses.fields(case):
            if field.name != "name":
                row[field.name] = getattr(case, field.name)
        row["ramp"] = ", ".join(f"{v:g}" for v in case.ramp)
        row["overtime_cost_per_fte_month"] = case.overtime_cost
        row["shrinkage"] = "per queue" if case.shrinkage is None else case.shrinkage
        rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- sensitivity

_Move = Callable[[Case, _Knobs, float], tuple[Case, _Knobs, float]]


def _drivers(base_shrinkage: float) -> dict[str, _Move]:
    """Each driver: how to move it by the factor ``f`` and the moved value to report."""

    def case_field(name: str, cap: float | None = None) -> _Move:
        def move(case: Case, knobs: _Knobs, f: float) -> tuple[Case, _Knobs, float]:
            value = getattr(case, name) * f
            value = min(value, cap) if cap is not None else value
            return dataclasses.replace(case, **{name: value}), knobs, value

        return move

    def knob(name: str) -> _Move:
        def move(case: Case, knobs: _Knobs, f: float) -> tuple[Case, _Knobs, float]:
            value = getattr(knobs, name) * f
            return case, dataclasses.replace(knobs, **{name: value}), value

        return move

    def ramp(case: Case, knobs: _Knobs, f: float) -> tuple[Case, _Knobs, float]:
        moved = tuple(min(1.0, v * f) for v in case.ramp)
        return dataclasses.replace(case, ramp=moved), knobs, float(np.mean(moved or (1.0,)))

    def shrinkage(case: Case, knobs: _Knobs, f: float) -> tuple[Case, _Knobs, float]:
        moved = dataclasses.replace(knobs, shrinkage_scale=knobs.shrinkage_scale * f)
        return case, moved, min(base_shrinkage * f, MAX_SHRINKAGE)

    def payroll(case: Case, knobs: _Knobs, f: float) -> tuple[Case, _Knobs, float]:
        value = case.cost_per_fte_month * f  # overtime stays put: it is its own driver
        moved = dataclasses.replace(
            case, cost_per_fte_month=value, overtime_cost_per_fte_month=case.overtime_cost
        )
        return moved, knobs, value

    def overtime(case: Case, knobs: _Knobs, f: float) -> tuple[Case, _Knobs, float]:
        value = case.overtime_cost * f
        return dataclasses.replace(case, overtime_cost_per_fte_month=value), knobs, value

    return {
        "volume": knob("volume_scale"),
        "volume_growth": case_field("volume_growth"),
        "stressed_share": case_field("stressed_share", cap=1.0),
        "stressed_volume_factor": knob("stressed_volume_factor"),
        "deflection": case_field("deflection_scale"),
        "aht": knob("aht_scale"),
        "shrinkage": shrinkage,
        "attrition": case_field("attrition", cap=1.0),
        "new_hire_ramp": ramp,
        "cost_per_fte_month": payroll,
        "overtime_cost_per_fte_month": overtime,
    }


def _driver_row(
    case: Case,
    knobs: _Knobs,
    base: pd.DataFrame,
    demand: _DemandCache,
    settings: ScenariosConfig,
    driver: str,
) -> dict[str, object]:
    """One driver moved by ±``sensitivity_step``: change in FTE and cost over the horizon."""
    shrinkage = _shrinkage_of(demand.queue_shrinkage, case, knobs)
    base_shrinkage = float(shrinkage.mean())  # reported: the mean over profile intervals
    move = _drivers(base_shrinkage)[driver]
    step = settings.sensitivity_step
    _, _, base_value = move(case, knobs, 1.0)
    results = {}
    for side, factor in (("low", 1.0 - step), ("high", 1.0 + step)):
        moved_case, moved_knobs, value = move(case, knobs, factor)
        table = _case_months(moved_case, moved_knobs, demand, settings)
        results[side] = (value, _totals(table) - _totals(base))
    return _sensitivity_row(case.name, driver, base_value, results)


def _sensitivity(rows: list[dict[str, object]]) -> pd.DataFrame:
    """One case's driver rows, the largest cost swing first."""
    out = pd.DataFrame(rows)
    out = out.sort_values(["cost_swing", "driver"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)


def _totals(table: pd.DataFrame) -> np.ndarray:
    """Mean required FTE, mean paid FTE (heads + gap) and total cost over the horizon."""
    paid = table["headcount_end"] + table["gap_fte"]
    return np.array([table["required_fte"].mean(), paid.mean(), table["cost"].sum()])


def _sensitivity_row(
    scenario: str, driver: str, base_value: float, results: dict[str, tuple[float, np.ndarray]]
) -> dict[str, object]:
    (low_value, low), (high_value, high) = results["low"], results["high"]
    return {
        "scenario": scenario,
        "driver": driver,
        "base_value": base_value,
        "low_value": low_value,
        "high_value": high_value,
        "delta_required_fte_low": low[0],
        "delta_required_fte_high": high[0],
        "delta_paid_fte_low": low[1],
        "delta_paid_fte_high": high[1],
        "delta_cost_low": low[2],
        "delta_cost_high": high[2],
        "cost_swing": abs(high[2] - low[2]),
    }
