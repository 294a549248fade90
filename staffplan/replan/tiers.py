"""Which surge tier fires (see :mod:`staffplan.config.surge`) and which re-plan options it
allows."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd

from staffplan.config.surge import SurgeTier
from staffplan.forecast import volatility

# The re-plan's option kinds each measure allows (see staffplan.replan._options).
MEASURE_KINDS = {
    "overtime": ("overtime_before", "overtime_after"),
    "extra_shifts": ("extra_shift",),
    "on_call": ("on_call",),
    "moves": ("move",),
    "open_backlog_hours": (),  # sizing, not an option kind: see staffplan.replan.opening
}
OPEN_BACKLOG_HOURS = "open_backlog_hours"


@dataclasses.dataclass(frozen=True)
class TierChoice:
    """The tier that fired (``name`` "" when none did), why, and the signals seen."""

    name: str
    reasons: tuple[str, ...]
    signals: dict[str, float]
    kinds: tuple[str, ...]  # re-plan option kinds allowed
    measures: tuple[str, ...] = ()  # the tier's ``uses``

    @property
    def opens_backlog_hours(self) -> bool:
        """Whether the tier lets backlog queues work their closed hours."""
        return OPEN_BACKLOG_HOURS in self.measures

    def describe(self) -> str:
        """One line for the screen and the summary."""
        if not self.name:
            return "no surge tier fired (" + _listed(self.signals) + ")"
        return f"surge tier {self.name} fired: " + "; ".join(self.reasons)


def market_signals(
    prices: pd.DataFrame | None, as_of: pd.Timestamp, window_h: int, shock_h: int
) -> dict[str, float]:
    """``daily_vol`` and ``price_move`` at the last bar of ``prices`` (already cut at
    ``as_of``); NaN without prices or when that bar closed more than one bar before
    ``as_of`` (a stale price feed says nothing about now)."""
    unknown = {"daily_vol": math.nan, "price_move": math.nan}
    if prices is None:
        return unknown
    drivers = volatility.market_drivers(prices, window_h, shock_h)
    if drivers.known_at[-1] < as_of - drivers.bar:
        return unknown
    return {"daily_vol": float(drivers.daily_vol[-1]), "price_move": float(drivers.shock[-1])}


def select_tier(tiers: tuple[SurgeTier, ...], signals: dict[str, float]) -> TierChoice:
    """The most severe tier (latest listed) that any signal fires."""
    for tier in reversed(tiers):
        reasons = tier.fired_by(signals)
        if reasons:
            kinds = tuple(k for m in tier.uses for k in MEASURE_KINDS[m])
            return TierChoice(tier.name, tuple(reasons), signals, kinds, tier.uses)
    return TierChoice("", (), signals, ())


def _listed(signals: dict[str, float]) -> str:
    known = [f"{k} {v:.3g}" for k, v in signals.items() if math.isfinite(v)]
    return ", ".join(known) if known else "no signal known"
