"""One policy for names (staffplan/config/names.py): any name is either refused at load,
with the key and what to do, or goes through every output as it is: CSV and XLSX with
no cell a spreadsheet would evaluate, HTML escaped, ICS without injected lines, charts
drawn literally, calendar files that cannot collide."""

from __future__ import annotations

import csv
import datetime as dt
import html.parser
import io
import re
import tempfile
import types
import unicodedata
import warnings
import zoneinfo
from pathlib import Path
from xml.etree import ElementTree

import icalendar
import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from staffplan import tables
from staffplan.config import parse_config
from staffplan.config.names import (
    FILE_STEM_MAX_BYTES,
    MAX_NAME_CHARS,
    defuse_formula,
    file_stem,
    starts_formula,
)
from staffplan.console import print_table
from staffplan.errors import ConfigError
from staffplan.finance.excel import workbook_bytes
from staffplan.forecast.plot import forecast_png
from staffplan.forecast.run import ForecastRun
from staffplan.heat_map import heatmap_svg
from staffplan.jobs.report import Section, render_report, table_html
from staffplan.roster.ics import agent_calendar, calendar_file_name
from staffplan.schedule.plot import coverage_png
from staffplan.simulate import SimulationResult, plot_simulation

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
MONDAY = dt.date(2026, 12, 7)
PNG = b"\x89PNG\r\n\x1a\n"

# Where each kind of name sits in the config that make_config builds.
KEYS = {
    "queue": "queues[1].name",
    "template": "shifts.templates[1].name",
    "agent": "team.agents[1].name",
    "reason": "deflection.queues[0].reasons[1].name",
    "programme": "deflection.queues[0].programme",
    "scenario": "scenarios.cases[1].name",
}


DEFAULT_NAMES = {
    "queue": "mail",
    "template": "late",
    "agent": "Ben",
    "reason": "how_to",
    "programme": "bot",
    "scenario": "stressed",
}


def make_config(names: dict[str, str]) -> dict:
    """A small valid config whose names of each kind in ``names`` are replaced."""
    name = {**DEFAULT_NAMES, **names}
    template = {"start_window": ["08:00", "10:00"], "start_every_min": 60, "lengths_min": [480]}
    return {
        "timezone": "Europe/Berlin",
        "queues": [{"name": "chat", "aht_s": 300}, {"name": name["queue"], "aht_s": 600}],
        "shifts": {
            "templates": [{"name": "day", **template}, {"name": name["template"], **template}]
        },
        "team": {"agents": [{"name": "Ana"}, {"name": name["agent"]}]},
        "deflection": {
            "queues": [
                {
                    "queue": "chat",
                    "programme": name["programme"],
                    "reasons": [
                        {"name": "other", "share": 0.5},
                        {"name": name["reason"], "share": 0.5},
                    ],
                }
            ]
        },
        "scenarios": {
            "start": "2027-01",
            "starting_headcount": 5,
            "cases": [
                {"name": "base", "cost_per_fte_month": 5000},
                {"name": name["scenario"], "cost_per_fte_month": 5000},
            ],
        },
    }


def load(raw: dict):
    text = yaml.safe_dump(raw, sort_keys=False)  # non-ASCII escaped: \x85 is kept
    assert yaml.safe_load(text) == raw, "the test's YAML does not round-trip the name"
    return parse_config(text, source=Path("names.yaml"))


def stored(config, kind: str) -> str:
    return {
        "queue": lambda: config.queues[1].name,
        "template": lambda: config.shifts.templates[1].name,
        "agent": lambda: config.team.agents[1].name,
        "reason": lambda: config.deflection.queues[0].reasons[1].name,
        "programme": lambda: config.deflection.queues[0].programme,
        "scenario": lambda: config.scenarios.cases[1].name,
    }[kind]()


# Any code point but surrogates, with the prefixes and endings attacks use.
PREFIXES = ["", "", "", "=", "+", "-", "@", "\x1f=", "\x01=", " ", "\t", "$", "$\\", "\u200b="]
ENDINGS = ["", "", "", "$", "\n", "\r\nBEGIN:VEVENT", " ", ";,\\", "</td><script>", "x" * 110]
NAMES = st.one_of(
    st.builds(
        "".join,
        st.tuples(st.sampled_from(PREFIXES), st.text(max_size=30), st.sampled_from(ENDINGS)),
    ),
    st.text(st.characters(categories=["L", "M", "N", "P", "S", "Zs"]), min_size=1, max_size=40).map(
        str.strip
    ),
)


# ------------------------------------------------------------------ the policy at load


@pytest.mark.parametrize("kind", list(KEYS))
@settings(max_examples=60, deadline=None)
@given(name=NAMES)
@example(name="a\\Nb")  # icalendar alone would write it as a line break
def test_a_name_is_refused_at_its_key_or_kept_exactly(kind, name):
    try:
        config = load(make_config({kind: name}))
    except ConfigError as error:
        message = error.message
        assert f"names.yaml: {KEYS[kind]}: " in message, message
        assert "\n" not in message and len(message) < 400, message
        return
    assert stored(config, kind) == name
    assert defuse_formula(name) == name and not starts_formula(name)
    assert name == name.strip() and 0 < len(name) <= MAX_NAME_CHARS
    assert all(unicodedata.category(c) not in ("Cc", "Zl", "Zp", "Cs") for c in name)


@pytest.mark.parametrize(
    "name",
    ["Ana López", "王 小明", "山田\u3000太郎", "ناهید\u200cرضایی", "O'Brien", "chat $", "a+b"],
)
def test_names_people_use_are_kept(name):
    kinds = [kind for kind in KEYS if not (kind == "queue" and "+" in name)]
    config = load(make_config(dict.fromkeys(kinds, name)))
    assert all(stored(config, kind) == name for kind in kinds)


@pytest.mark.parametrize(
    ("kind", "name", "fragment"),
    [
        ("agent", "Ana\nLopez", "has a control character (U+000A) at character 4"),
        ("agent", "Ana\rBEGIN:VEVENT", "U+000D"),
        ("scenario", "\x1f=HYPERLINK(1)", "U+001F"),
        ("template", "a\tb", "U+0009"),
        ("reason", "a\u2028b", "a line separator (U+2028)"),
        ("queue", "safe\u202eexe.txt", "an invisible format character (U+202E)"),
        ("agent", " Ana", "starts or ends with a space; remove it"),
        ("programme", "bot ", "starts or ends with a space"),
        ("agent", "A" * 101, "is 101 characters long; use at most 100"),
        (
            "agent",
            '=HYPERLINK("http://x")',
            "starts with '=', which a spreadsheet reads as a formula",
        ),
        ("scenario", "+1", "starts with '+'"),
        ("reason", "-other", "starts with '-'"),
        ("template", "@late", "starts with '@'"),
        ("queue", "chat+mail", "the queue name 'chat+mail' contains '+'; remove it"),
        ("queue", "   ", "the queue name must not be empty"),
        ("agent", "!!", "'!!' needs a letter or digit: it names the calendar file"),
    ],
)
def test_each_rule_refuses_with_the_key_and_what_to_do(kind, name, fragment):
    with pytest.raises(ConfigError) as caught:
        load(make_config({kind: name}))
    assert f"{KEYS[kind]}: " in caught.value.message and fragment in caught.value.message


def test_a_huge_name_is_not_repeated_whole_in_the_message():
    with pytest.raises(ConfigError) as caught:
        load(make_config({"agent": "Ana" * 100_000}))
    message = caught.value.message
    assert len(message) < 300 and "300000 characters" in message, message


# ------------------------------------------------------------------ names as file names


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Ana", "ANA"),
        ("José", unicodedata.normalize("NFD", "José")),  # as macOS stores it
        ("Straße", "STRASSE"),  # the same on a file system that folds case fully
        ("Ana-Lopez", "ana lopez"),
        ("𝔸" * 60 + "a", "𝔸" * 60 + "b"),  # both cut to the same 200-byte stem
    ],
)
def test_agents_whose_calendar_files_would_collide_are_refused_naming_both(first, second):
    raw = make_config({})
    raw["team"]["agents"] = [{"name": first}, {"name": second}]
    with pytest.raises(ConfigError) as caught:
        load(raw)
    message = caught.value.message
    assert "team.agents[1].name" in message and "(agents[0])" in message, message
    assert repr(second)[:20] in message and repr(first)[:20] in message, message


@pytest.mark.parametrize(
    ("name", "file_name"),
    [
        ("Ana López", "ana-lópez.ics"),
        (unicodedata.normalize("NFD", "José"), "josé.ics"),
        ("Con", "con_.ics"),  # a Windows device name
        ("LPT1", "lpt1_.ics"),
        ("../../etc/passwd", "etc-passwd.ics"),
    ],
)
def test_calendar_file_names_are_portable(name, file_name):
    assert calendar_file_name(name) == file_name


def test_calendar_file_names_of_long_names_fit_every_file_system():
    name = "𝔸" * MAX_NAME_CHARS  # 4 bytes each in UTF-8
    assert len(file_stem(name).encode()) <= FILE_STEM_MAX_BYTES
    assert len(calendar_file_name(name).encode()) <= 255 - len(".tmp.12345678.")


# ------------------------------------------------------------------ every output


def one_table(name: str) -> pd.DataFrame:
    return pd.DataFrame(
        {"queue": [name, "chat"], "agent": ["Ana", name], "delta": [-1.5, 2.0], "count": [-3, 4]}
    )


def check_csv(name: str, folder: Path) -> None:
    table = one_table(name)
    text = tables.to_csv_text(table)
    path = folder / "table.csv"
    path.write_text(text, encoding="utf-8")
    back = tables.read_csv(path, required=("queue", "agent"), kind="test")
    assert back["queue"].tolist() == [name, "chat"] and back["agent"].tolist() == ["Ana", name]
    assert back["delta"].tolist() == ["-1.5", "2"] and back["count"].tolist() == ["-3", "4"]
    rows = list(csv.DictReader(io.StringIO(text)))
    assert not any(starts_formula(row[c]) for row in rows for c in ("queue", "agent"))


def check_xlsx(name: str) -> None:
    book = load_workbook(io.BytesIO(workbook_bytes([(name, one_table(name))], {})))
    (sheet,) = book.worksheets
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not any(cell.data_type == "f" for cell in cells)
    assert sheet["A2"].value == name and sheet["B3"].value == name and sheet["C2"].value == -1.5


class Page(html.parser.HTMLParser):
    """The tags, attribute values and text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes += [value or "" for _, value in attrs]

    def handle_data(self, data):
        self.text.append(data)


REPORT_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "div"}
REPORT_TAGS |= {"nav", "a", "section"}
TABLE_TAGS = {"table", "thead", "tbody", "tr", "th", "td"}


def check_html(name: str) -> None:
    page = Page()
    page.feed(render_report(name, name, {name: name}, [Section(name, table_html(one_table(name)))]))
    assert page.tags <= REPORT_TAGS | TABLE_TAGS, page.tags
    assert name in page.attributes and page.text.count(name) >= 5


def unfolded_lines(data: bytes) -> list[str]:
    return re.sub(r"\r\n[ \t]", "", data.decode("utf-8")).split("\r\n")


def week_of_shifts(queue: str, template: str) -> pd.DataFrame:
    starts = [pd.Timestamp(f"2026-12-0{d} 09:00", tz=BERLIN) for d in (7, 8)]
    return pd.DataFrame(
        {
            "day": [t.date().isoformat() for t in starts],
            "start": starts,
            "end": [t + pd.Timedelta(hours=8) for t in starts],
            "breaks": ["12:00-12:30", ""],
            "queue": [queue, queue],
            "template": [template, template],
        }
    )


def calendar_name(data: bytes) -> str:
    """X-WR-CALNAME as written in the file, read once as the RFC 5545 TEXT it is: a
    backslash before n or N is a line break, before a backslash, ; or , that character.
    (Read from the text, not from icalendar: whether icalendar unescapes an X- property
    itself differs between its versions.)"""
    line = next(line for line in unfolded_lines(data) if line.upper().startswith("X-WR-CALNAME"))
    escaped = line.split(":", 1)[1]
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], escaped)


def check_ics(name: str, folder: Path) -> None:
    data = agent_calendar(name, week_of_shifts(name, name), BERLIN, MONDAY)
    calendar = icalendar.Calendar.from_ical(data)
    assert calendar_name(data) == f"Shifts: {name}"
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 2 and {str(e["summary"]) for e in events} == {f"Shift: {name}"}
    assert all(f"template {name}" in str(e["description"]) for e in events)
    lines = [line for line in unfolded_lines(data) if line]
    assert all(re.match(r"[A-Z][A-Z0-9-]*[;:]", line) for line in lines), lines
    assert not any("\r" in line or "\n" in line for line in lines)
    assert sum(line == "BEGIN:VEVENT" for line in lines) == 2
    (folder / calendar_file_name(name)).write_bytes(data)  # a valid file name here too


def check_chart(name: str) -> None:
    times = pd.date_range("2026-12-07 09:00", periods=4, freq="30min", tz=BERLIN)
    coverage = pd.DataFrame(
        {
            "queue": name,
            "interval_start": times,
            "required": [1, 2, 3, 2],
            "scheduled": [1, 1, 3, 2],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # glyphs the font lacks are drawn as boxes
        assert coverage_png(coverage, title=name).startswith(PNG)
        svg = heatmap_svg(pd.DataFrame({name: [1.0]}), title=name, value_label=name, id_prefix="n")
    # the report inlines the SVG: it must be well-formed XML holding the name as text
    texts = "".join(ElementTree.fromstring(svg).itertext())
    assert texts.count(name) >= 2, texts


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=NAMES)
@example(name="a\\Nb")  # icalendar alone would write it as a line break
def test_any_name_is_refused_at_load_or_safe_in_every_output(name):
    try:
        config = load(make_config(dict.fromkeys(KEYS, name)))
    except ConfigError as error:
        assert any(f"{key}: " in error.message for key in KEYS.values()), error.message
        return
    assert all(stored(config, kind) == name for kind in KEYS)
    with tempfile.TemporaryDirectory() as folder:
        check_csv(name, Path(folder))
        check_ics(name, Path(folder))
    check_xlsx(name)
    check_html(name)
    check_chart(name)


# ------------------------------------------------------------------ defence in depth
# Text that does not come from the config (a requirements file's queue column, a
# renamed column) is defused by the writers all the same.


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://x")', '\x1f=HYPERLINK("x")', "\x01=1+1", " @SUM(A1)", "\t-1", "\u200b+1"],
)
def test_writers_defuse_a_formula_hidden_behind_spaces_or_control_characters(text):
    table = pd.DataFrame({"queue": [text], "delta": [-1.5]})
    rows = list(csv.DictReader(io.StringIO(tables.to_csv_text(table))))
    assert rows == [{"queue": "'" + text, "delta": "-1.5"}]
    book = load_workbook(io.BytesIO(workbook_bytes([(text, table)], {})))
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert not any(cell.data_type == "f" for cell in cells)
    assert book.worksheets[0]["A2"].value.startswith("'") and book.worksheets[0]["B2"].value == -1.5


def test_a_line_break_in_calendar_text_cannot_start_a_property():
    agent, queue = "Ana\rBEGIN:VEVENT", "chat\r\nSUMMARY:free day\x01"
    data = agent_calendar(agent, week_of_shifts(queue, "day\nX-INJECTED:1"), BERLIN, MONDAY)
    lines = unfolded_lines(data)
    assert sum(line == "BEGIN:VEVENT" for line in lines) == 2
    assert not any(line.startswith(("SUMMARY:free", "X-INJECTED")) for line in lines)
    calendar = icalendar.Calendar.from_ical(data)
    assert calendar_name(data) == "Shifts: Ana\nBEGIN:VEVENT"
    assert {str(e["summary"]) for e in calendar.walk("VEVENT")} == {"Shift: chat\nSUMMARY:free day"}


def test_the_screen_prints_markup_and_escape_sequences_as_written(capsys):
    names = ["a[/b]", "[link=http://x]click", "clear\x1b[2J"]
    print_table(pd.DataFrame({"queue": names, "agents": [1, 2, 3]}), title="[/title]")
    print_table({"[bold]key": "[/value]"})
    out = capsys.readouterr().out
    assert all(text in out for text in ["a[/b]", "[link=http://x]click", "[/title]", "[/value]"])
    assert "clear\\x1b[2J" in out and "\x1b" not in out


# ------------------------------------------------------------------ charts

MATHTEXT_TRAPS = ["$\\x$", "$x_$", "cost $5 and $6", "\\$", "$$"]


@pytest.mark.parametrize("name", MATHTEXT_TRAPS)
def test_every_chart_draws_dollar_names_literally(name):
    times = pd.date_range("2026-12-07 09:00", periods=6, freq="30min", tz=BERLIN)
    volume = np.array([3.0, 5.0, 9.0, 4.0, 2.0, 1.0])
    forecast = pd.DataFrame(
        {
            "queue": name,
            "interval_start": times,
            "volume": volume,
            **{
                f"{side}{level}": volume * f
                for level in (80, 95)
                for side, f in (("lo", 0.8), ("hi", 1.2))
            },
            "peak": volume >= 9,
        }
    )
    run = ForecastRun(
        forecast=forecast,
        model=types.SimpleNamespace(name=name, interval_min_=30),
        driver=pd.DataFrame(columns=["interval_start", "daily_vol", "source"]),
        history=forecast[["queue", "interval_start", "volume"]].assign(
            interval_start=times - pd.Timedelta(days=7)
        ),
    )
    band = pd.DataFrame(
        {
            "queue": name,
            "interval_start": times,
            "volume": volume,
            "service_level": 0.8,
            "service_level_p10": 0.7,
            "service_level_p90": 0.9,
            "erlang_service_level": 0.82,
        }
    )
    simulation = SimulationResult(
        intervals=band,
        daily=pd.DataFrame({"queue": [name], "target": [0.8]}),
        replications=3,
        seed=1,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert forecast_png(run).startswith(PNG)
        assert plot_simulation(simulation).startswith(PNG)
    check_chart(name)
