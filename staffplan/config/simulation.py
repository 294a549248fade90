"""The optional ``simulation:`` config section: how simulated contacts are drawn."""

from __future__ import annotations

import dataclasses
from typing import Literal

from staffplan.config.fields import Invalid, positive

HandleTime = Literal["exponential", "lognormal"]


@dataclasses.dataclass(frozen=True)
class SimulationConfig:
    """Shape of simulated handle times and whether forecast risk is included.

    ``handle_time``: ``exponential`` (the queueing model's assumption) or ``lognormal``
    (closer to real handle times: most contacts short, a long tail). ``aht_cv`` is the
    lognormal's coefficient of variation (standard deviation / mean, unitless); the mean
    is always the queue's ``aht_s``. ``overdispersed``: draw each day's contact rate
    around the forecast from its 80% interval, so replications show forecast risk as well
    as queueing noise.
    """

    handle_time: HandleTime = "exponential"
    aht_cv: float = positive(1.0, unit="(std / mean)")
    overdispersed: bool = False

    def __post_init__(self) -> None:
        if self.handle_time == "exponential" and self.aht_cv != 1.0:
            raise Invalid(
                "aht_cv",
                "exponential handle times always have a coefficient of variation of 1; "
                "set handle_time: lognormal to use aht_cv, or remove aht_cv",
            )
