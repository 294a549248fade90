"""The ``staffplan`` command line: thin commands over the library.

Each command parses its options, calls one library function (:mod:`staffplan.api` or a
job in :mod:`staffplan.jobs`) and renders the result. The shared options are declared
once (:mod:`staffplan.cli._options`); errors map to exit codes in one place
(:mod:`staffplan.cli._app`); the process ends through :func:`main` (:mod:`._exit`);
rendering, output folders and progress are :mod:`staffplan.cli._output`. Commands:
:mod:`.forecasting` (history to demand), :mod:`.peaks` (where past contacts peaked) and
:mod:`.planning` (demand to people).
"""

from __future__ import annotations

from staffplan.cli import forecasting, peaks, planning  # register the commands, in help order
from staffplan.cli._app import app
from staffplan.cli._exit import main

__all__ = ["app", "forecasting", "main", "peaks", "planning"]
