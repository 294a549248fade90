"""The contract of the calendar of known events and of the peaks report's tables."""

from __future__ import annotations

from staffplan.tables._demand import QUEUE
from staffplan.tables._spec import Column, Table

CALENDAR = Table(
    "calendar",
    (
        Column("date", "date", True, "", "The local day of the event (planning zone)."),
        Column(
            "event",
            "text",
            True,
            "",
            "The event's name; a `learned` effect uses earlier days with the same name.",
        ),
        Column(
            "effect",
            "text",
            True,
            "",
            "`closed` (no contacts), `learned` (the ratio of the event's past days to a normal "
            "day, shrunk toward 1 when they are few) or a factor like `x1.8` (1.8 times a "
            "normal day).",
        ),
        Column(
            "queue",
            "text",
            False,
            "",
            "The one queue it applies to; empty = every queue (a queue's own row wins).",
            blank=True,
        ),
    ),
    key=("date", "queue"),
)
HEATMAP = Table(
    "heatmap",
    (
        QUEUE,
        Column("weekday", "text", True, "", "`mon` … `sun`, planning zone."),
        Column("hour", "count", True, "h", "Local hour of day, 0–23."),
        Column(
            "contacts_per_hour",
            "number",
            True,
            "contacts",
            "Mean contacts in that hour over the history's days of that weekday.",
        ),
        Column(
            "vs_average",
            "number",
            True,
            "",
            "That hour against the queue's average hour (1 = average).",
        ),
    ),
    key=("queue", "weekday", "hour"),
)
SURGE_DAYS = Table(
    "surge_days",
    (
        QUEUE,
        Column("rank", "count", True, "", "1 = the queue's biggest surge (highest `ratio`)."),
        Column("date", "date", True, "", "The local day."),
        Column("weekday", "text", True, "", "`mon` … `sun`."),
        Column("volume", "number", True, "contacts", "Contacts that day."),
        Column(
            "expected",
            "number",
            True,
            "contacts",
            "A normal day: the median of the same weekday over the 4 weeks before and after.",
        ),
        Column("ratio", "number", True, "", "`volume` / `expected`."),
        Column(
            "daily_vol",
            "number",
            False,
            "per day",
            "Realised market volatility of the 24 h to the day's end (0.04 = 4 % a day); "
            "empty without a market.",
            blank=True,
        ),
        Column(
            "vol_vs_typical",
            "number",
            False,
            "",
            "`daily_vol` against the market file's median day.",
            blank=True,
        ),
    ),
    key=("queue", "rank"),
)
VOLATILITY_EFFECT = Table(
    "volatility_effect",
    (
        QUEUE,
        Column(
            "driver",
            "text",
            True,
            "",
            "`daily_vol` (24 h realised volatility) or `shock` (absolute return over "
            "`forecast.shock_window_h`).",
        ),
        Column(
            "change_per_doubling_pct",
            "number",
            True,
            "%",
            "Change in contacts when the driver doubles, the other held.",
        ),
        Column("lo95_pct", "number", True, "%", "Lower end of its 95 % confidence interval."),
        Column("hi95_pct", "number", True, "%", "Upper end of its 95 % confidence interval."),
        Column(
            "estimate",
            "number",
            True,
            "log per sd",
            "The fitted coefficient: log change in contacts per standard deviation of the "
            "log driver.",
        ),
        Column(
            "std_error",
            "number",
            True,
            "log per sd",
            "Its standard error (sandwich, clustered by day).",
        ),
        Column(
            "clear",
            "bool",
            True,
            "",
            "The estimate is over 2 standard errors from 0; the forecast shrinks the rest.",
        ),
    ),
    key=("queue", "driver"),
)
