"""The ``shifts:`` config section: shift templates, breaks, covering options, labour rules.

Times of day are planning-zone clock times written ``"HH:MM"``; durations are minutes
(``*_min``) or hours (``*_h``/``*_hours``); costs are in units of one paid hour at
``cost_per_hour: 1``. Break windows are minutes after the shift's start (true elapsed
time, so a shift over a DST change keeps its length). Rules that need the interval grid
(``start_every_min`` a multiple of ``interval_min``, ...) are in
:mod:`staffplan.config.rules`, because ``interval_min`` lives outside this section.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Literal

from staffplan.config.fields import Invalid, non_negative, positive, share
from staffplan.config.names import check_name

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60
# A start window past midnight is a night shift's: longer, it is almost surely a swapped
# pair (["10:00", "08:00"] would be 22 hours of starts, not 08:00 to 10:00).
MAX_OVERNIGHT_WINDOW_MIN = 12 * 60
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def clock_minutes(text: str, key: str) -> int:
    """Minutes after midnight of a ``"HH:MM"`` clock time; :class:`Invalid` at ``key``."""
    match = _CLOCK.match(text.strip())
    if not match:
        raise Invalid(key, f"{text!r} is not a clock time; write it quoted as HH:MM, e.g. '06:30'")
    return int(match.group(1)) * 60 + int(match.group(2))


def _window(values: tuple[int, ...], key: str, minutes: int) -> tuple[int, int]:
    if len(values) != 2:
        raise Invalid(
            key, f"give two numbers, [earliest, latest] minutes after start; got {values}"
        )
    low, high = values
    if low < 0:
        raise Invalid(key, f"starts {low} min before the shift; use 0 or more")
    if high - low < minutes:
        raise Invalid(
            key, f"[{low}, {high}] is shorter than the {minutes}-minute break it must hold"
        )
    return low, high


@dataclasses.dataclass(frozen=True)
class LunchConfig:
    """The meal break: ``minutes`` long, inside ``window_after_start_min`` = [earliest start,
    latest end] in minutes after the shift starts; unpaid unless ``paid``."""

    minutes: int = positive(30, unit="min")
    paid: bool = False
    window_after_start_min: tuple[int, ...] = (180, 300)

    def __post_init__(self) -> None:
        _window(self.window_after_start_min, "window_after_start_min", self.minutes)


@dataclasses.dataclass(frozen=True)
class BreakConfig:
    """A paid short break: ``minutes`` long, inside ``window_after_start_min`` = [earliest
    start, latest end] in minutes after the shift starts."""

    minutes: int = positive(15, unit="min")
    window_after_start_min: tuple[int, ...] = (90, 150)

    def __post_init__(self) -> None:
        _window(self.window_after_start_min, "window_after_start_min", self.minutes)


@dataclasses.dataclass(frozen=True)
class ShiftTemplate:
    """A family of shifts: starts every ``start_every_min`` from ``start_window[0]`` to
    ``start_window[1]`` (clock times; a window like ``["22:00", "02:00"]`` runs past
    midnight and belongs to the day it opens; such a window spans at most 12 hours), each
    of the on-site ``lengths_min`` (unpaid lunch included), on ``days``, at
    ``cost_per_hour`` per paid hour."""

    name: str
    start_window: tuple[str, ...]
    lengths_min: tuple[int, ...]
    start_every_min: int = 15
    days: tuple[Weekday, ...] = WEEKDAYS
    cost_per_hour: float = positive(1.0, unit="per paid hour")
    lunch: LunchConfig | None = None
    breaks: tuple[BreakConfig, ...] = ()

    def __post_init__(self) -> None:
        check_name(self.name, "name", "shift template")
        if len(self.start_window) != 2:
            raise Invalid("start_window", "give two clock times: earliest and latest start")
        first, last = (
            clock_minutes(t, f"start_window[{i}]") for i, t in enumerate(self.start_window)
        )
        if last < first and self.window_span_min() > MAX_OVERNIGHT_WINDOW_MIN:
            early, late = (t.strip() for t in self.start_window)
            raise Invalid(
                "start_window",
                f"['{early}', '{late}'] runs past midnight: {self.window_span_min() / 60:g} "
                f"hours of starts from {early} to {late} the next day; if you meant {late} to "
                f"{early}, write ['{late}', '{early}'] (a window past midnight, for night "
                f"shifts, spans at most {MAX_OVERNIGHT_WINDOW_MIN // 60} hours)",
            )
        if not 0 < self.start_every_min <= MINUTES_PER_DAY:
            raise Invalid("start_every_min", "must be between 1 and 1440 minutes")
        self._check_lengths()
        if not self.days:
            raise Invalid("days", "list at least one day, e.g. [mon, tue, wed, thu, fri]")
        for i, day in enumerate(self.days):
            if day in self.days[:i]:
                raise Invalid(f"days[{i}]", f"{day!r} is listed twice")
        self._check_pauses()

    def _check_lengths(self) -> None:
        if not self.lengths_min:
            raise Invalid("lengths_min", "list at least one shift length in minutes, e.g. [480]")
        for i, length in enumerate(self.lengths_min):
            if not 0 < length <= MINUTES_PER_DAY:
                raise Invalid(
                    f"lengths_min[{i}]",
                    f"{length} min is not a shift length; use more than 0 and at most 1440 (24 h)",
                )
            if length in self.lengths_min[:i]:
                raise Invalid(f"lengths_min[{i}]", f"{length} is listed twice")
        if self.lunch is not None and not self.lunch.paid:
            short = min(self.lengths_min)
            if short <= self.lunch.minutes:
                raise Invalid("lunch.minutes", f"leaves no paid time in a {short}-minute shift")

    def _check_pauses(self) -> None:
        shortest = min(self.lengths_min)
        placed: list[tuple[int, int, str]] = []
        for key, minutes, window in self.pauses():
            low, high = _window(window, f"{key}.window_after_start_min", minutes)
            if high > shortest:
                raise Invalid(
                    f"{key}.window_after_start_min",
                    f"ends {high} min after the start, outside the shortest shift "
                    f"({shortest} min); end it by {shortest} or drop that length",
                )
            for other_low, other_high, other in placed:
                if low < other_high and other_low < high:
                    raise Invalid(
                        f"{key}.window_after_start_min",
                        f"[{low}, {high}] overlaps {other}'s window [{other_low}, {other_high}]; "
                        "make the windows follow each other",
                    )
            placed.append((low, high, key))

    def pauses(self) -> tuple[tuple[str, int, tuple[int, ...]], ...]:
        """``(key, minutes, window)`` of the lunch and each break, in config order."""
        found = (
            []
            if self.lunch is None
            else [("lunch", self.lunch.minutes, self.lunch.window_after_start_min)]
        )
        found += [
            (f"breaks[{i}]", b.minutes, b.window_after_start_min) for i, b in enumerate(self.breaks)
        ]
        return tuple(found)

    def window_span_min(self) -> int:
        """Minutes from the earliest to the latest start (past midnight if it wraps)."""
        low, high = (clock_minutes(t, "start_window") for t in self.start_window)
        return (high - low) % MINUTES_PER_DAY

    def unpaid_min(self) -> int:
        """Unpaid minutes per shift (an unpaid lunch)."""
        return 0 if self.lunch is None or self.lunch.paid else self.lunch.minutes


@dataclasses.dataclass(frozen=True)
class RulesConfig:
    """Labour rules per agent, used by the roster (and as aggregate caps by the covering
    model when ``max_headcount`` is set): at most ``days_per_week`` working days and
    ``max_hours_per_week`` paid hours a week, ``consecutive_days_off`` days off in a row
    each week, at least ``min_rest_hours`` between shifts, at most
    ``max_consecutive_days`` working days in a row; ``same_start_time`` keeps an agent's
    start time the same all week."""

    days_per_week: int = 5
    consecutive_days_off: int = 2
    max_hours_per_week: float = positive(40.0, unit="h")
    min_rest_hours: float = non_negative(11.0, unit="h")
    max_consecutive_days: int = 6
    same_start_time: bool = False

    def __post_init__(self) -> None:
        if not 1 <= self.days_per_week <= 7:
            raise Invalid("days_per_week", f"{self.days_per_week} is not 1 to 7 days")
        if not 0 <= self.consecutive_days_off <= 7 - self.days_per_week:
            raise Invalid(
                "consecutive_days_off",
                f"{self.consecutive_days_off} days off in a row do not fit a week with "
                f"{self.days_per_week} working days; use 0 to {7 - self.days_per_week}",
            )
        if self.max_hours_per_week > 168:
            raise Invalid("max_hours_per_week", "a week has 168 hours; use a smaller number")
        if self.min_rest_hours >= 24:
            raise Invalid("min_rest_hours", "must be below 24 h, or no agent could work daily")
        if not 1 <= self.max_consecutive_days <= 14:
            raise Invalid("max_consecutive_days", "use 1 to 14 days")


@dataclasses.dataclass(frozen=True)
class ShiftsConfig:
    """How ``staffplan schedule`` covers the required agents with shifts.

    ``understaffing: soft`` charges ``understaffing_penalty`` (paid hours) per uncovered
    agent-interval, so a schedule always comes back with its gaps named; ``hard`` demands
    full coverage and fails (exit 3) saying by how much it falls short.
    ``overstaffing_penalty`` charges each surplus agent-interval (0: only the shifts' cost
    counts). ``max_headcount`` caps the team: at most that many shifts start per day, and
    per week at most ``rules.days_per_week`` shifts and ``rules.max_hours_per_week`` paid
    hours per head. ``shared_queues: true`` is one pool of every queue (``pools:``).
    The solver stops within ``mip_gap`` of its bound or on its counted limits (the same
    schedule on any machine); ``time_limit_s`` seconds is a safety net (hitting it is
    reported, and a published plan exits 8). A published plan or roster leaving more than
    ``max_uncovered_agent_hours`` agent-hours uncovered exits 7 after publishing (None:
    never), so a monitor sees a short week.
    """

    templates: tuple[ShiftTemplate, ...]
    cyclic_week: bool = False
    understaffing: Literal["soft", "hard"] = "soft"
    understaffing_penalty: float = positive(10.0, unit="paid hours per agent-interval")
    overstaffing_penalty: float = non_negative(0.0, unit="paid hours per agent-interval")
    max_headcount: int | None = positive(None, unit="agents")
    shared_queues: bool = False
    mip_gap: float = share(0.005)
    time_limit_s: float = positive(300.0, unit="s")
    max_uncovered_agent_hours: float | None = non_negative(None, unit="agent-hours")
    rules: RulesConfig = RulesConfig()

    def __post_init__(self) -> None:
        if not self.templates:
            raise Invalid("templates", "list at least one shift template")
        names = [t.name for t in self.templates]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise Invalid(f"templates[{i}].name", f"template {name!r} is listed twice")

    def template(self, name: str) -> ShiftTemplate:
        """The template called ``name`` (KeyError if there is none)."""
        for template in self.templates:
            if template.name == name:
                return template
        raise KeyError(name)
