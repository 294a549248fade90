"""The calendar of known events (holidays, closures, launches): read, checked, merged.

One table ``date, event, effect, queue`` (see ``docs/tables.md``) from the config's
``forecast.calendar`` CSV and its inline ``forecast.calendar_days``. ``effect`` is kept
as written (``closed``, ``learned`` or a factor like ``x1.8``); ``queue`` is empty for
an event on every queue. A day named twice for the same queue is an error.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from staffplan.config.fields import closest
from staffplan.config.forecast import CalendarDay, parse_effect
from staffplan.errors import ConfigError, InputError, shown
from staffplan.tables.parse import read_csv, row_number

if TYPE_CHECKING:
    from staffplan.config import Config

CALENDAR_COLUMNS = ("date", "event", "effect", "queue")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def read_calendar(path: str | Path, queues: Sequence[str]) -> pd.DataFrame:
    """The calendar CSV ``date, event, effect[, queue]`` checked row by row against the
    configured ``queues``; errors name the file, the spreadsheet row and the column."""
    frame = read_csv(path, required=CALENDAR_COLUMNS[:3], kind="calendar")
    cells = {c: frame[c].astype(str).str.strip() for c in frame.columns}
    queue = cells.get("queue", pd.Series("", index=frame.index))
    for i in range(len(frame)):
        where = f"{path}: row {row_number(i)}"
        _check_day(cells["date"].iloc[i], f"{where}, column 'date'")
        if not cells["event"].iloc[i]:
            raise InputError(f"{where}, column 'event': blank; name the event, e.g. christmas")
        try:
            parse_effect(cells["effect"].iloc[i])
        except ValueError as exc:
            raise InputError(f"{where}, column 'effect': {exc}") from None
        _check_queue(queue.iloc[i], queues, f"{where}, column 'queue'")
    table = pd.DataFrame(
        {
            "date": cells["date"],
            "event": cells["event"],
            "effect": cells["effect"].str.lower(),
            "queue": queue,
        }
    )
    _check_unique(table, lambda i: f"{path}: row {row_number(i)}")
    return table


def inline_calendar(days: Sequence[CalendarDay], queues: Sequence[str], where: str) -> pd.DataFrame:
    """The config's ``forecast.calendar_days`` as a calendar table (``where``: the file)."""
    for i, day in enumerate(days):
        if day.queue is not None:
            _check_queue(
                day.queue, queues, f"{where}: forecast.calendar_days[{i}].queue", ConfigError
            )
    table = pd.DataFrame(
        {
            "date": [day.date.isoformat() for day in days],
            "event": [day.event.strip() for day in days],
            "effect": [day.effect.strip().lower() for day in days],
            "queue": [day.queue or "" for day in days],
        },
        columns=list(CALENDAR_COLUMNS),
    )
    _check_unique(table, lambda i: f"{where}: forecast.calendar_days[{i}]", ConfigError)
    return table


def load_calendar(config: Config) -> pd.DataFrame | None:
    """The config's calendar (file rows, then inline days), or None if it names none."""
    settings = config.forecast
    if settings is None or (settings.calendar is None and not settings.calendar_days):
        return None
    queues = [q.name for q in config.queues]
    parts = []
    if settings.calendar is not None:
        parts.append(read_calendar(settings.calendar, queues))
    where = str(config.source or "config")
    parts.append(inline_calendar(settings.calendar_days, queues, where))
    table = pd.concat(parts, ignore_index=True)
    _check_unique(table, lambda i: f"{where}: forecast.calendar_days and forecast.calendar")
    return table


def _check_day(text: str, where: str) -> None:
    try:
        if not _DAY.fullmatch(text):
            raise ValueError
        dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"{where}: {shown(text)} is not a date; write the day as YYYY-MM-DD, e.g. 2026-12-25"
        ) from None


def _check_queue(
    name: str, queues: Sequence[str], where: str, error: type[Exception] = InputError
) -> None:
    if name == "" or name in queues:
        return
    hint = closest(name, queues)
    guess = f"; did you mean {hint!r}?" if hint else ""
    raise error(
        f"{where}: queue {shown(name)} is not in the config (queues: {', '.join(queues)}); "
        f"leave it empty for every queue{guess}"
    )


def _check_unique(
    table: pd.DataFrame, where: Callable[[int], str], error: type[Exception] = InputError
) -> None:
    twice = table.duplicated(subset=["date", "queue"]).to_numpy()
    if twice.any():
        i = int(np.flatnonzero(twice)[0])
        date, queue = table["date"].iloc[i], table["queue"].iloc[i]
        scope = f"queue {queue!r}" if queue else "every queue"
        raise error(
            f"{where(i)}: {date} is in the calendar twice for {scope}; keep one row per day "
            "and queue"
        )
