"""The interval grid and every candidate shift and break slot on it.

The grid is absolute time: ``interval_min`` steps from the first local midnight of the
horizon to the local midnight after its last day, so a DST day has 92 or 100
quarter-hours. A shift starts at a grid point whose planning-zone clock time is one of its
template's start times (a start that falls in a spring-forward gap does not exist; one in
the repeated autumn hour exists twice) and lasts its true length in elapsed minutes.

Shifts of one template that start at the same grid point form a *start group*: their
break windows are the same (windows are minutes after the start), so break variables are
per start group and break type, not per shift (the implicit break model).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import zoneinfo

import numpy as np
import pandas as pd

from staffplan.config.shifts import WEEKDAYS, ShiftsConfig, ShiftTemplate, clock_minutes
from staffplan.errors import ConfigError, InputError


@dataclasses.dataclass(frozen=True)
class Grid:
    """The planning intervals: ``starts`` (tz-aware, ``interval_min`` apart in absolute
    time); ``day`` is the horizon-day index (0 = first local date) of each interval."""

    starts: pd.DatetimeIndex
    interval_min: int
    cyclic: bool
    day: np.ndarray
    dates: tuple[dt.date, ...]

    @property
    def size(self) -> int:
        """Number of intervals."""
        return len(self.starts)


@dataclasses.dataclass(frozen=True)
class Candidates:
    """Candidate shifts (columns) and break slots, as parallel arrays.

    Columns: ``template`` (index), ``start`` (grid index), ``length`` (intervals),
    ``group`` (start group), ``paid_hours``, ``cost`` (paid hours × cost_per_hour).
    Break slots: ``slot_group``, ``slot_pause`` (index in the template's pauses),
    ``slot_offset`` (intervals after the start) and ``slot_link`` (one link per start
    group and pause; every shift of the group takes exactly one slot of each pause).
    ``pause_cover[t][k]`` lists ``(interval after the slot start, share of the interval)``
    that pause ``k`` of template ``t`` takes off the phones.

    A break shorter than an interval whose length divides it (a 15-minute break in a
    30-minute interval) is staggered inside its interval: ``slot_spread`` is how many
    back-to-back start times in the interval keep it inside its window, and each such
    break counts as ``1 / slot_spread`` of an agent. With whole-agent requirements that
    is exact at the breaks' own resolution: ``n`` breaks spread round-robin over ``q``
    start times leave at most ``ceil(n / q)`` agents off at any minute, which the whole
    agents the model keeps spare already cover. Any other part-interval piece of a
    break counts as a whole agent (it cannot be spread).
    """

    template: np.ndarray
    start: np.ndarray
    length: np.ndarray
    group: np.ndarray
    paid_hours: np.ndarray
    cost: np.ndarray
    slot_group: np.ndarray
    slot_pause: np.ndarray
    slot_offset: np.ndarray
    slot_link: np.ndarray
    slot_spread: np.ndarray
    group_template: np.ndarray
    group_start: np.ndarray
    pause_cover: tuple[tuple[tuple[tuple[int, float], ...], ...], ...]

    @property
    def n_links(self) -> int:
        """Number of (start group, pause) links."""
        return int(self.slot_link.max()) + 1 if self.slot_link.size else 0


def build_grid(
    times: pd.Series,
    zone: zoneinfo.ZoneInfo,
    interval_min: int,
    cyclic: bool,
    source: object = "config",
) -> Grid:
    """The grid covering every local day that ``times`` touch (whole days, in ``zone``);
    ``source`` (the config file) is named when ``cyclic`` does not fit them."""
    local = times.dt.tz_convert(zone)
    first = local.min().tz_localize(None).normalize()
    last = local.max().tz_localize(None).normalize()
    dates = tuple(d.date() for d in pd.date_range(first, last, freq="D"))
    if cyclic and len(dates) != 7:
        raise InputError(
            f"{source}: shifts.cyclic_week needs requirements for exactly one week (7 days); "
            f"they span {len(dates)} day(s) from {dates[0]} to {dates[-1]}"
        )
    begin = _local_midnight(dates[0], zone)
    end = _local_midnight(dates[-1] + dt.timedelta(days=1), zone)
    starts = pd.date_range(begin, end, freq=pd.Timedelta(minutes=interval_min), inclusive="left")
    wall = starts.tz_localize(None).normalize()
    day = np.asarray((wall - pd.Timestamp(dates[0])).days, dtype=np.int64)
    return Grid(starts, interval_min, cyclic, day, dates)


def _local_midnight(day: dt.date, zone: zoneinfo.ZoneInfo) -> pd.Timestamp:
    return pd.Timestamp(day).tz_localize(zone, nonexistent="shift_forward", ambiguous=True)


def build_candidates(grid: Grid, shifts: ShiftsConfig, source: object = "config") -> Candidates:
    """Every shift each template allows on ``grid``, with its break slots (``source``,
    the config file, is named when no template fits the grid).

    The templates' starts, lengths and break windows fit the grid: the config checks
    them against ``interval_min`` when it loads (:mod:`staffplan.config.rules`).
    """
    columns: dict[str, list[np.ndarray]] = {k: [] for k in ("template", "start", "length")}
    group_template, group_start = [], []
    for i, template in enumerate(shifts.templates):
        starts = template_starts(template, grid)
        group_template.append(np.full(starts.size, i))
        group_start.append(starts)
        lengths = np.asarray(template.lengths_min) // grid.interval_min
        columns["template"].append(np.full(starts.size * lengths.size, i))
        columns["start"].append(np.repeat(starts, lengths.size))
        columns["length"].append(np.tile(lengths, starts.size))
    template = np.concatenate(columns["template"]).astype(np.int64)
    start = np.concatenate(columns["start"]).astype(np.int64)
    length = np.concatenate(columns["length"]).astype(np.int64)
    g_template = np.concatenate(group_template).astype(np.int64)
    g_start = np.concatenate(group_start).astype(np.int64)
    if start.size == 0:
        raise ConfigError(
            f"{source}: shifts.templates: no template has a start time inside the "
            f"requirements' days ({grid.dates[0]} to {grid.dates[-1]}); check start_window and days"
        )
    group = _group_index(template, start, g_template, g_start, grid.size)
    paid_hours = _paid_hours(template, length, shifts, grid.interval_min)
    cost = paid_hours * np.array([t.cost_per_hour for t in shifts.templates])[template]
    slots = _break_slots(shifts, grid.interval_min, g_template)
    pause_cover = tuple(_pause_cover(t, grid.interval_min) for t in shifts.templates)
    return Candidates(
        template, start, length, group, paid_hours, cost, *slots, g_template, g_start, pause_cover
    )


def template_starts(template: ShiftTemplate, grid: Grid) -> np.ndarray:
    """Grid indices where ``template`` may start: clock time on its start times, and the
    day the start window opens in its ``days``."""
    clock = np.asarray(grid.starts.hour * 60 + grid.starts.minute)
    opens = clock_minutes(template.start_window[0], "start_window")
    since_open = (clock - opens) % (24 * 60)
    on_step = (since_open <= template.window_span_min()) & (
        since_open % template.start_every_min == 0
    )
    open_day = grid.day - (clock < opens).astype(np.int64)
    weekday = (grid.dates[0].weekday() + open_day) % 7
    allowed = np.isin(weekday, [WEEKDAYS.index(d) for d in template.days])
    return np.flatnonzero(on_step & allowed)


def _group_index(
    template: np.ndarray,
    start: np.ndarray,
    g_template: np.ndarray,
    g_start: np.ndarray,
    size: int,
) -> np.ndarray:
    key = g_template * size + g_start
    order = np.argsort(key, kind="stable")
    position = np.searchsorted(key[order], template * size + start)
    return order[position]


def _paid_hours(
    template: np.ndarray, length: np.ndarray, shifts: ShiftsConfig, interval_min: int
) -> np.ndarray:
    unpaid = np.array([t.unpaid_min() for t in shifts.templates])[template]
    return (length * interval_min - unpaid) / 60.0


def _offsets(minutes: int, window: tuple[int, ...], interval_min: int) -> np.ndarray:
    low, high = window
    first = math.ceil(low / interval_min)
    last = (high - minutes) // interval_min
    return np.arange(first, last + 1, dtype=np.int64)


def _break_slots(
    shifts: ShiftsConfig, interval_min: int, g_template: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    groups, pauses, offsets, spreads = [], [], [], []
    for i, template in enumerate(shifts.templates):
        members = np.flatnonzero(g_template == i)
        for k, (_, minutes, window) in enumerate(template.pauses()):
            slot = _offsets(minutes, window, interval_min)
            groups.append(np.repeat(members, slot.size))
            pauses.append(np.full(members.size * slot.size, k))
            offsets.append(np.tile(slot, members.size))
            spread = _spread(slot, minutes, window[1], interval_min)
            spreads.append(np.tile(spread, members.size))
    if not groups:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty, empty
    group = np.concatenate(groups).astype(np.int64)
    pause = np.concatenate(pauses).astype(np.int64)
    offset = np.concatenate(offsets).astype(np.int64)
    spread = np.concatenate(spreads).astype(np.int64)
    order = np.lexsort((offset, pause, group))
    group, pause, offset, spread = group[order], pause[order], offset[order], spread[order]
    max_pauses = max(len(t.pauses()) for t in shifts.templates)
    link_key = group * max_pauses + pause
    _, link = np.unique(link_key, return_inverse=True)
    return group, pause, offset, link.astype(np.int64), spread


def staggers(minutes: int, interval_min: int) -> int:
    """Back-to-back start times a break of ``minutes`` has inside one interval (1 when it
    is not shorter than the interval or does not divide it)."""
    if minutes >= interval_min or interval_min % minutes:
        return 1
    return interval_min // minutes


def _spread(slot: np.ndarray, minutes: int, latest_end: int, interval_min: int) -> np.ndarray:
    """Per slot (intervals after the shift start): the stagger positions that end by the
    window's ``latest_end`` (minutes after the start), at least 1."""
    most = staggers(minutes, interval_min)
    room = (latest_end - slot * interval_min) // minutes
    return np.clip(room, 1, most)


def _pause_cover(
    template: ShiftTemplate, interval_min: int
) -> tuple[tuple[tuple[int, float], ...], ...]:
    """Per pause: (interval after the slot start, share of an agent when the break can
    use every stagger position); the tail of a break longer than an interval counts
    whole. The model takes ``max(share, 1 / slot_spread)`` (see :class:`Candidates`)."""
    covers = []
    for _, minutes, _ in template.pauses():
        whole, rest = divmod(minutes, interval_min)
        cover = [(r, 1.0) for r in range(whole)]
        if rest:
            cover.append((whole, 1.0 if whole else rest / interval_min))
        covers.append(tuple(cover))
    return tuple(covers)
