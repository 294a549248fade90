"""The ``scenarios:`` config section: finance what-ifs over a horizon of months.

Kept apart from :mod:`staffplan.finance.scenarios` so that :mod:`staffplan.config` can import the
dataclasses without importing the staffing engine. Import them from
:mod:`staffplan.finance.scenarios`.
"""

from __future__ import annotations

import dataclasses
import re

from staffplan.config.fields import Invalid, non_negative, positive, share
from staffplan.config.names import check_name

MAX_HORIZON_MONTHS = 120
OVERTIME_PREMIUM = 1.5  # default overtime/outsourced FTE cost: time and a half


@dataclasses.dataclass(frozen=True)
class Case:
    """One named scenario (e.g. calm, typical, stressed market).

    Rates are shares of 1 per month: ``volume_growth`` 0.02 is +2% a month, compounded
    from the history's last month. ``stressed_share`` is the share of days with stressed
    market volatility. ``deflection_scale`` multiplies the configured containment (0 = no
    programme, 1 = as configured). ``aht_change`` is a relative change in handle time
    (-0.05 = 5% faster). ``shrinkage`` overrides every queue's shrinkage when set.
    ``attrition`` is the share of headcount leaving each month. A hire requisitioned in
    month m starts in month m + ``hiring_lead_months`` and works at ``ramp`` productivity
    in its months 1..k, fully after that. Costs are loaded currency per FTE-month;
    ``overtime_cost_per_fte_month`` (default 1.5 × ``cost_per_fte_month``) prices the gap.
    ``escalation_scale`` multiplies every queue's ``escalation.share`` (2 = twice as
    many contacts reach tier 2; a share is capped at 1).
    ``max_hires_per_month`` caps the new hires starting in one month (None: no cap).
    """

    name: str
    cost_per_fte_month: float = positive()
    volume_growth: float = 0.0
    stressed_share: float = share(0.1)
    deflection_scale: float = non_negative(1.0, unit="× configured containment")
    aht_change: float = 0.0
    shrinkage: float | None = share(None)
    attrition: float = share(0.02)
    hiring_lead_months: int = 2
    ramp: tuple[float, ...] = (0.5, 0.8)
    overtime_cost_per_fte_month: float | None = non_negative(None)
    escalation_scale: float = non_negative(1.0, unit="× configured escalation share")
    max_hires_per_month: int | None = positive(None, unit="people")

    def __post_init__(self) -> None:
        check_name(self.name, "name", "scenario")
        for key in ("volume_growth", "aht_change"):
            if getattr(self, key) <= -1.0:
                raise Invalid(key, f"{getattr(self, key):g} must be above -1 (a relative change)")
        if self.shrinkage is not None and self.shrinkage >= 1.0:
            raise Invalid("shrinkage", "must be below 1: with 100% shrinkage nobody takes contacts")
        if self.hiring_lead_months < 0:
            raise Invalid("hiring_lead_months", "must be 0 or more months")
        for i, value in enumerate(self.ramp):
            if not 0.0 < value <= 1.0:
                raise Invalid(
                    f"ramp[{i}]",
                    f"{value:g} is not a productivity in (0, 1]; month {i + 1} of a new hire "
                    "is e.g. 0.5 for half as productive as a tenured agent",
                )

    @property
    def overtime_cost(self) -> float:
        """Cost of one overtime/outsourced FTE-month (currency units)."""
        if self.overtime_cost_per_fte_month is None:
            return OVERTIME_PREMIUM * self.cost_per_fte_month
        return self.overtime_cost_per_fte_month


@dataclasses.dataclass(frozen=True)
class ScenariosConfig:
    """The horizon and the named cases compared over it.

    ``start`` is the first month (``YYYY-MM``), not before the month the history ends in
    (checked against the history by the run); ``starting_headcount`` the FTE on payroll
    then (fully productive). Demand comes from a representative week: the mean of the last
    ``profile_weeks`` weeks of history per queue and interval. On a stressed-volatility day
    volume is ``stressed_volume_factor`` × a calm day's. ``hours_per_fte_week`` converts
    paid hours to FTE. ``sensitivity_step`` is the relative move of each driver (0.1 = ±10%).
    ``currency`` is the ISO 4217 code of every cost (shown on the workbook's money cells).
    """

    start: str
    cases: tuple[Case, ...]
    starting_headcount: float = non_negative(unit="FTE")
    horizon_months: int = 12
    profile_weeks: int = 4
    stressed_volume_factor: float = positive(2.0, unit="× calm-day volume")
    hours_per_fte_week: float = positive(40.0, unit="h")
    sensitivity_step: float = share(0.1)
    currency: str = "USD"

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Z]{3}", self.currency):
            raise Invalid(
                "currency", f"{self.currency!r} is not a currency code; write e.g. USD or EUR"
            )
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", self.start):
            raise Invalid(
                "start", f"{self.start!r} is not a month; write it as YYYY-MM, e.g. 2027-01"
            )
        if not 1 <= self.horizon_months <= MAX_HORIZON_MONTHS:
            raise Invalid("horizon_months", f"must be between 1 and {MAX_HORIZON_MONTHS} months")
        if self.profile_weeks < 1:
            raise Invalid("profile_weeks", "must be at least 1 week")
        if self.sensitivity_step <= 0.0:
            raise Invalid("sensitivity_step", "must be above 0, e.g. 0.1 for ±10%")
        self._check_cases()

    def _check_cases(self) -> None:
        if not self.cases:
            raise Invalid("cases", "list at least one scenario, e.g. {name: base, ...}")
        seen: list[str] = []
        for i, case in enumerate(self.cases):
            if case.name.casefold() in seen:
                raise Invalid(
                    f"cases[{i}].name",
                    f"scenario {case.name!r} is listed twice (names are compared ignoring "
                    "case: each becomes a sheet of the workbook)",
                )
            seen.append(case.name.casefold())
            if len(case.ramp) > self.horizon_months:
                raise Invalid(
                    f"cases[{i}].ramp",
                    f"the new-hire ramp has {len(case.ramp)} months but the horizon is "
                    f"{self.horizon_months}; shorten the ramp or lengthen horizon_months",
                )
