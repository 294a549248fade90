"""The breaks text formats of shift tables: ``breaks`` as planning-zone clock times
``HH:MM-HH:MM;HH:MM-HH:MM`` and ``break_offsets_min`` as minutes after the shift start
``90-105;240-270``.

Written by the covering schedule (:mod:`staffplan.schedule._shift_table`) and the roster,
read by the roster, its rule check, the calendars and surge re-planning; docs/tables.md
describes them. In the repeated hour of a DST fall-back a clock time names two instants,
so readers take a shift's breaks from ``break_offsets_min`` when a row has them
(:func:`shift_breaks`) and fall back to the clock text only when it has none.
"""

from __future__ import annotations

import pandas as pd

from staffplan.config.shifts import clock_minutes


def break_times(
    start: pd.Timestamp, end: pd.Timestamp, breaks: str
) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """The breaks ``HH:MM-HH:MM;...`` of a shift as timestamps in the shift's zone.

    Each clock time is the first time at or after the shift start that shows that clock,
    so breaks after midnight in a night shift fall on the next day; in the repeated hour of
    a DST fall-back that is the first of the two (read rows with :func:`shift_breaks`,
    which prefers ``break_offsets_min``). Raises ValueError on text that is not
    ``HH:MM-HH:MM`` pairs.
    """
    text = _text(breaks)
    out = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        first, sep, second = part.partition("-")
        if not sep:
            raise ValueError(f"break {part!r} is not HH:MM-HH:MM")
        begin = _next_clock(start, clock_minutes(first, "breaks"))
        finish = _next_clock(begin, clock_minutes(second, "breaks"))
        out.append((begin, finish))
    return out


def shift_breaks(
    start: pd.Timestamp, end: pd.Timestamp, breaks: object, offsets: object = ""
) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """The breaks of a shift as tz-aware instants: elapsed minutes ``offsets``
    (``break_offsets_min``) after ``start`` when given, unambiguous on a DST day, else the
    clock text ``breaks`` (:func:`break_times`). Raises ValueError on malformed text."""
    text = _text(offsets)
    if not text:
        return break_times(start, end, breaks)
    return [
        (start + pd.Timedelta(minutes=low), start + pd.Timedelta(minutes=high))
        for low, high in offset_minutes(text)
    ]


def row_breaks(row: object) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """:func:`shift_breaks` of a table row (``start, end`` and optionally ``breaks``,
    ``break_offsets_min``)."""
    return shift_breaks(
        row.start,  # type: ignore[attr-defined]
        row.end,  # type: ignore[attr-defined]
        getattr(row, "breaks", ""),
        getattr(row, "break_offsets_min", ""),
    )


def break_offsets(frame: pd.DataFrame) -> list[str]:
    """Per row of a shift table, its breaks as ``break_offsets_min`` text: the row's own
    where it has them, else worked out from its clock ``breaks`` (:func:`break_times`)."""
    return [offsets_text(row.start, row_breaks(row)) for row in frame.itertuples(index=False)]


def offset_minutes(offsets: object) -> list[tuple[int, int]]:
    """``break_offsets_min`` text ``90-105;240-270`` as (first, last) minutes after the
    start. Raises ValueError on text that is not pairs of whole minutes."""
    spans = []
    for part in filter(None, (p.strip() for p in _text(offsets).split(";"))):
        low, sep, high = part.partition("-")
        if not (sep and low.strip().isdigit() and high.strip().isdigit()):
            raise ValueError(f"break offsets {part!r} are not whole minutes FIRST-LAST")
        spans.append((int(low), int(high)))
    return spans


def offsets_text(start: pd.Timestamp, spans: list[tuple[pd.Timestamp, pd.Timestamp]]) -> str:
    """Breaks ``spans`` as ``break_offsets_min`` text: elapsed minutes after ``start``."""
    return ";".join(
        f"{_elapsed_min(start, begin)}-{_elapsed_min(start, finish)}" for begin, finish in spans
    )


def clock_text(spans: list[tuple[pd.Timestamp, pd.Timestamp]]) -> str:
    """Breaks ``spans`` as ``breaks`` clock text ``HH:MM-HH:MM;...`` in their own zone."""
    return ";".join(f"{begin:%H:%M}-{finish:%H:%M}" for begin, finish in spans)


def _elapsed_min(start: pd.Timestamp, moment: pd.Timestamp) -> int:
    return round((moment - start).total_seconds() / 60)


def _text(value: object) -> str:
    """A cell as text: "" for None or a missing number."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def _next_clock(after: pd.Timestamp, minutes: int) -> pd.Timestamp:
    """The first instant at or after ``after`` whose local clock reads ``minutes``."""
    zone = after.tz
    naive = after.tz_localize(None)
    day = naive.normalize()
    for offset in range(3):
        wall = day + pd.Timedelta(days=offset, minutes=minutes)
        for earlier in (True, False):
            candidate = wall.tz_localize(zone, ambiguous=earlier, nonexistent="shift_forward")
            if candidate >= after:
                return candidate
    raise ValueError(f"no clock time {minutes} min after {after}")
