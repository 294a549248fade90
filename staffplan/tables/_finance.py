"""The contract of the finance tables: monthly scenarios and their sensitivity."""

from __future__ import annotations

from staffplan.tables._spec import Column, Table

MONTHLY = "contacts/month"
SCENARIOS = Table(
    "scenarios",
    (
        Column("scenario", "text", True, "", "The case (`scenarios.cases[].name`)."),
        Column("month", "text", True, "", "The month, `YYYY-MM`."),
        Column("volume", "number", True, MONTHLY, "Contacts in the month."),
        Column("deflected", "number", True, MONTHLY, "Contacts deflected."),
        Column("required_fte", "number", True, "FTE", "FTE needed, calm and stressed days mixed."),
        Column(
            "available_fte",
            "number",
            True,
            "FTE",
            "Productive FTE of the headcount (ramp-adjusted).",
        ),
        Column("hires", "count", True, "people", "New hires starting in the month."),
        Column("attrition", "number", True, "FTE", "Leavers in the month."),
        Column("cost", "number", True, "currency/month", "`payroll_cost + overtime_cost`."),
        Column("offered", "number", True, MONTHLY, "Contacts reaching agents."),
        Column("aht_s", "number", True, "s", "Handle time of the offered contacts.", blank=True),
        Column("required_fte_calm", "number", True, "FTE", "FTE needed on calm days."),
        Column("required_fte_stressed", "number", True, "FTE", "FTE needed on stressed days."),
        Column("headcount_start", "number", True, "FTE", "Headcount at the start of the month."),
        Column("headcount_end", "number", True, "FTE", "Headcount at the end of the month."),
        Column("hires_requisitioned", "count", True, "people", "Hires requisitioned in the month."),
        Column("gap_fte", "number", True, "FTE", "Required minus available, bought as overtime."),
        Column(
            "payroll_cost", "number", True, "currency/month", "Headcount × `cost_per_fte_month`."
        ),
        Column(
            "overtime_cost",
            "number",
            True,
            "currency/month",
            "`gap_fte × overtime_cost_per_fte_month`.",
        ),
        Column("note", "text", True, "", "Why the month looks as it does.", blank=True),
    ),
    key=("scenario", "month"),
)
SENSITIVITY = Table(
    "sensitivity",
    (
        Column("scenario", "text", True, "", "The case."),
        Column("driver", "text", True, "", "The driver moved (`volume`, `attrition`, …)."),
        Column("base_value", "number", True, "", "The driver's value in the case (its own unit)."),
        Column("low_value", "number", True, "", "The value moved down by `sensitivity_step`."),
        Column("high_value", "number", True, "", "The value moved up by `sensitivity_step`."),
        Column(
            "delta_required_fte_low", "number", True, "FTE", "Change in mean required FTE, low."
        ),
        Column(
            "delta_required_fte_high", "number", True, "FTE", "Change in mean required FTE, high."
        ),
        Column(
            "delta_paid_fte_low",
            "number",
            True,
            "FTE",
            "Change in mean paid FTE (heads + gap), low.",
        ),
        Column("delta_paid_fte_high", "number", True, "FTE", "Change in mean paid FTE, high."),
        Column("delta_cost_low", "number", True, "currency", "Change in total cost, low."),
        Column("delta_cost_high", "number", True, "currency", "Change in total cost, high."),
        Column(
            "cost_swing",
            "number",
            True,
            "currency",
            "How far apart `delta_cost_low` and `delta_cost_high` are.",
        ),
    ),
    key=("scenario", "driver"),
)
