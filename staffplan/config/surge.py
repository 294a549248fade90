"""The optional ``surge_plans:`` config section: emergency tiers that trigger themselves.

Each tier (mildest first, e.g. amber then red) fires when any of its triggers is met at
the re-forecast's ``--as-of`` time: the market (realised ``daily_vol``, or an absolute
``price_move`` over ``forecast.shock_window_h`` hours) or the contacts so far today
(``actual_over_forecast``, today's actuals ÷ the forecast of the same intervals, in any
queue). The most severe tier that fires is used, so a market shock over the red line
selects red before contacts rise. A tier names the measures the re-plan may use:
``overtime``, ``extra_shifts``, ``on_call`` and ``moves`` (published shifts not yet
started move earlier or later), each as ``team.surge`` prices and limits it, and
``open_backlog_hours``: backlog queues are sized around the clock for the rest of today,
so their closed hours (an evening, a weekend night) work the backlog down, covered by
whatever else the tier allows and, even without ``extra_shifts``, by extra shifts of
those queues that cover some of the newly opened hours.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

from staffplan.config.fields import Invalid, positive
from staffplan.config.names import check_name

SurgeMeasure = Literal["overtime", "extra_shifts", "on_call", "moves", "open_backlog_hours"]
TRIGGERS = ("actual_over_forecast", "daily_vol", "price_move")


@dataclasses.dataclass(frozen=True)
class SurgeTier:
    """One tier: its triggers (any one fires it; omitted ones never do) and the measures
    it allows. ``actual_over_forecast``: today's actual ÷ forecast so far, e.g. 1.3
    (unitless); ``daily_vol``: realised volatility over ``forecast.volatility_window_h``
    hours, scaled to a day (0.08 = 8 % a day); ``price_move``: absolute log return over
    ``forecast.shock_window_h`` hours (0.1 ≈ a 10 % move)."""

    name: str
    uses: tuple[SurgeMeasure, ...]
    actual_over_forecast: float | None = positive(None, unit="actual ÷ forecast")
    daily_vol: float | None = positive(None, unit="share per day")
    price_move: float | None = positive(None, unit="log return")

    def __post_init__(self) -> None:
        check_name(self.name, "name", "surge tier")
        if all(getattr(self, key) is None for key in TRIGGERS):
            raise Invalid(
                "name",
                f"tier {self.name!r} has no trigger; set at least one of {', '.join(TRIGGERS)}",
            )
        if not self.uses:
            raise Invalid("uses", "list what the tier may use, e.g. [overtime, on_call]")
        for i, measure in enumerate(self.uses):
            if measure in self.uses[:i]:
                raise Invalid(f"uses[{i}]", f"{measure!r} is listed twice")

    def fired_by(self, signals: dict[str, float]) -> list[str]:
        """Why the tier fires at ``signals`` (trigger name → value; NaN = unknown): one
        sentence per trigger met, empty when none is."""
        reasons = []
        for key in TRIGGERS:
            line, value = getattr(self, key), signals.get(key, float("nan"))
            if line is not None and value >= line:
                reasons.append(f"{key} {value:.3g} ≥ {line:g}")
        return reasons


def check_tiers(tiers: tuple[SurgeTier, ...]) -> None:
    """:class:`Invalid` (key ``surge_plans[i].name``) when two tiers share a name."""
    names = [tier.name.casefold() for tier in tiers]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise Invalid(f"surge_plans[{i}].name", f"tier {tiers[i].name!r} is listed twice")
