"""Deflection: what auto-replies, bots and FAQs really take off the agents' queues.

Most teams subtract the bot vendor's containment rate from volume. This module models
what reaches agents per queue, reason and interval instead:

* ``V`` contacts arrive in an interval; reason ``r`` has share ``s_r`` and relative handle
  time ``w_r``, so its handle time is ``a_r = A · w_r / Σ_k s_k w_k`` seconds (``A`` is
  the queue's average ``aht_s``, or the row's own ``aht_s``).
* Containment ramps linearly from the ``launch`` date to its full value over
  ``ramp_weeks``: ``c_r(t) = min(1, c_r · scale) · clip(weeks since launch / ramp_weeks,
  0, 1)``; it is 0 for ``never_deflect`` reasons (security and funds go to a human).
* Of the contained, the share ``ρ_r`` comes back to an agent anyway (re-contacts):
  ``deflected_r = V · s_r · c_r(t) · (1 − ρ_r)`` and ``offered = V − Σ_r deflected_r``.
* The bot takes the easy contacts, so what still reaches agents is harder. A reason's
  ``aht_uplift`` ``u_r`` is the rise in handle time of its never-contained contacts at
  full containment ``C_r``; it means the contained ones would have taken ``(1 − e_r)``
  of the reason's handle time, ``e_r = u_r · (1 − C_r) / C_r`` (work is conserved: the
  bot changes who handles a contact, not how long it would take). So at any ramp point
  the reason's agent work is ``V · s_r · a_r · (1 − c_r(t) · (1 − e_r) · (1 − ρ_r))`` —
  a re-contact takes what it would have taken without the bot — and the offered
  ``aht_s`` is that work over the offered contacts, summed over reasons. The easy
  reasons leave, so the mix alone already raises it.

Re-contacts are counted in the interval of the original contact (a rate-level model).
:func:`project_deflection` also prices the saving: the agents and FTE saved come from two
runs of the queueing engine, with and without deflection (Erlang is not linear in
volume); a reason's share of that saving is pro rata to the workload it removes.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from staffplan.config import Config
from staffplan.config.deflection import DeflectionConfig, QueueDeflection, Reason
from staffplan.engine_inputs import queue_parameters, row_aht_s
from staffplan.errors import ConfigError
from staffplan.staffing import DEMAND_COLUMNS, SIZING_COLUMNS, size_requirements

__all__ = [
    "DEFLECTION_COLUMNS",
    "SUMMARY_COLUMNS",
    "SUMMARY_SCREEN_COLUMNS",
    "DeflectionConfig",
    "DeflectionResult",
    "QueueDeflection",
    "Reason",
    "apply_deflection",
    "project_deflection",
]

DEFLECTION_COLUMNS = DEMAND_COLUMNS  # always in the output; the input's other columns stay
SUMMARY_COLUMNS = [
    "channel",
    "programme",
    "reason",
    "contacts_per_week",
    "contained_per_week",
    "recontacts_per_week",
    "deflected_per_week",
    "deflection_rate",
    "workload_hours_saved_per_week",
    "agent_hours_saved_per_week",
    "fte_saved",
    "cost_saved_per_month",
    "note",
]
SUMMARY_SCREEN_COLUMNS = [  # the summary as a terminal table: no per-contact detail, no notes
    "channel",
    "programme",
    "reason",
    "contacts_per_week",
    "deflected_per_week",
    "deflection_rate",
    "workload_hours_saved_per_week",
    "agent_hours_saved_per_week",
    "fte_saved",
    "cost_saved_per_month",
]
ENGINE_NOTE = (
    "agent-hours and FTE saved come from two runs of the queueing engine (with and "
    "without deflection), not volume × AHT; reason rows split them pro rata to the "
    "workload each reason removes"
)
WEEK_S = 7 * 86400.0
ALL = "all"


@dataclasses.dataclass(frozen=True)
class DeflectionResult:
    """Per queue × interval net volume (``intervals``) and the priced ``summary``.

    ``intervals`` has :data:`DEFLECTION_COLUMNS` and feeds ``staff`` directly;
    ``summary`` has :data:`SUMMARY_COLUMNS`, one row per channel, programme and reason,
    a row with reason ``all`` per channel and programme, and a grand total last.
    """

    intervals: pd.DataFrame
    summary: pd.DataFrame


@dataclasses.dataclass(frozen=True)
class _Flows:
    """Per row (axis 0) and reason (axis 1) of one queue: contacts and agent work (s)."""

    contacts: np.ndarray
    contained: np.ndarray
    deflected: np.ndarray
    work_before_s: np.ndarray
    work_after_s: np.ndarray
    progress: np.ndarray  # share of full containment reached, per row and reason

    @property
    def offered(self) -> np.ndarray:
        return self.contacts - self.deflected

    def offered_aht_s(self, base_aht_s: np.ndarray) -> np.ndarray:
        """Agent work over offered contacts per row; the base where nothing is offered."""
        offered = self.offered.sum(axis=1)
        work = self.work_after_s.sum(axis=1)
        safe = np.where(offered > 0, offered, 1.0)
        return np.where(offered > 0, work / safe, base_aht_s)


def apply_deflection(
    forecast: pd.DataFrame,
    config: Config,
    *,
    containment_scale: float = 1.0,
    as_of: pd.Series | None = None,
) -> pd.DataFrame:
    """The demand table with ``deflected, offered, aht_s`` set (added, or replaced).

    Every other column of ``forecast`` is kept; sizing columns of an earlier ``staff`` run
    are dropped, since deflection changes what they were computed from.

    ``forecast`` needs ``queue, interval_start, volume`` (contacts per interval) and may
    carry ``aht_s`` (seconds; blank means the queue's). Queues without deflection
    settings pass through unchanged. ``containment_scale`` multiplies every configured
    containment (capped at 1); ``as_of`` (one timestamp per row) replaces
    ``interval_start`` as the date the ramp is evaluated at (finance scenarios).
    """
    rows = forecast.reset_index(drop=True)
    base_aht_s = _base_aht_s(rows, config)
    volume = rows["volume"].to_numpy(dtype=float)
    deflected = np.zeros(len(rows))
    aht_s = base_aht_s.copy()
    when = rows["interval_start"] if as_of is None else as_of.reset_index(drop=True)
    by_class: dict[str, np.ndarray] = {}
    for settings, index in _deflected_queues(rows, config):
        flows = _queue_flows(
            volume[index], base_aht_s[index], when.iloc[index], settings, config, containment_scale
        )
        deflected[index] = flows.deflected.sum(axis=1)
        aht_s[index] = flows.offered_aht_s(base_aht_s[index])
        for column, values in class_flows(flows, settings, config).items():
            by_class.setdefault(column, np.full(len(rows), np.nan))[index] = values
    stale = [c for c in SIZING_COLUMNS if c in rows.columns]  # sized before deflection
    return rows.drop(columns=stale).assign(
        deflected=deflected, offered=volume - deflected, aht_s=aht_s, **by_class
    )


def class_flows(flows: _Flows, settings: QueueDeflection, config: Config) -> dict[str, np.ndarray]:
    """``offered_<class>`` and ``aht_s_<class>`` per row where the queue's reasons name
    its priority classes (``class_name``); reasons naming none go to the class served
    last. Empty when no reason names a class."""
    queue = config.queue(settings.queue)
    if not queue.classes or all(r.class_name is None for r in settings.reasons):
        return {}
    last = max(queue.classes, key=lambda c: c.priority).name
    out = {}
    for cls in queue.classes:
        mine = [i for i, r in enumerate(settings.reasons) if (r.class_name or last) == cls.name]
        offered = flows.offered[:, mine].sum(axis=1)
        work = flows.work_after_s[:, mine].sum(axis=1)
        out[f"offered_{cls.name}"] = offered
        out[f"aht_s_{cls.name}"] = np.divide(
            work, offered, out=np.full(offered.size, np.nan), where=offered > 0
        )
    return out


def project_deflection(forecast: pd.DataFrame, config: Config) -> DeflectionResult:
    """Net volume per interval plus the saving by channel, programme and reason.

    Per-week figures divide by the forecast's span per queue (last interval end minus
    first start, in weeks). ``workload_hours_saved_per_week`` is what a linear calculation
    would claim: the contact work removed (volume × AHT / concurrency, before and after);
    ``agent_hours_saved_per_week`` is what the engine finds (agents without minus with
    deflection, × interval hours). ``fte_saved`` is the engine's paid hours saved per
    week (agents grossed up by shrinkage) over ``deflection.hours_per_fte_week``;
    ``cost_saved_per_month`` prices it at ``deflection.cost_per_fte_month``.
    """
    settings = config.require("deflection")
    intervals = apply_deflection(forecast, config)
    rows = forecast.reset_index(drop=True)
    base_aht_s = _base_aht_s(rows, config)
    queue_rows = []
    for queue_settings, index in _deflected_queues(rows, config):
        part = rows.iloc[index].reset_index(drop=True)
        saving = _engine_saving(part, intervals.iloc[index], base_aht_s[index], config)
        flows = _queue_flows(
            part["volume"].to_numpy(dtype=float),
            base_aht_s[index],
            part["interval_start"],
            queue_settings,
            config,
            1.0,
        )
        weeks = _span_weeks(part["interval_start"], config.interval_min)
        queue_rows.append(_reason_rows(flows, queue_settings, config, saving, weeks, settings))
    if not queue_rows:
        raise ConfigError(
            "none of the forecast's queues has deflection settings; add them under "
            "deflection.queues (queue, reasons) or check the queue names"
        )
    return DeflectionResult(intervals, _summarise(pd.concat(queue_rows, ignore_index=True)))


# --------------------------------------------------------------------------- flows


def _deflected_queues(
    rows: pd.DataFrame, config: Config
) -> list[tuple[QueueDeflection, np.ndarray]]:
    """Each queue of ``rows`` that has deflection settings, with its row positions."""
    if config.deflection is None:
        return []
    names = rows["queue"].to_numpy()
    found = []
    for name in pd.unique(names):
        settings = config.deflection.for_queue(str(name))
        if settings is not None:
            found.append((settings, np.flatnonzero(names == name)))
    return found


def _base_aht_s(rows: pd.DataFrame, config: Config) -> np.ndarray:
    """Per row: the row's ``aht_s`` where given, else its queue's (seconds)."""
    return row_aht_s(rows, queue_parameters(rows["queue"], config))


def _queue_flows(
    volume: np.ndarray,
    base_aht_s: np.ndarray,
    when: pd.Series,
    settings: QueueDeflection,
    config: Config,
    scale: float,
) -> _Flows:
    reasons = settings.reasons
    shares = np.array([r.share for r in reasons])
    shares = shares / shares.sum()  # within tolerance of 1: make it exact
    weights = np.array([r.aht_weight for r in reasons])
    full = np.array([0.0 if r.never_deflect else min(1.0, r.containment * scale) for r in reasons])
    easiness = np.array([_easiness(r) for r in reasons])
    recontact = np.array([r.recontact for r in reasons])
    progress = _ramp_progress(when, settings, config)
    containment = full * progress
    contacts = volume[:, None] * shares
    contained = contacts * containment
    work_before_s = contacts * (base_aht_s[:, None] * weights / (shares * weights).sum())
    kept = 1.0 - containment * (1.0 - easiness) * (1.0 - recontact)
    return _Flows(
        contacts=contacts,
        contained=contained,
        deflected=contained * (1.0 - recontact),
        work_before_s=work_before_s,
        work_after_s=work_before_s * kept,
        progress=progress,
    )


def _easiness(reason: Reason) -> float:
    """How much shorter than the reason's average its contained contacts are (share)."""
    if reason.never_deflect or reason.containment in (0.0, 1.0):
        return 0.0
    return reason.aht_uplift * (1.0 - reason.containment) / reason.containment


def _ramp_progress(when: pd.Series, settings: QueueDeflection, config: Config) -> np.ndarray:
    """Share of full containment reached, per row and reason (linear ramp from launch)."""
    ramp_weeks = np.array([r.ramp_weeks for r in settings.reasons])
    if settings.launch is None:
        return np.ones((len(when), len(ramp_weeks)))
    launch = pd.Timestamp(settings.launch).tz_localize(config.zone, nonexistent="shift_forward")
    weeks = (when - launch).dt.total_seconds().to_numpy() / WEEK_S
    live = weeks[:, None] >= 0
    with np.errstate(divide="ignore", invalid="ignore"):
        ramped = np.where(ramp_weeks > 0, weeks[:, None] / ramp_weeks, 1.0)
    return np.where(live, np.clip(ramped, 0.0, 1.0), 0.0)


def _span_weeks(times: pd.Series, interval_min: int) -> float:
    span = times.max() - times.min() + pd.Timedelta(minutes=interval_min)
    return span.total_seconds() / WEEK_S


# --------------------------------------------------------------------------- saving


@dataclasses.dataclass(frozen=True)
class _Saving:
    """Engine results for one queue: agent-hours and paid hours saved over the forecast."""

    agent_hours: float
    paid_hours: float


def _engine_saving(
    part: pd.DataFrame, deflected: pd.DataFrame, base_aht_s: np.ndarray, config: Config
) -> _Saving:
    """Size the queue twice, without and with deflection, in one engine call."""
    volume = part["volume"].to_numpy(dtype=float)
    without = pd.DataFrame(
        {"queue": part["queue"], "interval_start": part["interval_start"], "volume": volume}
    )
    without = without.assign(deflected=0.0, offered=volume, aht_s=base_aht_s)
    both = pd.concat([without, deflected.reset_index(drop=True)], ignore_index=True)
    sized = size_requirements(both, config, escalate=False)
    n = len(part)
    hours = config.interval_min / 60.0
    agents = sized["agents"].to_numpy(dtype=float)
    paid = sized["required_fte"].to_numpy(dtype=float)
    return _Saving(
        agent_hours=float((agents[:n] - agents[n:]).sum() * hours),
        paid_hours=float((paid[:n] - paid[n:]).sum() * hours),
    )


def _reason_rows(
    flows: _Flows,
    settings: QueueDeflection,
    config: Config,
    saving: _Saving,
    weeks: float,
    deflection: DeflectionConfig,
) -> pd.DataFrame:
    """One row per reason of one queue, per week; the engine saving split by workload."""
    concurrency = config.queue(settings.queue).concurrency  # chats one agent handles at once
    workload_saved_h = (flows.work_before_s - flows.work_after_s).sum(axis=0) / (
        3600.0 * concurrency
    )
    total = workload_saved_h.sum()
    split = workload_saved_h / total if total != 0 else np.zeros_like(workload_saved_h)
    fte_saved = saving.paid_hours / weeks / deflection.hours_per_fte_week
    return pd.DataFrame(
        {
            "channel": config.queue(settings.queue).channel,
            "programme": settings.programme,
            "reason": [r.name for r in settings.reasons],
            "contacts_per_week": flows.contacts.sum(axis=0) / weeks,
            "contained_per_week": flows.contained.sum(axis=0) / weeks,
            "deflected_per_week": flows.deflected.sum(axis=0) / weeks,
            "workload_hours_saved_per_week": workload_saved_h / weeks,
            "agent_hours_saved_per_week": split * saving.agent_hours / weeks,
            "fte_saved": split * fte_saved,
            "cost_saved_per_month": split * fte_saved * deflection.cost_per_fte_month,
            "note": _reason_notes(flows, settings),
        }
    )


def _reason_notes(flows: _Flows, settings: QueueDeflection) -> list[str]:
    notes = []
    for j, reason in enumerate(settings.reasons):
        reached = float(flows.progress[:, j].max()) if len(flows.progress) else 0.0
        if reason.never_deflect:
            notes.append("never deflected: goes to a human first")
        elif reason.containment == 0:
            notes.append("")
        elif reached == 0:
            notes.append(f"{settings.programme} launches after the forecast ends")
        elif reached < 1:
            notes.append(f"ramp incomplete: {reached:.0%} of full containment by the end")
        else:
            notes.append("")
    return notes


def _summarise(rows: pd.DataFrame) -> pd.DataFrame:
    """Sum per channel, programme and reason; add subtotals and a grand total."""
    keys = ["channel", "programme", "reason"]
    numbers = [c for c in rows.columns if c not in (*keys, "note")]
    notes = rows.groupby(keys, sort=False)["note"].agg(lambda s: "; ".join(sorted(set(s) - {""})))
    by_reason = rows.groupby(keys, sort=False)[numbers].sum().join(notes).reset_index()
    parts = []
    for (channel, programme), group in by_reason.groupby(["channel", "programme"], sort=False):
        subtotal = {"channel": channel, "programme": programme, "reason": ALL}
        parts += [group, _total(group, numbers, subtotal)]
    parts.append(_total(by_reason, numbers, {"channel": ALL, "programme": ALL, "reason": ALL}))
    out = pd.concat(parts, ignore_index=True)
    out["recontacts_per_week"] = out["contained_per_week"] - out["deflected_per_week"]
    contacts = out["contacts_per_week"].to_numpy()
    out["deflection_rate"] = np.divide(
        out["deflected_per_week"].to_numpy(),
        contacts,
        out=np.zeros(len(out)),
        where=contacts > 0,
    )
    return out[SUMMARY_COLUMNS]


def _total(group: pd.DataFrame, numbers: list[str], keys: dict[str, str]) -> pd.DataFrame:
    total = {**keys, **{c: float(group[c].sum()) for c in numbers}, "note": ENGINE_NOTE}
    return pd.DataFrame([total])
