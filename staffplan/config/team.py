"""The ``team:`` config section: named agents, their skills and availability, and the
knobs for assigning them (fairness, preferences) and for surge re-planning.

Costs are in units of one paid hour, like ``shifts.understaffing_penalty``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from staffplan.config.fields import Invalid, non_negative, positive, share
from staffplan.config.names import POOLED_SEPARATOR, check_name, file_key, file_stem, shown
from staffplan.config.shifts import WEEKDAYS, Weekday, clock_minutes


@dataclasses.dataclass(frozen=True)
class AgentConfig:
    """One named agent.

    ``queues`` are the skills (empty: every queue). ``contracted_hours_per_week`` is the
    paid hours per week the roster aims for and, plus ``team.max_hours_over_contract``,
    caps. ``unavailable_weekdays`` are days the agent never works (``[sat, sun]``);
    ``unavailable_dates`` are leave and holidays (``[2026-12-24]``).
    ``preferred_templates`` name shift templates; ``preferred_start_window`` is an earliest
    and latest start (``['07:00', '10:00']``). ``on_call`` agents are never rostered; surge
    re-planning may activate them.
    """

    name: str
    queues: tuple[str, ...] = ()
    contracted_hours_per_week: float = non_negative(40.0, unit="h")
    unavailable_weekdays: tuple[Weekday, ...] = ()
    unavailable_dates: tuple[dt.date, ...] = ()
    preferred_templates: tuple[str, ...] = ()
    preferred_start_window: tuple[str, ...] = ()
    on_call: bool = False

    def __post_init__(self) -> None:
        check_name(self.name, "name", "agent")
        if not file_stem(self.name):
            raise Invalid(
                "name", f"{shown(self.name)} needs a letter or digit: it names the calendar file"
            )
        if set(WEEKDAYS) <= set(self.unavailable_weekdays):
            raise Invalid(
                "unavailable_weekdays",
                "every weekday is unavailable, so the agent can never work; free a day or "
                "remove the agent (or set on_call: true)",
            )
        window = self.preferred_start_window
        if window:
            if len(window) != 2:
                raise Invalid("preferred_start_window", "give two times: earliest and latest")
            low, high = (
                clock_minutes(t, f"preferred_start_window[{i}]") for i, t in enumerate(window)
            )
            if low > high:
                raise Invalid("preferred_start_window", "the earliest start is after the latest")
        for i, queue in enumerate(self.queues):
            if queue in self.queues[:i]:
                raise Invalid(f"queues[{i}]", f"queue {queue!r} is listed twice")

    def unavailable_on(self, day: dt.date) -> bool:
        """Whether the agent cannot work on ``day`` (its weekday or the date is listed)."""
        return WEEKDAYS[day.weekday()] in self.unavailable_weekdays or day in self.unavailable_dates

    def can_work(self, queue: str) -> bool:
        """Whether the agent has the skill for ``queue``: a blank queue is anyone's; a pooled
        label ``a+b`` (a pool, ``pools:``) needs every queue in it."""
        if not self.queues or not queue:
            return True
        return all(name in self.queues for name in queue.split(POOLED_SEPARATOR))

    def start_window_min(self) -> tuple[int, int] | None:
        """The preferred start window as minutes after midnight, or None."""
        if not self.preferred_start_window:
            return None
        low, high = (
            clock_minutes(t, "preferred_start_window") for t in self.preferred_start_window
        )
        return low, high


@dataclasses.dataclass(frozen=True)
class AssignWeights:
    """How much each soft wish costs in the assignment, in paid-hour units.

    Covering the needed shifts always comes first (a needed hour is worth 100); then
    ``fairness`` per weekend or late shift, times (1 + the agent's recent weekend/late
    load), ``preference`` per shift outside the agent's preferences, ``contract`` per
    hour an agent is rostered below contract, and ``stability`` per shift of the roster
    already published for the same week that a re-run drops, moves or hands to someone
    else (so a small change moves few shifts and few calendar events).
    """

    fairness: float = non_negative(1.0)
    preference: float = non_negative(0.5)
    contract: float = non_negative(1.0)
    stability: float = non_negative(5.0)


@dataclasses.dataclass(frozen=True)
class SurgeConfig:
    """Options for covering a surge on top of a published schedule (``--baseline``).

    Overtime extends a shift by up to ``max_extension_hours`` at either end, costing
    ``overtime_premium`` times the shift's ``cost_per_hour`` per hour, at most
    ``max_overtime_hours_per_week`` per agent. Extra short shifts (no breaks) of
    ``extra_shift_lengths_min`` start every ``extra_shift_start_every_min`` and cost
    ``extra_shift_cost_per_hour`` per hour; they go to agents free that day whose week stays
    within the weekly cap plus ``max_overtime_hours_per_week``, or stay open. On-call
    agents cost ``on_call_activation_cost`` once plus ``on_call_cost_per_hour`` per hour.
    With ``--allow-moves`` a shift may start up to ``max_move_hours`` earlier or later for
    ``move_cost`` each.
    """

    overtime_premium: float = positive(1.5)
    max_extension_hours: float = non_negative(2.0, unit="h")
    max_overtime_hours_per_week: float = non_negative(8.0, unit="h")
    extra_shift_lengths_min: tuple[int, ...] = (240,)
    extra_shift_start_every_min: int = 30
    extra_shift_cost_per_hour: float = positive(1.25)
    on_call_activation_cost: float = non_negative(2.0)
    on_call_cost_per_hour: float = positive(1.5)
    on_call_lengths_min: tuple[int, ...] = (240,)
    move_cost: float = non_negative(0.5)
    max_move_hours: float = non_negative(2.0, unit="h")

    def __post_init__(self) -> None:
        for key in ("extra_shift_lengths_min", "on_call_lengths_min"):
            lengths = getattr(self, key)
            for i, minutes in enumerate(lengths):
                if not 30 <= minutes <= 360:
                    raise Invalid(
                        f"{key}[{i}]",
                        f"{minutes} min is not a short shift; use 30 to 360 minutes "
                        "(surge shifts have no breaks, so at most 6 hours)",
                    )
        if self.extra_shift_start_every_min not in (15, 30, 60):
            raise Invalid("extra_shift_start_every_min", "use 15, 30 or 60")


@dataclasses.dataclass(frozen=True)
class TeamConfig:
    """The team you have: named agents and how to roster them.

    ``fairness_weeks`` is how many previous rosters in the output folder count towards
    who had the weekends and late shifts. A shift is *late* when it ends after
    ``late_after`` (local clock) or past midnight. The assignment solver stops within
    ``mip_gap`` (share of the objective: needed hours lost plus penalties) of its bound,
    or after ``time_limit_s`` seconds (a safety net: then a re-run may differ).
    ``max_history_age_days``: a roster week starting more than this many days after the
    history ends fails with exit 6 (stale input) instead of repeating an old week (None:
    no check; the forecast still warns after ``forecast.max_history_gap_days``).
    """

    agents: tuple[AgentConfig, ...]
    fairness_weeks: int = 4
    late_after: str = "20:00"
    max_hours_over_contract: float = non_negative(0.0, unit="h")
    weights: AssignWeights = AssignWeights()
    surge: SurgeConfig = SurgeConfig()
    mip_gap: float = share(0.01)
    time_limit_s: float = positive(300.0, unit="s")
    max_history_age_days: float | None = positive(None, unit="days")

    def __post_init__(self) -> None:
        if not self.agents:
            raise Invalid("agents", "list at least one agent")
        self._check_file_names()
        if not 0 <= self.fairness_weeks <= 52:
            raise Invalid("fairness_weeks", "use 0 (no memory) to 52 weeks")
        clock_minutes(self.late_after, "late_after")

    def _check_file_names(self) -> None:
        """Each agent's calendar file must differ from the others' on any file system:
        file names are compared ignoring case and Unicode composition (names.file_key)."""
        first: dict[str, int] = {}
        for i, agent in enumerate(self.agents):
            j = first.setdefault(file_key(agent.name), i)
            if j == i:
                continue
            other = self.agents[j].name
            if other == agent.name:
                raise Invalid(f"agents[{i}].name", f"agent {shown(other)} is listed twice")
            raise Invalid(
                f"agents[{i}].name",
                f"agent {shown(agent.name)} and agent {shown(other)} (agents[{j}]) would share "
                f"the calendar file {file_stem(other)}.ics (file names ignore case and "
                "punctuation); rename one",
            )

    def agent(self, name: str) -> AgentConfig | None:
        """The agent called ``name``, or None."""
        return next((a for a in self.agents if a.name == name), None)

    def rostered(self) -> tuple[AgentConfig, ...]:
        """The agents who get regular shifts (everyone but the on-call agents)."""
        return tuple(a for a in self.agents if not a.on_call)
