"""One self-contained HTML page a manager can open or mail: headlines, charts, tables.

Images are embedded as base64 PNG, so the page has no other files. Every value from user
data is HTML-escaped. The page holds no wall-clock time, so it is byte-identical for
the same inputs.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping

import pandas as pd

from staffplan.tables import iso_times

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1b1f24}
h1{margin-bottom:.2rem} .sub{color:#57606a;margin-top:0}
.cards{display:flex;flex-wrap:wrap;gap:1rem;margin:1.5rem 0}
.card{border:1px solid #d0d7de;border-radius:8px;padding:.8rem 1.1rem;min-width:11rem}
.card .value{font-size:1.6rem;font-weight:600} .card .label{color:#57606a;font-size:.85rem}
img{max-width:100%;border:1px solid #d0d7de;border-radius:6px;margin:.5rem 0 1.5rem}
table{border-collapse:collapse;font-size:.85rem;margin-bottom:2rem}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:right}
th{background:#f6f8fa} td:first-child,th:first-child{text-align:left}
"""


def render_report(
    title: str,
    subtitle: str,
    headlines: Mapping[str, str],
    images: Mapping[str, bytes],
    tables: Mapping[str, pd.DataFrame],
    *,
    max_rows: int = 200,
) -> str:
    """The report page as HTML text.

    ``headlines`` maps a label to its already formatted value (shown as cards, each with
    ``data-headline`` = label for machine checks); ``images`` maps a caption to PNG bytes;
    ``tables`` maps a caption to a table (at most ``max_rows`` rows shown, with a note).
    """
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1><p class='sub'>{html.escape(subtitle)}</p>",
        "<div class='cards'>",
    ]
    for label, value in headlines.items():
        parts.append(
            f"<div class='card' data-headline='{html.escape(label, quote=True)}'>"
            f"<div class='value'>{html.escape(value)}</div>"
            f"<div class='label'>{html.escape(label)}</div></div>"
        )
    parts.append("</div>")
    for caption, png in images.items():
        encoded = base64.b64encode(png).decode("ascii")
        parts.append(f"<h2>{html.escape(caption)}</h2>")
        parts.append(
            f"<img alt='{html.escape(caption, quote=True)}' src='data:image/png;base64,{encoded}'>"
        )
    for caption, table in tables.items():
        parts.append(f"<h2>{html.escape(caption)}</h2>")
        parts.append(_table_html(table, max_rows))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _table_html(table: pd.DataFrame, max_rows: int) -> str:
    shown = table.head(max_rows).copy()
    for column in shown.columns:
        if isinstance(shown[column].dtype, pd.DatetimeTZDtype):
            shown[column] = iso_times(shown[column])
    body = shown.to_html(index=False, float_format=lambda v: f"{v:,.2f}", escape=True)
    if len(table) > max_rows:
        body += f"<p class='sub'>First {max_rows} of {len(table)} rows; see the CSV.</p>"
    return body
