"""One iCalendar file (RFC 5545) per agent with the week's shifts.

Each shift is a VEVENT whose UID is a hash of (agent, day, queue), so re-publishing a
week updates the agent's events instead of adding copies. Times carry the planning
zone's TZID with a VTIMEZONE for the week. Nothing depends on the clock: DTSTAMP is the
week's Monday 00:00 (UTC) and a changed or removed event is told apart by SEQUENCE,
counted up from the version published before in the same folder; a shift that is gone
is sent as STATUS:CANCELLED.

User text (the agent, queue and template names) goes into TEXT values only, through
:func:`ics_text`: icalendar escapes ``\\ ; ,`` and line breaks, and the control characters
RFC 5545 forbids in TEXT are dropped, so no name can end a line or start a property. No
property parameter carries user text (TZID is a checked IANA zone name).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import re
import zoneinfo
from collections.abc import Mapping
from typing import Any

import icalendar
import pandas as pd

from staffplan.config.names import file_stem
from staffplan.errors import shown
from staffplan.tables.breaks import row_breaks

PRODID = "-//staffplan//roster//EN"
# RFC 5545 TEXT: no CONTROL characters but HTAB; line breaks are written as an escaped \n.
LINE_BREAKS = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
NOT_IN_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclasses.dataclass(frozen=True)
class Published:
    """An event as published before: its SEQUENCE, whether it was cancelled, and what a
    change would alter (times, summary, description)."""

    sequence: int
    cancelled: bool
    fingerprint: tuple[str, ...]
    event: icalendar.Event


def event_uid(agent: str, day: str, queue: str) -> str:
    """The stable UID of an agent's shift on ``day`` (ISO date) in ``queue``."""
    digest = hashlib.sha256(f"{agent}\x1f{day}\x1f{queue}".encode()).hexdigest()
    return f"{digest[:32]}@staffplan"


def calendar_file_name(agent: str) -> str:
    """The agent's calendar file name, e.g. ``ana-lopez.ics``."""
    return f"{file_stem(agent)}.ics"


def agent_calendar(
    agent: str,
    shifts: pd.DataFrame,
    zone: zoneinfo.ZoneInfo,
    week_start: dt.date,
    published: Mapping[str, Published] | None = None,
) -> bytes:
    """The VCALENDAR of ``agent``'s ``shifts`` (roster rows: ``day, start, end, breaks,
    queue`` and optionally ``shift_id, template, paid_hours``) in the week of ``week_start``.

    ``published`` are the events of this agent's earlier file for the same week (see
    :func:`read_published`): changed events get the next SEQUENCE, vanished ones are
    cancelled.
    """
    published = published or {}
    stamp = _week_stamp(week_start, zone)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", ics_text(f"Shifts: {agent}"))
    calendar.add("x-wr-timezone", zone.key)
    calendar.add_component(_vtimezone(zone, week_start))
    seen = set()
    for row in shifts.sort_values("start", kind="stable").itertuples(index=False):
        event = _shift_event(agent, row, zone, stamp)
        uid = str(event["uid"])
        seen.add(uid)
        _set_sequence(event, published.get(uid))
        calendar.add_component(event)
    for uid in sorted(set(published) - seen):
        calendar.add_component(_cancelled(published[uid]))
    return calendar.to_ical()


@functools.lru_cache(maxsize=8)
def _vtimezone(zone: zoneinfo.ZoneInfo, week_start: dt.date) -> icalendar.Timezone:
    """The zone's VTIMEZONE around the week (slow to build, so built once per week)."""
    return icalendar.Timezone.from_tzinfo(
        zone,
        tzid=zone.key,
        first_date=week_start - dt.timedelta(days=7),
        last_date=week_start + dt.timedelta(days=14),
    )


def _week_stamp(week_start: dt.date, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    local = dt.datetime.combine(week_start, dt.time(0), tzinfo=zone)
    return local.astimezone(dt.UTC)


def _shift_event(
    agent: str, row: Any, zone: zoneinfo.ZoneInfo, stamp: dt.datetime
) -> icalendar.Event:
    queue = str(getattr(row, "queue", "") or "")
    start = row.start.tz_convert(zone).to_pydatetime()
    end = row.end.tz_convert(zone).to_pydatetime()
    event = icalendar.Event()
    event.add("uid", event_uid(agent, str(row.day), queue))
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", ics_text(f"Shift: {queue}" if queue else "Shift"))
    event.add("description", ics_text(_description(row)))
    event.add("transp", "OPAQUE")
    return event


def ics_text(text: str) -> icalendar.vText:
    """``text`` as an RFC 5545 TEXT value: every line break (CR, LF, CRLF, U+2028, ...)
    one ``\\n`` escape, other control characters dropped, backslash, ``;`` and ``,``
    escaped (:class:`_Text`)."""
    return _Text(NOT_IN_TEXT.sub("", LINE_BREAKS.sub("\n", text)))


class _Text(icalendar.vText):
    """A TEXT value escaped by RFC 5545 alone. icalendar's own escaping first reads a
    literal backslash-N in the text as a line break, so an agent named ``a\\Nb`` would
    get a calendar named over two lines."""

    def to_ical(self) -> bytes:
        escaped = str(self).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        return escaped.replace("\n", "\\n").encode(self.encoding)


def _description(row: Any) -> str:
    spans = row_breaks(row)
    lines = ["Breaks: " + (", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in spans) or "none")]
    template = str(getattr(row, "template", "") or "")
    details = [f"template {template}"] if template else []
    paid = getattr(row, "paid_hours", None)
    if paid is not None and not pd.isna(paid):
        details.append(f"{float(paid):g} paid hours")
    if details:
        lines.append(", ".join(details))
    return "\n".join(lines)


def _fingerprint(event: icalendar.Event) -> tuple[str, ...]:
    return tuple(
        event[key].to_ical().decode() if key in event else ""
        for key in ("dtstart", "dtend", "summary", "description", "status")
    )


def _set_sequence(event: icalendar.Event, before: Published | None) -> None:
    if before is None:
        sequence = 0
    elif before.cancelled or before.fingerprint != _fingerprint(event):
        sequence = before.sequence + 1
    else:
        sequence = before.sequence
    event.add("sequence", sequence)


def _cancelled(before: Published) -> icalendar.Event:
    if before.cancelled:
        return before.event
    event = icalendar.Event()
    for key in ("uid", "dtstamp", "dtstart", "dtend", "summary", "description"):
        if key in before.event:
            event[key] = before.event[key]
    event.add("status", "CANCELLED")
    event.add("sequence", before.sequence + 1)
    return event


def read_published(data: bytes) -> dict[str, Published]:
    """The events of an earlier calendar file, by UID.

    A file this module could not have written (not iCalendar, an event without a UID, a
    property that does not parse, a SEQUENCE that is not a whole number) is a
    ``ValueError`` saying what is wrong: republishing over it would restart its events'
    SEQUENCE, and calendar apps may then ignore the update.
    """
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError):
        raise ValueError("not an iCalendar file of one VCALENDAR") from None
    if calendar.name != "VCALENDAR":
        raise ValueError(f"holds a {calendar.name or 'nameless'} component, not a VCALENDAR")
    out = {}
    for event in calendar.walk("VEVENT"):
        if "uid" not in event:
            raise ValueError("an event has no UID")
        uid = str(event["uid"])
        for key, problem in event.errors:
            raise ValueError(f"event {shown(uid)}: {key} cannot be read ({shown(problem)})")
        sequence = event.get("sequence", 0)
        if not isinstance(sequence, int) or sequence < 0:
            raise ValueError(
                f"event {shown(uid)}: SEQUENCE {shown(str(sequence))} is not 0 or more"
            )
        status = str(event.get("status", "")).upper()
        out[uid] = Published(
            sequence=int(sequence),
            cancelled=status == "CANCELLED",
            fingerprint=_fingerprint(event),
            event=event,
        )
    return out
