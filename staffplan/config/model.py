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
from staffplan.config.team import TeamConfig
from staffplan.errors import ConfigError

Channel = Literal["phone", "chat", "email"]

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
    ``answer_within_s`` seconds (e.g. 80/20 is 0.8 and 20)."""

    service_level: float = share()
    answer_within_s: float = non_negative(unit="s")

    def __post_init__(self) -> None:
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
    classes: tuple[ClassConfig, ...] = ()

    def __post_init__(self) -> None:
        check_name(self.name, "name", "queue", forbidden=POOLED_SEPARATOR)
        check_classes(self.classes, self.target)
        if self.concurrency < 1:
            raise Invalid("concurrency", "must be at least 1 (contacts one agent handles at once)")
        if self.concurrency > 1 and self.channel == "phone":
            raise Invalid("concurrency", "a phone agent takes one call at a time; use 1")
        if self.max_occupancy <= 0:
            raise Invalid("max_occupancy", "must be above 0, e.g. 0.85")
        if self.shrinkage >= 1:
            raise Invalid("shrinkage", "must be below 1: with 100% shrinkage nobody takes contacts")


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
