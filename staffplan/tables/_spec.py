"""The building blocks of the table contract: a column and a table.

The tables themselves are in ``_demand``, ``_schedule`` and ``_finance``; the registry and
the check are :mod:`staffplan.tables.schema`.
"""

from __future__ import annotations

import dataclasses

from staffplan.tables._types import TYPES


@dataclasses.dataclass(frozen=True)
class Column:
    """One column: ``type`` is a key of :data:`TYPES`; ``unit`` is "" for none."""

    name: str
    type: str
    required: bool
    unit: str
    meaning: str
    blank: bool = False

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"column {self.name!r}: unknown type {self.type!r}")


@dataclasses.dataclass(frozen=True)
class Table:
    """A table's columns in file order and the ``key`` columns naming one row."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ("queue", "interval_start")

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names) or not set(self.key) <= set(names):
            raise ValueError(f"table {self.name!r}: repeated columns or a key outside them")

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str, **changes: object) -> Column:
        """The column called ``name``, with ``changes`` (e.g. ``required=False``)."""
        found = next(c for c in self.columns if c.name == name)
        return dataclasses.replace(found, **changes)


def made_optional(columns: tuple[Column, ...], keep: tuple[str, ...] = ()) -> tuple[Column, ...]:
    """``columns`` made optional, except those named in ``keep``."""
    return tuple(c if c.name in keep else dataclasses.replace(c, required=False) for c in columns)
