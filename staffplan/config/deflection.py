"""The ``deflection:`` config section: contact-reason mix and bot containment per queue.

Kept apart from :mod:`staffplan.deflection` so that :mod:`staffplan.config` can import the
dataclasses without importing the staffing engine. Import them from
:mod:`staffplan.deflection`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from staffplan.config.fields import Invalid, non_negative, positive
from staffplan.config.fields import share as share_of_1  # a field of Reason is called share
from staffplan.config.names import check_name

SHARE_TOLERANCE = 0.001  # reason shares may be rounded percentages (3 × 0.333)


@dataclasses.dataclass(frozen=True)
class Reason:
    """One contact reason of a queue and what the programme does to it.

    ``share`` of the queue's contacts have this reason; ``aht_weight`` is their handle
    time relative to the queue's average (1 = average). At full ramp the programme
    contains ``containment`` of them; ``recontact`` of the contained come back to an agent
    anyway. ``ramp_weeks`` is the time from launch to full containment (linear).
    ``aht_uplift`` is the relative rise in handle time of this reason's contacts that
    still reach agents at full containment (the easy ones leave); it can be at most
    ``containment / (1 - containment)``, the rise if the contained took no time at all.
    ``never_deflect`` reasons (security, funds) always go to a human first: containment
    is ignored. ``class_name`` puts the reason's contacts in that priority class of the
    queue (``queues[].classes``; e.g. security reasons in the security class).
    """

    name: str
    share: float = share_of_1()
    aht_weight: float = positive(1.0, unit="× queue AHT")
    containment: float = share_of_1(0.0)
    recontact: float = share_of_1(0.0)
    ramp_weeks: float = non_negative(0.0, unit="weeks")
    aht_uplift: float = 0.0
    never_deflect: bool = False
    class_name: str | None = None

    def __post_init__(self) -> None:
        check_name(self.name, "name", "contact reason")
        if self.aht_uplift <= -1.0:
            raise Invalid(
                "aht_uplift",
                f"{self.aht_uplift:g} would make handle time zero or negative; "
                "use a relative change above -1, e.g. 0.2 for +20%",
            )
        limit = self.containment / (1.0 - self.containment) if self.containment < 1 else None
        if not self.never_deflect and limit is not None and 0 < limit < self.aht_uplift:
            raise Invalid(
                "aht_uplift",
                f"{self.aht_uplift:g} is more than containment {self.containment:g} can "
                f"explain: even if the contained contacts took no time at all, the rest "
                f"would take at most {limit:.0%} longer; lower aht_uplift or raise containment",
            )


@dataclasses.dataclass(frozen=True)
class QueueDeflection:
    """The reason mix of one queue and the self-service ``programme`` in front of it.

    ``programme`` is a label for summaries (faq_bot, ai_bot, ivr, auto_reply, ...).
    ``launch`` is the go-live date (planning-zone midnight); containment ramps from it.
    Without ``launch`` the programme is taken as fully ramped already.
    """

    queue: str
    reasons: tuple[Reason, ...]
    programme: str = "bot"
    launch: dt.date | None = None

    def __post_init__(self) -> None:
        check_name(self.programme, "programme", "programme")
        if not self.reasons:
            raise Invalid("reasons", "list at least one contact reason with its share")
        names = [r.name for r in self.reasons]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise Invalid(f"reasons[{i}].name", f"reason {name!r} is listed twice")
        total = sum(r.share for r in self.reasons)
        if abs(total - 1.0) > SHARE_TOLERANCE:
            side = "short of" if total < 1.0 else "over"
            raise Invalid(
                "reasons",
                f"the reason shares of queue {self.queue!r} sum to {total:.3f}, "
                f"{abs(total - 1.0):.3f} {side} 1; make them add up to 1 "
                "(put the rest under a reason called other)",
            )


@dataclasses.dataclass(frozen=True)
class DeflectionConfig:
    """Deflection by queue, plus the units used to price the saving.

    ``hours_per_fte_week`` converts paid hours to FTE; ``cost_per_fte_month`` is the loaded
    monthly cost of one FTE (currency units) used for ``cost_saved_per_month``.
    """

    queues: tuple[QueueDeflection, ...]
    hours_per_fte_week: float = positive(40.0, unit="h")
    cost_per_fte_month: float = non_negative(0.0)

    def __post_init__(self) -> None:
        names = [q.queue for q in self.queues]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise Invalid(f"queues[{i}].queue", f"queue {name!r} is listed twice")

    def for_queue(self, name: str) -> QueueDeflection | None:
        """The deflection settings of queue ``name``, or None if it has none."""
        for q in self.queues:
            if q.queue == name:
                return q
        return None
