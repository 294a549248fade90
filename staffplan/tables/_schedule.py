"""The contract of the tables after sizing: shifts, coverage, the plan's days, the
simulation, the roster week and the surge re-plan's changes."""

from __future__ import annotations

import dataclasses

from staffplan.tables._demand import INTERVAL_START, QUEUE
from staffplan.tables._spec import Column, Table

SHIFTS = Table(
    "shifts",
    (
        Column("shift_id", "text", True, "", "The shift's id (`S0001`…), one per row."),
        Column(
            "queue",
            "text",
            False,
            "",
            "The queue it serves; a pool's queue names (or a skill combination's) joined by "
            "`+` (`pools:`).",
        ),
        Column("template", "text", False, "", "The shift template it comes from."),
        Column("day", "date", False, "", "The day it starts, planning-zone clock."),
        Column("start", "time", True, "", "When it starts."),
        Column("end", "time", True, "", "When it ends."),
        Column(
            "paid_hours",
            "number",
            False,
            "h",
            "Paid hours: on-site time minus an unpaid lunch (`end − start` if missing).",
        ),
        Column(
            "breaks",
            "text",
            False,
            "",
            "Breaks as planning-zone clock times `HH:MM-HH:MM;…`, each the first such time "
            "after the start (in the repeated hour of a DST fall-back `break_offsets_min` "
            "decides).",
            blank=True,
        ),
        Column(
            "break_offsets_min",
            "text",
            False,
            "min",
            "The same breaks as minutes after the start (`90-105;240-270`): unambiguous on a "
            "DST day.",
            blank=True,
        ),
        Column("cost", "number", False, "paid h", "Paid hours × the template's `cost_per_hour`."),
        Column(
            "agent",
            "text",
            False,
            "",
            "The agent working it (the roster's `shifts.csv`); empty = nobody.",
            blank=True,
        ),
    ),
    key=("shift_id",),
)
COVERAGE = Table(
    "coverage",
    (
        Column(
            "queue",
            "text",
            True,
            "",
            "The queue, or a pool's queue names joined by `+` (`pools:`).",
        ),
        INTERVAL_START,
        Column("required", "number", False, "agents", "The requirements' `agents`."),
        Column(
            "scheduled",
            "number",
            True,
            "agents",
            "Agents on the phones: present and not on a break (a break taking part of the "
            "interval counts as that share of an agent).",
        ),
        Column(
            "gap",
            "number",
            False,
            "agents",
            "Agents missing at the worst moment of the interval, counted at the breaks' own "
            "resolution (a 15-minute break in a 30-minute interval leaves a quarter-hour "
            "short): `max(required − fewest on the floor, 0)`; at least "
            "`max(required − scheduled, 0)`.",
        ),
        Column(
            "surplus", "number", False, "agents", "Spare agents: `max(scheduled − required, 0)`."
        ),
        Column(
            "service_level",
            "share",
            False,
            "",
            "Projected from the whole agents scheduled with the queueing model; empty without "
            "`offered` and `aht_s`. A pool's row has the pool's (volume-weighted over its "
            "queues).",
            blank=True,
        ),
    ),
)
DAILY = Table(
    "daily",
    (
        Column("day", "date", True, "", "The day, planning-zone clock."),
        Column("weekday", "text", True, "", "`Mon` … `Sun`."),
        Column("contacts", "number", True, "contacts", "Forecast contacts (`volume`)."),
        Column("deflected", "number", True, "contacts", "Contacts deflected."),
        Column("agent_hours_needed", "number", True, "h", "Required agents × interval hours."),
        Column("fte_needed", "number", True, "FTE", "Required FTE-hours over an 8-hour FTE-day."),
        Column(
            "scheduled_paid_hours",
            "number",
            True,
            "h",
            "Paid hours of the shifts starting that day.",
        ),
        Column(
            "projected_service_level",
            "share",
            True,
            "",
            "The coverage's service level, weighted by contacts offered; empty if unknown.",
            blank=True,
        ),
    ),
    key=("day",),
)


def _band(
    name: str, type_: str, unit: str, what: str, *, blank: bool = True
) -> tuple[Column, Column, Column]:
    """A simulated measure and its 10th and 90th percentile across replications; ``blank``:
    empty where no replication had what it is a ratio of."""
    return (
        Column(name, type_, True, unit, f"{what}, pooled over the replications.", blank=blank),
        Column(
            f"{name}_p10",
            type_,
            True,
            unit,
            f"10th percentile of the replications' {name}.",
            blank=blank,
        ),
        Column(
            f"{name}_p90",
            type_,
            True,
            unit,
            f"90th percentile of the replications' {name}.",
            blank=blank,
        ),
    )


SERVICE_LEVEL = _band("service_level", "share", "", "Share answered within the target time")
ASA = _band("asa_s", "number", "s", "Mean wait of the answered contacts")
ABANDON = _band("abandon_rate", "share", "", "Share of the offered contacts that gave up")
OCCUPANCY = _band("occupancy", "share", "", "Busy share of the scheduled agents' time")
QUEUE_AT_END = _band(
    "queue_at_end", "number", "contacts", "Contacts waiting as the interval ends", blank=False
)
ERLANG_SERVICE_LEVEL = Column(
    "erlang_service_level",
    "share",
    True,
    "",
    "The queueing model's service level for the scheduled agents.",
    blank=True,
)
SIMULATION = Table(
    "simulation",
    (
        QUEUE,
        INTERVAL_START,
        *SERVICE_LEVEL,
        ASA[0],
        ABANDON[0],
        OCCUPANCY[0],
        QUEUE_AT_END[0],
        Column("volume", "number", True, "contacts", "Forecast contacts."),
        Column("scheduled", "number", True, "agents", "The coverage's `scheduled` agents."),
        Column("offered", "number", True, "contacts", "Simulated arrivals, mean per replication."),
        ERLANG_SERVICE_LEVEL,
        *ASA[1:],
        *ABANDON[1:],
        *OCCUPANCY[1:],
        *QUEUE_AT_END[1:],
    ),
)
SIMULATION_DAILY = Table(
    "simulation_daily",
    (
        QUEUE,
        Column("day", "date", True, "", "The day, planning-zone clock."),
        Column("volume", "number", True, "contacts", "Forecast contacts of the day."),
        *SERVICE_LEVEL,
        ASA[0],
        ABANDON[0],
        dataclasses.replace(
            ERLANG_SERVICE_LEVEL, meaning="The Erlang projection, volume-weighted."
        ),
        Column("target", "share", True, "", "The queue's `target.service_level`."),
        Column(
            "target_met_share",
            "share",
            True,
            "",
            "Share of the replications whose day reaches the target.",
            blank=True,
        ),
    ),
    key=("queue", "day"),
)
ROSTER = Table(
    "roster",
    (
        Column("agent", "text", True, "", "The agent (`team.agents[].name`)."),
        SHIFTS.column("day"),
        SHIFTS.column("start"),
        SHIFTS.column("end"),
        SHIFTS.column("breaks"),
        SHIFTS.column("queue", blank=True),
        SHIFTS.column("shift_id", required=False),
        SHIFTS.column("paid_hours"),
        SHIFTS.column("template", blank=True),
        SHIFTS.column("break_offsets_min"),
    ),
    key=("shift_id",),
)
AGENTS = Table(
    "agents",
    (
        ROSTER.column("agent"),
        Column("shifts", "count", True, "shifts", "Shifts worked in the week."),
        Column("paid_hours", "number", True, "h", "Paid hours in the week."),
        Column("contracted_hours", "number", True, "h/week", "`contracted_hours_per_week`."),
        Column("weekend_shifts", "count", True, "shifts", "Shifts starting on Saturday or Sunday."),
        Column("late_shifts", "count", True, "shifts", "Shifts ending after `team.late_after`."),
        Column(
            "recent_load",
            "number",
            True,
            "shifts",
            "Weekend plus late shifts of earlier weeks: last week 1 each, the week before ½ …",
        ),
    ),
    key=("agent",),
)
OPEN_SHIFTS = dataclasses.replace(SHIFTS, name="open_shifts")
CHANGES = Table(
    "changes",
    (
        Column(
            "kind",
            "text",
            True,
            "",
            "`overtime_before`, `overtime_after`, `extra_shift`, `on_call` or `move`.",
        ),
        Column("agent", "text", True, "", "Who works it; empty = an open shift.", blank=True),
        Column(
            "shift_id",
            "text",
            True,
            "",
            "The shift extended or moved; `X001`… for an extra shift, `C001`… for on-call.",
        ),
        Column("queue", "text", True, "", "The queue (or pooled queues) it covers."),
        Column("start", "time", True, "", "Start of the added span (a move: the new start)."),
        Column("end", "time", True, "", "End of the added span (a move: the new end)."),
        Column("hours", "number", True, "h", "Hours added (0 for a move)."),
        Column("cost", "number", True, "paid h", "What the change costs."),
        Column(
            "service_level_before",
            "share",
            True,
            "",
            "Projected service level of the intervals it touches without this change.",
            blank=True,
        ),
        Column(
            "service_level_after",
            "share",
            True,
            "",
            "The same with it (the whole re-plan).",
            blank=True,
        ),
        Column(
            "note", "text", True, "", "What to know (an open shift, where a move was).", blank=True
        ),
    ),
    key=("kind", "shift_id"),
)
