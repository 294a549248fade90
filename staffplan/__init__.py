"""staffplan: workforce and peak-load planning for customer-support teams.

The Python API (see :mod:`staffplan.api`): ``load_config``, ``forecast``, ``backtest``,
``deflect``, ``size``, ``schedule``, ``replan``, ``simulate``, ``scenarios``, ``plan``,
``reforecast``; a mistake in their arguments raises a ``StaffplanError`` (``InputError``
for a table or parameter, ``ConfigError`` for the config), importable from here too.
They load on first use, so ``import staffplan`` (and ``staffplan --version``) stays quick.
"""

from __future__ import annotations

import importlib
import sys
import types
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from staffplan.errors import ConfigError, InputError, StaffplanError

try:
    __version__ = version("staffplan")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

API = ("load_config", "forecast", "backtest", "deflect", "size", "schedule", "replan")
API += ("simulate", "scenarios", "plan", "reforecast")
__all__ = ["__version__", *API, "StaffplanError", "InputError", "ConfigError"]


class _Package(types.ModuleType):
    """``staffplan.forecast`` and friends are the API functions, although subpackages of
    the same names exist (importing one would otherwise rebind the name to the module;
    code imports them as ``from staffplan.forecast import …``, which is unaffected)."""

    def __getattribute__(self, name: str) -> Any:
        if name in API:
            return getattr(importlib.import_module("staffplan.api"), name)
        return super().__getattribute__(name)

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *API})


sys.modules[__name__].__class__ = _Package
