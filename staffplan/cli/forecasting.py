"""Commands from history to demand: ``erlang``, ``forecast``, ``backtest``, ``deflection``,
``staff``, ``scenarios`` (finance) and ``reforecast`` (from today's actuals)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    pass

from staffplan.cli._app import command
from staffplan.cli._options import (
    STDOUT,
    ConfigOption,
    DemandOption,
    EngineOption,
    FillGapsOption,
    FormatOption,
    HistoryOption,
    MarketOption,
    OutputFormat,
    OutputOption,
    PlotOption,
    QuietOption,
    SchedulerOption,
    StartOption,
    VolatilityOption,
    WaitLockOption,
)
from staffplan.cli._output import (
    chart_file,
    engine_keywords,
    progress_bar,
    publish_folder,
    render,
    use_config,
    warn,
)


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

    \b
    Example: staffplan erlang --volume 100 --interval-min 30 --aht-s 180 \\
      --agents 14
    """
    from staffplan.staffing import backlog_warning, erlang_calculator

    if note := backlog_warning(answer_within_s, interval_min):
        warn(note)
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
    covers the horizon, then volatility decays toward its typical level. Known events in
    the config's forecast.calendar (closed, x1.8, learned) are applied on their days.

    \b
    Example: staffplan forecast --history sample_data/history.csv \\
      --market sample_data/btc_usd_hourly.csv --start 2020-05-11 \\
      --horizon-days 14 --volatility-scenario stressed --output forecast.csv \\
      --plot forecast.png
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
    for warning in run.warnings:
        warn(warning)
    charts = chart_file(plot, lambda: forecast_png(run))
    render(run.forecast, fmt, output, title="Forecast", quiet=quiet, charts=charts)


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

    \b
    Example: staffplan backtest --history sample_data/history.csv --origins 4 \\
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

    \b
    Example: staffplan deflection --forecast forecast.csv \\
      --config configs/example.yaml --output net_forecast.csv
    """
    from staffplan import api
    from staffplan.deflection import ENGINE_NOTE, SUMMARY_SCREEN_COLUMNS

    result = api.deflect(forecast, use_config(config, quiet))
    if output is not None:
        render(result.intervals, fmt, output, quiet=quiet)
    if output is None or not (quiet or output == STDOUT):  # stdout holds the table
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

    \b
    Example: staffplan staff --forecast forecast.csv \\
      --config configs/example.yaml --output requirements.csv
    """
    from staffplan import api

    requirements = api.size(forecast, use_config(config, quiet))
    render(requirements, fmt, output, title="Requirements", quiet=quiet)


@command
def scenarios(
    config: ConfigOption = None,
    history: Annotated[
        Path | None,
        typer.Option(
            help="History CSV for the typical week, - reads stdin (default: the queues' history:)."
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help=".xlsx workbook, .csv, .json or - (stdout)."),
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

    \b
    Example: staffplan scenarios --config configs/example.yaml \\
      --output scenarios.xlsx --plot scenarios.png
    """
    from staffplan import api
    from staffplan.finance.report import (
        check_output,
        json_text,
        presentable,
        write_scenarios,
    )
    from staffplan.finance.scenarios import SCENARIO_COLUMNS

    if output == STDOUT:
        output, fmt = None, fmt if fmt is OutputFormat.json else OutputFormat.csv
    if output is not None:  # before any work (--plot: checked by @command)
        check_output(output)
    with progress_bar("scenarios", quiet) as update:
        result = api.scenarios(
            use_config(config, quiet),
            history=history,
            progress=update,
            **engine_keywords(engine, scheduler),
        )
    written = write_scenarios(result, output, chart=plot)
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
def reforecast(
    ctx: typer.Context,
    forecast: DemandOption,
    actuals: Annotated[
        Path,
        typer.Option(help="Contacts so far: the history's columns, a partial day allowed."),
    ],
    as_of: Annotated[
        str, typer.Option(help="Now: actuals before it are used, e.g. 2026-12-09T11:00.")
    ],
    market: MarketOption = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            help="Published shifts/roster CSV: re-plan the rest of today; --output is a folder."
        ),
    ] = None,
    config: ConfigOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="The re-forecast (.csv, .json or - for stdout); with --baseline a folder.",
        ),
    ] = None,
    wait_lock: WaitLockOption = 0.0,
    fmt: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Update a published forecast from today's actuals: the rest of the day and of the
    week move, without refitting; the intervals widen with the updated volume.

    Prints what moved each queue and which surge_plans: tier fired. With --baseline
    (the published shifts) the rest of today is sized and re-planned with only what that
    tier allows, and --output gets reforecast.csv, requirements.csv, changes.csv (what to
    do now and the service level each change buys), shifts.csv, coverage.csv and
    summary.json. Actuals at or after --as-of are refused; market prices after it are
    not used.

    \b
    Example: staffplan reforecast --forecast plan/forecast.csv \\
      --actuals actuals.csv --as-of 2020-05-13T11:00 --output reforecast.csv

    \b
    Example: staffplan reforecast --forecast plan/forecast.csv \\
      --actuals actuals.csv --as-of 2020-05-13T11:00 --baseline plan/shifts.csv \\
      --output replan/
    """
    from staffplan import api
    from staffplan.cli._app import check_file_output
    from staffplan.errors import InputError
    from staffplan.jobs.publish import check_output_folder, check_wait_lock, config_inputs
    from staffplan.jobs.reforecast import reforecast_files

    if baseline is None:
        check_file_output(output, "output", "reforecast", (".csv", ".json"))
    elif output is None or output == STDOUT:
        raise InputError("is needed with --baseline: a folder for the re-plan", parameter="output")
    else:
        check_output_folder(output)  # before any work
    check_wait_lock(wait_lock)
    cfg = use_config(config, quiet)
    result = api.reforecast(
        cfg, forecast=forecast, actuals=actuals, as_of=as_of, market=market, baseline=baseline
    )
    for warning in result.warnings:
        warn(warning)
    if baseline is not None and output is not None:
        inputs = {**config_inputs(cfg), "forecast": forecast, "actuals": actuals}
        inputs = {**inputs, "baseline": baseline, "timezone": cfg.timezone}
        if market is not None:
            inputs["market"] = market
        publish_folder(ctx, output, reforecast_files(result), inputs, wait_lock)
    elif output is not None:
        render(result.forecast, fmt, output, quiet=quiet)
    if not quiet and output != STDOUT:
        warn(result.tier.describe())
        render(result.updates, fmt, None, title="Re-forecast factors per queue")
        if result.replan is not None:
            render(result.replan.changes, fmt, None, title=f"Changes written to {output}")
