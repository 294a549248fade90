"""Rules for a queue's priority ``classes`` (the dataclass is ``ClassConfig`` in
:mod:`staffplan.config.model`, beside the ``Target`` it holds).

A queue's classes share its agents: a free agent takes the waiting contact of the best
``priority`` (1 first), non-preemptively. Their ``share`` of the queue's contacts must
add up to 1. Two classes with the same priority are served first come first served
together, so they must have the same target (else give them different priorities).
"""

from __future__ import annotations

from typing import Any

from staffplan.config.fields import Invalid
from staffplan.config.names import check_name

SHARE_TOLERANCE = 1e-6


def check_classes(classes: tuple[Any, ...], default_target: Any) -> None:
    """Raise :class:`Invalid` (key relative to the queue) at the first broken rule."""
    if not classes:
        return
    names = [c.name for c in classes]
    for i, cls in enumerate(classes):
        check_name(cls.name, f"classes[{i}].name", "class")
        if cls.name in names[:i]:
            raise Invalid(f"classes[{i}].name", f"class {cls.name!r} is listed twice")
        if cls.priority < 1:
            raise Invalid(f"classes[{i}].priority", "must be 1 or more (1 is served first)")
    total = sum(c.share for c in classes)
    if abs(total - 1.0) > SHARE_TOLERANCE:
        raise Invalid(
            "classes",
            f"the classes' shares add up to {total:g}, not 1; each share is the class's part "
            "of the queue's contacts",
        )
    for i, cls in enumerate(classes):
        for j, other in enumerate(classes[:i]):
            if cls.priority == other.priority and (cls.target or default_target) != (
                other.target or default_target
            ):
                raise Invalid(
                    f"classes[{i}].priority",
                    f"class {cls.name!r} has the same priority ({cls.priority}) as "
                    f"classes[{j}] {other.name!r} but another target; classes of one "
                    "priority are served together, so give one of them another priority",
                )


def check_reason_classes(config: Any) -> None:
    """A deflection reason's ``class_name`` names a class of its queue."""
    if config.deflection is None:
        return
    classes = {q.name: [c.name for c in q.classes] for q in config.queues}
    for i, settings in enumerate(config.deflection.queues):
        known = classes.get(settings.queue, [])
        for j, reason in enumerate(settings.reasons):
            if reason.class_name is not None and reason.class_name not in known:
                have = f"its classes are {', '.join(known)}" if known else "it has no classes:"
                raise Invalid(
                    f"deflection.queues[{i}].reasons[{j}].class_name",
                    f"{reason.class_name!r} is not a class of queue {settings.queue!r} "
                    f"({have}); fix the name or add the class under queues[].classes",
                )
