"""Test helper: read the parts of a staffplan HTML report that tests check."""

from __future__ import annotations

from html.parser import HTMLParser


class ReportParser(HTMLParser):
    """Collects ``<img src>`` values, the count of inline ``<svg>`` charts, the section
    headings (``<h2>``), the link targets and the headline cards (``data-headline`` →
    value)."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.charts = 0
        self.sections: list[str] = []
        self.links: list[str] = []
        self.headlines: dict[str, str] = {}
        self._label: str | None = None
        self._in_h2 = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs["src"])
        self.charts += tag == "svg"
        self._in_h2 = tag == "h2"
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        if "data-headline" in attrs:
            self._label = attrs["data-headline"]

    def handle_endtag(self, tag):
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data):
        if self._in_h2:
            self.sections.append(data.strip())
        if self._label is not None and data.strip():
            self.headlines[self._label] = data.strip()
            self._label = None
