"""Next week's named roster, end to end: the library behind ``staffplan roster`` (cron).

forecast → deflection → staff → schedule → assign for one ISO week, from the config's
data paths (or a requirements table given instead), written atomically to
``<output>/<ISO week>/``: ``roster.csv``, one ``.ics`` per agent, ``coverage.csv``,
``shifts.csv`` (the covering schedule with its agents), ``open_shifts.csv`` and
``agents.csv`` (hours, weekend and late shifts per agent). Earlier weeks' rosters in the
same output folder are the fairness memory; last week's also carries rest and the run of
working days over the weekend. Re-running a published week keeps its shifts where it can
(``team.weights.stability``) and counts the shifts (calendar events) that changed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from staffplan.config import Config
from staffplan.config.team import TeamConfig
from staffplan.errors import InputError, file_errors_named, shown
from staffplan.forecast.run import check_history_age, history_span
from staffplan.jobs.publish import (
    Warn,
    check_output_folder,
    check_wait_lock,
    config_inputs,
    manifest,
    output_lock,
    publish,
)
from staffplan.roster.assign import Assignment, assign_agents
from staffplan.roster.changes import changed_shifts
from staffplan.roster.fairness import last_week_known, previous_rosters, week_label
from staffplan.roster.ics import Published, agent_calendar, calendar_file_name, read_published
from staffplan.roster.need import coverage_of, requirement_pools, shift_need_hours
from staffplan.schedule.cover import Schedule, build_schedule
from staffplan.tables import read_requirements, to_csv_text
from staffplan.tables.calendar import load_calendar
from staffplan.tables.dates import check_year
from staffplan.tables.inputs import load_history, load_market
from staffplan.tables.parse import row_number
from staffplan.tables.shifts import read_roster

if TYPE_CHECKING:
    from staffplan.jobs.plan import PlanResult

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
NAMED = 5  # unknown agents a warning names; the rest are counted


@dataclasses.dataclass(frozen=True)
class RosterRun:
    """A published week: its ``label`` (``2026-W50``), ``folder``, the covering
    ``schedule``, the ``assignment``, the ``coverage`` of the staffed shifts and the
    agent-hours they leave uncovered (at the breaks' resolution, as the schedule counts
    them)."""

    label: str
    folder: Path
    schedule: Schedule
    assignment: Assignment
    coverage: pd.DataFrame
    uncovered_agent_hours: float
    history: tuple[pd.Timestamp, pd.Timestamp] | None = None  # first, last (when forecast)
    shifts_changed: int | None = None  # events changed since the last publication (None: first)

    def figures(self) -> dict[str, float | int | str | bool]:
        """The headline numbers, JSON-ready."""
        roster, open_shifts = self.assignment.roster, self.assignment.open_shifts
        return {
            "week": self.label,
            "folder": str(self.folder),
            "agents": int(roster["agent"].nunique()),
            "shifts_staffed": len(roster),
            "shifts_open": len(open_shifts),
            "open_paid_hours": float(open_shifts["paid_hours"].sum()),
            "uncovered_agent_hours": self.uncovered_agent_hours,
            "timed_out": self.schedule.timed_out or self.assignment.timed_out,
            "shifts_changed": self.shifts_changed,
        }

    def summary(self) -> str:
        """One line for cron mail: agents, shifts staffed and open, uncovered hours."""
        n = self.figures()
        total = n["shifts_staffed"] + n["shifts_open"]
        open_text = (
            f", {n['shifts_open']} open ({n['open_paid_hours']:.1f} paid h)"
            if n["shifts_open"]
            else ""
        )
        late = " (solver time limit hit: a re-run may differ)" if n["timed_out"] else ""
        changed = "" if self.shifts_changed is None else f"{self.shifts_changed} shifts changed, "
        return (
            f"{self.label}: {n['agents']} agents, {n['shifts_staffed']} of {total} shifts "
            f"staffed{open_text}, {n['uncovered_agent_hours']:.1f} agent-hours uncovered; "
            f"{changed}wrote {self.folder}{late}"
        )


def resolve_week(week: str, today: dt.date) -> dt.date:
    """The Monday of ``week``: ``next`` (the ISO week after ``today``) or ``2026-W50``.

    A week that ended before ``today`` is an :class:`InputError`.
    """
    text = week.strip()
    if text.lower() == "next":
        return today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=1)
    match = _WEEK.match(text.upper())
    if not match:
        raise InputError(f"{week!r}: use 'next' or an ISO week like 2026-W50", parameter="week")
    check_year(int(match.group(1)), week, "week")
    try:
        monday = dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise InputError(
            f"{week!r}: {match.group(1)} has no week {match.group(2)}", parameter="week"
        ) from None
    if monday + dt.timedelta(days=7) <= today:
        raise InputError(
            f"{week}: that week ended before today ({today}); roster this or a later week",
            parameter="week",
        )
    return monday


def plan_week(config: Config, week_start: dt.date, warn: Warn = print) -> PlanResult:
    """The week planned as ``staffplan plan`` plans it: the configured forecast of the
    queues' history (and market), deflection, sizing, covering schedule.

    A history ending more than ``team.max_history_age_days`` before the week is a
    :class:`~staffplan.errors.StaleInputError` (exit 6), raised before the slow work; the
    forecast's warnings go to ``warn``.
    """
    from staffplan.jobs.plan import run_plan

    history = load_history(config)
    check_history_fresh(config, history, week_start)
    result = run_plan(
        config,
        history,
        load_market(config),
        start=week_start.isoformat(),
        horizon_days=7,
        calendar=load_calendar(config),
    )
    for warning in result.forecast_run.warnings:
        warn(warning)
    return result


def check_history_fresh(config: Config, history: pd.DataFrame, week_start: dt.date) -> None:
    """:class:`~staffplan.errors.StaleInputError` (exit 6) when ``history`` ends more than
    ``team.max_history_age_days`` before the week (no check when that is unset)."""
    limit = config.require("team").max_history_age_days
    if limit is not None:
        start = pd.Timestamp(week_start).tz_localize(
            config.zone, nonexistent="shift_forward", ambiguous=True
        )
        check_history_age(history, start, limit)


def roster_job(
    config: Config,
    week: str,
    output: Path,
    *,
    today: dt.date,
    requirements: Path | None = None,
    warn: Warn = print,
    wait_lock: float = 0.0,
    previous: Path | None = None,
) -> RosterRun:
    """``staffplan roster``: resolve ``week`` ('next' or ``2026-W50``) against ``today``,
    check the team, the requirements file, ``previous`` (last week's roster kept outside
    the folder) or the history's age before any folder exists, then build and publish
    ``<output>/<week>/`` under its lock (waiting up to ``wait_lock`` seconds)."""
    monday = resolve_week(week, today)
    roster_team(config)
    check_wait_lock(wait_lock)
    if previous is not None:
        read_roster(previous, config.zone)
    table = None
    if requirements is not None:
        table = read_requirements(requirements, config.zone, config.interval_min)
        table = week_requirements(table, monday, config, requirements)
    else:  # a stale history fails before any folder exists (plan_week checks it again)
        check_history_fresh(config, load_history(config), monday)
    ensure_folder(output)
    return run_roster(
        config,
        monday,
        output,
        requirements=table,
        arguments=[f"--week={week_label(monday)}"],
        inputs={"requirements": requirements, "previous": previous},
        warn=warn,
        wait_lock=wait_lock,
        previous=previous,
    )


def run_roster(
    config: Config,
    week_start: dt.date,
    output_dir: Path,
    *,
    requirements: pd.DataFrame | None = None,
    arguments: list[str] | None = None,
    inputs: dict[str, Path | None] | None = None,
    warn: Warn = print,
    wait_lock: float = 0.0,
    previous: Path | None = None,
) -> RosterRun:
    """Build and publish the roster of the week from ``week_start`` under ``output_dir``.

    ``requirements`` (``queue, interval_start, agents`` ...) replaces the forecast; rows
    outside the week are ignored. Needs the ``shifts:`` and ``team:`` sections. Last
    week's days worked come from ``output_dir``'s previous week, else from the roster
    file ``previous``, else every agent is assumed off last week (and ``warn`` says so,
    naming ``previous`` when it holds no shift of that week); ``warn`` also names the
    rows of ``previous`` whose agent is not in the team.
    The week folder is locked for the whole run (waiting up to ``wait_lock`` seconds for
    another run) and published with a ``manifest.json`` naming the config's files,
    ``inputs`` (e.g. the requirements file) and ``arguments``.
    """
    team = roster_team(config)
    ensure_folder(Path(output_dir))
    config = _team_sized(config, team)
    folder = Path(output_dir) / week_label(week_start)
    with output_lock(folder, warn, wait_lock):
        check_output_folder(folder)
        published = published_calendars(folder)  # a broken one fails before the slow work
        before = published_roster(folder, config)
        given = None if previous is None else read_roster(previous, config.zone)
        memory = previous_rosters(
            Path(output_dir), week_start, max(team.fairness_weeks, 1), config.zone, given
        )
        run = _build_roster(
            config, team, week_start, Path(output_dir), requirements, warn, before, memory
        )
        # said once the roster stands, not before an error
        strangers = None if given is None else unknown_agents(given, team, previous)
        if strangers is not None:
            warn(strangers)
        if not last_week_known(memory):
            warn(assumed_off(week_start, Path(output_dir), previous))
        record = manifest(
            "roster",
            arguments or [f"--week={run.label}"],
            {**config_inputs(config), **(inputs or {})},
            config.timezone,
            history=run.history,
            extra=_manifest_roster(run),
        )
        files = _roster_files(run, team, config, week_start, published)
        publish(folder, files, manifest_text=record, locked=True)
    return run


def _build_roster(
    config: Config,
    team: TeamConfig,
    week_start: dt.date,
    output_dir: Path,
    requirements: pd.DataFrame | None,
    warn: Warn,
    before: pd.DataFrame | None,
    history: pd.DataFrame,
) -> RosterRun:
    """Schedule and assign the week; ``history`` holds the earlier weeks (fairness
    memory, last week's rest and days worked), ``before`` the roster published for this
    week (kept where it can be)."""
    span = None
    if requirements is None:
        week = plan_week(config, week_start, warn)
        requirements, schedule = week.requirements, week.schedule
        span = history_span(week.forecast_run.history)
    else:
        requirements = week_requirements(requirements, week_start, config)
        schedule = build_schedule(requirements, config)
    pools = requirement_pools(requirements, config)
    assignment = assign_agents(
        schedule.shifts,
        team,
        config.shifts.rules,
        week_start=week_start,
        need_hours=shift_need_hours(schedule.shifts, pools),
        history=history,
        templates=config.shifts.templates,
        published=before,
    )
    covered = coverage_of(assignment.roster, pools, requirements, config)
    label = week_label(week_start)
    folder = output_dir / label
    changed = None if before is None else changed_shifts(before, assignment.roster)
    return RosterRun(
        label,
        folder,
        schedule,
        assignment,
        covered.table,
        covered.uncovered_agent_hours,
        span,
        changed,
    )


def ensure_folder(folder: Path) -> None:
    """Create the output folder (and parents) if needed; :class:`InputError` if it cannot
    (:class:`~staffplan.errors.FileSystemError` if the file system refuses)."""
    try:
        with file_errors_named(folder):
            folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{folder}: cannot create the output folder ({exc.strerror})") from None


def roster_team(config: Config) -> TeamConfig:
    """The config's team; the config must have shifts: and team: sections (checked before
    any output exists)."""
    config.require("shifts")
    return config.require("team")


def _team_sized(config: Config, team: TeamConfig) -> Config:
    """The config with ``shifts.max_headcount`` at most the rostered team, so the covering
    model picks the shifts this team can work instead of shifts nobody will take."""
    heads = len(team.rostered())
    cap = config.shifts.max_headcount
    if heads == 0 or (cap is not None and cap <= heads):
        return config
    return dataclasses.replace(
        config, shifts=dataclasses.replace(config.shifts, max_headcount=heads)
    )


def week_requirements(
    requirements: pd.DataFrame,
    week_start: dt.date,
    config: Config,
    source: Path | None = None,
) -> pd.DataFrame:
    """The rows of ``requirements`` inside the week; :class:`InputError` naming ``source``
    if there are none."""
    local = requirements["interval_start"].dt.tz_convert(config.zone)
    days = local.dt.date
    inside = (days >= week_start) & (days < week_start + dt.timedelta(days=7))
    if not inside.any():
        raise InputError(
            f"{source or 'requirements'}: no intervals in the week of {week_start} "
            f"({week_label(week_start)}); forecast or size that week first"
        )
    return requirements[inside.to_numpy()].reset_index(drop=True)


def _roster_files(
    run: RosterRun,
    team: TeamConfig,
    config: Config,
    week_start: dt.date,
    published: dict[str, dict[str, Published]],
) -> dict[str, str | bytes]:
    """File name → content of the week folder: the tables and one calendar per agent
    (re-runs update the events the folder already ``published``)."""
    assignment = run.assignment
    staffed = run.schedule.shifts.merge(
        assignment.roster[["shift_id", "agent"]], on="shift_id", how="left"
    )
    files: dict[str, str | bytes] = {
        "roster.csv": to_csv_text(assignment.roster),
        "shifts.csv": to_csv_text(staffed.fillna({"agent": ""})),
        "open_shifts.csv": to_csv_text(assignment.open_shifts),
        "coverage.csv": to_csv_text(run.coverage),
        "agents.csv": to_csv_text(assignment.agents),
    }
    for agent in team.rostered():
        name = calendar_file_name(agent.name)
        mine = assignment.roster[assignment.roster["agent"] == agent.name]
        files[name] = agent_calendar(agent.name, mine, config.zone, week_start, published.get(name))
    return files


def _manifest_roster(run: RosterRun) -> dict[str, object]:
    """The manifest's ``roster`` section: the shifts a re-publication changed and whether
    the assignment stopped on its time limit (a re-run may then differ). Present only
    when there is something to say, so an identical re-run leaves the folder
    byte-identical."""
    section: dict[str, object] = {}
    if run.shifts_changed:
        section["shifts_changed"] = run.shifts_changed
    if run.assignment.timed_out:
        section["assignment_timed_out"] = True
    return {"roster": section} if section else {}


def assumed_off(week_start: dt.date, output_dir: Path, previous: Path | None = None) -> str:
    """The notice that no roster tells last week's days worked: neither ``output_dir``
    nor the roster file ``previous`` (when given) has a shift of that week."""
    monday = week_start - dt.timedelta(days=7)
    last = week_label(monday)
    given = (
        "no --previous roster"
        if previous is None
        else f"--previous {previous} holds no shift of {last} ({monday} to "
        f"{week_start - dt.timedelta(days=1)})"
    )
    return (
        f"no roster of {last} in {output_dir} and {given}: assumed every agent was off "
        "last week (give last week's roster with --previous so rest, days in a row and days "
        "off carry over the weekend)"
    )


def unknown_agents(roster: pd.DataFrame, team: TeamConfig, source: Path) -> str | None:
    """A warning naming the first row of each agent of ``roster`` (read from ``source``)
    who is not in ``team.agents`` (the first :data:`NAMED`, then a count), or None: an
    agent who left is normal, but a misspelt name loses that agent's rest and fairness
    memory."""
    known = {agent.name for agent in team.agents}
    agents = roster["agent"].reset_index(drop=True)
    strangers = agents[~agents.isin(known)].drop_duplicates()
    if strangers.empty:
        return None
    named = [f"row {row_number(i)} {shown(name)}" for i, name in strangers[:NAMED].items()]
    if len(strangers) > NAMED:
        named.append(f"{len(strangers) - NAMED} more agent(s)")
    return (
        f"warning: {source}: agent(s) not in team.agents: {', '.join(named)}; their "
        "shifts count for no one (normal for an agent who left; else fix the name)"
    )


def published_roster(folder: Path, config: Config) -> pd.DataFrame | None:
    """The ``roster.csv`` already published in the week ``folder`` (None: none yet); one
    that cannot be read is an :class:`InputError` naming it, before the slow work."""
    path = folder / "roster.csv"
    if not path.is_file():
        return None
    return read_roster(path, config.zone)


def published_calendars(folder: Path) -> dict[str, dict[str, Published]]:
    """The events each calendar in the week ``folder`` published, by file name; a
    calendar that cannot be read is an :class:`InputError` naming it (read before the
    slow work, so the run stops at once)."""
    if not folder.is_dir():
        return {}
    calendars = {}
    for path in sorted(folder.glob("*.ics")):
        try:
            calendars[path.name] = read_published(path.read_bytes())
        except OSError as exc:
            raise _unreadable(path, exc.strerror or str(exc)) from None
        except ValueError as exc:
            raise _unreadable(path, str(exc)) from None
    return calendars


def _unreadable(path: Path, problem: str) -> InputError:
    return InputError(
        f"{path}: a published calendar that cannot be read ({problem}); restore it, or "
        "remove it to publish that agent's shifts afresh (calendar apps that imported it "
        "may then keep its old events)"
    )
