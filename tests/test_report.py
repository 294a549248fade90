"""The HTML report is self-contained and escapes user text."""

from __future__ import annotations

import base64
from html.parser import HTMLParser

import pandas as pd

from staffplan.report import render_report

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.headlines: dict[str, str] = {}
        self._label: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs["src"])
        if "data-headline" in attrs:
            self._label = attrs["data-headline"]

    def handle_data(self, data):
        if self._label is not None and data.strip():
            self.headlines[self._label] = data.strip()
            self._label = None


def test_report_embeds_images_and_escapes_text():
    table = pd.DataFrame({"queue": ["<script>alert(1)</script>"], "agents": [3]})
    page = render_report(
        "Plan", "week 50", {"Peak agents": "42"}, {"Coverage": PNG}, {"Requirements": table}
    )
    parsed = _Collect()
    parsed.feed(page)
    assert parsed.headlines == {"Peak agents": "42"}
    assert parsed.images == ["data:image/png;base64," + base64.b64encode(PNG).decode()]
    assert "<script>" not in page and "&lt;script&gt;" in page
