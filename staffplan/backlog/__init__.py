"""Backlog (deferred) work: email, tickets, social and forum messages, app messages.

Contacts arrive around the clock and wait in a first-in-first-out backlog that carries
over intervals, nights and weekends; agents answer them only in the queue's opening
hours, against a target in hours. :mod:`.sizing` finds the fewest agents per interval
(a deterministic fluid model, :mod:`._fluid`); :mod:`.table` maps a queue's demand rows
to it and its answer to the requirements table. ``staffplan staff`` sends every queue
of a backlog channel here and every live one to the queueing engine.
"""

from __future__ import annotations

from staffplan.backlog.sizing import BacklogPlan, BacklogQueue, evaluate, size_queue
from staffplan.backlog.table import (
    backlog_projection,
    backlog_queue,
    day_shares,
    first_gap,
    open_intervals,
    projected_in_time,
    size_backlog,
)

__all__ = [
    "BacklogPlan",
    "BacklogQueue",
    "backlog_projection",
    "backlog_queue",
    "day_shares",
    "evaluate",
    "first_gap",
    "open_intervals",
    "projected_in_time",
    "size_backlog",
    "size_queue",
]
