"""Commands from demand to people: ``simulate``, ``schedule``, ``roster``, ``plan`` (the
main job), ``init`` (a starter project) and ``validate``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    pass

from staffplan.cli._app import command
from staffplan.cli._options import (
    ConfigOption,
    DemandOption,
    EngineOption,
    FormatOption,
    OutputFormat,
    PlotOption,
    QuietOption,
    ReplicationsOption,
    SchedulerOption,
    SeedOption,
    StartOption,
    TimeLimitOption,
    VolatilityOption,
    WaitLockOption,
)
from staffplan.cli._output import (
    arguments,
    chart_file,
    engine_keywords,
    progress_bar,
    publish_folder,
    render,
    stage_clock,
    use_config,
    warn,
)


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
    wait_lock: WaitLockOption = 0.0,
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

    \b
    Example: staffplan simulate --schedule plan/ \\
      --forecast plan/requirements.csv --config configs/example.yaml \\
      --replications 200 --seed 7 --output sim/ --plot sim.png
    """
    from staffplan import api
    from staffplan.jobs.publish import check_output_folder, check_wait_lock, config_inputs
    from staffplan.simulate import plot_simulation, simulation_files
    from staffplan.simulate.summary import DAILY_SCREEN_COLUMNS
    from staffplan.tables import atomic_write_files

    if output is not None:  # before any work
        check_output_folder(output)
    check_wait_lock(wait_lock)
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
    charts = chart_file(plot, lambda: plot_simulation(result))
    if output is not None:
        inputs = {**config_inputs(cfg), "forecast": forecast, "schedule": schedule}
        inputs = {**inputs, "timezone": cfg.timezone}
        publish_folder(ctx, output, simulation_files(result), inputs, wait_lock, charts=charts)
    else:
        atomic_write_files(charts)
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
        Path,
        typer.Option(help="CSV: queue, interval_start, agents (from staff); - is stdin."),
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
    wait_lock: WaitLockOption = 0.0,
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

    \b
    Example: staffplan schedule --requirements requirements.csv \\
      --config configs/example.yaml --output schedule/ --plot coverage.png

    \b
    Example: staffplan schedule --requirements surge.csv \\
      --baseline rosters/2026-W50/roster.csv --output surge/
    """
    from staffplan import api
    from staffplan.jobs.publish import check_output_folder, check_wait_lock, config_inputs
    from staffplan.jobs.shortfall import check_solver_clock
    from staffplan.replan import replan_files
    from staffplan.schedule import coverage_png, schedule_files

    check_output_folder(output)  # before any work
    check_wait_lock(wait_lock)
    cfg = use_config(config, quiet)
    inputs = {**config_inputs(cfg), "requirements": requirements, "timezone": cfg.timezone}
    if baseline is not None:
        plan = api.replan(baseline, requirements, cfg, allow_moves=allow_moves)
        inputs = {**inputs, "baseline": baseline}
        charts = chart_file(plot, lambda: coverage_png(plan.coverage))
        publish_folder(ctx, output, replan_files(plan), inputs, wait_lock, charts=charts)
        if not quiet:
            render(plan.changes, fmt, None, title=f"Changes written to {output}")
        return
    with stage_clock("schedule", quiet) as stage:
        stage("shift solver")
        result = api.schedule(
            requirements,
            cfg,
            time_limit_s=time_limit,
            allow_moves=allow_moves,
            progress=stage.detail,
            **engine_keywords(engine, scheduler),
        )
    charts = chart_file(plot, lambda: coverage_png(result.coverage))
    files, solver = schedule_files(result), result.solver_record()
    publish_folder(ctx, output, files, inputs, wait_lock, solver=solver, charts=charts)
    if not quiet:
        render(result.summary(), fmt, None, title=f"Schedule written to {output}")
    check_solver_clock(result.timed_out, output)


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
    wait_lock: WaitLockOption = 0.0,
    previous: Annotated[
        Path | None,
        typer.Option(
            help="Last week's roster CSV (agent, start, end) when the output folder has "
            "none: its days worked carry over the weekend (else all are assumed off)."
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """The cron job: forecast, staff, schedule and assign named agents for one ISO week.

    Writes <output>/<week>/roster.csv (agent, day, start, end, breaks, queue), one .ics
    calendar per agent (re-runs update the same events), coverage.csv, shifts.csv,
    open_shifts.csv, agents.csv and manifest.json, then prints one summary line. Earlier
    weeks in the folder decide who had the last weekends and late shifts.

    \b
    Example: staffplan roster --config configs/example.yaml --week next \\
      --output rosters/
    """
    from staffplan.jobs.roster import roster_job
    from staffplan.jobs.shortfall import check_solver_clock, check_uncovered

    cfg = use_config(config, quiet)
    today = dt.datetime.now(cfg.zone).date()
    result = roster_job(
        cfg,
        week,
        output,
        today=today,
        requirements=requirements,
        warn=warn,
        wait_lock=wait_lock,
        previous=previous,
    )
    if not quiet and fmt is OutputFormat.table:
        typer.echo(result.summary())
    elif not quiet:
        render(result.figures(), fmt, None)
    check_uncovered(cfg, float(result.figures()["uncovered_agent_hours"]), result.folder)
    check_solver_clock(result.schedule.timed_out, result.folder)


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
    wait_lock: WaitLockOption = 0.0,
    quiet: QuietOption = False,
) -> None:
    """The main job: forecast → deflection → staff → schedule, one folder with a report.

    Writes forecast.csv, deflection.csv, requirements.csv (the demand table with every
    stage's columns), shifts.csv, coverage.csv, daily.csv, the PNG charts, report.html and
    manifest.json into --output, all at once (a failed run leaves the previous plan as it
    was). Each stage can be re-run alone on these files with the same result.

    \b
    Example: staffplan plan --config configs/example.yaml --start 2020-05-11 \\
      --output plan/
    """
    from staffplan import console
    from staffplan.forecast import parse_scenario
    from staffplan.jobs import plan as planning
    from staffplan.jobs.shortfall import check_solver_clock, check_uncovered

    cfg = use_config(config, quiet)
    with stage_clock("plan", quiet) as stage:
        result = planning.plan_job(
            cfg,
            output,
            arguments=arguments(ctx),
            start=start,
            horizon_days=horizon_days,
            scenario=parse_scenario(volatility_scenario),
            time_limit_s=time_limit,
            simulate_replications=replications if simulate else None,
            seed=seed,
            stage=stage,
            solver_progress=stage.detail,
            warn=warn,
            wait_lock=wait_lock,
            **engine_keywords(engine, scheduler),
        )
    if not quiet:
        console.print_table(planning.plan_headlines(result), title=f"Plan written to {output}/")
        console.print_table(planning.daily_summary(result), title="Per day")
    check_uncovered(cfg, result.schedule.uncovered_agent_hours, output)
    check_solver_clock(result.schedule.timed_out, output)


@command
def init(
    output: Annotated[
        Path, typer.Argument(metavar="[DIR]", help="Project folder (created if missing).")
    ] = Path("."),
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the project's files if they exist.")
    ] = False,
    quiet: QuietOption = False,
) -> None:
    """Start a project in DIR: staffplan.yaml (the demo config, every key explained),
    sample_data/ (a history and market prices to try it on) and a README.md of next steps.

    Commands run in DIR then use its staffplan.yaml. Existing files are never replaced
    without --force (exit 2, naming them).

    Example: staffplan init my_project
    """
    from staffplan.jobs.init import init_project

    written = init_project(output, force=force)
    if not quiet:
        typer.echo(f"wrote {', '.join(str(path) for path in written)}", err=True)
        typer.echo(f"next: cd {output} && staffplan validate && staffplan plan", err=True)


@command
def validate(config: ConfigOption = None, fmt: FormatOption = OutputFormat.table) -> None:
    """Check the config and every file it names (histories, market prices) in a second.

    Lists what each file holds. A broken key, file or row exits 2 naming it (every
    broken file at once), before any long run.

    \b
    Example: staffplan validate --config configs/example.yaml
    """
    from staffplan.jobs.validate import validate as check_inputs

    cfg = use_config(config)
    render(check_inputs(cfg), fmt, None, title=f"{cfg.source}: valid")
