"""What a re-run changed in a published week: the shifts that calendars must update.

A shift is one calendar event, named by (agent, day, queue) as its UID is
(:func:`staffplan.roster.ics.event_uid`); it changed when it is new, gone, or has other
start, end, breaks or template than before (what the event shows).
"""

from __future__ import annotations

import pandas as pd

from staffplan.roster.need import text_column


def changed_shifts(before: pd.DataFrame, after: pd.DataFrame) -> int:
    """Events added, removed or altered between two rosters of one week (``agent, day,
    start, end`` and optionally ``queue, breaks, template``; times tz-aware)."""
    old, new = _events(before), _events(after)
    return sum(old.get(key) != new.get(key) for key in old.keys() | new.keys())


def _events(roster: pd.DataFrame) -> dict[tuple[str, str, str], tuple[int, int, str, str]]:
    return {
        (str(agent), day, queue): (start.value, end.value, breaks, template)
        for agent, day, queue, start, end, breaks, template in zip(
            roster["agent"],
            text_column(roster, "day"),
            text_column(roster, "queue"),
            roster["start"],
            roster["end"],
            text_column(roster, "breaks"),
            text_column(roster, "template"),
            strict=True,
        )
    }
