"""Backlog (deferred) channels: which channels they are, their opening hours, escalation.

A live channel (``phone``, ``chat``, ``im``) is answered while the customer waits and is
sized per interval with the queueing engine. A backlog channel (``email``, ``ticket``,
``social``, ``forum``, ``app_message``) is work that waits in a queue for hours: contacts
arrive around the clock, agents answer them first-in-first-out only inside the queue's
``open_hours``, and the target is in hours (``target.answer_within_h``).

``open_hours`` is either one ``["HH:MM", "HH:MM"]`` pair for every day, or a mapping of
weekdays (``mon``, ``mon-fri``, ``sat-sun``, ...) to such a pair; a day the mapping leaves
out is closed. ``"24:00"`` closes at midnight; a window does not run past midnight.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from staffplan.config.fields import Invalid, non_negative, positive, share
from staffplan.config.shifts import WEEKDAYS, clock_minutes

LIVE_CHANNELS = ("phone", "chat", "im")
BACKLOG_CHANNELS = ("email", "ticket", "social", "forum", "app_message")
MINUTES_PER_DAY = 24 * 60
_DAY_RANGE = re.compile(r"^([a-z]{3})(?:-([a-z]{3}))?$")

# Opening minutes per weekday, Monday first: (open, close) minutes after midnight, or
# None for a closed day.
WeekHours = tuple[tuple[int, int] | None, ...]


def is_backlog(channel: str) -> bool:
    """Whether ``channel`` is backlog (deferred) work rather than a live queue."""
    return channel in BACKLOG_CHANNELS


def week_hours(
    open_hours: tuple[str, ...] | Mapping[str, tuple[str, ...]] | None, key: str
) -> WeekHours:
    """The opening minutes of each weekday (Monday first) from a queue's ``open_hours``
    (None: open around the clock every day); :class:`Invalid` at ``key`` (or below it)."""
    if open_hours is None:
        return ((0, MINUTES_PER_DAY),) * 7
    if not isinstance(open_hours, Mapping):
        return (_pair(open_hours, key),) * 7
    days: list[tuple[int, int] | None] = [None] * 7
    for spec, pair in open_hours.items():
        for day in _days(spec, f"{key}.{spec}"):
            if days[day] is not None:
                raise Invalid(
                    f"{key}.{spec}", f"{WEEKDAYS[day]} is given twice; give each day once"
                )
            days[day] = _pair(pair, f"{key}.{spec}")
    if all(day is None for day in days):
        raise Invalid(
            key,
            "the queue never opens, so nobody could answer it; give at least one day its "
            "hours, e.g. {mon-fri: ['09:00', '18:00']}",
        )
    return tuple(days)


def _days(spec: str, key: str) -> list[int]:
    match = _DAY_RANGE.match(spec.strip().lower())
    if not match or any(d is not None and d not in WEEKDAYS for d in match.groups()):
        raise Invalid(
            key, f"{spec!r} is not a weekday or range; use mon, tue, ... sun or e.g. mon-fri"
        )
    first = WEEKDAYS.index(match.group(1))
    last = WEEKDAYS.index(match.group(2) or match.group(1))
    if last < first:
        raise Invalid(key, f"{spec!r} runs backwards; write the earlier day first, e.g. mon-fri")
    return list(range(first, last + 1))


def _pair(pair: tuple[str, ...], key: str) -> tuple[int, int]:
    if len(pair) != 2:
        raise Invalid(
            key, f"give two clock times, [open, close], e.g. ['09:00', '18:00']; got {pair}"
        )
    opens = clock_minutes(pair[0], f"{key}[0]")
    closes = MINUTES_PER_DAY if pair[1].strip() == "24:00" else clock_minutes(pair[1], f"{key}[1]")
    if closes <= opens:
        raise Invalid(
            key,
            f"closes at {pair[1]}, not after it opens at {pair[0]}; a window ends the same "
            "day ('24:00' for midnight): give the next day its own morning hours",
        )
    return opens, closes


@dataclasses.dataclass(frozen=True)
class Escalation:
    """Tier-2 escalation: ``share`` of the contacts this queue answers reach queue ``to``
    ``delay_min`` minutes after they are answered, each taking ``aht_s`` seconds there
    (None: the ``to`` queue's own ``aht_s``)."""

    to: str
    share: float = share()
    delay_min: float = non_negative(0.0, unit="min")
    aht_s: float | None = positive(None, unit="s")
