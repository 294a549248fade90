"""The ``staffplan`` command's entry point: the app, then a quick exit.

When a command is done, a normal interpreter exit tears down every module and frees every
object one by one; with pandas, scipy and matplotlib loaded that takes about 0.3 s, a
sixth of a plain ``staffplan validate`` and more than the whole forecast stage of a
``staffplan plan`` (benchmarks/plan_time_bench.py). mypy ends the same way (its
``hard_exit``). Nothing is lost: every output is written, closed and renamed in place
before a command returns; the standard streams are flushed, and the ``atexit`` handlers
(coverage measurement, temporary folders, a Dask client's shutdown) run as they would.
When another thread still runs, Python's own exit (which waits for it) is used instead.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading

from staffplan.cli._app import app


def main() -> None:
    """Run the ``staffplan`` command line and end the process with its exit code."""
    try:
        app(prog_name="staffplan")
        code: object = 0
    except SystemExit as done:  # typer ends every command this way
        code = done.code
    if threading.active_count() > 1:
        sys.exit(code)
    status = _exit_status(code)
    _flush()
    atexit._run_exitfuncs()  # the handlers a normal exit would run
    _flush()
    os._exit(status)


def _exit_status(code: object) -> int:
    """The process status ``sys.exit(code)`` gives: None is 0, a whole number itself,
    anything else is printed to stderr and gives 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            # a closed pipe or stream: nothing left to save
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
