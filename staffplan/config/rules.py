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
from staffplan.config.surge import check_tiers
from staffplan.config.team import TeamConfig

if TYPE_CHECKING:
    from staffplan.config.model import Config, QueueConfig


def check_config(config: Config) -> None:
    """Raise :class:`Invalid` at the first name or time one section uses that another
    section does not define or cannot place."""
    queues = tuple(q.name for q in config.queues)
    for i, queue in enumerate(config.queues):
        if queue.backlog:
            _check_backlog(queue, f"queues[{i}]", config.interval_min)
    _check_escalations(config.queues, queues)
    if config.deflection is not None:
        for i, settings in enumerate(config.deflection.queues):
            _check_known(settings.queue, queues, f"deflection.queues[{i}].queue", "queue", "queues")
    if config.team is not None:
        _check_team(config.team, config.shifts, queues)
    if config.shifts is not None:
        for i, template in enumerate(config.shifts.templates):
            check_on_grid(template, f"shifts.templates[{i}]", config.interval_min)
    check_tiers(config.surge_plans)
    check_pools(config)
    check_reason_classes(config)


def _check_backlog(queue: QueueConfig, key: str, interval_min: int) -> None:
    within_min = queue.target.answer_within_s / 60.0
    if within_min < interval_min:
        unit = "answer_within_h" if queue.target.answer_within_h is not None else "answer_within_s"
        raise Invalid(
            f"{key}.target.{unit}",
            f"the {queue.channel} target of {within_min:g} min is shorter than the "
            f"{interval_min}-minute interval; backlog work is planned per interval, so "
            f"give at least {interval_min / 60:g} h (or make it a live channel: chat)",
        )
    for day in queue.week_hours():
        if day is not None and (day[0] % interval_min or day[1] % interval_min):
            raise Invalid(
                f"{key}.open_hours",
                f"{_clock(day[0])}-{_clock(day[1])} is not on the {interval_min}-minute "
                f"interval grid; open and close on a multiple of {interval_min} min",
            )


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _check_escalations(configs: tuple[QueueConfig, ...], queues: tuple[str, ...]) -> None:
    """Every escalation names a queue, and no chain of escalations comes back to its start."""
    target = {}
    for i, queue in enumerate(configs):
        if queue.escalation is not None:
            key = f"queues[{i}].escalation.to"
            _check_known(queue.escalation.to, queues, key, "queue", "queues")
            target[queue.name] = queue.escalation.to
    for i, queue in enumerate(configs):
        chain = [queue.name]
        while chain[-1] in target:
            chain.append(target[chain[-1]])
            if chain[-1] == queue.name:
                raise Invalid(
                    f"queues[{i}].escalation.to",
                    f"escalations run in a cycle ({' → '.join(chain)}), so tier-2 work would "
                    "feed itself; end the chain at a queue without escalation",
                )
            if len(chain) > len(configs):
                break


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
