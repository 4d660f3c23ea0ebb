"""Regenerate the README's screenshots: ``python scripts/update_screenshots.py``.

Starts the real app (``streamlit run app.py`` on a free port, as the browser tests
do), opens each page in Debian's Chromium at a desktop (1366 px) and a phone
(390 px) width, and writes ``docs/screenshots/<page>-desktop.png`` and
``<page>-mobile.png``. Needs Chromium (``apt-get install -y chromium``) and the
test requirements (Playwright); no network.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from tests.e2e.conftest import (  # noqa: E402
    CHROMIUM_ARGS,
    DESKTOP,
    MOBILE,
    AppServer,
    chromium_path,
    open_app,
    screenshot,
)

FOLDER = ROOT / "docs" / "screenshots"
# name -> (URL path, a locator that shows the page has fully rendered)
PAGES = {
    "home": ("", lambda page: page.get_by_test_id("stMetric").first),
    "explorer": ("explorer", lambda page: page.locator(".js-plotly-plot").first),
    "eligibility": ("eligibility", lambda page: page.get_by_text("Step 1 of up to 6")),
    "visiting": ("visiting", lambda page: page.locator("ol").first),
}
WIDTHS = {"desktop": DESKTOP, "mobile": MOBILE}


def capture(browser, server: AppServer) -> list[Path]:
    """Every page at every width, each in a fresh context; the files written."""
    written = []
    for name, (path, rendered) in PAGES.items():
        for width, viewport in WIDTHS.items():
            context = browser.new_context(viewport=viewport)
            try:
                page = context.new_page()
                open_app(page, server.url, path)
                expect(rendered(page)).to_be_visible(timeout=30_000)
                written.append(screenshot(page, f"{name}-{width}", folder=FOLDER))
            finally:
                context.close()
    return written


def main() -> int:
    """Start the app, take the screenshots, report each file's size."""
    executable = chromium_path()
    if executable is None:
        print("Chromium is not installed: apt-get update && apt-get install -y "
              "chromium", file=sys.stderr)
        return 1
    server = AppServer(log_name="screenshots-server")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable,
                                                 args=CHROMIUM_ARGS)
            try:
                written = capture(browser, server)
            finally:
                browser.close()
    finally:
        server.stop()
    for path in written:
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size / 1024:,.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
