"""Finance outputs of ``staffplan scenarios``: workbook, CSV, JSON and the chart.

Every output shows the same rounded numbers (:func:`presentable`): contacts, hires and
money as whole numbers, FTE to 2 decimals, AHT to 1, so the workbook and the CSV agree
cell for cell. The workbook is formatted for finance: money in the configured currency,
rates as percentages, months as date cells, units in the headers, frozen headers and
filters, and per scenario a chart of required vs planned FTE and the hiring rule. User
text (scenario names) is defused against formula injection in the workbook and the CSV.
Files are written atomically; the same result gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import EngFormatter

from staffplan import tables
from staffplan.charts import literal_text
from staffplan.errors import InputError
from staffplan.finance.excel import LineChartSpec, Sheet, book_bytes
from staffplan.finance.headcount import HIRING_RULE
from staffplan.finance.scenarios import ScenarioResult, compare
from staffplan.tables.schema import SCENARIOS, SENSITIVITY

COSTS = ("cost", "payroll_cost", "overtime_cost", "delta_cost_low", "delta_cost_high", "cost_swing")
WHOLE = ("volume", "deflected", "offered", "hires", "hires_requisitioned", *COSTS)
ONE_DECIMAL = ("aht_s",)
FOUR_DECIMALS = ("base_value", "low_value", "high_value", "cost_per_contact")
NUMBER_FORMATS = {
    **{c: "#,##0" for c in WHOLE},
    **{c: "0.0" for c in ONE_DECIMAL},
    **{c: "#,##0.0000" for c in FOUR_DECIMALS},
}
MONEY = (*COSTS, "cost_per_fte_month", "overtime_cost_per_fte_month")
# rates of the assumptions sheet (elsewhere "attrition" is leavers in FTE)
PERCENT = (
    "volume_growth",
    "stressed_share",
    "aht_change",
    "attrition",
    "shrinkage",
    "sensitivity_step",
)
PERCENT_FORMAT = "0.0%"
MONTH_FORMAT = "mmm yyyy"
SCALE_FORMAT = '0.00"×"'
# the sensitivity drivers whose values are shares (percent) or money; the rest are scales
PERCENT_DRIVERS = ("volume_growth", "stressed_share", "shrinkage", "attrition", "new_hire_ramp")
MONEY_DRIVERS = ("cost_per_fte_month", "overtime_cost_per_fte_month")
COMPARISON_UNITS = {
    "volume": "contacts",
    "deflected": "contacts",
    "mean_required_fte": "FTE",
    "peak_required_fte": "FTE",
    "end_headcount": "FTE",
    "hires": "people",
    "attrition": "FTE",
    "gap_fte_months": "FTE-months",
    "payroll_cost": "currency",
    "overtime_cost": "currency",
    "cost": "currency",
    "cost_per_contact": "currency/contact",
}
ASSUMPTION_UNITS = {
    "horizon_months": "months",
    "starting_headcount": "FTE",
    "profile_weeks": "weeks",
    "stressed_volume_factor": "× calm volume",
    "hours_per_fte_week": "h",
    "volume_growth": "per month",
    "attrition": "per month",
    "deflection_scale": "× containment",
    "hiring_lead_months": "months",
    "ramp": "productivity, months 1..k",
    "cost_per_fte_month": "currency/FTE-month",
    "overtime_cost_per_fte_month": "currency/FTE-month",
    "max_hires_per_month": "people",
}
SUFFIXES = (".xlsx", ".csv", ".json")
SENSITIVITY_SUFFIX = "_sensitivity"


def presentable(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` rounded for people: whole numbers as ints, FTE-like floats to 2 decimals."""
    out = table.copy()
    for column in out.columns:
        if not pd.api.types.is_float_dtype(out[column]):
            continue
        if column in WHOLE:
            out[column] = out[column].round(0).astype("int64")
        elif column in ONE_DECIMAL:
            out[column] = out[column].round(1)
        elif column in FOUR_DECIMALS:
            out[column] = out[column].round(4)
        else:
            out[column] = out[column].round(2)
    return _tie_totals(out)


def _tie_totals(out: pd.DataFrame) -> pd.DataFrame:
    """Make rounded parts add up on the page, as a finance table must.

    ``cost = payroll_cost + overtime_cost`` and ``attrition = headcount_start + hires -
    headcount_end`` are recomputed from their rounded parts (each within one unit of the
    last digit of the unrounded value).
    """
    if {"cost", "payroll_cost", "overtime_cost"} <= set(out.columns):
        out["cost"] = out["payroll_cost"] + out["overtime_cost"]
    if {"attrition", "headcount_start", "headcount_end", "hires"} <= set(out.columns):
        balance = out["headcount_start"] + out["hires"] - out["headcount_end"]
        out["attrition"] = balance.round(2)
    return out


def scenario_workbook(result: ScenarioResult) -> bytes:
    """The .xlsx: a comparison sheet, one sheet per scenario (with its chart and hiring
    rule), sensitivity and assumptions; money shown in the assumptions' ``currency``."""
    currency = str(result.assumptions["currency"].iloc[0]) if len(result.assumptions) else ""
    money = _money_format(currency)
    formats = {**NUMBER_FORMATS, **dict.fromkeys(MONEY, money), "month": MONTH_FORMAT}
    formats["cost_per_contact"] = _money_format(currency, decimals=4)
    # the comparison adds up the rounded months, so its totals match the sheets below
    comparison = presentable(compare(presentable(result.months)))
    sheets = [Sheet("Comparison", comparison, formats, _units(COMPARISON_UNITS, currency), {}, 1)]
    months_units = _units({c.name: c.unit for c in SCENARIOS.columns}, currency)
    caps = dict(zip(result.assumptions["scenario"], _caps(result.assumptions), strict=True))
    for name, months in result.months.groupby("scenario", sort=False):
        table = presentable(months).assign(month=lambda t: t["month"].map(_first_day))
        chart = LineChartSpec(
            f"{name}: required vs planned FTE",
            "month",
            ("required_fte", "available_fte", "headcount_end"),
            "FTE",
        )
        cap = caps.get(name)
        rule = f"Hiring rule (max_hires_per_month: {cap or 'no cap'}): {HIRING_RULE}"
        sheets.append(Sheet(str(name), table, formats, months_units, {}, 2, chart, notes=(rule,)))
    sensitivity = presentable(result.sensitivity)
    sheets += [
        Sheet(
            "Sensitivity",
            sensitivity,
            formats,
            _units({c.name: c.unit for c in SENSITIVITY.columns}, currency),
            _driver_formats(sensitivity, money),
            2,
        ),
        Sheet(
            "Assumptions",
            result.assumptions.assign(start=lambda t: t["start"].map(_first_day)),
            {**formats, **dict.fromkeys(PERCENT, PERCENT_FORMAT), "start": MONTH_FORMAT},
            _units(ASSUMPTION_UNITS, currency),
            {},
            1,
        ),
    ]
    return book_bytes(sheets)


def _money_format(currency: str, decimals: int = 0) -> str:
    digits = "." + "0" * decimals if decimals else ""
    return f'#,##0{digits} "{currency}";-#,##0{digits} "{currency}"'


def _units(units: dict[str, str], currency: str) -> dict[str, str]:
    """``units`` with the word ``currency`` replaced by the currency's code."""
    return {name: unit.replace("currency", currency) for name, unit in units.items() if unit}


def _first_day(month: str) -> dt.date:
    """``YYYY-MM`` as the month's first day, for a date cell."""
    year, number = month.split("-")
    return dt.date(int(year), int(number), 1)


def _caps(assumptions: pd.DataFrame) -> list[object]:
    if "max_hires_per_month" not in assumptions:
        return [None] * len(assumptions)
    return [None if pd.isna(v) else int(v) for v in assumptions["max_hires_per_month"]]


def _driver_formats(sensitivity: pd.DataFrame, money: str) -> dict[tuple[int, str], str]:
    """The value cells of each driver in its own unit: share, money or a scale."""
    out = {}
    for i, driver in enumerate(sensitivity["driver"]):
        if driver in PERCENT_DRIVERS:
            fmt = PERCENT_FORMAT
        elif driver in MONEY_DRIVERS:
            fmt = money
        else:
            fmt = SCALE_FORMAT
        for column in ("base_value", "low_value", "high_value"):
            out[(i, column)] = fmt
    return out


def csv_text(table: pd.DataFrame) -> str:
    """A presentable table as CSV, text cells defused like the workbook's."""
    return tables.defuse_text_cells(presentable(table)).to_csv(index=False, lineterminator="\n")


def json_text(result: ScenarioResult) -> str:
    """All four tables as one JSON document (rounded like the workbook)."""
    return tables.to_json_text(
        {
            "scenarios": tables.records(presentable(result.months)),
            "comparison": tables.records(presentable(compare(presentable(result.months)))),
            "sensitivity": tables.records(presentable(result.sensitivity)),
            "assumptions": tables.records(result.assumptions),
        }
    )


def check_output(path: Path) -> None:
    """Fail early, before any work, if ``path`` is a folder, its suffix is not one of
    :data:`SUFFIXES`, or a file it writes cannot be written (see
    :func:`staffplan.tables.check_file_target`)."""
    if path.is_dir():
        raise InputError(
            f"{path}: is a folder; give a file in it, e.g. {path / 'scenarios'}{SUFFIXES[0]}"
        )
    if path.suffix.lower() not in SUFFIXES:
        raise InputError(
            f"{path}: cannot tell the format from the suffix {path.suffix or '(none)'}; "
            f"use one of {', '.join(SUFFIXES)}"
        )
    for target in output_paths(path):
        tables.check_file_target(target)


def output_paths(path: Path) -> list[Path]:
    """The files an output named ``path`` writes: ``path``, and beside a ``.csv`` its
    ``<name>_sensitivity.csv``."""
    if path.suffix.lower() != ".csv":
        return [path]
    return [path, path.with_name(path.stem + SENSITIVITY_SUFFIX + path.suffix)]


def scenario_files(result: ScenarioResult, path: Path) -> dict[Path, bytes]:
    """The files that write ``result`` in the format of ``path``'s suffix (see
    :func:`output_paths`), path -> bytes."""
    check_output(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return {path: scenario_workbook(result)}
    if suffix == ".json":
        return {path: json_text(result).encode("utf-8")}
    tables_text = [csv_text(result.months), csv_text(result.sensitivity)]
    names = output_paths(path)
    return {name: text.encode("utf-8") for name, text in zip(names, tables_text, strict=True)}


def write_scenarios(
    result: ScenarioResult, path: Path | None, chart: Path | None = None
) -> list[Path]:
    """Write ``result`` in the format of ``path``'s suffix (see :func:`output_paths`;
    None: no table) and its :func:`scenario_chart` to the PNG ``chart``, all files at
    once: none is replaced unless every one is ready. Returns the files written."""
    files = scenario_files(result, path) if path is not None else {}
    if chart is not None:
        files[chart] = scenario_chart(result)
    tables.atomic_write_files(files)
    return list(files)


@literal_text
def scenario_chart(result: ScenarioResult) -> bytes:
    """PNG: required vs available FTE per scenario by month, and a cost tornado per scenario."""
    names = list(pd.unique(result.months["scenario"]))
    figure = Figure(figsize=(max(10.0, 4.0 * len(names)), 9.0), dpi=100, layout="constrained")
    grid = figure.add_gridspec(2, len(names), height_ratios=(1.0, 1.1))
    _fte_panel(figure.add_subplot(grid[0, :]), result.months, names)
    for j, name in enumerate(names):
        rows = result.sensitivity[result.sensitivity["scenario"] == name]
        _tornado(figure.add_subplot(grid[1, j]), rows, name, legend=j == 0)
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer, metadata={"Software": None})
    return buffer.getvalue()


def _fte_panel(axes, months: pd.DataFrame, names: list[str]) -> None:
    colours = [f"C{i % 10}" for i in range(len(names))]
    labels = list(pd.unique(months["month"]))
    x = np.arange(len(labels))
    for name, colour in zip(names, colours, strict=True):
        rows = months[months["scenario"] == name]
        axes.plot(x, rows["required_fte"], color=colour, label=f"{name}: required")
        axes.plot(
            x, rows["available_fte"], color=colour, linestyle="--", label=f"{name}: available"
        )
    axes.set_xticks(x, labels, rotation=45, ha="right")
    axes.set_ylabel("FTE")
    axes.set_title("Required vs available FTE (available: ramp-adjusted heads)")
    axes.legend(ncols=min(len(names), 3), fontsize="small")
    axes.grid(alpha=0.3)


def _tornado(axes, rows: pd.DataFrame, name: str, *, legend: bool) -> None:
    rows = rows.iloc[::-1]  # the largest swing on top
    y = np.arange(len(rows))
    axes.barh(y, rows["delta_cost_low"], color="C0", label="driver lower")
    axes.barh(y, rows["delta_cost_high"], color="C3", label="driver higher")
    axes.axvline(0.0, color="black", linewidth=0.8)
    axes.set_yticks(y, rows["driver"], fontsize="small")
    axes.xaxis.set_major_formatter(EngFormatter(sep=""))
    axes.tick_params(axis="x", labelsize="small")
    axes.set_xlabel("Δ cost over the horizon")
    axes.set_title(f"{name}\ncost sensitivity", fontsize="medium")
    if legend:
        axes.legend(fontsize="x-small", loc="best")
