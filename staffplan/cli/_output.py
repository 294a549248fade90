"""What commands share after the work: rendering a table, writing charts and output
folders, the config of the run, progress on stderr.

A command's outputs (a table or folder and a chart) are written together: none is
replaced unless all are ready (:func:`staffplan.tables.atomic_files`)."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

    from staffplan.config import Config

from staffplan.cli._options import SCHEDULER_VARIABLE, STDOUT, EngineName, OutputFormat


def render(
    result: pd.DataFrame | dict[str, Any],
    fmt: OutputFormat,
    output: Path | None,
    *,
    title: str = "",
    quiet: bool = False,
    charts: Mapping[Path, bytes] | None = None,
) -> None:
    """Show or write ``result``: to ``output`` (format from its suffix), to stdout as CSV
    (JSON with ``--format json``) when ``output`` is ``-``, or to the screen; the
    ``charts`` (see :func:`chart_file`) are written with it, all or nothing."""
    from staffplan import console, tables

    if output == STDOUT:
        fmt = OutputFormat.json if fmt is OutputFormat.json else OutputFormat.csv
        output = None
    if output is None:
        tables.atomic_write_files(charts or {})
    else:
        json = output.suffix.lower() == ".json"
        text = tables.to_json_text(result) if json else _csv_text(result)
        tables.atomic_write_files({output: text.encode("utf-8"), **(charts or {})})
        if not quiet:
            rows = "result" if isinstance(result, dict) else f"{len(result)} rows"
            typer.echo(f"wrote {rows} to {output}", err=True)
        return
    if fmt is OutputFormat.json:
        typer.echo(tables.to_json_text(result), nl=False)
    elif fmt is OutputFormat.csv:
        typer.echo(_csv_text(result), nl=False)
    else:
        console.print_table(result, title=title)


def _csv_text(result: pd.DataFrame | dict[str, Any]) -> str:
    import pandas as pd

    from staffplan import tables

    frame = pd.DataFrame([result]) if isinstance(result, dict) else result
    return tables.to_csv_text(frame)


def chart_file(path: Path | None, png: Callable[[], bytes]) -> dict[Path, bytes]:
    """The chart ``png()`` to write at ``path`` (``--plot``), or none when no path was given."""
    return {} if path is None else {path: png()}


def in_folder(path: Path, folder: Path | None) -> bool:
    """Whether the file ``path`` goes straight into the output ``folder``."""
    return folder is not None and path.parent.resolve() == folder.resolve()


def publish_folder(
    ctx: typer.Context,
    output: Path,
    files: dict[str, str | bytes],
    inputs: dict[str, Any],
    wait_lock: float,
    solver: dict[str, Any] | None = None,
    charts: Mapping[Path, bytes] | None = None,
) -> None:
    """Publish a multi-file output with a manifest of this command line, ``inputs``
    (roles → files, plus ``timezone``) and how the ``solver`` stopped (when one ran),
    waiting up to ``wait_lock`` s for its lock. The ``charts`` (see :func:`chart_file`)
    go in with it: into the folder when they name a file in it, else beside it."""
    from staffplan.jobs.publish import manifest, publish

    charts = charts or {}
    inside = {path.name: png for path, png in charts.items() if in_folder(path, output)}
    beside = {path: png for path, png in charts.items() if not in_folder(path, output)}
    files_in = {role: path for role, path in inputs.items() if role != "timezone"}
    name = ctx.command.name or "staffplan"
    record = manifest(name, arguments(ctx), files_in, inputs["timezone"], solver=solver)
    files = {**files, **inside}
    publish(output, files, manifest_text=record, warn=warn, wait_lock=wait_lock, beside=beside)


def arguments(ctx: typer.Context) -> list[str]:
    """This command's options as ``--name=value`` (for manifests; paths are hashed there).
    Where the work ran is left out: it does not change a byte of the output."""
    skip = {"config", "output", "fmt", "quiet", "plot", "wait_lock", "engine", "scheduler", "jobs"}
    return [f"--{k.replace('_', '-')}={v}" for k, v in sorted(ctx.params.items()) if k not in skip]


def engine_keywords(engine: EngineName | None, scheduler: str | None) -> dict[str, str | None]:
    """``--engine`` and ``--scheduler`` as API keywords; without ``--scheduler``,
    ``$STAFFPLAN_SCHEDULER`` serves unless another engine than dask was asked for."""
    if scheduler is None and engine in (None, EngineName.dask):
        scheduler = os.environ.get(SCHEDULER_VARIABLE) or None
    return {"engine": None if engine is None else engine.value, "scheduler": scheduler}


def use_config(given: Path | None, quiet: bool = False) -> Config:
    """The config of this run (see :mod:`staffplan.config.locate`), saying which one it is
    when it was not given with ``--config``."""
    from staffplan.config import load_config
    from staffplan.config.locate import locate_config

    path, reason = locate_config(given)
    if reason != "--config" and not quiet:
        typer.echo(f"staffplan: config {path} ({reason})", err=True)
    return load_config(path)


def warn(text: str) -> None:
    typer.echo(text, err=True)


@contextlib.contextmanager
def progress_bar(name: str, quiet: bool) -> Iterator[Callable[[int, int], None]]:
    """A transient progress bar on stderr with the tasks done of the total (``12/40
    tasks``), shown from the first ``update(done, total)`` (so an input error before the
    work starts stays the only line on stderr)."""
    from rich.console import Console
    from rich.progress import MofNCompleteColumn, Progress, TextColumn

    console = Console(stderr=True)
    # Not on a pipe or a log file (cron): a bar there is noise.
    bar = Progress(
        *Progress.get_default_columns(),
        MofNCompleteColumn(),
        TextColumn("tasks"),
        console=console,
        transient=True,
        disable=quiet or not console.is_terminal,
    )
    task = bar.add_task(name, total=None)

    def update(done: int, total: int) -> None:
        if not bar.live.is_started:
            bar.start()
        bar.update(task, completed=done, total=total)

    try:
        yield update
    finally:
        if bar.live.is_started:
            bar.stop()


class StageClock:
    """``stage(name)``, called as each stage begins; ``stage.detail(text)`` adds the
    running stage's news (the solver's incumbent and gap) to the live line."""

    def __init__(self, begin: Callable[[str], None], detail: Callable[[str], None]) -> None:
        self._begin = begin
        self.detail = detail

    def __call__(self, name: str) -> None:
        self._begin(name)


@contextlib.contextmanager
def stage_clock(command: str, quiet: bool, console: Console | None = None) -> Iterator[StageClock]:
    """``stage(name)``, called as each stage begins, prints a line per finished stage with
    its time on stderr (``staffplan plan: forecast 0.4 s``, one line a cron mail can
    read) and, on a terminal, a live line with the running stage's elapsed seconds and
    what ``stage.detail(text)`` last said (the solver's incumbent and gap; never on a
    pipe or in a log); nothing when ``quiet``."""
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = console or Console(stderr=True, highlight=False)
    live = Progress(
        SpinnerColumn(),
        TextColumn(f"staffplan {command}: {{task.description}}"),
        TimeElapsedColumn(),
        TextColumn("{task.fields[detail]}"),
        console=console,
        transient=True,
        disable=quiet or not console.is_terminal,
    )
    running: list[tuple[str, float]] = []  # the stage under way and when it began

    def finish() -> None:
        if running and not quiet:
            name, began = running.pop()
            line = f"staffplan {command}: {name} {time.monotonic() - began:.1f} s"
            live.console.print(line, markup=False, highlight=False)

    def begin(name: str) -> None:
        finish()
        running.append((name, time.monotonic()))
        live.reset(task, description=name, visible=True, detail="")

    def detail(text: str) -> None:
        live.update(task, detail=text)

    task = live.add_task("", total=None, visible=False, detail="")
    with live:
        yield StageClock(begin, detail)
        finish()  # not after a failure: its error is the last line
