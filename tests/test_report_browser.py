"""The demo plan's report in a real browser (headless Chromium), at desktop and phone
widths: it draws something, and nothing runs off the side of a phone screen.

Chromium comes from the distribution's packages (``.ci/run`` installs it where apt is
available); without it these tests are skipped, saying so. The screenshots stay in the
test's temp folder (pytest keeps the last runs' folders) for a person to look at.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
BROWSER = next((path for name in BROWSERS if (path := shutil.which(name))), None)
pytestmark = pytest.mark.skipif(
    BROWSER is None,
    reason="no headless Chromium on PATH (Debian: apt-get install chromium); "
    "the report's browser test needs one",
)
DESKTOP_PX, PHONE_PX = 1280, 390
# Headless Chromium's window is at least 500 px wide, so the phone is a 390 px frame:
# once loaded, the page's laid-out width and the frame's viewport go into the DOM.
PHONE_FRAME = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="phone" style="width:{width}px;height:800px;border:0" srcdoc="{page}"></iframe>
<script>window.addEventListener("load", () => {{
  const frame = document.getElementById("phone");
  document.body.setAttribute("data-widths",
    frame.contentDocument.documentElement.scrollWidth + " " + frame.contentWindow.innerWidth);
}});</script></body></html>"""


def browse(page: Path, width_px: int, height_px: int, *mode: str) -> str:
    """Run headless Chromium on ``page`` in a ``width_px`` × ``height_px`` window; stdout."""
    run = subprocess.run(
        [
            BROWSER,
            "--headless",
            "--no-sandbox",  # CI runs as root
            "--disable-gpu",
            "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
            "--hide-scrollbars",
            f"--user-data-dir={page.parent / 'profile'}",
            f"--window-size={width_px},{height_px}",
            *mode,
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


@pytest.fixture(scope="module")
def report_copy(plan_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared plan's folder copied (the report links its CSVs), never written into."""
    folder = tmp_path_factory.mktemp("browser") / "plan"
    shutil.copytree(plan_folder, folder)
    return folder / "report.html"


@pytest.mark.parametrize("width_px", [DESKTOP_PX, PHONE_PX], ids=["desktop", "phone"])
def test_report_screenshot_shows_the_page(report_copy: Path, width_px: int):
    shot = report_copy.parent / f"report_{width_px}px.png"
    browse(report_copy, width_px, 2400, f"--screenshot={shot}")
    with Image.open(shot) as image:
        assert image.size == (width_px, 2400)
        pixels = image.convert("L").resize((width_px // 4, 600))
        histogram = pixels.histogram()
    inked = sum(histogram[:200]) / sum(histogram)  # darker than near-white: text, charts
    assert 0.02 < inked < 0.6, f"{shot}: {inked:.1%} of the page is drawn on"


def test_report_fits_a_phone_screen_without_sideways_scrolling(report_copy: Path):
    page = html.escape(report_copy.read_text(encoding="utf-8"), quote=True)
    phone = report_copy.with_name("phone.html")
    phone.write_text(PHONE_FRAME.format(width=PHONE_PX, page=page), encoding="utf-8")
    dom = browse(phone, DESKTOP_PX, 900, "--dump-dom", "--virtual-time-budget=10000")
    widths = re.search(r'data-widths="(\d+) (\d+)"', dom)
    assert widths, "the measuring script did not run"
    scroll_width, viewport = int(widths[1]), int(widths[2])
    assert viewport == PHONE_PX
    assert scroll_width <= viewport, f"the page is {scroll_width} px wide on a {viewport} px phone"
