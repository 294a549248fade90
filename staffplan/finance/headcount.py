"""Monthly headcount: attrition, hiring lead time, new-hire ramp, and when to requisition.

Timing within a month, chosen to be conservative and easy to audit: leavers go at the
start of the month (``attrition = rate × headcount_start``), then the month's new hires
join, so ``headcount_end = headcount_start − attrition + hires`` and the month pays
``headcount_end``. Everyone leaves at the same rate, new hires included. A hire works at
``ramp[t − 1]`` productivity in its t-th month (t = 1..k) and fully after that; the
starting headcount is fully productive.

Hiring rule: months are filled in order; a month whose heads fall short of its required
FTE gets whole new hires, starting k months earlier so that they are fully ramped by then,
but never before the lead time allows. So every month from ``lead + k`` on is met by
fully productive staff. Earlier months cannot be: before the lead time no hire can
start, and in the k months after it the new hires are still ramping (hiring 1/ramp times
as many people to cover that would leave a lasting surplus). Their gap (required minus
productive FTE) is bought as overtime or outsourcing. Nobody is laid off.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

TOLERANCE = 1e-9  # FTE; below this a shortfall is rounding noise


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
) -> HeadcountPlan:
    """Hire to meet ``required_fte`` (per month) on time, given the lead time and ramp.

    ``attrition`` is the monthly leaving rate (share of 1); ``ramp`` the productivity of a
    new hire in its months 1..k (each in (0, 1]).
    """
    required = np.asarray(required_fte, dtype=float)
    months = len(required)
    hires = np.zeros(months)
    for month in range(lead_months, months):
        heads = _simulate(starting_headcount, hires, attrition, ramp)[0][month]
        short = required[month] - heads
        if short <= TOLERANCE:
            continue
        start = max(lead_months, month - len(ramp))
        staying = (1.0 - attrition) ** (month - start)
        if staying <= TOLERANCE:  # nobody would stay until then: start them that month
            start, staying = month, 1.0
        hires[start] += math.ceil(short / staying - TOLERANCE)
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
