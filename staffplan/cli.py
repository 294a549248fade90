"""The ``staffplan`` command line: thin commands over the library.

Each command parses its options, calls one library function (:mod:`staffplan.api` or a
job in :mod:`staffplan.jobs`) and renders the result with the shared ``--format`` /
``--output`` options, all declared once below. A :class:`StaffplanError` becomes one
plain line on stderr (a library parameter shown as its flag) and its exit code (2 bad
input, 3 no feasible plan); any other exception is an internal error: exit 1, "please
report", the traceback in a log file.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import pandas as pd
import typer

from staffplan import __version__
from staffplan.errors import StaffplanError

if TYPE_CHECKING:
    from staffplan.config import Config

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


class EngineName(enum.StrEnum):
    """Where the tasks of a command run (see :mod:`staffplan.engine`)."""

    local = "local"
    processes = "processes"
    dask = "dask"


SCHEDULER_VARIABLE = "STAFFPLAN_SCHEDULER"  # a Dask scheduler address, so cron needs no flags


# ----------------------------------------------------------------- shared options

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="YAML config; default: $STAFFPLAN_CONFIG, ./staffplan.yaml, else the bundled demo.",
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write here (.csv or .json file, or a folder)."),
]
FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="Screen format: table, csv or json.")
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")]
PlotOption = Annotated[Path | None, typer.Option("--plot", help="Also draw a chart to this PNG.")]
SeedOption = Annotated[int, typer.Option("--seed", help="Random seed: same seed, same result.")]
ReplicationsOption = Annotated[int, typer.Option(help="Simulated runs of the schedule.")]
TimeLimitOption = Annotated[
    float | None,
    typer.Option("--time-limit", help="Shift-solver seconds (default: shifts.time_limit_s)."),
]
VolatilityOption = Annotated[
    str | None,
    typer.Option(
        "--volatility-scenario",
        help="calm|typical|stressed|crash or a daily volatility like 0.05.",
    ),
]
StartOption = Annotated[
    str | None,
    typer.Option(help="First day (planning zone), e.g. 2026-12-07; default: after the history."),
]
HistoryOption = Annotated[
    Path | None,
    typer.Option("--history", help="History CSV (counts or events); default: the config's."),
]
MarketOption = Annotated[
    Path | None,
    typer.Option("--market", help="Market prices CSV (timestamp, close); default: the config's."),
]
FillGapsOption = Annotated[
    str | None,
    typer.Option("--fill-gaps", help="'zero': missing history intervals had no contacts."),
]
DemandOption = Annotated[
    Path,
    typer.Option("--forecast", help="Demand CSV: a forecast, deflection or requirements table."),
]
EngineOption = Annotated[
    EngineName | None,
    typer.Option(
        "--engine",
        help="Where the work runs: local (this process; the default), processes (this "
        "machine's CPUs) or dask (the --scheduler's cluster, else a LocalCluster here). "
        "Same result on each.",
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help=f"Dask scheduler address, e.g. tcp://host:8786 (implies --engine dask); "
        f"default: ${SCHEDULER_VARIABLE}.",
    ),
]

F = TypeVar("F", bound=Callable[..., Any])


def command(fn: F) -> F:
    """Register ``fn`` as a command that maps errors to exit codes (see module doc)."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except StaffplanError as exc:
            typer.echo(f"error: {exc.for_command_line()}", err=True)
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


# ----------------------------------------------------------------- rendering


def render(
    result: pd.DataFrame | dict[str, Any],
    fmt: OutputFormat,
    output: Path | None,
    *,
    title: str = "",
    quiet: bool = False,
) -> None:
    """Show or write ``result``: to ``output`` (format from its suffix) or to stdout."""
    from staffplan import console, tables

    if output is not None:
        text = tables.to_json_text(result) if output.suffix == ".json" else _csv_text(result)
        tables.atomic_write_text(output, text)
        if not quiet:
            rows = f"{len(result)} rows" if isinstance(result, pd.DataFrame) else "result"
            typer.echo(f"wrote {rows} to {output}", err=True)
        return
    if fmt is OutputFormat.json:
        typer.echo(tables.to_json_text(result), nl=False)
    elif fmt is OutputFormat.csv:
        typer.echo(_csv_text(result), nl=False)
    else:
        console.print_table(result, title=title)


def _csv_text(result: pd.DataFrame | dict[str, Any]) -> str:
    from staffplan import tables

    frame = result if isinstance(result, pd.DataFrame) else pd.DataFrame([result])
    return tables.to_csv_text(frame)


def write_png(path: Path | None, png: Callable[[], bytes]) -> None:
    """Write the chart ``png()`` to ``path`` (atomically) when a path was given."""
    if path is not None:
        from staffplan.tables import atomic_write_bytes

        atomic_write_bytes(path, png())


def publish_folder(
    ctx: typer.Context, output: Path, files: dict[str, str | bytes], inputs: dict[str, Any]
) -> None:
    """Publish a multi-file output with a manifest of this command line and ``inputs``
    (roles → files, plus ``timezone``)."""
    from staffplan.jobs.publish import manifest, publish

    files_in = {role: path for role, path in inputs.items() if role != "timezone"}
    record = manifest(ctx.command.name or "staffplan", arguments(ctx), files_in, inputs["timezone"])
    publish(output, files, manifest_text=record, warn=warn)


def arguments(ctx: typer.Context) -> list[str]:
    """This command's options as ``--name=value`` (for manifests; paths are hashed there).
    Where the work ran is left out: it does not change a byte of the output."""
    skip = {"config", "output", "fmt", "quiet", "plot", "engine", "scheduler", "jobs"}
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


@contextmanager
def progress_bar(name: str, quiet: bool) -> Iterator[Callable[[int, int], None]]:
    """A transient progress bar on stderr, shown from the first ``update(done, total)``
    (so an input error before the work starts stays the only line on stderr)."""
    from rich.console import Console
    from rich.progress import Progress

    console = Console(stderr=True)
    # Not on a pipe or a log file (cron): a bar there is noise, and it would leave a blank
    # line before an error raised mid-run.
    bar = Progress(console=console, transient=True, disable=quiet or not console.is_terminal)
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


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", help="Print the version.")] = False,
) -> None:
    """staffplan: forecast contacts, size agents with Erlang C/A, build shifts and rosters."""
    if version:
        typer.echo(__version__)
        raise typer.Exit(0)


# ----------------------------------------------------------------- commands


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
def forecast(
    history: HistoryOption = None,
    market: MarketOption = None,
    start: StartOption = None,
    horizon_days: Annotated[int, typer.Option(help="Days to forecast.")] = 14,
    volatility_scenario: VolatilityOption = None,
    fill_gaps: FillGapsOption = None,
    plot: PlotOption = None,
    engine: EngineOption = None,
    scheduler: SchedulerOption = None,
    config: ConfigOption = None,
    output: OutputOption = None,
    fmt: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Forecast contacts per queue and interval, with 80/95 % intervals and peaks.

    Without --volatility-scenario the market file's realised path is used where it
    covers the horizon, then volatility decays toward its typical level.

    Example: staffplan forecast --history sample_data/history.csv --market
    sample_data/btc_usd_hourly.csv --start 2020-05-11 --horizon-days 14
    --volatility-scenario stressed --output forecast.csv --plot forecast.png
    """
    from staffplan import api
    from staffplan.forecast.plot import forecast_png

    with progress_bar("forecast", quiet) as update:
        run = api.forecast(
            use_config(config, quiet),
            history=history,
            market=market,
            start=start,
            horizon_days=horizon_days,
            volatility_scenario=volatility_scenario,
            fill_gaps=fill_gaps,
            progress=update,
            **engine_keywords(engine, scheduler),
        )
    write_png(plot, lambda: forecast_png(run))
    render(run.forecast, fmt, output, title="Forecast", quiet=quiet)


@command
def backtest(
    history: HistoryOption = None,
    market: MarketOption = None,
    origins: Annotated[int, typer.Option(help="Hold-out windows at the end of the history.")] = 4,
    horizon_days: Annotated[int, typer.Option(help="Days per hold-out window.")] = 7,
    train_weeks: Annotated[int, typer.Option(help="Weeks of history before each window.")] = 16,
    realised_market: Annotated[
        bool, typer.Option(help="Let models see the market over each window (conditional).")
    ] = False,
    fill_gaps: FillGapsOption = None,
    engine: EngineOption = None,
    scheduler: SchedulerOption = None,
    config: ConfigOption = None,
    output: OutputOption = None,
    fmt: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Rolling-origin accuracy of the staffplan model against the baselines.

    One row per model: MASE, WAPE per interval and per day, 80/95 % interval coverage,
    seconds to fit and predict one origin.

    Example: staffplan backtest --history sample_data/history.csv --origins 4
    --horizon-days 7 --train-weeks 12 --format table
    """
    from staffplan import api

    with progress_bar("backtest", quiet) as update:
        summary = api.backtest(
            use_config(config, quiet),
            history=history,
            market=market,
            origins=origins,
            horizon_days=horizon_days,
            train_weeks=train_weeks,
            realised_market=realised_market,
            fill_gaps=fill_gaps,
            progress=update,
            **engine_keywords(engine, scheduler),
        )
    render(summary, fmt, output, title="Backtest", quiet=quiet)


@command
def deflection(
    forecast: DemandOption,
    config: ConfigOption = None,
    output: OutputOption = None,
    fmt: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Projected deflection by channel and reason: contacts, agent-hours, FTE, cost saved.

    The summary goes to the screen; --output writes the demand table with deflected,
    offered and aht_s added (every input column kept), which `staffplan staff` reads.

    Example: staffplan deflection --forecast forecast.csv --config configs/example.yaml
    --output net_forecast.csv
    """
    from staffplan import api
    from staffplan.deflection import ENGINE_NOTE, SUMMARY_SCREEN_COLUMNS

    result = api.deflect(forecast, use_config(config, quiet))
    if output is not None:
        render(result.intervals, fmt, output, quiet=quiet)
    if output is None or not quiet:
        summary = result.summary
        if fmt is OutputFormat.table:  # all columns and notes: --format csv or json
            summary = summary[SUMMARY_SCREEN_COLUMNS]
        render(summary, fmt, None, title=f"Deflection: {ENGINE_NOTE}")


@command
def staff(
    forecast: DemandOption,
    config: ConfigOption = None,
    output: OutputOption = None,
    fmt: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Size every queue × interval of a demand table: agents, service level, FTE.

    Every input column is kept; the sizing columns are added (or replaced).

    Example: staffplan staff --forecast forecast.csv --config configs/example.yaml
    --output requirements.csv
    """
    from staffplan import api

    requirements = api.size(forecast, use_config(config, quiet))
    render(requirements, fmt, output, title="Requirements", quiet=quiet)


@command
def scenarios(
    config: ConfigOption = None,
    history: Annotated[
        Path | None,
        typer.Option(help="History CSV for the typical week (default: the queues' history:)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write here: .xlsx workbook, .csv or .json."),
    ] = None,
    plot: PlotOption = None,
    engine: EngineOption = None,
    scheduler: SchedulerOption = None,
    fmt: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Finance: monthly required vs available FTE, hires, attrition and cost per scenario.

    A .csv output also writes <name>_sensitivity.csv beside it; --plot draws FTE by month
    and a cost tornado.

    Example: staffplan scenarios --config configs/example.yaml --output scenarios.xlsx
    --plot scenarios.png
    """
    from staffplan import api
    from staffplan.finance.report import (
        check_output,
        json_text,
        presentable,
        scenario_chart,
        write_scenarios,
    )
    from staffplan.finance.scenarios import SCENARIO_COLUMNS

    if output is not None:  # before any work
        check_output(output)
    if plot is not None:
        check_output(plot, (".png",))
    with progress_bar("scenarios", quiet) as update:
        result = api.scenarios(
            use_config(config, quiet),
            history=history,
            progress=update,
            **engine_keywords(engine, scheduler),
        )
    written = write_scenarios(result, output) if output is not None else []
    if plot is not None:
        write_png(plot, lambda: scenario_chart(result))
        written.append(plot)
    if output is None and fmt is OutputFormat.json:  # every table, as --output x.json
        typer.echo(json_text(result), nl=False)
    elif output is None:
        months = presentable(result.months)
        if fmt is OutputFormat.table:  # the full table is too wide for a terminal
            months = months[[*SCENARIO_COLUMNS[:9], "gap_fte"]]
        render(months, fmt, None, title="Scenarios (all columns: --format csv or --output)")
    if written and not quiet:
        typer.echo(f"wrote {', '.join(str(p) for p in written)}", err=True)


@command
def simulate(
    ctx: typer.Context,
    schedule: Annotated[
        Path, typer.Option(help="Schedule or plan folder (its coverage.csv), or a coverage CSV.")
    ],
    forecast: DemandOption,
    replications: ReplicationsOption = 200,
    seed: SeedOption = 7,
    jobs: Annotated[
        int | None,
        typer.Option(
            help="Processes for --engine processes, or LocalCluster workers for --engine dask "
            "(default: all CPUs); alone, N > 1 means --engine processes."
        ),
    ] = None,
    scenario: Annotated[
        str | None,
        typer.Option(help="Pick one forecast when a scenario column holds several."),
    ] = None,
    plot: PlotOption = None,
    engine: EngineOption = None,
    scheduler: SchedulerOption = None,
    config: ConfigOption = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Folder for simulation.csv, daily.csv, manifest."),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Replay a schedule against the demand many times: the queue carries over between
    intervals, agents come and go with their shifts, customers give up.

    --forecast takes a forecast or the plan's requirements.csv; its per-interval offered
    contacts and aht_s (after deflection) are used. Shows per day the simulated service
    level (mean, 10th-90th percentile) next to the Erlang projection and the share of runs
    that meet the target; --output writes the per-interval band (simulation.csv) and that
    daily table (daily.csv).

    Example: staffplan simulate --schedule plan/ --forecast plan/requirements.csv
    --config configs/example.yaml --replications 200 --seed 7 --output sim/ --plot sim.png
    """
    from staffplan import api
    from staffplan.jobs.publish import config_inputs
    from staffplan.simulate import plot_simulation, simulation_files
    from staffplan.simulate.summary import DAILY_SCREEN_COLUMNS

    cfg = use_config(config, quiet)
    with progress_bar("simulate", quiet) as update:
        result = api.simulate(
            forecast,
            schedule,
            cfg,
            replications=replications,
            seed=seed,
            jobs=jobs,
            scenario=scenario,
            progress=update,
            **engine_keywords(engine, scheduler),
        )
    if output is not None:
        inputs = {**config_inputs(cfg), "forecast": forecast, "schedule": schedule}
        publish_folder(ctx, output, simulation_files(result), {**inputs, "timezone": cfg.timezone})
    write_png(plot, lambda: plot_simulation(result))
    if output is None or not quiet:
        daily = result.daily[DAILY_SCREEN_COLUMNS] if fmt is OutputFormat.table else result.daily
        render(daily, fmt, None, title=f"Simulated days ({replications} runs)")
    if not quiet:
        for name in result.unscheduled:
            typer.echo(f"note: forecast queue {name!r} has no schedule; not simulated", err=True)
        written = [p for p in (output, plot) if p is not None]
        if written:
            typer.echo(f"wrote {', '.join(str(p) for p in written)}", err=True)


@command
def schedule(
    ctx: typer.Context,
    requirements: Annotated[
        Path, typer.Option(help="Requirements CSV: queue, interval_start, agents (from staff).")
    ],
    config: ConfigOption = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder for shifts.csv and coverage.csv.")
    ] = Path("schedule"),
    time_limit: TimeLimitOption = None,
    plot: PlotOption = None,
    baseline: Annotated[
        Path | None,
        typer.Option(help="Published shifts/roster CSV to keep; add only the cheapest cover."),
    ] = None,
    allow_moves: Annotated[
        bool, typer.Option(help="With --baseline: published shifts may move earlier or later.")
    ] = False,
    engine: EngineOption = None,
    scheduler: SchedulerOption = None,
    fmt: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Cover the required agents with shifts (templates, breaks, caps from shifts:).

    Writes shifts.csv, coverage.csv, summary.json and manifest.json into --output and
    prints the paid hours, the gap to the LP bound and the uncovered agent-hours.

    With --baseline (a surge on a published schedule) nothing published changes unless
    --allow-moves: overtime, extra short shifts and on-call activations are added at
    least cost, and --output gets changes.csv (each change, its cost and the service
    level it buys), shifts.csv, coverage.csv and summary.json.

    Example: staffplan schedule --requirements requirements.csv --config configs/example.yaml
    --output schedule/ --plot coverage.png

    Example: staffplan schedule --requirements surge.csv --baseline rosters/2026-W50/roster.csv
    --output surge/
    """
    from staffplan import api
    from staffplan.jobs.publish import config_inputs
    from staffplan.replan import replan_files
    from staffplan.schedule import coverage_png, schedule_files

    cfg = use_config(config, quiet)
    inputs = {**config_inputs(cfg), "requirements": requirements, "timezone": cfg.timezone}
    if baseline is not None:
        plan = api.replan(baseline, requirements, cfg, allow_moves=allow_moves)
        publish_folder(ctx, output, replan_files(plan), {**inputs, "baseline": baseline})
        if not quiet:
            render(plan.changes, fmt, None, title=f"Changes written to {output}")
        return
    result = api.schedule(
        requirements,
        cfg,
        time_limit_s=time_limit,
        allow_moves=allow_moves,
        **engine_keywords(engine, scheduler),
    )
    files: dict[str, str | bytes] = {**schedule_files(result)}
    inside = plot is not None and plot.resolve().parent == output.resolve()
    if inside:
        files[plot.name] = coverage_png(result.coverage)
    publish_folder(ctx, output, files, inputs)
    write_png(None if inside else plot, lambda: coverage_png(result.coverage))
    if not quiet:
        render(result.summary(), fmt, None, title=f"Schedule written to {output}")


@command
def roster(
    week: Annotated[
        str, typer.Option(help="'next' (the ISO week after today) or an ISO week, e.g. 2026-W50.")
    ] = "next",
    requirements: Annotated[
        Path | None,
        typer.Option(help="Requirements CSV to use instead of forecasting (staffplan staff)."),
    ] = None,
    config: ConfigOption = None,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Rosters folder; the week goes in <output>/<week>/."),
    ] = Path("rosters"),
    fmt: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """The cron job: forecast, staff, schedule and assign named agents for one ISO week.

    Writes <output>/<week>/roster.csv (agent, day, start, end, breaks, queue), one .ics
    calendar per agent (re-runs update the same events), coverage.csv, shifts.csv,
    open_shifts.csv, agents.csv and manifest.json, then prints one summary line. Earlier
    weeks in the folder decide who had the last weekends and late shifts.

    Example: staffplan roster --config configs/example.yaml --week next --output rosters/
    """
    from staffplan.jobs.roster import roster_job

    cfg = use_config(config, quiet)
    today = dt.datetime.now(cfg.zone).date()
    result = roster_job(cfg, week, output, today=today, requirements=requirements, warn=warn)
    if quiet:
        return
    if fmt is OutputFormat.table:
        typer.echo(result.summary())
    else:
        render(result.figures(), fmt, None)


@command
def plan(
    ctx: typer.Context,
    config: ConfigOption = None,
    start: StartOption = None,
    horizon_days: Annotated[int, typer.Option(help="Days to plan.")] = 7,
    volatility_scenario: VolatilityOption = None,
    time_limit: TimeLimitOption = None,
    simulate: Annotated[
        bool, typer.Option(help="Add a discrete-event simulation band to the report.")
    ] = False,
    replications: ReplicationsOption = 100,
    seed: SeedOption = 7,
    engine: EngineOption = None,
    scheduler: SchedulerOption = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Plan folder.")] = Path("plan"),
    quiet: QuietOption = False,
) -> None:
    """The main job: forecast → deflection → staff → schedule, one folder with a report.

    Writes forecast.csv, deflection.csv, requirements.csv (the demand table with every
    stage's columns), shifts.csv, coverage.csv, daily.csv, the PNG charts, report.html and
    manifest.json into --output, all at once (a failed run leaves the previous plan as it
    was). Each stage can be re-run alone on these files with the same result.

    Example: staffplan plan --config configs/example.yaml --start 2020-05-11 --output plan/
    """
    from staffplan import console
    from staffplan.forecast import parse_scenario
    from staffplan.jobs import plan as planning

    def stage(name: str) -> None:
        if not quiet:
            typer.echo(f"staffplan plan: {name} ...", err=True)

    result = planning.plan_job(
        use_config(config, quiet),
        output,
        arguments=arguments(ctx),
        start=start,
        horizon_days=horizon_days,
        scenario=parse_scenario(volatility_scenario),
        time_limit_s=time_limit,
        simulate_replications=replications if simulate else 0,
        seed=seed,
        stage=stage,
        warn=warn,
        **engine_keywords(engine, scheduler),
    )
    if not quiet:
        console.print_table(planning.plan_headlines(result), title=f"Plan written to {output}/")
        console.print_table(planning.daily_summary(result), title="Per day")


@command
def validate(config: ConfigOption = None, fmt: FormatOption = OutputFormat.table) -> None:
    """Check the config and every file it names (histories, market prices) in a second.

    Lists what each file holds. A broken key, file or row exits 2 naming it (every
    broken file at once), before any long run.

    Example: staffplan validate --config configs/example.yaml
    """
    from staffplan.jobs.validate import validate as check_inputs

    cfg = use_config(config)
    render(check_inputs(cfg), fmt, None, title=f"{cfg.source}: valid")
