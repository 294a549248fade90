"""The contract of the re-forecast's tables: the actuals it reads and the factors per
queue it reports (the re-forecast itself is a ``forecast`` table)."""

from __future__ import annotations

import dataclasses

from staffplan.tables._demand import HISTORY
from staffplan.tables._spec import Column, Table

ACTUALS = dataclasses.replace(HISTORY, name="actuals")
REFORECAST_FACTORS = Table(
    "reforecast_factors",
    (
        Column("queue", "text", True, "", "The queue, as named in the config's `queues`."),
        Column(
            "week_factor",
            "number",
            True,
            "",
            "× on the rest of the week: the shrunk actual ÷ forecast of the days so far.",
        ),
        Column(
            "week_weight", "share", True, "", "How far the week level moved toward the actuals."
        ),
        Column(
            "day_factor",
            "number",
            True,
            "",
            "× on the rest of today, on top of `week_factor`: the shrunk ratio of today so far.",
        ),
        Column("day_weight", "share", True, "", "How far the day level moved toward the actuals."),
        Column(
            "today_ratio",
            "number",
            True,
            "",
            "Today's actual ÷ the week-updated forecast before `--as-of`; empty before any.",
            blank=True,
        ),
    ),
    key=("queue",),
)
