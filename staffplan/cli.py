"""The ``staffplan`` command line: thin commands over the library.

Each command parses its options, calls one library function and renders the result
with the shared ``--format``/``--output`` options. A :class:`StaffplanError` becomes
one plain line on stderr and its exit code (2 bad input, 3 no feasible plan); any other
exception is an internal error: exit 1, "please report", the traceback in a log file.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import pandas as pd
import typer

from staffplan import __version__
from staffplan.errors import StaffplanError

app = typer.Typer(
    name="staffplan",
    help="Workforce and peak-load planning for support teams: forecast, staff, schedule.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
)


class OutputFormat(enum.StrEnum):
    """How a result is shown when no ``--output`` file is given."""

    table = "table"
    csv = "csv"
    json = "json"


DEFAULT_CONFIG = Path("configs/example.yaml")
ConfigOption = Annotated[
    Path, typer.Option("--config", "-c", help="YAML config (see configs/example.yaml).")
]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write here (.csv or .json file, or a folder)."),
]
FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="Screen format: table, csv or json.")
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")]

F = TypeVar("F", bound=Callable[..., Any])


def command(fn: F) -> F:
    """Register ``fn`` as a command that maps errors to exit codes (see module doc)."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except StaffplanError as exc:
            typer.echo(f"error: {exc.message}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception:
            log = _write_crash_log()
            typer.echo(
                f"internal error in staffplan {__version__}: please report it with the log "
                f"{log} (it holds the traceback)",
                err=True,
            )
            raise typer.Exit(1) from None

    app.command()(run)
    return fn


def _write_crash_log() -> Path:
    folder = Path(os.environ.get("STAFFPLAN_LOG_DIR", Path.home() / ".cache" / "staffplan"))
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        log = folder / f"crash-{stamp}-{os.getpid()}.log"
        log.write_text(
            f"staffplan {__version__}\nargv: {sys.argv}\n\n{traceback.format_exc()}",
            encoding="utf-8",
        )
    except OSError:
        log = Path("(unwritable log folder; set STAFFPLAN_LOG_DIR)")
    return log


def render(
    result: pd.DataFrame | dict[str, Any],
    fmt: OutputFormat,
    output: Path | None,
    *,
    title: str = "",
    quiet: bool = False,
) -> None:
    """Show or write ``result``: to ``output`` (format from its suffix) or to stdout."""
    from staffplan import console, io

    if output is not None:
        text = io.to_json_text(result) if output.suffix == ".json" else _csv_text(result)
        io.atomic_write_text(output, text)
        if not quiet:
            rows = f"{len(result)} rows" if isinstance(result, pd.DataFrame) else "result"
            typer.echo(f"wrote {rows} to {output}", err=True)
        return
    if fmt is OutputFormat.json:
        typer.echo(io.to_json_text(result), nl=False)
    elif fmt is OutputFormat.csv:
        typer.echo(_csv_text(result), nl=False)
    else:
        console.print_table(result, title=title)


def _csv_text(result: pd.DataFrame | dict[str, Any]) -> str:
    from staffplan import io

    frame = result if isinstance(result, pd.DataFrame) else pd.DataFrame([result])
    return io.to_csv_text(frame)


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", help="Print the version.")] = False,
) -> None:
    """staffplan: forecast contacts, size agents with Erlang C/A, build shifts and rosters."""
    if version:
        typer.echo(__version__)
        raise typer.Exit(0)


@command
def erlang(
    volume: Annotated[float, typer.Option(help="Contacts offered in the interval.")],
    aht_s: Annotated[float, typer.Option(help="Average handle time, seconds.")],
    interval_min: Annotated[float, typer.Option(help="Interval length, minutes.")] = 30,
    service_level: Annotated[float, typer.Option(help="Target share answered in time.")] = 0.8,
    answer_within_s: Annotated[float, typer.Option(help="Target answer time, seconds.")] = 20,
    patience_s: Annotated[
        float | None, typer.Option(help="Mean patience, seconds (Erlang A).")
    ] = None,
    max_occupancy: Annotated[float, typer.Option(help="Occupancy cap, 0-1.")] = 1.0,
    shrinkage: Annotated[float, typer.Option(help="Share of paid time off the phones.")] = 0.0,
    concurrency: Annotated[int, typer.Option(help="Chats one agent handles at once.")] = 1,
    agents: Annotated[int | None, typer.Option(help="Evaluate this staffing instead.")] = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
) -> None:
    """One-off Erlang calculator: agents needed for a target, or what N agents give.

    Example: staffplan erlang --volume 100 --interval-min 30 --aht-s 180 --agents 14
    """
    from staffplan.staffing import erlang_calculator

    result = erlang_calculator(
        volume,
        aht_s,
        interval_min,
        service_level,
        answer_within_s,
        patience_s=patience_s,
        max_occupancy=max_occupancy,
        shrinkage=shrinkage,
        concurrency=concurrency,
        agents=agents,
    )
    render(result, fmt, output, title="Erlang")


@command
def staff(
    forecast: Annotated[Path, typer.Option(help="Forecast CSV: queue, interval_start, volume.")],
    config: ConfigOption = DEFAULT_CONFIG,
    output: OutputOption = None,
    fmt: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Size every queue × interval of a forecast: agents, service level, FTE.

    Example: staffplan staff --forecast forecast.csv --config configs/example.yaml
    --output requirements.csv
    """
    from staffplan.config import load_config
    from staffplan.io import read_counts
    from staffplan.staffing import size_requirements

    cfg = load_config(config)
    table = read_counts(
        forecast,
        cfg.zone,
        cfg.interval_min,
        kind="forecast",
        integer=False,
        extra_numeric=("deflected", "offered"),
        positive_numeric=("aht_s",),
    )
    render(size_requirements(table, cfg), fmt, output, title="Requirements", quiet=quiet)
