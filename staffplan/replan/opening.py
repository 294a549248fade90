"""A surge tier's ``open_backlog_hours``: backlog queues worked in their closed hours.

While such a tier fires, the rest of today is sized with every backlog queue open around
the clock (its ``open_hours`` dropped), so the fluid model works the backlog down in the
evening or at the weekend too, and the intervals that were closed become hours the
re-plan may staff: with the tier's other measures and, even when ``extra_shifts`` is not
among them, with extra shifts of those queues that cover some of the newly opened hours
(opening hours nobody could staff would open nothing). A queue whose target counts
``business_hours`` counts the opened hours too while the tier fires (the stricter
reading: its clock runs wherever agents may now answer).
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from staffplan.backlog import open_intervals
from staffplan.config import Config


@dataclasses.dataclass(frozen=True)
class OpenedHours:
    """``config`` with its backlog queues open around the clock, and per backlog queue
    the interval starts of the demand it newly opens (queues with none left out)."""

    config: Config
    starts: dict[str, pd.DatetimeIndex]

    def spans(self, interval_min: int) -> dict[str, list[list[str]]]:
        """Queue → its newly opened hours as ``[start, end)`` ISO timestamp pairs, one
        per run of consecutive intervals."""
        step = pd.Timedelta(minutes=interval_min)
        out = {}
        for queue, starts in self.starts.items():
            runs: list[list[pd.Timestamp]] = []
            for start in starts:
                if runs and runs[-1][1] == start:
                    runs[-1][1] = start + step
                else:
                    runs.append([start, start + step])
            out[queue] = [[a.isoformat(), b.isoformat()] for a, b in runs]
        return out


def open_backlog_hours(config: Config, demand: pd.DataFrame) -> OpenedHours:
    """The backlog queues of ``config`` opened around the clock over ``demand``'s
    intervals (``queue, interval_start``, planning-zone timestamps)."""
    queues, starts = [], {}
    for queue in config.queues:
        if not queue.backlog:
            queues.append(queue)
            continue
        queues.append(dataclasses.replace(queue, open_hours=None))
        times = demand.loc[demand["queue"] == queue.name, "interval_start"]
        closed = times[~open_intervals(times, queue)]
        if not closed.empty:
            starts[queue.name] = pd.DatetimeIndex(closed.drop_duplicates().sort_values())
    return OpenedHours(dataclasses.replace(config, queues=tuple(queues)), starts)
