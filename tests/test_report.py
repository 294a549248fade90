"""The HTML report is self-contained and escapes user text."""

from __future__ import annotations

import base64

import pandas as pd
from report_parsing import ReportParser

from staffplan.jobs.report import render_report

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def test_report_embeds_images_and_escapes_text():
    table = pd.DataFrame({"queue": ["<script>alert(1)</script>"], "agents": [3]})
    page = render_report(
        "Plan", "week 50", {"Peak agents": "42"}, {"Coverage": PNG}, {"Requirements": table}
    )
    parsed = ReportParser()
    parsed.feed(page)
    assert parsed.headlines == {"Peak agents": "42"}
    assert parsed.images == ["data:image/png;base64," + base64.b64encode(PNG).decode()]
    assert "<script>" not in page and "&lt;script&gt;" in page
