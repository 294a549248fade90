"""Whether a published plan or roster is short: more demand left uncovered than the
config allows (``shifts.max_uncovered_agent_hours``, exit 7), or its shift solver stopped
at the wall-clock safety net (exit 8), which cron must be able to tell from success by the
exit code alone."""

from __future__ import annotations

from pathlib import Path

from staffplan.config import Config
from staffplan.errors import PublishedShortError, SolverClockError


def check_uncovered(config: Config, uncovered_agent_hours: float, published: Path) -> None:
    """:class:`PublishedShortError` (exit 7) when the output ``published`` leaves more
    than ``shifts.max_uncovered_agent_hours`` agent-hours uncovered (no check when unset).
    Call it after publishing: the short plan is still the best there is."""
    limit = config.require("shifts").max_uncovered_agent_hours
    if limit is None or uncovered_agent_hours <= limit:
        return
    raise PublishedShortError(
        f"published {published}, but it leaves {uncovered_agent_hours:,.1f} agent-hours "
        f"uncovered, {uncovered_agent_hours - limit:,.1f} above "
        f"shifts.max_uncovered_agent_hours ({limit:g}); add agents or shifts, or raise "
        "that limit"
    )


def check_solver_clock(timed_out: bool, published: Path) -> None:
    """:class:`SolverClockError` (exit 8) when the shift solver of the output ``published``
    stopped at its wall-clock safety net. Call it after publishing, as
    :func:`check_uncovered`: the schedule is valid, but a re-run may differ."""
    if timed_out:
        raise SolverClockError(
            f"published {published}, but the shift solver stopped at its time limit (a "
            "safety net: it normally stops on its own counted limits), so a re-run may "
            "publish another schedule; give it more with --time-limit or shifts.time_limit_s"
        )
