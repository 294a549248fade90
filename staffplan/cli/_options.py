"""The options every command shares, declared once (names, flags, help)."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    pass


STDOUT = Path("-")  # ``--output -``: the table goes to standard output


class OutputFormat(enum.StrEnum):
    """How a result is shown when no ``--output`` file is given."""

    table = "table"
    csv = "csv"
    json = "json"


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
    typer.Option("--output", "-o", help="Write here: a .csv or .json file, or - for stdout."),
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
    typer.Option(
        "--time-limit",
        help="Shift-solver safety net in seconds (default: shifts.time_limit_s); hit: exit 8.",
    ),
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
    typer.Option(
        "--history",
        help="History CSV (counts or events), - reads stdin, or a folder of CSV files or a "
        "Parquet dataset partitioned by queue; default: the config's.",
    ),
]
MarketOption = Annotated[
    Path | None,
    typer.Option(
        "--market", help="Market prices CSV (timestamp, close), - reads stdin; default: config's."
    ),
]
FillGapsOption = Annotated[
    str | None,
    typer.Option("--fill-gaps", help="'zero': missing history intervals had no contacts."),
]
WaitLockOption = Annotated[
    float,
    typer.Option(
        "--wait-lock",
        metavar="SECONDS",
        help="Wait this long for another run writing the same output (default: exit 4 at once).",
    ),
]
DemandOption = Annotated[
    Path,
    typer.Option(
        "--forecast",
        help="Demand CSV (a forecast, deflection or requirements table), or a folder of "
        "them or a Parquet dataset; - reads stdin.",
    ),
]


class EngineName(enum.StrEnum):
    """Where the tasks of a command run (see :mod:`staffplan.engine`)."""

    local = "local"
    processes = "processes"
    dask = "dask"


SCHEDULER_VARIABLE = "STAFFPLAN_SCHEDULER"  # a Dask scheduler address, so cron needs no flags
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
