"""One self-contained HTML page a manager can open, mail or read on a phone.

The page is a title, headline cards and a list of :class:`Section` s, each a title and
its HTML body built with the helpers here (:func:`table_html`, :func:`figure_html`,
:func:`facts_html`, :func:`note_html`). Charts are inline SVG and the style sheet is
inline, so the page needs no other file and no network; the tables' full CSVs are
linked, for download, by their name in the same folder. The page has a mobile viewport,
wraps its cards, and scrolls a wide table or chart inside its own box, so nothing runs
off the page. Every value from user data is HTML-escaped. The page holds no wall-clock
time, so it is byte-identical for the same inputs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple

import pandas as pd

from staffplan.console import cell_text
from staffplan.tables import iso_times

SVG_WIDTH = re.compile(r'<svg[^>]*?\swidth="([0-9.]+pt)"')  # a chart's drawn width
OPEN_ROWS = 20  # a longer table is collapsed under a summary line
MAX_ROWS = 200  # rows shown at most; the linked CSV has them all

STYLE = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;
padding:1rem 1.25rem 3rem;max-width:72rem;color:#1b1f24;line-height:1.45}
h1{margin:.5rem 0 .2rem;font-size:1.7rem} h2{margin:2.2rem 0 .6rem;font-size:1.3rem;
border-bottom:1px solid #d0d7de;padding-bottom:.2rem} h3{font-size:1.05rem;margin:1.2rem 0 .4rem}
.sub,.note{color:#57606a;margin-top:0} .note{font-size:.9rem}
nav{font-size:.9rem;margin:.8rem 0} nav a{margin-right:1rem;white-space:nowrap}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(11rem,1fr));gap:.75rem;
margin:1.2rem 0}
.card{border:1px solid #d0d7de;border-radius:8px;padding:.6rem .9rem;overflow-wrap:anywhere}
.card .value{font-size:1.3rem;font-weight:600} .card .label{color:#57606a;font-size:.85rem}
.card.warn{border-color:#cf222e;background:#fff5f5}
.scroll{overflow-x:auto;max-width:100%;margin:.4rem 0 1rem}
figure{margin:.5rem 0 1.5rem} figure svg{display:block;width:100%;height:auto}
figure.wide svg{min-width:36rem}
.panels{display:flex;flex-wrap:wrap;gap:0 1.5rem} .panels figure{flex:1 1 18rem;max-width:30rem}
table{border-collapse:collapse;font-size:.85rem;font-variant-numeric:tabular-nums}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:right;white-space:nowrap}
th{background:#f6f8fa} td:first-child,th:first-child{text-align:left}
dl.facts{display:grid;grid-template-columns:minmax(8rem,max-content) 1fr;gap:.3rem 1rem;
margin:.5rem 0 1rem} dl.facts dt{color:#57606a} dl.facts dd{margin:0;overflow-wrap:anywhere}
details{margin:.4rem 0 1rem} summary{cursor:pointer;color:#0969da}
@media (max-width:40rem){body{padding:.75rem} h1{font-size:1.4rem}
dl.facts{grid-template-columns:1fr} dl.facts dd{margin-bottom:.4rem}}
"""


class Section(NamedTuple):
    """One part of the report: its heading and its HTML body."""

    title: str
    html: str


def render_report(
    title: str,
    subtitle: str,
    headlines: Mapping[str, str],
    sections: Iterable[Section],
    *,
    warnings: Iterable[str] = (),
) -> str:
    """The report page as HTML text.

    ``headlines`` maps a label to its already formatted value (shown as cards, each with
    ``data-headline`` = label for machine checks; a label in ``warnings`` is outlined
    red). Each section becomes an ``<h2>`` with an anchor in the page's contents line.
    """
    sections = list(sections)
    flagged = set(warnings)
    anchors = _anchors([s.title for s in sections])
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1><p class='sub'>{html.escape(subtitle)}</p>",
        "<div class='cards'>",
    ]
    for label, value in headlines.items():
        kind = "card warn" if label in flagged else "card"
        parts.append(
            f"<div class='{kind}' data-headline='{html.escape(label, quote=True)}'>"
            f"<div class='value'>{html.escape(value)}</div>"
            f"<div class='label'>{html.escape(label)}</div></div>"
        )
    parts.append("</div>")
    if sections:
        links = " ".join(
            f"<a href='#{a}'>{html.escape(s.title)}</a>"
            for a, s in zip(anchors, sections, strict=True)
        )
        parts.append(f"<nav>{links}</nav>")
    for anchor, section in zip(anchors, sections, strict=True):
        parts.append(f"<section id='{anchor}'><h2>{html.escape(section.title)}</h2>")
        parts.append(section.html)
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def table_html(
    table: pd.DataFrame,
    *,
    csv_name: str | None = None,
    open_rows: int = OPEN_ROWS,
    max_rows: int = MAX_ROWS,
) -> str:
    """``table`` as HTML in a horizontally scrolling box, numbers written as on the
    screen (thousands separators, ``inf``, ``—`` for missing). A table of more than
    ``open_rows`` rows is collapsed under a summary line; at most ``max_rows`` rows are
    shown. ``csv_name`` (a file in the report's folder) is linked for download."""
    shown = table.head(max_rows).copy()
    for column in shown.columns:
        if isinstance(shown[column].dtype, pd.DatetimeTZDtype):
            shown[column] = iso_times(shown[column])
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell_text(v))}</td>" for v in row) + "</tr>"
        for row in shown.itertuples(index=False)
    )
    body = (
        f"<div class='scroll'><table><thead><tr>{head}</tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
    )
    link = ""
    if csv_name is not None:
        name = html.escape(csv_name, quote=True)
        link = f"<a href='{name}' download>{html.escape(csv_name)}</a>"
    if len(table) > max_rows:
        whole = f"all of them in {link}" if link else "the rest are not shown"
        body += f"<p class='note'>First {max_rows} of {len(table):,} rows; {whole}.</p>"
    elif link:
        body += f"<p class='note'>Download: {link}</p>"
    if len(table) <= open_rows:
        return body
    return f"<details><summary>Show the {len(table):,} rows</summary>{body}</details>"


def figure_html(svg: str, description: str, *, wide: bool = False) -> str:
    """An inline SVG chart (from :func:`staffplan.charts.figure_svg`) with its text
    ``description`` for screen readers. A ``wide`` chart (a time series) keeps a
    readable minimum width and scrolls sideways on a phone instead of shrinking."""
    kind = "wide" if wide else "chart"
    label = html.escape(description, quote=True)
    natural = SVG_WIDTH.search(svg)  # shrink to fit, never blow up past the drawn size
    style = f" style='max-width:{natural[1]}'" if natural else ""
    return (
        f"<figure class='{kind}' role='img' aria-label='{label}'{style}>"
        f"<div class='scroll'>{svg}</div></figure>"
    )


def panels_html(figures: Iterable[str]) -> str:
    """Charts from :func:`figure_html` side by side, wrapping one under another on a
    narrow screen."""
    return f"<div class='panels'>{''.join(figures)}</div>"


def facts_html(facts: Mapping[str, str]) -> str:
    """Label → value pairs as a two-column list (one column on a phone)."""
    items = "".join(
        f"<dt>{html.escape(label)}</dt><dd>{html.escape(value)}</dd>"
        for label, value in facts.items()
    )
    return f"<dl class='facts'>{items}</dl>"


def note_html(text: str) -> str:
    """A paragraph of explanation in a quieter colour."""
    return f"<p class='note'>{html.escape(text)}</p>"


def _anchors(titles: list[str]) -> list[str]:
    """A unique ``id`` per section title (lower-case words joined by ``-``)."""
    anchors: list[str] = []
    for title in titles:
        base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "section"
        anchor, count = base, 1
        while anchor in anchors:
            count += 1
            anchor = f"{base}-{count}"
        anchors.append(anchor)
    return anchors
