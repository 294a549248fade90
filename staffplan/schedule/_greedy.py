"""A greedy schedule from the LP solution, for when the MILP returns nothing in time.

Keep ``floor`` of every LP shift count, give each shift's breaks the slots where the most
agents are spare, then add, one at a time, the shift that covers the most remaining
shortfall per unit of cost (while it pays for itself under soft understaffing, and while
the team caps allow it).
"""

from __future__ import annotations

import itertools

import numpy as np
import scipy.sparse as sp

from staffplan.schedule._candidates import Candidates
from staffplan.schedule._model import CoverModel, Layout

_EPS = 1e-6


def greedy_schedule(model: CoverModel, cands: Candidates, lp_x: np.ndarray) -> np.ndarray:
    """An integer solution of ``model`` built from the LP values ``lp_x`` (see module doc)."""
    values = np.zeros_like(lp_x)
    away = sp.csc_matrix(model.break_coverage)
    present = sp.csc_matrix(model.shift_coverage)
    for i, layout in enumerate(model.blocks):
        values[layout.x] = np.floor(lp_x[layout.x] + _EPS)
        spare = present @ values[layout.x] - model.required[i]
        slots = _place_breaks(cands, values[layout.x], away, spare)
        values[layout.b] = slots
        spare -= away @ slots
        _repair(model, cands, values, i, present, away, spare)
    return model.settle(values)


def _place_breaks(
    cands: Candidates, x: np.ndarray, away: sp.csc_matrix, spare: np.ndarray
) -> np.ndarray:
    """Break counts per slot for shift counts ``x``; updates ``spare`` in place."""
    per_group = np.bincount(cands.group, weights=x, minlength=cands.group_start.size)
    counts = np.zeros(cands.slot_group.size)
    bounds = np.flatnonzero(np.diff(cands.slot_link, prepend=-1, append=-1))
    for first, last in itertools.pairwise(bounds):
        for _ in range(round(per_group[cands.slot_group[first]])):
            slot = _best_slot(away, spare, first, last)
            counts[slot] += 1
    return counts


def _best_slot(away: sp.csc_matrix, spare: np.ndarray, first: int, last: int) -> int:
    scores = np.empty(last - first)
    for k, slot in enumerate(range(first, last)):
        rows = away.indices[away.indptr[slot] : away.indptr[slot + 1]]
        scores[k] = spare[rows].min() if rows.size else np.inf
    slot = first + int(np.argmax(scores))
    rows = away.indices[away.indptr[slot] : away.indptr[slot + 1]]
    spare[rows] -= away.data[away.indptr[slot] : away.indptr[slot + 1]]
    return slot


def _repair(
    model: CoverModel,
    cands: Candidates,
    values: np.ndarray,
    block: int,
    present: sp.csc_matrix,
    away: sp.csc_matrix,
    spare: np.ndarray,
) -> None:
    layout = model.blocks[block]
    soft = layout.u.stop > layout.u.start
    penalty = model.c[layout.u.start] if soft else np.inf
    caps = model.A[model.cap_rows]
    cap_room = model.row_ub[model.cap_rows] - caps @ values
    cap_use = caps[:, layout.x].toarray()
    while (short := np.maximum(-spare, 0.0)).sum() > _EPS:
        gain = present.T @ short
        fits = np.all(cap_use <= cap_room[:, None] + _EPS, axis=0)
        worth = fits & (gain > _EPS) & (penalty * gain >= cands.cost - _EPS)
        if not worth.any():
            return
        j = int(np.argmax(np.where(worth, gain / cands.cost, -np.inf)))
        values[layout.x.start + j] += 1
        cap_room -= cap_use[:, j]
        spare += present[:, [j]].toarray().ravel()
        _add_breaks_for(cands, j, values, layout, away, spare)


def _add_breaks_for(
    cands: Candidates,
    column: int,
    values: np.ndarray,
    layout: Layout,
    away: sp.csc_matrix,
    spare: np.ndarray,
) -> None:
    links = np.unique(cands.slot_link[cands.slot_group == cands.group[column]])
    for link in links:
        members = np.flatnonzero(cands.slot_link == link)
        slot = _best_slot(away, spare, int(members[0]), int(members[-1]) + 1)
        values[layout.b.start + slot] += 1
