"""The contract of the input tables and of the demand table that grows through the stages.

forecast → deflection (adds ``deflected, offered, aht_s``) → requirements (adds the
sizing columns); no stage drops a column. Also the deflection saving summary.
"""

from __future__ import annotations

from staffplan.tables._spec import Column, Table, made_optional

QUEUE = Column("queue", "text", True, "", "The queue, as named in the config's `queues`.")
INTERVAL_START = Column(
    "interval_start", "time", True, "", "Start of the interval, planning-zone clock."
)

HISTORY = Table(
    "history",
    (
        QUEUE,
        INTERVAL_START,
        Column("volume", "count", True, "contacts", "Contacts that arrived in the interval."),
        Column(
            "aht_s",
            "number",
            False,
            "s",
            "Mean handle time of the interval's contacts; empty when there were none.",
            blank=True,
        ),
    ),
)
HISTORY_EVENTS = Table(
    "history_events",
    (
        Column("created_at", "time", True, "", "When the contact arrived."),
        QUEUE,
        Column("reason", "text", False, "", "The contact reason.", blank=True),
        Column("handle_time_s", "number", False, "s", "Handle time of the contact."),
    ),
    key=(),
)
MARKET = Table(
    "market",
    (
        Column("timestamp", "time", True, "", "Start of the bar (hourly or daily); UTC if naive."),
        Column("close", "number", True, "price", "Closing price of the bar (above 0)."),
        Column("high", "number", False, "price", "Highest price of the bar."),
        Column("low", "number", False, "price", "Lowest price of the bar."),
        Column("volume", "number", False, "", "Traded volume of the bar, in the asset's units."),
    ),
    key=("timestamp",),
)
FORECAST = Table(
    "forecast",
    (
        QUEUE,
        INTERVAL_START,
        Column("volume", "number", True, "contacts", "Expected contacts in the interval."),
        Column("lo80", "number", False, "contacts", "Lower bound of the 80 % prediction interval."),
        Column("hi80", "number", False, "contacts", "Upper bound of the 80 % prediction interval."),
        Column("lo95", "number", False, "contacts", "Lower bound of the 95 % prediction interval."),
        Column("hi95", "number", False, "contacts", "Upper bound of the 95 % prediction interval."),
        Column(
            "model",
            "text",
            False,
            "",
            "The forecaster: `staffplan`, `same_slot_average` or `seasonal_naive`.",
        ),
        Column(
            "volatility_path",
            "text",
            False,
            "",
            "Where the row's market volatility came from: `conditional` (the market file's "
            "realised path), `decay` (decaying toward typical after it), a "
            "`--volatility-scenario` name or `vol=<daily volatility>`, or `none`.",
        ),
        Column(
            "peak",
            "bool",
            False,
            "",
            "The interval is in the queue's busiest `forecast.peak_share` of the horizon.",
        ),
        Column(
            "scenario",
            "text",
            False,
            "",
            "Your own label for alternative forecasts in one file; `simulate --scenario` "
            "picks one.",
        ),
    ),
)
DEFLECTED = (
    Column(
        "deflected",
        "number",
        True,
        "contacts",
        "Contacts the self-service programmes resolve for good (contained minus re-contacts).",
    ),
    Column(
        "offered",
        "number",
        True,
        "contacts",
        "Contacts reaching agents: `volume − deflected` (in requirements `+ escalated`).",
    ),
    Column(
        "aht_s",
        "number",
        True,
        "s",
        "Handle time of the offered contacts: the row's or the queue's `aht_s`, raised by "
        "deflection (the easy reasons leave).",
    ),
)
DEFLECTION = Table("deflection", (*FORECAST.columns, *DEFLECTED))
SIZING = (
    Column(
        "escalated",
        "number",
        False,
        "contacts",
        "Contacts escalated in from tier-1 queues (`queues[].escalation`), included in "
        "`offered`; 0 for a queue nobody escalates to.",
    ),
    Column(
        "workload_erlangs",
        "number",
        False,
        "erlangs",
        "Offered load: `offered × aht_s` over the interval's seconds.",
    ),
    Column(
        "agents",
        "number",
        True,
        "agents",
        "Agents needed on the phones/chats to meet the queue's target (staff writes the "
        "minimum whole number); for a backlog queue, agents answering its backlog, only in "
        "its opening hours.",
    ),
    Column(
        "service_level",
        "share",
        False,
        "",
        "Share answered within `answer_within_s` (backlog: of the interval's arrivals).",
    ),
    Column("asa_s", "number", False, "s", "Average speed of answer (backlog: mean wait)."),
    Column("occupancy", "share", False, "", "Busy share of the agents' time."),
    Column("p_wait", "share", False, "", "Probability a contact waits."),
    Column(
        "abandon_rate",
        "share",
        False,
        "",
        "Share of contacts that give up (0 without `patience_s`).",
    ),
    Column(
        "required_fte",
        "number",
        False,
        "FTE",
        "`agents / (1 − shrinkage)`, unrounded: the paid people behind the agents.",
    ),
    Column(
        "backlog_end",
        "number",
        False,
        "contacts",
        "Backlog queues (email, ticket, ...): contacts waiting at the interval's end "
        "(fluid model); empty for live queues.",
        blank=True,
    ),
    Column(
        "oldest_age_h",
        "number",
        False,
        "h",
        "Backlog queues: hours the oldest waiting contact has waited at the interval's "
        "end (0 when none wait); empty for live queues.",
        blank=True,
    ),
    Column(
        "method",
        "text",
        False,
        "",
        "How the row was sized: `erlang_c` or `erlang_a` (a live queue of its own), `fluid` "
        "(a backlog queue: the backlog model); for a queue "
        "with classes or in a pool `exact` (priority M/M/N, common handle time), "
        "`approx_mean_aht` (handle times differ by class), `approx_patience` (callers give "
        "up) or `separate` (each class on its own agents needs fewer).",
    ),
)
REQUIREMENTS = Table(
    "requirements",
    made_optional((*DEFLECTION.columns, *SIZING), keep=("queue", "interval_start", "agents")),
)

BACKLOG_DAILY = Table(
    "backlog_daily",
    (
        Column("queue", "text", True, "", "A backlog queue (email, ticket, social, ...)."),
        Column("day", "date", True, "", "The day its contacts arrived, planning-zone clock."),
        Column("contacts", "number", True, "contacts", "Contacts reaching agents that day."),
        Column(
            "answered_in_time",
            "share",
            True,
            "",
            "Share of them the required agents answer within the target (fluid model).",
            blank=True,
        ),
        Column(
            "scheduled_in_time",
            "share",
            False,
            "",
            "The same share with the scheduled agents (the plan's coverage).",
            blank=True,
        ),
        Column("target", "share", True, "", "The queue's `target.service_level`."),
        Column("agent_hours", "number", True, "h", "Agent-hours required that day."),
    ),
    key=("queue", "day"),
)

DEFLECTION_SUMMARY = Table(
    "deflection_summary",
    (
        Column(
            "channel",
            "text",
            True,
            "",
            "The queue's `channel` (`chat`, `email`, ...); `all` on the grand total.",
        ),
        Column("programme", "text", True, "", "The programme (`deflection.queues[].programme`)."),
        Column("reason", "text", True, "", "The contact reason; `all` on a subtotal."),
        Column("contacts_per_week", "number", True, "contacts/week", "Contacts of the reason."),
        Column(
            "contained_per_week",
            "number",
            True,
            "contacts/week",
            "Contacts the programme contains.",
        ),
        Column(
            "recontacts_per_week",
            "number",
            True,
            "contacts/week",
            "Contained contacts that reach an agent anyway.",
        ),
        Column(
            "deflected_per_week", "number", True, "contacts/week", "Contained minus re-contacts."
        ),
        Column("deflection_rate", "share", True, "", "`deflected_per_week / contacts_per_week`."),
        Column(
            "workload_hours_saved_per_week",
            "number",
            True,
            "h/week",
            "Contact work removed (volume × AHT / concurrency): what a linear estimate claims.",
        ),
        Column(
            "agent_hours_saved_per_week",
            "number",
            True,
            "h/week",
            "Agents without minus with deflection (queueing engine) × interval hours.",
        ),
        Column(
            "fte_saved",
            "number",
            True,
            "FTE",
            "Paid hours saved per week over `hours_per_fte_week`.",
        ),
        Column(
            "cost_saved_per_month",
            "number",
            True,
            "currency/month",
            "`fte_saved × cost_per_fte_month`.",
        ),
        Column(
            "note",
            "text",
            True,
            "",
            "What to know about the row (ramp, launch, method).",
            blank=True,
        ),
    ),
    key=("channel", "programme", "reason"),
)
