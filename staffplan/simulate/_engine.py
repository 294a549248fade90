"""The sequential core: first-come-first-served service with a time-varying staff.

Servers are *slots* (an agent has ``concurrency`` of them). The staffing curve is cut
into layers: slot ``j`` is on duty in every step (an interval, or a minute where an agent
is there for part of an interval) whose slot count exceeds ``j``, so each slot has a few
on-duty windows and at every moment the slots on duty equal the schedule. A slot takes a
new contact only inside a window; a contact it started runs to completion even past the
window's end (an agent finishes the contact before leaving for a break or the end of the
shift). Nothing resets at interval boundaries.

Customers are taken in arrival order. Under FCFS each customer's service starts at
``max(arrival, earliest moment a slot is free and on duty)``, so one pass over a heap of
slot free times is exact; a customer whose wait would exceed their patience abandons
without taking a slot (the "virtual waiting time" rule).
"""

from __future__ import annotations

import heapq
import math

import numpy as np


def slot_windows(slots: np.ndarray, step_s: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """On-duty windows of every slot for a slot count ``slots`` per step of ``step_s``.

    Returns ``(start_s, end_s, slot)``: window bounds in seconds from the start of the
    first interval, and the slot each window belongs to, sorted by slot then time.
    """
    counts = np.concatenate(([0], np.asarray(slots, dtype=np.int64), [0]))
    step = np.diff(counts)
    # At boundary k (time k * step_s) slots counts[k]..counts[k+1]-1 come on duty if
    # the count rises, and slots counts[k+1]..counts[k]-1 go off if it falls.
    up = np.flatnonzero(step > 0)
    down = np.flatnonzero(step < 0)
    if up.size == 0:
        empty = np.zeros(0)
        return empty, empty, np.zeros(0, dtype=np.int64)
    on_slot = np.concatenate([np.arange(counts[k], counts[k + 1]) for k in up])
    off_slot = np.concatenate([np.arange(counts[k + 1], counts[k]) for k in down])
    on_at = np.repeat(up, step[up])
    off_at = np.repeat(down, -step[down])
    # A slot's windows alternate on/off in time, so its i-th "on" pairs with its i-th "off".
    on = np.lexsort((on_at, on_slot))
    off = np.lexsort((off_at, off_slot))
    return on_at[on] * step_s, off_at[off] * step_s, on_slot[on]


def serve_fcfs(
    arrival_s: np.ndarray,
    handle_s: np.ndarray,
    give_up_s: np.ndarray | None,
    windows: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> np.ndarray:
    """Service start time (s) of each customer; NaN for those never served.

    ``arrival_s`` is sorted; ``give_up_s`` is the moment each customer would abandon
    (arrival + patience), or None when nobody abandons; ``windows`` comes from
    :func:`slot_windows`.
    """
    start_s, end_s, slot = windows
    starts, ends = start_s.tolist(), end_s.tolist()
    # The heap holds one entry per slot, (free at, window end, window): the slot's current
    # window; when it closes, the slot's next window takes its place.
    same_slot = np.flatnonzero(np.diff(slot) == 0)
    following = np.full(slot.size, -1)
    following[same_slot] = same_slot + 1
    next_window = following.tolist()
    heap = [(starts[w], ends[w], w) for w in np.flatnonzero(np.diff(slot, prepend=-1)).tolist()]
    heapq.heapify(heap)
    limits = give_up_s.tolist() if give_up_s is not None else [math.inf] * len(arrival_s)
    out: list[float] = []
    record = out.append
    heappop, heapreplace = heapq.heappop, heapq.heapreplace
    for arrival, handle, limit in zip(arrival_s.tolist(), handle_s.tolist(), limits, strict=True):
        while heap:
            free, end, w = heap[0]
            begin = free if free > arrival else arrival
            if begin >= end:  # the window closed before this customer could use it
                n = next_window[w]
                if n < 0:
                    heappop(heap)
                else:  # the slot may still be finishing a contact when it is next on duty
                    heapreplace(heap, (starts[n] if starts[n] > free else free, ends[n], n))
                continue
            if begin > limit:
                record(math.nan)
                break
            done = begin + handle
            if done < end:
                heapreplace(heap, (done, end, w))
            elif (n := next_window[w]) < 0:
                heappop(heap)
            else:
                heapreplace(heap, (starts[n] if starts[n] > done else done, ends[n], n))
            record(begin)
            break
        else:
            record(math.nan)  # nobody is on duty any more
    return np.array(out)
