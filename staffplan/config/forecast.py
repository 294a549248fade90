"""The ``forecast:`` config section: model settings with defaults that work out of the box."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from pathlib import Path
from typing import Literal

from staffplan.config.fields import Invalid, positive, share

ModelName = Literal["staffplan", "same_slot_average", "seasonal_naive"]
EFFECT_HELP = "use closed, learned or a factor like x1.8 (1.8 times a normal day)"


def parse_effect(text: str) -> float | None:
    """A calendar day's effect: ``closed`` → 0.0, ``learned`` → None (learned from the
    day's past occurrences), ``x1.8``/``×1.8``/``1.8`` → 1.8 (times a normal day).
    A ``ValueError`` saying what to write otherwise."""
    word = text.strip().lower()
    if word == "closed":
        return 0.0
    if word == "learned":
        return None
    try:
        factor = float(word.removeprefix("x").removeprefix("×"))
    except ValueError:
        factor = math.nan
    if not (math.isfinite(factor) and factor >= 0):
        raise ValueError(f"{text!r} is not an effect; {EFFECT_HELP}")
    return factor


@dataclasses.dataclass(frozen=True)
class CalendarDay:
    """A known event on one local day: a holiday, closure, launch or campaign.

    ``effect`` is ``closed`` (no contacts), ``learned`` (the ratio of past days with the
    same ``event`` name to a normal day) or a factor like ``x1.8``; ``queue`` limits it
    to one queue (default: every queue).
    """

    date: dt.date
    event: str
    effect: str = "learned"
    queue: str | None = None

    def __post_init__(self) -> None:
        if not self.event.strip():
            raise Invalid("event", "is blank; name the event, e.g. christmas")
        try:
            parse_effect(self.effect)
        except ValueError as exc:
            raise Invalid("effect", str(exc)) from None


@dataclasses.dataclass(frozen=True)
class ForecastConfig:
    """How volume is forecast from history and market volatility.

    ``history_weeks`` of the most recent history are used to fit; day totals come from
    the last ``level_weeks`` same-weekday days and the intraday shape from the last
    ``shape_weeks``; a day whose total is more than ``outlier_threshold`` robust standard
    deviations off its week-and-weekday expectation (a holiday, an outage) is left out.
    Volatility is the realised volatility of log returns over the trailing
    ``volatility_window_h`` hours and the absolute return over ``shock_window_h`` hours.
    Intervals in the top ``peak_share`` of each queue's horizon are marked as peaks.
    Known events (holidays, closures, launches) come from the ``calendar`` CSV and the
    inline ``calendar_days``; the forecast applies their effect on those days and the
    fit leaves them out as it does outliers.
    A horizon starting more than ``max_history_gap_days`` days after the last history row,
    or after the last row of some queue's history, or after the market prices end, gets a
    warning: that export has probably stopped.
    """

    model: ModelName = "staffplan"
    history_weeks: int = 16
    level_weeks: int = 4
    shape_weeks: int = 4
    outlier_threshold: float = positive(3.0, unit="robust standard deviations")
    calibration_weeks: int = 10
    volatility_window_h: int = 24
    shock_window_h: int = 6
    levels: tuple[int, ...] = (80, 95)
    peak_share: float = share(0.10)
    max_history_gap_days: float = positive(14.0, unit="days")
    calendar: Path | None = None
    calendar_days: tuple[CalendarDay, ...] = ()

    def __post_init__(self) -> None:
        for key in ("history_weeks", "level_weeks", "shape_weeks", "calibration_weeks"):
            if getattr(self, key) < 1:
                raise Invalid(key, "must be at least 1 week")
        if self.level_weeks > self.history_weeks or self.shape_weeks > self.history_weeks:
            raise Invalid("history_weeks", "must be at least level_weeks and shape_weeks")
        for key in ("volatility_window_h", "shock_window_h"):
            if getattr(self, key) < 1:
                raise Invalid(key, "must be at least 1 hour")
        for i, level in enumerate(self.levels):
            if not 0 < level < 100:
                raise Invalid(f"levels[{i}]", f"{level} is not a coverage between 1 and 99 (%)")
        if self.peak_share <= 0:
            raise Invalid("peak_share", "must be above 0, e.g. 0.1 for the top decile")
