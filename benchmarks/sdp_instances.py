"""Read the TU Wien DBAI Shift Design Problem instances into staffplan inputs.

The instances (``RandomExampleN.txt`` of DataSet1-4, see
``/work/shared/data/scheduling/README.md``) come from the Rota project of TU Wien DBAI
(Musliu, Schaerf & Slany, "Local search for shift design", EJOR 153(1), 2004; Di Gaspero
et al., "The minimum shift design problem", Annals of OR 155, 2007). They are research
benchmark data: cite the papers, do not redistribute them as ours.

Format: ``#``-headed sections. ``#MinuteInterval`` (15, 30 or 60), ``#DaysPerCycle`` (7),
``#FlagCyclical`` (yes), ``#Requirements`` (agents per slot over the cycle, from Monday
00:00), then the shift templates, one per line::

    F Frühschicht 6:0 120 60 480 60 60 *
    abbr name     start +min -min length +min -min days

i.e. starts from ``start - (-min)`` to ``start + (+min)`` and lengths from ``length -
(-min)`` to ``length + (+min)``, both on the slot grid; ``*`` means every day.
Staffplan's covering model is used here for the exact-cover question only: no breaks,
cost = paid hours, hard coverage.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from staffplan.config import Config, QueueConfig
from staffplan.config.shifts import ShiftsConfig, ShiftTemplate

MONDAY = dt.date(2026, 3, 2)


@dataclasses.dataclass(frozen=True)
class SdpInstance:
    """One instance: slot length, requirements per slot, and the shift templates."""

    name: str
    interval_min: int
    cyclic: bool
    required: np.ndarray
    templates: tuple[ShiftTemplate, ...]
    stated_fitness: float | None


def read_instance(path: str | Path) -> SdpInstance:
    """Parse one ``RandomExampleN.txt`` file."""
    path = Path(path)
    sections = _sections(path.read_text(encoding="latin-1"))
    interval = int(sections["MinuteInterval"][0])
    required = np.array(" ".join(sections["Requirements"]).split(), dtype=float)
    days = int(sections["DaysPerCycle"][0])
    if required.size != days * 24 * 60 // interval:
        raise ValueError(f"{path}: {required.size} requirements for {days} days of {interval} min")
    templates = tuple(_template(line, interval) for line in sections["Shift templates"])
    fitness = [
        v.lstrip("# ").strip() for v in sections.get("Fitness of assumed optimal Solution", [])
    ]
    stated = float(fitness[0]) if fitness and fitness[0] else None
    cyclic = sections["FlagCyclical"][0].strip().lower().startswith("y")
    return SdpInstance(path.stem, interval, cyclic, required, templates, stated)


def _sections(text: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            header = line.lstrip("#").strip().rstrip(":").split(":")[0].strip()
            if header in sections or _is_header(header):
                current = header
                sections.setdefault(current, [])
                continue
            if current == "Fitness of assumed optimal Solution" and not sections[current]:
                sections[current].append(line)
            continue
        if current is not None:
            sections[current].append(line)
    return sections


_HEADERS = (
    "MinuteInterval",
    "DaysPerCycle",
    "FlagCyclical",
    "Requirements",
    "Number of shift templates",
    "Shift templates",
    "Duties per week",
    "Fitness of assumed optimal Solution",
)


def _is_header(header: str) -> bool:
    return header in _HEADERS


def _template(line: str, interval: int) -> ShiftTemplate:
    parts = line.split()
    abbr, start, plus, minus, length, len_plus, len_minus, days = (
        parts[0],
        parts[-7],
        *map(int, parts[-6:-1]),
        parts[-1],
    )
    if days != "*":
        raise ValueError(f"day restriction {days!r} is not supported by this reader")
    hour, minute = (int(v) for v in start.split(":"))
    first = hour * 60 + minute - minus
    last = hour * 60 + minute + plus
    window = (_clock(first), _clock(last))
    lengths = tuple(range(length - len_minus, length + len_plus + 1, interval))
    return ShiftTemplate(
        name=abbr, start_window=window, lengths_min=lengths, start_every_min=interval
    )


def _clock(minutes: int) -> str:
    minutes %= 24 * 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def as_inputs(instance: SdpInstance) -> tuple[pd.DataFrame, Config]:
    """The instance as a requirements table (queue ``sdp``, UTC) and an exact-cover config:
    hard coverage, no breaks, cost = paid hours, gap 0."""
    days = instance.required.size * instance.interval_min // (24 * 60)
    times = pd.date_range(
        pd.Timestamp(MONDAY, tz="UTC"),
        periods=instance.required.size,
        freq=pd.Timedelta(minutes=instance.interval_min),
    )
    requirements = pd.DataFrame(
        {"queue": "sdp", "interval_start": times, "agents": instance.required}
    )
    shifts = ShiftsConfig(
        templates=instance.templates,
        cyclic_week=instance.cyclic and days == 7,
        understaffing="hard",
        mip_gap=0.0,
    )
    config = Config(
        queues=(QueueConfig(name="sdp", aht_s=300.0),),
        timezone="UTC",
        interval_min=instance.interval_min,
        shifts=shifts,
    )
    return requirements, config
