"""``staffplan peaks``: where past contacts peaked and how much the market explains."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from staffplan.cli._app import command
from staffplan.cli._options import (
    ConfigOption,
    FillGapsOption,
    FormatOption,
    HistoryOption,
    MarketOption,
    OutputFormat,
    QuietOption,
    WaitLockOption,
)
from staffplan.cli._output import publish_folder, render, use_config


@command
def peaks(
    ctx: typer.Context,
    history: HistoryOption = None,
    market: MarketOption = None,
    weeks: Annotated[
        int | None, typer.Option(help="Weeks of history to look at (default: all of it).")
    ] = None,
    top: Annotated[int, typer.Option(help="Surge days listed per queue.")] = 10,
    fill_gaps: FillGapsOption = None,
    config: ConfigOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Folder for heatmap.csv, heatmap.png, surge_days.csv, volatility_effect.csv.",
        ),
    ] = None,
    wait_lock: WaitLockOption = 0.0,
    fmt: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Peaks of past months: hour × weekday heat map per queue, the top surge days
    (volume against a normal day, with that day's market volatility) and the fitted
    volatility effect (% contacts per doubling of 24 h volatility, 95 % interval).

    \b
    Example: staffplan peaks --config configs/example.yaml --weeks 18 \\
      --top 5 --output peaks/
    """
    from staffplan import api
    from staffplan.jobs.publish import check_output_folder, check_wait_lock, config_inputs
    from staffplan.peaks import effect_sentences, peaks_files

    if output is not None:  # before any work
        check_output_folder(output)
    check_wait_lock(wait_lock)
    cfg = use_config(config, quiet)
    tables = api.peaks(
        cfg, history=history, market=market, weeks=weeks, top=top, fill_gaps=fill_gaps
    )
    if output is not None:
        inputs = {**config_inputs(cfg), "history": history, "market": market}
        inputs = {**inputs, "timezone": cfg.timezone}
        publish_folder(ctx, output, peaks_files(tables), inputs, wait_lock)
    if output is None or not quiet:
        render(tables.surge_days, fmt, None, title="Surge days (ratio to a normal day)")
        if fmt is OutputFormat.table:
            for line in effect_sentences(tables.volatility_effect):
                typer.echo(line)
    if output is not None and not quiet:
        typer.echo(f"wrote {output}", err=True)
