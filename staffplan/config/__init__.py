"""The YAML config: every section, every rule across sections, checked at load.

``load_config(path)`` reads a file into a frozen :class:`Config`; each section is a
dataclass in its own module here (``queues``/``target`` in :mod:`.model`, ``forecast``,
``shifts``, ``team``, ``deflection``, ``scenarios``, ``simulation``). This package imports
no stage: stages import their section from here.
"""

from __future__ import annotations

from staffplan.config.fields import Invalid
from staffplan.config.loader import load_config, parse_config
from staffplan.config.model import Config, MarketConfig, QueueConfig, Target

__all__ = [
    "Config",
    "Invalid",
    "MarketConfig",
    "QueueConfig",
    "Target",
    "load_config",
    "parse_config",
]
