"""Monthly headcount: attrition, hiring lead time, new-hire ramp, and when to requisition.

Timing within a month, chosen to be conservative and easy to audit: leavers go at the
start of the month (``attrition = rate × headcount_start``), then the month's new hires
join, so ``headcount_end = headcount_start − attrition + hires`` and the month pays
``headcount_end``. Everyone leaves at the same rate, new hires included. A hire works at
``ramp[t − 1]`` productivity in its t-th month (t = 1..k) and fully after that; the
starting headcount is fully productive.

Hiring rule (:data:`HIRING_RULE`, also printed in the workbook): months are decided in
order from the first one a hire can start in (the lead time). A month hires

- just in time: the fewest whole hires that, at their first month's productivity, meet
  the month's required FTE;
- ahead of need when the cap demands it: if a later month's shortfall is more than
  hires capped at ``max_hires_per_month`` in the months between could meet, the rest
  starts now;
- never more than ``max_hires_per_month``;
- and never more than its ramp window can absorb: as they ramp up over the next k
  months, this month's hires may not lift any of those months above its need (up to the
  part of one hire that rounding leaves), so a hiring wave never leaves a surplus that
  only attrition would absorb.

The shortfall left (required minus productive FTE) is bought as overtime or outsourcing.
Nobody is laid off, so a team larger than the need only shrinks by attrition.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

TOLERANCE = 1e-9  # FTE; below this a shortfall is rounding noise
HIRING_RULE = (
    "Hires start no earlier than the hiring lead time after the horizon's first month. "
    "Each month hires just enough people to meet its required FTE at their first-month "
    "productivity, or more when a later month needs more than hiring capped at "
    "max_hires_per_month in the months between could bring; never more than "
    "max_hires_per_month, and never more than the months of the new-hire ramp can use "
    "once those hires are productive, so the team carries no surplus beyond a fraction of "
    "one hire. The remaining gap is bought as overtime; nobody is laid off."
)


@dataclasses.dataclass(frozen=True)
class HeadcountPlan:
    """Per month (arrays of one length): heads, hires, productive FTE and the gap."""

    headcount_start: np.ndarray
    attrition: np.ndarray
    hires: np.ndarray  # whole hires starting (joining) in the month
    headcount_end: np.ndarray
    available_fte: np.ndarray  # ramp-adjusted productive FTE
    hires_requisitioned: np.ndarray  # requisitions to open in the month
    gap_fte: np.ndarray  # required minus available, where positive


def plan_headcount(
    required_fte: np.ndarray,
    starting_headcount: float,
    attrition: float,
    lead_months: int,
    ramp: tuple[float, ...],
    max_hires_per_month: int | None = None,
) -> HeadcountPlan:
    """Hire for ``required_fte`` (per month) by :data:`HIRING_RULE`.

    ``attrition`` is the monthly leaving rate (share of 1); ``ramp`` the productivity of a
    new hire in its months 1..k (each in (0, 1]); ``max_hires_per_month`` caps the hires
    starting in any month (None: no cap).
    """
    required = np.asarray(required_fte, dtype=float)
    months = len(required)
    yield_of = _hire_yield(months, attrition, ramp)  # FTE of one hire, by months since start
    tenured = starting_headcount * (1.0 - attrition) ** (np.arange(months) + 1)
    available = tenured.copy()
    hires = np.zeros(months)
    for month in range(lead_months, months):
        count = _hires_for(month, required, available, yield_of, len(ramp), max_hires_per_month)
        hires[month] = count
        available[month:] += count * yield_of[: months - month]
    headcount_end, available = _simulate(starting_headcount, hires, attrition, ramp)
    headcount_start = np.concatenate([[starting_headcount], headcount_end[:-1]])
    requisitioned = np.zeros(months)
    if lead_months < months:
        requisitioned[: months - lead_months] = hires[lead_months:]
    gap = np.maximum(required - available, 0.0)
    return HeadcountPlan(
        headcount_start=headcount_start,
        attrition=attrition * headcount_start,
        hires=hires,
        headcount_end=headcount_end,
        available_fte=available,
        hires_requisitioned=requisitioned,
        gap_fte=np.where(gap > TOLERANCE, gap, 0.0),
    )


def _hire_yield(months: int, attrition: float, ramp: tuple[float, ...]) -> np.ndarray:
    """Productive FTE of one hire in its months 0..months-1 after starting (survival ×
    ramp)."""
    since = np.arange(months)
    curve = np.array([*ramp, 1.0])[np.minimum(since, len(ramp))]
    return (1.0 - attrition) ** since * curve


def _hires_for(
    month: int,
    required: np.ndarray,
    available: np.ndarray,
    yield_of: np.ndarray,
    ramp_months: int,
    cap: int | None,
) -> int:
    """Whole hires starting in ``month`` by the rule, given the hires decided before."""
    short = required - available
    if yield_of[0] <= TOLERANCE:  # nobody would stay a month: hiring cannot help
        return 0
    wanted = max(0, math.ceil(short[month] / yield_of[0] - TOLERANCE))
    if cap is not None:
        wanted = min(cap, max(wanted, _hires_ahead(month, short, yield_of, cap)))
    window = np.arange(month + 1, min(month + ramp_months + 1, len(required)))
    if window.size:
        room = (short[window] / yield_of[window - month]).min()
        wanted = min(wanted, max(0, math.ceil(room - TOLERANCE)))
    return wanted


def _hires_ahead(month: int, short: np.ndarray, yield_of: np.ndarray, cap: int) -> int:
    """Hires needed now because some later month's shortfall exceeds what ``cap`` hires
    a month in the months between could bring by then."""
    ahead = 0
    for later in range(month + 1, len(short)):
        reachable = cap * yield_of[: later - month].sum()  # hires of months month+1..later
        beyond = short[later] - reachable
        if beyond > TOLERANCE and yield_of[later - month] > TOLERANCE:
            ahead = max(ahead, math.ceil(beyond / yield_of[later - month] - TOLERANCE))
    return ahead


def _simulate(
    starting_headcount: float, hires: np.ndarray, attrition: float, ramp: tuple[float, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """Heads at month end and productive FTE per month, for hires starting per month."""
    month = np.arange(len(hires))
    since = month[:, None] - month[None, :]  # months since cohort s joined, at month i
    joined = since >= 0
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        survived = np.where(joined, (1.0 - attrition) ** np.where(joined, since, 0), 0.0)
    curve = np.array([*ramp, 1.0])
    productivity = curve[np.clip(since, 0, len(ramp))]
    cohorts = survived * hires[None, :]
    tenured = starting_headcount * (1.0 - attrition) ** (month + 1)
    return tenured + cohorts.sum(axis=1), tenured + (cohorts * productivity).sum(axis=1)
