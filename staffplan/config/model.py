"""The top level of the config: queues, targets, market, and the sections they hold.

Every section is a frozen dataclass; :mod:`staffplan.config.loader` fills them from YAML.
Cross-section rules (names one section uses that another defines) are checked in
:meth:`Config.__post_init__` via :mod:`staffplan.config.rules`.
"""

from __future__ import annotations

import dataclasses
import zoneinfo
from pathlib import Path
from typing import Any, Literal, overload

from staffplan.config.backlog import (
    BACKLOG_CHANNELS,
    Escalation,
    WeekHours,
    is_backlog,
    week_hours,
)
from staffplan.config.classes import check_classes
from staffplan.config.deflection import DeflectionConfig
from staffplan.config.fields import Invalid, non_negative, positive, share
from staffplan.config.forecast import ForecastConfig
from staffplan.config.names import POOLED_SEPARATOR, check_name
from staffplan.config.pools import PoolConfig, shared_queues_pool
from staffplan.config.rules import check_config
from staffplan.config.scenarios import ScenariosConfig
from staffplan.config.shifts import ShiftsConfig
from staffplan.config.simulation import SimulationConfig
from staffplan.config.surge import SurgeTier
from staffplan.config.team import TeamConfig
from staffplan.errors import ConfigError

# Live channels first, then backlog (deferred) ones: see staffplan.config.backlog.
Channel = Literal["phone", "chat", "im", "email", "ticket", "social", "forum", "app_message"]

# What to add when a command needs a section the config lacks (see Config.require).
SECTION_HINTS = {
    "shifts": "add shift templates under shifts.templates (see configs/example.yaml)",
    "team": "list the agents under team.agents (see configs/example.yaml)",
    "deflection": (
        "add one with the reason mix and containment per queue (see configs/example.yaml)"
    ),
    "scenarios": ("add one with start, starting_headcount and cases (see configs/example.yaml)"),
}


@dataclasses.dataclass(frozen=True)
class Target:
    """The response-time target: ``service_level`` of contacts answered within
    ``answer_within_s`` seconds (e.g. 80/20 is 0.8 and 20), or, for backlog work, within
    ``answer_within_h`` hours (then ``answer_within_s`` is set to the same time in
    seconds, so every stage reads one field). With ``business_hours`` (backlog queues)
    the target's clock runs only in the queue's ``open_hours``: 9 business hours is one
    09:00-18:00 day, however long the night or weekend between."""

    service_level: float = share()
    answer_within_s: float | None = non_negative(None, unit="s")
    answer_within_h: float | None = positive(None, unit="h")
    business_hours: bool = False

    def __post_init__(self) -> None:
        if (self.answer_within_s is None) == (self.answer_within_h is None):
            raise Invalid(
                "answer_within_s",
                "give exactly one of answer_within_s (seconds, live queues) or "
                "answer_within_h (hours, backlog work)",
            )
        if self.answer_within_h is not None:
            object.__setattr__(self, "answer_within_s", self.answer_within_h * 3600.0)
        if self.service_level >= 1.0:
            raise Invalid(
                "service_level",
                "a 100% service level needs infinitely many agents; use a target below 1, e.g. 0.8",
            )
        if self.service_level <= 0.0:
            raise Invalid("service_level", "must be above 0, e.g. 0.8")


@dataclasses.dataclass(frozen=True)
class ClassConfig:
    """A priority class of a queue: its ``share`` of the queue's contacts, its
    ``priority`` (1 first), and its handle time and target (None: the queue's)."""

    name: str
    share: float = share()
    priority: int = 1
    aht_s: float | None = positive(None, unit="s")
    target: Target | None = None


@dataclasses.dataclass(frozen=True)
class QueueConfig:
    """One contact queue: its channel, handling time, target and staffing limits."""

    name: str
    aht_s: float = positive(unit="s")
    target: Target = Target(0.8, 20.0)
    channel: Channel = "phone"
    history: Path | None = None
    concurrency: int = 1
    patience_s: float | None = positive(None, unit="s")
    max_occupancy: float = share(1.0)
    shrinkage: float = share(0.0)
    open_hours: tuple[str, ...] | dict[str, tuple[str, ...]] | None = None
    escalation: Escalation | None = None
    classes: tuple[ClassConfig, ...] = ()

    def __post_init__(self) -> None:
        check_name(self.name, "name", "queue", forbidden=POOLED_SEPARATOR)
        check_classes(self.classes, self.target)
        if self.backlog:
            self._check_backlog()
            if self.classes:
                raise Invalid(
                    "classes",
                    f"priority classes are for live queues; a {self.channel} queue answers "
                    "first in, first out: remove them or make the urgent contacts their own queue",
                )
        elif self.target.business_hours:
            raise Invalid(
                "target.business_hours",
                f"business hours count a backlog queue's open_hours; a {self.channel} queue "
                f"is answered live, so remove it (or use a backlog channel: "
                f"{', '.join(BACKLOG_CHANNELS)})",
            )
        elif self.open_hours is not None:
            raise Invalid(
                "open_hours",
                f"opening hours are for backlog channels ({', '.join(BACKLOG_CHANNELS)}); a "
                f"{self.channel} queue is sized per interval from its forecast, so remove it",
            )
        if self.concurrency < 1:
            raise Invalid("concurrency", "must be at least 1 (contacts one agent handles at once)")
        if self.concurrency > 1 and self.channel == "phone":
            raise Invalid("concurrency", "a phone agent takes one call at a time; use 1")
        if self.max_occupancy <= 0:
            raise Invalid("max_occupancy", "must be above 0, e.g. 0.85")
        if self.shrinkage >= 1:
            raise Invalid("shrinkage", "must be below 1: with 100% shrinkage nobody takes contacts")
        if self.escalation is not None and self.escalation.to == self.name:
            raise Invalid(
                "escalation.to", f"queue {self.name!r} escalates to itself; name a tier-2 queue"
            )

    @property
    def backlog(self) -> bool:
        """Whether the queue is backlog (deferred) work, by its channel."""
        return is_backlog(self.channel)

    def week_hours(self) -> WeekHours:
        """Opening minutes per weekday, Monday first (see :func:`week_hours`)."""
        return week_hours(self.open_hours, "open_hours")

    def _check_backlog(self) -> None:
        self.week_hours()
        if self.patience_s is not None:
            raise Invalid(
                "patience_s",
                f"a {self.channel} contact waits in the backlog without giving up; remove "
                "patience_s (it is for live queues)",
            )
        if self.concurrency != 1:
            raise Invalid(
                "concurrency", f"a {self.channel} agent works one contact at a time; use 1"
            )


@dataclasses.dataclass(frozen=True)
class MarketConfig:
    """Market prices used as the volatility driver (e.g. BTC-USD hourly closes)."""

    prices: Path | None = None


@dataclasses.dataclass(frozen=True)
class Config:
    """The whole planning config. ``source`` is the file it was read from (for messages)."""

    queues: tuple[QueueConfig, ...]
    timezone: str = "UTC"
    interval_min: Literal[15, 30, 60] = 30
    market: MarketConfig = MarketConfig()
    forecast: ForecastConfig | None = None
    shifts: ShiftsConfig | None = None
    simulation: SimulationConfig | None = None
    deflection: DeflectionConfig | None = None
    scenarios: ScenariosConfig | None = None
    team: TeamConfig | None = None
    surge_plans: tuple[SurgeTier, ...] = ()
    pools: tuple[PoolConfig, ...] = ()
    source: Path | None = dataclasses.field(default=None, metadata={"internal": True})

    def __post_init__(self) -> None:
        try:
            zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise Invalid(
                "timezone",
                f"unknown time zone {self.timezone!r}; use an IANA name like "
                "'Europe/Berlin' or 'Asia/Shanghai'",
            ) from None
        if not self.queues:
            raise Invalid("queues", "list at least one queue")
        names = [q.name for q in self.queues]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise Invalid(f"queues[{i}].name", f"queue {name!r} is listed twice")
        object.__setattr__(self, "pools", shared_queues_pool(self.shifts, names, self.pools))
        check_config(self)

    @overload
    def require(self, section: Literal["shifts"]) -> ShiftsConfig: ...
    @overload
    def require(self, section: Literal["team"]) -> TeamConfig: ...
    @overload
    def require(self, section: Literal["deflection"]) -> DeflectionConfig: ...
    @overload
    def require(self, section: Literal["scenarios"]) -> ScenariosConfig: ...

    def require(self, section: str) -> Any:
        """The ``section`` a command needs (one of :data:`SECTION_HINTS`); a
        :class:`ConfigError` saying what to add if the config has none."""
        if section not in SECTION_HINTS:
            raise ValueError(f"{section!r} is not a config section a command can require")
        value = getattr(self, section)
        if value is None:
            raise ConfigError(
                f"{self.source or 'config'}: no {section}: section; {SECTION_HINTS[section]}"
            )
        return value

    def receivers(self) -> set[str]:
        """Names of the queues some other queue escalates to (tier 2)."""
        return {q.escalation.to for q in self.queues if q.escalation is not None}

    def queue(self, name: str) -> QueueConfig:
        """The queue called ``name``; a :class:`ConfigError` naming it if there is none."""
        for q in self.queues:
            if q.name == name:
                return q
        known = ", ".join(q.name for q in self.queues)
        raise ConfigError(
            f"{self.source or 'config'}: queue {name!r} is not in the config "
            f"(queues: {known}); add it under queues: or fix the name"
        )

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The planning time zone."""
        return zoneinfo.ZoneInfo(self.timezone)
