"""Agent calendars: RFC 5545 files that parse back with the right planning-zone times,
also across a DST change, and update (not duplicate) events when re-published."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar
import pandas as pd
import pytest

from staffplan.roster.ics import agent_calendar, calendar_file_name, event_uid, read_published

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
DST_MONDAY = dt.date(2026, 10, 19)  # clocks go back on Sunday 2026-10-25 03:00 -> 02:00


def local(text: str) -> pd.Timestamp:
    return pd.Timestamp(text).tz_localize(BERLIN)


def dst_week() -> pd.DataFrame:
    starts = [local("2026-10-23 09:00"), local("2026-10-24 22:00"), local("2026-10-25 14:00")]
    ends = [local("2026-10-23 17:30"), local("2026-10-25 06:00"), local("2026-10-25 22:30")]
    return pd.DataFrame(
        {
            "day": [t.date().isoformat() for t in starts],
            "start": starts,
            "end": ends,
            "breaks": ["12:00-12:30", "02:30-03:00;04:00-04:15", "18:00-18:30"],
            "queue": ["chat_zh", "chat_zh", "phone_en"],
            "shift_id": ["S1", "S2", "S3"],
            "paid_hours": [8.0, 8.75, 8.0],
            "template": ["day", "night", "late"],
        }
    )


def events(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def test_calendar_parses_back_with_planning_zone_times_across_the_dst_change():
    data = agent_calendar("Ana López", dst_week(), BERLIN, DST_MONDAY)
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["version"]) == "2.0" and "staffplan" in str(calendar["prodid"])
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/Berlin"
    parsed = events(data)
    assert len(parsed) == 3
    night = next(e for e in parsed if "20261024T220000" in e["dtstart"].to_ical().decode())
    assert night["dtstart"].params["TZID"] == "Europe/Berlin"
    start, end = night.decoded("dtstart"), night.decoded("dtend")
    assert start == dt.datetime(2026, 10, 24, 22, 0, tzinfo=BERLIN)
    assert end == dt.datetime(2026, 10, 25, 6, 0, tzinfo=BERLIN)
    elapsed = end.astimezone(dt.UTC) - start.astimezone(dt.UTC)
    assert elapsed == dt.timedelta(hours=9)  # the extra hour of the autumn night
    assert start.utcoffset() == dt.timedelta(hours=2) and end.utcoffset() == dt.timedelta(hours=1)
    assert "Breaks: 02:30-03:00, 04:00-04:15" in str(night["description"])
    assert str(night["summary"]) == "Shift: chat_zh"


def test_uids_are_stable_and_dtstamp_does_not_depend_on_the_clock():
    first = agent_calendar("Ana", dst_week(), BERLIN, DST_MONDAY)
    again = agent_calendar("Ana", dst_week(), BERLIN, DST_MONDAY)
    assert first == again
    uids = {str(e["uid"]) for e in events(first)}
    assert event_uid("Ana", "2026-10-24", "chat_zh") in uids
    assert all(u.endswith("@staffplan") for u in uids) and len(uids) == 3
    stamps = {e.decoded("dtstamp") for e in events(first)}
    assert stamps == {dt.datetime(2026, 10, 18, 22, 0, tzinfo=dt.UTC)}  # Monday 00:00 Berlin


def test_republishing_updates_changed_events_and_cancels_removed_ones():
    week = dst_week()
    published = read_published(agent_calendar("Ana", week, BERLIN, DST_MONDAY))
    moved = week.iloc[:2].copy()
    moved.loc[0, ["start", "end"]] = [local("2026-10-23 10:00"), local("2026-10-23 18:30")]
    data = agent_calendar("Ana", moved, BERLIN, DST_MONDAY, published)
    by_uid = {str(e["uid"]): e for e in events(data)}
    assert len(by_uid) == 3  # the removed shift comes back as a cancellation, not a copy
    changed = by_uid[event_uid("Ana", "2026-10-23", "chat_zh")]
    same = by_uid[event_uid("Ana", "2026-10-24", "chat_zh")]
    gone = by_uid[event_uid("Ana", "2026-10-25", "phone_en")]
    assert int(changed["sequence"]) == 1 and "STATUS" not in changed
    assert int(same["sequence"]) == 0
    assert str(gone["status"]) == "CANCELLED" and int(gone["sequence"]) == 1
    # Publishing the same again changes nothing, byte for byte.
    assert agent_calendar("Ana", moved, BERLIN, DST_MONDAY, read_published(data)) == data


def test_file_names_are_safe_and_distinct_per_agent():
    assert calendar_file_name("Ana López") == "ana-lópez.ics"
    assert calendar_file_name("王 小明") == "王-小明.ics"
    assert calendar_file_name("o'brien/ops") == "o-brien-ops.ics"


EVENT = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n%sEND:VEVENT\r\nEND:VCALENDAR\r\n"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "not an iCalendar file"),
        (b"not a calendar at all", "not an iCalendar file"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n", "not an iCalendar file"),
        (b"BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n", "not a VCALENDAR"),
        (EVENT % b"SUMMARY:Shift\r\n", "an event has no UID"),
        (EVENT % b"UID:x\r\nSEQUENCE:two\r\n", "event 'x': SEQUENCE cannot be read"),
        (EVENT % b"UID:x\r\nSEQUENCE:-1\r\n", "SEQUENCE '-1' is not 0 or more"),
        (EVENT % b"UID:x\r\nDTSTART:tomorrow\r\n", "event 'x': DTSTART cannot be read"),
    ],
)
def test_a_calendar_this_module_could_not_have_written_is_a_value_error(data, problem):
    with pytest.raises(ValueError, match=problem):
        read_published(data)
