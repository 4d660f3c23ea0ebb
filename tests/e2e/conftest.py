"""Real-browser fixtures: Debian's Chromium driven by Playwright against a real
``streamlit run app.py`` on a free port (recipe: shared/BROWSER.md).

Without Chromium these tests skip locally with a message saying how to install it;
with ``CI`` set they fail instead, so CI can never pass without running them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-results" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
DESKTOP = {"width": 1366, "height": 900}
MOBILE = {"width": 390, "height": 844}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def chromium_path() -> str | None:
    """Debian's Chromium, if installed."""
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def _need_browser() -> str:
    path = chromium_path()
    if path:
        return path
    message = ("Chromium is not installed, so the real-browser tests cannot run. "
               "Install it with: apt-get update && apt-get install -y chromium")
    if os.environ.get("CI"):
        pytest.fail(message + " (CI is set: a missing browser is a failure)")
    pytest.skip(message)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppServer:
    """A ``streamlit run app.py`` process and where to reach it."""

    def __init__(self, env: dict[str, str] | None = None, log_name: str = "server"):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        log_dir = ROOT / "test-results"
        log_dir.mkdir(exist_ok=True)
        self.log_path = log_dir / f"{log_name}.log"
        self._log = self.log_path.open("w", encoding="utf-8")
        command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                   "--server.headless", "true", "--server.port", str(self.port),
                   "--server.address", "127.0.0.1",
                   "--browser.gatherUsageStats", "false",
                   "--server.fileWatcherType", "none"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})})
        self._wait_healthy()

    def _wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{self.log()}")
            try:
                health = f"{self.url}/_stcore/health"
                with urllib.request.urlopen(health, timeout=2) as response:
                    if response.read() == b"ok":
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"streamlit did not become healthy:\n{self.log()}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can see failures."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One headless Chromium for the session."""
    executable = _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable,
                                              args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def app_server(browser) -> Iterator[AppServer]:
    """The real app, served once for the whole session."""
    server = AppServer()
    yield server
    server.stop()


@pytest.fixture
def page(browser, app_server, request) -> Iterator:
    """A fresh browser context and page; prints the server log if the test fails."""
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    context.set_default_timeout(20_000)
    new_page = context.new_page()
    yield new_page
    context.close()
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        print(f"--- server log ({app_server.log_path}) ---\n{app_server.log()[-5000:]}")


def wait_for_app(page) -> None:
    """Wait until the app is connected and its script has finished running."""
    page.wait_for_selector("[data-testid=stApp][data-test-connection-state=CONNECTED]")
    # Right after goto the state can read notRunning before the first run starts:
    # also wait for the page to have content (as Streamlit's own e2e suite does).
    page.wait_for_selector("[data-testid=stMain] [data-testid=stElementContainer]")
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")


def open_app(page, base_url: str, path: str = "") -> None:
    """Go to ``base_url/path`` and wait for the app to be idle."""
    page.goto(f"{base_url}/{path}")
    wait_for_app(page)


def assert_no_exception(page) -> None:
    """No Streamlit exception box and no error toast on the page."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stException")).to_have_count(0)


def axe_violations(page) -> list[dict]:
    """WCAG 2.1 A/AA violations axe-core finds on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    wait_for_app(page)
    # Streamlit fades elements in; a half-faded text fails colour contrast.
    page.wait_for_function(
        "document.getAnimations().every(a => a.playState !== 'running')")
    results = Axe().run(page, options={
        "runOnly": {"type": "tag", "values": WCAG_TAGS},
        "resultTypes": ["violations"]})
    return results.response["violations"]


def describe(violations: list[dict]) -> str:
    """A readable summary of axe violations for an assertion message."""
    lines = []
    for v in violations:
        targets = [", ".join(n["target"]) for n in v["nodes"][:3]]
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} -> {targets}")
    return "\n".join(lines)


def assert_accessible(found: dict[str, list[dict]]) -> None:
    """Fail listing every state whose axe scan found violations."""
    report = {state: describe(v) for state, v in found.items() if v}
    assert report == {}, "\n".join(f"{k}:\n{v}" for k, v in report.items())


def screenshot(page, name: str, folder: Path = SCREENSHOTS) -> Path:
    """Save a whole-page screenshot under test-results/screenshots/.

    Streamlit scrolls inside its main area, not the document, so the viewport is
    stretched to the main area's height for the shot and then restored.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    size = page.viewport_size
    height = page.evaluate(
        "() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(height,
                                                                  size["height"])})
    wait_for_app(page)
    page.wait_for_function(
        "document.getAnimations().every(a => a.playState !== 'running')")
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path
