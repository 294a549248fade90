"""The covering MILP in matrix form, for one or more blocks (queues) on one grid.

Per block the variables are, in order: shift counts ``x`` (one per candidate shift),
break counts ``b`` (one per break slot: start group × pause × offset), uncovered agents
``u`` per interval (soft understaffing) and surplus agents ``o`` per interval (only with
an overstaffing penalty). Rows:

* coverage, per interval ``t``: shifts present − breaks taken at ``t`` + ``u_t`` − ``o_t``
  ≥ ``required_t`` (= with ``o``);
* links, per start group and pause: Σ slots ``b`` = Σ shifts ``x`` of the group (each shift
  takes each of its breaks exactly once, somewhere in the window);
* team caps (only with ``max_headcount``), shared by all blocks: per day at most that
  many shift starts; per week at most ``days_per_week`` shifts and
  ``max_hours_per_week`` paid hours per head (pro rata for shorter horizons).

On a cyclic week interval indices wrap, so a shift running past the last interval covers
the first ones; otherwise the part past the horizon covers nothing.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import scipy.sparse as sp

from staffplan.config.shifts import ShiftsConfig
from staffplan.schedule._candidates import Candidates, Grid


@dataclasses.dataclass(frozen=True)
class Layout:
    """Where one block's variables sit in the model's variable vector."""

    x: slice
    b: slice
    u: slice
    o: slice


@dataclasses.dataclass(frozen=True)
class CoverModel:
    """``min c·v`` s.t. ``row_lb <= A v <= row_ub``, ``lb <= v <= ub``; ``integer`` marks the
    shift and break counts."""

    c: np.ndarray
    A: sp.csr_matrix
    row_lb: np.ndarray
    row_ub: np.ndarray
    lb: np.ndarray
    ub: np.ndarray
    integer: np.ndarray
    blocks: tuple[Layout, ...]
    required: tuple[np.ndarray, ...]
    cap_rows: slice
    shift_coverage: sp.csr_matrix
    break_coverage: sp.csr_matrix

    def coverage(self, values: np.ndarray, block: int) -> np.ndarray:
        """Agents on the phones per interval in ``block`` (shifts present minus breaks)."""
        layout = self.blocks[block]
        return self.shift_coverage @ values[layout.x] - self.break_coverage @ values[layout.b]

    def settle(self, values: np.ndarray) -> np.ndarray:
        """``values`` with counts rounded and ``u``/``o`` set to the exact shortfall/surplus."""
        out = values.copy()
        out[self.integer] = np.maximum(np.round(out[self.integer]), 0.0)
        for i, layout in enumerate(self.blocks):
            spare = self.coverage(out, i) - self.required[i]
            if layout.u.stop > layout.u.start:
                out[layout.u] = np.maximum(-spare, 0.0)
            if layout.o.stop > layout.o.start:
                out[layout.o] = np.maximum(spare, 0.0)
        return out


def coverage_matrices(cands: Candidates, grid: Grid) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Agents present per interval per shift (T × shifts) and per break slot (T × slots):
    a staggered short break counts as ``1 / slot_spread`` of an agent, any other part of
    an interval as a whole one (see :class:`Candidates`)."""
    size, n_shifts, n_slots = grid.size, cands.start.size, cands.slot_group.size
    offsets = np.concatenate([np.arange(n) for n in cands.length])
    shift_cols = np.repeat(np.arange(n_shifts), cands.length)
    shift_rows = np.repeat(cands.start, cands.length) + offsets
    ones = np.ones(shift_rows.size)
    present = _fold(shift_rows, shift_cols, ones, (size, n_shifts), grid.cyclic)
    rows, cols, weights = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)], [ones[:0]]
    slot_start = cands.group_start[cands.slot_group] + cands.slot_offset
    slot_template = cands.group_template[cands.slot_group]
    for t, covers in enumerate(cands.pause_cover):
        for k, cover in enumerate(covers):
            chosen = np.flatnonzero((slot_template == t) & (cands.slot_pause == k))
            for step, share in cover:
                rows.append(slot_start[chosen] + step)
                cols.append(chosen)
                weights.append(np.maximum(share, 1.0 / cands.slot_spread[chosen]))
    away = _fold(
        np.concatenate(rows),
        np.concatenate(cols),
        np.concatenate(weights),
        (size, n_slots),
        grid.cyclic,
    )
    return present, away


def _fold(
    rows: np.ndarray, cols: np.ndarray, values: np.ndarray, shape: tuple[int, int], cyclic: bool
) -> sp.csr_matrix:
    """A sparse matrix of ``shape`` whose row indices wrap (cyclic) or are cut at the end."""
    if cyclic:
        rows = rows % shape[0]
    else:
        inside = rows < shape[0]
        rows, cols, values = rows[inside], cols[inside], values[inside]
    return sp.csr_matrix(sp.coo_matrix((values, (rows, cols)), shape=shape))


def build_model(
    cands: Candidates, grid: Grid, required: list[np.ndarray], shifts: ShiftsConfig
) -> CoverModel:
    """The model covering each array in ``required`` (agents per grid interval) as a block."""
    soft = shifts.understaffing == "soft"
    over = shifts.overstaffing_penalty > 0
    present, away = coverage_matrices(cands, grid)
    block = _block_matrix(cands, present, away, soft, over)
    size, n, m, width = grid.size, cands.start.size, cands.slot_group.size, block.shape[1]
    links = block.shape[0] - size
    layouts, parts = [], []
    for i, need in enumerate(required):
        base = i * width
        u_end = base + n + m + (size if soft else 0)
        layouts.append(
            Layout(
                slice(base, base + n),
                slice(base + n, base + n + m),
                slice(base + n + m, u_end),
                slice(u_end, u_end + (size if over else 0)),
            )
        )
        parts.append(_block_vectors(cands, need, links, soft, over, shifts))
    c, lb, ub, row_lb, row_ub, integer = (list(p) for p in zip(*parts, strict=True))
    A = sp.block_diag([block] * len(required), format="csr")
    cap_rows = slice(A.shape[0], A.shape[0])
    if shifts.max_headcount is not None:
        caps, cap_ub = _cap_rows(cands, grid, shifts, len(required), width)
        cap_rows = slice(A.shape[0], A.shape[0] + caps.shape[0])
        A = sp.vstack([A, caps], format="csr")
        row_lb.append(np.full(cap_ub.size, -np.inf))
        row_ub.append(cap_ub)
    return CoverModel(
        np.concatenate(c),
        A,
        np.concatenate(row_lb),
        np.concatenate(row_ub),
        np.concatenate(lb),
        np.concatenate(ub),
        np.concatenate(integer).astype(bool),
        tuple(layouts),
        tuple(np.asarray(r, dtype=float) for r in required),
        cap_rows,
        present,
        away,
    )


def _block_matrix(
    cands: Candidates, present: sp.csr_matrix, away: sp.csr_matrix, soft: bool, over: bool
) -> sp.csr_matrix:
    """One block's rows (coverage, then links) over its columns (x, b[, u][, o])."""
    link_x, link_b = _link_matrices(cands)
    size = present.shape[0]
    eye = sp.identity(size, format="csr")
    zero = sp.csr_matrix((link_x.shape[0], size))
    cover = [present, -away] + ([eye] if soft else []) + ([-eye] if over else [])
    link = [-link_x, link_b] + ([zero] if soft else []) + ([zero] if over else [])
    return sp.vstack([sp.hstack(cover), sp.hstack(link)], format="csr")


def _block_vectors(
    cands: Candidates, need: np.ndarray, links: int, soft: bool, over: bool, shifts: ShiftsConfig
) -> tuple[np.ndarray, ...]:
    """One block's costs, variable bounds, row bounds and integrality."""
    size, n, m = need.size, cands.start.size, cands.slot_group.size
    costs = _costs(cands, size, m, soft, over, shifts)
    lb = np.zeros(costs.size)
    ub = np.concatenate([*_count_bounds(cands, need), need if soft else [], _inf(size, over)])
    row_lb = np.concatenate([need, np.zeros(links)])
    row_ub = np.concatenate([need if over else np.full(size, np.inf), np.zeros(links)])
    integer = np.concatenate([np.ones(n + m), np.zeros(costs.size - n - m)])
    return costs, lb, ub, row_lb, row_ub, integer


def _count_bounds(cands: Candidates, need: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Finite upper bounds on the shift and break counts that no sensible schedule
    reaches: the block's peak requirement + 1 shifts of one kind, and as many breaks in
    one slot as its start group can hold. With infinite bounds HiGHS spends most of its
    root node on bookkeeping for them (3× slower at the same answer)."""
    most = math.ceil(float(need.max(initial=0.0))) + 1.0
    per_group = np.bincount(cands.group, minlength=cands.group_start.size)
    return np.full(cands.start.size, most), most * per_group[cands.slot_group]


def _inf(size: int, present: bool) -> np.ndarray:
    return np.full(size, np.inf) if present else np.zeros(0)


def _costs(
    cands: Candidates, size: int, m: int, soft: bool, over: bool, shifts: ShiftsConfig
) -> np.ndarray:
    parts = [cands.cost, np.zeros(m)]
    if soft:
        parts.append(np.full(size, shifts.understaffing_penalty))
    if over:
        parts.append(np.full(size, shifts.overstaffing_penalty))
    return np.concatenate(parts)


def _link_matrices(cands: Candidates) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    n_links, m, n = cands.n_links, cands.slot_group.size, cands.start.size
    link_b = sp.csr_matrix((np.ones(m), (cands.slot_link, np.arange(m))), shape=(n_links, m))
    link_group = np.zeros(n_links, dtype=np.int64)
    link_group[cands.slot_link] = cands.slot_group
    n_groups = cands.group_start.size
    members = sp.csr_matrix((np.ones(n), (cands.group, np.arange(n))), shape=(n_groups, n))
    return sp.csr_matrix(members[link_group]), link_b


def _cap_rows(
    cands: Candidates, grid: Grid, shifts: ShiftsConfig, n_blocks: int, width: int
) -> tuple[sp.csr_matrix, np.ndarray]:
    head = float(shifts.max_headcount or 0)
    weeks = len(grid.dates) / 7.0
    start_day = grid.day[cands.start]
    n = cands.start.size
    per_day = sp.csr_matrix((np.ones(n), (start_day, np.arange(n))), shape=(len(grid.dates), n))
    rows_x = sp.vstack([per_day, np.ones((1, n)), cands.paid_hours[None, :]], format="csr")
    ub = np.concatenate(
        [
            np.full(len(grid.dates), head),
            [
                head * shifts.rules.days_per_week * weeks,
                head * shifts.rules.max_hours_per_week * weeks,
            ],
        ]
    )
    pad = sp.csr_matrix((rows_x.shape[0], width - n))
    return sp.hstack([sp.hstack([rows_x, pad])] * n_blocks, format="csr"), ub
