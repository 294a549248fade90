"""Known events in the forecast: a calendar day is closed, scaled, or learned from the past.

For each queue, a calendar day's effect multiplies the model's normal-day forecast:
``closed`` by 0, ``x1.8`` by 1.8, ``learned`` by the ratio of the event's past days to a
normal day. That ratio is estimated on the log scale and shrunk toward 1 (normal-normal
empirical Bayes: a prior log-sd of :data:`EVENT_PRIOR_LOG_SD` for event effects, the
queue's own day-to-day noise, or the event's spread between occurrences if larger, for
each occurrence), so one occurrence moves the forecast a little less than it showed and
many move it almost all the way. A learned day's intervals widen by the uncertainty of
that ratio plus the spread of its past ratios beyond ordinary days; an event never seen
before keeps the normal forecast with the prior's width.

A normal day's expectation (:func:`normal_days`) is the median of the same weekday's
totals over the :data:`NEIGHBOUR_WEEKS` weeks before and after, calendar days left out:
robust to a storm lasting a week or two, and usable on a whole year of history.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd

from staffplan.config.forecast import parse_effect
from staffplan.forecast._calendar import positions
from staffplan.forecast._days import day_matrix

EVENT_PRIOR_LOG_SD = 0.5  # events move a day by a factor of about 1.65 either way
NEIGHBOUR_WEEKS = 4
MIN_LOG_SD = 0.05  # below 5 % day-to-day noise, ordinary rounding would pass for signal
EMPTY_DAY = 0.5  # contacts: a closed day's ratio is counted as half a contact over normal


@dataclasses.dataclass(frozen=True)
class DayEffect:
    """What a calendar day does to a queue's forecast."""

    event: str
    multiplier: float  # times the normal-day forecast
    extra_level_var: float  # added relative variance of the day's level
    unseen: bool = False  # learned, but no earlier day of the event in the history


@dataclasses.dataclass(frozen=True)
class QueueCalendar:
    """One queue's calendar as the model uses it (days since 1970-01-01, local)."""

    event_days: np.ndarray  # every calendar day of the queue (left out of the fit)
    effects: dict[int, DayEffect]  # per calendar day: its effect on the forecast
    learned: pd.DataFrame  # event, occurrences, ratio, log_sd (the learned events)

    def at(self, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per day in ``days``: the multiplier and the added relative level variance."""
        multiplier, extra = np.ones(len(days)), np.zeros(len(days))
        for day in np.unique(days):
            effect = self.effects.get(int(day))
            if effect is not None:
                multiplier[days == day] = effect.multiplier
                extra[days == day] = effect.extra_level_var
        return multiplier, extra


def day_numbers(dates: pd.Series) -> np.ndarray:
    """``YYYY-MM-DD`` texts as whole days since 1970-01-01."""
    return np.asarray(dates, dtype="datetime64[D]").astype(np.int64)


def normal_days(day: np.ndarray, total: np.ndarray, exclude: np.ndarray) -> np.ndarray:
    """Each day's normal expectation: the median total of the same weekday up to
    :data:`NEIGHBOUR_WEEKS` weeks before and after, days in ``exclude`` left out (NaN
    where there is none)."""
    known = pd.Series(np.where(exclude, np.nan, total), index=day)
    offsets = [7 * k for k in range(-NEIGHBOUR_WEEKS, NEIGHBOUR_WEEKS + 1) if k]
    around = np.column_stack([known.reindex(day + offset).to_numpy() for offset in offsets])
    counted = np.isfinite(around).any(axis=1)
    expected = np.full(len(day), np.nan)
    expected[counted] = np.nanmedian(around[counted], axis=1)
    return expected


def queue_calendar(
    calendar: pd.DataFrame, queue: str, history: pd.DataFrame, interval_min: int
) -> QueueCalendar:
    """The calendar rows that apply to ``queue`` (its own rows override every-queue rows
    of the same day), with learned effects estimated on ``history`` (its rows, any length)."""
    rows = calendar[(calendar["queue"] == "") | (calendar["queue"] == queue)]
    rows = rows.assign(day=day_numbers(rows["date"]), own=rows["queue"] != "")
    rows = rows.sort_values(["day", "own"], kind="stable").drop_duplicates("day", keep="last")
    if rows.empty:  # nothing for this queue: no need to look at its history
        empty = _learn(rows, pd.Series(), 0.0).reset_index()
        return QueueCalendar(np.zeros(0, dtype=np.int64), {}, empty)
    log_ratio, noise = _past_log_ratios(rows, history, interval_min)
    learned = _learn(rows, log_ratio, noise)
    effects = {}
    for day, event, effect in zip(rows["day"], rows["event"], rows["effect"], strict=True):
        factor = parse_effect(effect)
        if factor is None:
            ratio, log_var, seen = learned.loc[event, ["ratio", "extra_log_var", "occurrences"]]
            effect = DayEffect(event, float(ratio), math.expm1(log_var), unseen=seen == 0)
            effects[int(day)] = effect
        else:
            effects[int(day)] = DayEffect(event, factor, 0.0)
    return QueueCalendar(rows["day"].to_numpy(), effects, learned.reset_index())


def _past_log_ratios(
    rows: pd.DataFrame, history: pd.DataFrame, interval_min: int
) -> tuple[pd.Series, float]:
    """Log ratio of each past calendar day's total to its normal expectation (indexed by
    day), and the robust log-sd of that ratio on ordinary days (the day-to-day noise)."""
    times = pd.DatetimeIndex(history["interval_start"])
    days = day_matrix(
        positions(times, interval_min),
        history["volume"].to_numpy(dtype=float),
        1440 // interval_min,
    )
    event = np.isin(days.day, rows["day"].to_numpy())
    expected = normal_days(days.day, days.totals, event)
    usable = np.isfinite(expected) & (expected > 0)
    ratio = np.log(np.maximum(days.totals, EMPTY_DAY) / np.where(usable, expected, 1.0))
    ordinary = ratio[usable & ~event & (days.totals > 0)]
    spread = 1.4826 * np.median(np.abs(ordinary - np.median(ordinary))) if len(ordinary) else 0.0
    past = pd.Series(ratio[usable & event], index=days.day[usable & event])
    return past, max(float(spread), MIN_LOG_SD)


def _learn(rows: pd.DataFrame, log_ratio: pd.Series, noise: float) -> pd.DataFrame:
    """Per event name: occurrences, shrunk ratio, spread of past log ratios, and the
    added log variance of a future occurrence."""
    out = []
    prior_var = EVENT_PRIOR_LOG_SD**2
    for event, days in rows.groupby("event", sort=True)["day"]:
        seen = log_ratio.reindex(days.to_numpy()).dropna().to_numpy()
        n = len(seen)
        spread = float(np.std(seen, ddof=1)) if n >= 2 else 0.0
        per_occurrence = max(noise, spread) ** 2
        posterior_var = 1.0 / (1.0 / prior_var + n / per_occurrence)
        mean = posterior_var * seen.sum() / per_occurrence
        beyond_noise = max(spread**2 - noise**2, 0.0)
        out.append(
            {
                "event": event,
                "occurrences": n,
                "ratio": math.exp(mean),
                "log_sd": spread,
                "extra_log_var": posterior_var + beyond_noise,
            }
        )
    columns = ["event", "occurrences", "ratio", "log_sd", "extra_log_var"]
    return pd.DataFrame(out, columns=columns).set_index("event")


def unseen_warning(calendars: dict[str, QueueCalendar], days: np.ndarray) -> str | None:
    """A warning naming the ``learned`` events on ``days`` (days since 1970-01-01) that
    no earlier day in the history teaches: they are forecast as a normal day."""
    unseen: dict[tuple[str, str], list[str]] = {}
    for queue, known in calendars.items():
        for day in np.unique(days):
            effect = known.effects.get(int(day))
            if effect is not None and effect.unseen:
                date = str(np.datetime64(int(day), "D"))
                unseen.setdefault((effect.event, date), []).append(queue)
    if not unseen:
        return None
    listed = "; ".join(
        f"{event!r} on {date} ({', '.join(queues)})" for (event, date), queues in unseen.items()
    )
    return (
        f"warning: calendar event(s) {listed} are learned but have no earlier day in the "
        "history: forecast as a normal day with wider intervals; give them an effect "
        "(closed or x<factor>) or list their past days in the calendar"
    )
