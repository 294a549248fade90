"""A quick integer schedule from the LP solution, in a fraction of a second.

It is the schedule of last resort when the time limit leaves HiGHS no room, and the one
to beat otherwise:

1. Round the LP's shift counts so coverage is kept where it can be: per template and
   length, the running total of shifts (in start order) is rounded, so each interval
   loses at most part of one shift per length (cumulative rounding), tried with a few
   offsets, and plain ``floor`` (which never breaks a team cap).
2. Give each start group's breaks the LP's break distribution for that group, scaled to
   the rounded count (largest remainders keep the totals exact).
3. Add shifts where coverage is short, the one covering most shortfall per unit of cost
   first (while the team caps allow and, under soft understaffing, while it pays).
4. Drop shifts, the costliest first, whose removal (with their breaks) leaves no
   interval short; then swap shifts for a shorter length of the same start where the
   intervals given up have an agent to spare.

The best schedule over the roundings that keeps the hard rules is returned.
"""

from __future__ import annotations

import itertools

import numpy as np
import scipy.sparse as sp

from staffplan.schedule._candidates import Candidates
from staffplan.schedule._model import CoverModel, Layout

_EPS = 1e-9
_OFFSETS = (0.25, 0.5, 0.75)


def quick_schedule(model: CoverModel, cands: Candidates, lp_x: np.ndarray) -> np.ndarray | None:
    """The best quick schedule (a settled value vector), or None if none keeps the rules."""
    present = sp.csc_matrix(model.shift_coverage)
    away = sp.csc_matrix(model.break_coverage)
    best, best_cost = None, np.inf
    for offset in (None, *_OFFSETS):
        values = np.zeros_like(lp_x)
        for layout in model.blocks:  # all blocks first: the team caps see every block
            values[layout.x] = _rounded(lp_x[layout.x], cands, offset)
            values[layout.b] = _scaled_breaks(values[layout.x], lp_x[layout.b], cands)
        for i, layout in enumerate(model.blocks):
            spare = present @ values[layout.x] - away @ values[layout.b] - model.required[i]
            _add_shifts(model, cands, values, layout, present, away, spare)
            _drop_shifts(cands, values, layout, present, away, spare)
            _shorten_shifts(cands, values, layout, present, spare)
        values = model.settle(values)
        cost = float(model.c @ values)
        if cost < best_cost - _EPS and _keeps_rules(model, values):
            best, best_cost = values, cost
    return best


def _rounded(x: np.ndarray, cands: Candidates, offset: float | None) -> np.ndarray:
    """``floor(x)`` when ``offset`` is None; else the running totals per (template, length)
    in start order, rounded as ``ceil(total - offset)``."""
    if offset is None:
        return np.floor(x + 1e-6)
    rounded = np.zeros_like(x)
    key = cands.template * (cands.length.max() + 1) + cands.length
    for value in np.unique(key):
        columns = np.flatnonzero(key == value)
        columns = columns[np.argsort(cands.start[columns], kind="stable")]
        totals = np.ceil(np.cumsum(x[columns]) - offset - 1e-6)
        rounded[columns] = np.diff(totals, prepend=np.ceil(-offset - 1e-6))
    return np.maximum(rounded, 0.0)


def _scaled_breaks(x: np.ndarray, lp_b: np.ndarray, cands: Candidates) -> np.ndarray:
    """Per start group and pause: the LP's share of breaks per slot times the new count."""
    per_group = np.bincount(cands.group, weights=x, minlength=cands.group_start.size)
    link_total = np.bincount(cands.slot_link, weights=lp_b, minlength=cands.n_links)
    share = lp_b / np.maximum(link_total[cands.slot_link], _EPS)
    counts = np.zeros_like(lp_b)
    bounds = np.flatnonzero(np.diff(cands.slot_link, prepend=-1, append=-1))
    for first, last in itertools.pairwise(bounds):
        need = round(per_group[cands.slot_group[first]])
        if need == 0:
            continue
        if link_total[cands.slot_link[first]] <= _EPS:
            counts[(first + last) // 2] = need  # the LP had no such shift: mid-window
            continue
        wanted = share[first:last] * need
        whole = np.floor(wanted + 1e-6)
        extra = need - int(whole.sum())
        order = np.argsort(-(wanted - whole), kind="stable")[:extra]
        whole[order] += 1
        counts[first:last] = whole
    return counts


def _add_shifts(
    model: CoverModel,
    cands: Candidates,
    values: np.ndarray,
    layout: Layout,
    present: sp.csc_matrix,
    away: sp.csc_matrix,
    spare: np.ndarray,
) -> None:
    soft = layout.u.stop > layout.u.start
    penalty = model.c[layout.u.start] if soft else np.inf
    caps = model.A[model.cap_rows]
    cap_room = model.row_ub[model.cap_rows] - caps @ values
    cap_use = caps[:, layout.x].toarray()
    while (short := np.maximum(-spare, 0.0)).sum() > 1e-6:
        gain = present.T @ short
        fits = np.all(cap_use <= cap_room[:, None] + 1e-6, axis=0)
        worth = fits & (gain > 1e-6)
        if soft:  # under hard understaffing every shortfall must go, whatever it costs
            worth &= penalty * gain >= cands.cost - 1e-6
        if not worth.any():
            return
        j = int(np.argmax(np.where(worth, gain / cands.cost, -np.inf)))
        values[layout.x.start + j] += 1
        cap_room -= cap_use[:, j]
        spare += _column(present, j)
        for link in _links_of(cands, j):
            slot = _roomiest_slot(away, spare, np.flatnonzero(cands.slot_link == link))
            values[layout.b.start + slot] += 1
            spare -= _column(away, slot)


def _drop_shifts(
    cands: Candidates,
    values: np.ndarray,
    layout: Layout,
    present: sp.csc_matrix,
    away: sp.csc_matrix,
    spare: np.ndarray,
) -> None:
    x = values[layout.x]
    b = values[layout.b]
    for j in np.argsort(-cands.cost, kind="stable"):
        while x[j] > 0:
            change = -_column(present, j)
            slots = []
            for link in _links_of(cands, j):
                taken = np.flatnonzero((cands.slot_link == link) & (b > 0))
                slot = _tightest_slot(away, spare, taken)
                slots.append(slot)
                change += _column(away, slot)
            if np.any((change < 0) & (spare + change < -1e-6)):
                break
            x[j] -= 1
            b[slots] -= 1
            spare += change
    values[layout.x] = x
    values[layout.b] = b


def _shorten_shifts(
    cands: Candidates,
    values: np.ndarray,
    layout: Layout,
    present: sp.csc_matrix,
    spare: np.ndarray,
) -> None:
    """Swap a shift for a cheaper one of its start group (a shorter length) where the
    intervals it gives up have an agent to spare; breaks stay (windows fit the shortest)."""
    x = values[layout.x]
    for j in np.argsort(-cands.cost, kind="stable"):
        if x[j] == 0:
            continue
        siblings = np.flatnonzero((cands.group == cands.group[j]) & (cands.cost < cands.cost[j]))
        for k in siblings[np.argsort(cands.cost[siblings], kind="stable")]:
            change = _column(present, k) - _column(present, j)
            while x[j] > 0 and not np.any((change < 0) & (spare + change < -1e-6)):
                x[j] -= 1
                x[k] += 1
                spare += change
    values[layout.x] = x


def _links_of(cands: Candidates, column: int) -> np.ndarray:
    return np.unique(cands.slot_link[cands.slot_group == cands.group[column]])


def _column(matrix: sp.csc_matrix, j: int) -> np.ndarray:
    out = np.zeros(matrix.shape[0])
    rows = slice(matrix.indptr[j], matrix.indptr[j + 1])
    out[matrix.indices[rows]] = matrix.data[rows]
    return out


def _low_point(away: sp.csc_matrix, spare: np.ndarray, slot: int) -> float:
    rows = away.indices[away.indptr[slot] : away.indptr[slot + 1]]
    return float(spare[rows].min()) if rows.size else np.inf


def _roomiest_slot(away: sp.csc_matrix, spare: np.ndarray, slots: np.ndarray) -> int:
    """The slot whose intervals have the most agents to spare (where a break hurts least)."""
    return int(slots[np.argmax([_low_point(away, spare, s) for s in slots])])


def _tightest_slot(away: sp.csc_matrix, spare: np.ndarray, slots: np.ndarray) -> int:
    """The taken slot whose intervals are shortest of agents (where a break back helps most)."""
    return int(slots[np.argmin([_low_point(away, spare, s) for s in slots])])


def _keeps_rules(model: CoverModel, values: np.ndarray) -> bool:
    activity = model.A @ values
    inside = (activity >= model.row_lb - 1e-6) & (activity <= model.row_ub + 1e-6)
    return bool(inside.all())
