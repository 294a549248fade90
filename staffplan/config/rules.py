"""Rules across config sections, checked whenever a :class:`~staffplan.config.Config` is built.

One section names what another defines: deflection and agents name queues, agents name
shift templates, and shift templates put their starts, lengths and breaks on the
``interval_min`` grid. Each rule raises :class:`Invalid` with the full key path
(``deflection.queues[0].queue``); the loader adds the file name.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from staffplan.config.classes import check_reason_classes
from staffplan.config.fields import Invalid, closest
from staffplan.config.names import shown
from staffplan.config.pools import check_pools
from staffplan.config.shifts import ShiftsConfig, ShiftTemplate, clock_minutes
from staffplan.config.team import TeamConfig

if TYPE_CHECKING:
    from staffplan.config.model import Config


def check_config(config: Config) -> None:
    """Raise :class:`Invalid` at the first name or time one section uses that another
    section does not define or cannot place."""
    queues = tuple(q.name for q in config.queues)
    if config.deflection is not None:
        for i, settings in enumerate(config.deflection.queues):
            _check_known(settings.queue, queues, f"deflection.queues[{i}].queue", "queue", "queues")
    if config.team is not None:
        _check_team(config.team, config.shifts, queues)
    if config.shifts is not None:
        for i, template in enumerate(config.shifts.templates):
            check_on_grid(template, f"shifts.templates[{i}]", config.interval_min)
    check_pools(config)
    check_reason_classes(config)


def _check_team(team: TeamConfig, shifts: ShiftsConfig | None, queues: tuple[str, ...]) -> None:
    templates = () if shifts is None else tuple(t.name for t in shifts.templates)
    for i, agent in enumerate(team.agents):
        for j, queue in enumerate(agent.queues):
            _check_known(queue, queues, f"team.agents[{i}].queues[{j}]", "queue", "queues")
        for j, name in enumerate(agent.preferred_templates):
            key = f"team.agents[{i}].preferred_templates[{j}]"
            if shifts is None:
                raise Invalid(
                    key,
                    f"names the shift template {name!r} but there is no shifts: section; add "
                    "shifts.templates (see configs/example.yaml) or drop the preference",
                )
            _check_known(name, templates, key, "template", "shifts.templates")


def _check_known(name: str, known: tuple[str, ...], key: str, kind: str, where: str) -> None:
    if name in known:
        return
    hint = closest(name, known)
    advice = f"did you mean {hint!r}?" if hint else f"fix the name or add the {kind} there"
    raise Invalid(key, f"{kind} {shown(name)} is not in {where}: ({', '.join(known)}); {advice}")


def check_on_grid(template: ShiftTemplate, key: str, interval_min: int) -> None:
    """Every start, length and break window of ``template`` (at ``key``) must fit the
    ``interval_min`` grid: shifts start and end at interval boundaries, and each break
    has at least one interval start in its window where it fits."""
    first = clock_minutes(template.start_window[0], f"{key}.start_window[0]")
    if first % interval_min:
        raise Invalid(
            f"{key}.start_window[0]",
            f"{template.start_window[0]} is not on the {interval_min}-minute interval grid; "
            f"start on a multiple of {interval_min} min",
        )
    if template.start_every_min % interval_min:
        raise Invalid(
            f"{key}.start_every_min",
            f"{template.start_every_min} is not a multiple of interval_min ({interval_min}); "
            f"shifts start at interval starts, so use {interval_min} or a multiple of it",
        )
    for j, length in enumerate(template.lengths_min):
        if length % interval_min:
            raise Invalid(
                f"{key}.lengths_min[{j}]",
                f"{length} min is not a multiple of interval_min ({interval_min}); shifts "
                "must end at interval boundaries",
            )
    for pause_key, minutes, (low, high) in template.pauses():
        # the earliest grid-aligned break start in the window must leave room for the break
        if math.ceil(low / interval_min) * interval_min + minutes > high:
            raise Invalid(
                f"{key}.{pause_key}.window_after_start_min",
                f"no {minutes}-minute break fits [{low}, {high}] starting on the "
                f"{interval_min}-minute grid; widen the window",
            )
