"""Test helper: read the parts of a staffplan HTML report that tests check."""

from __future__ import annotations

from html.parser import HTMLParser


class ReportParser(HTMLParser):
    """Collects ``<img src>`` values and the headline cards (``data-headline`` → value)."""

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
