"""Deep links work even as the very first request to a freshly started server."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import AppServer, assert_no_exception, open_app

NAV_LABELS = ["Overview", "Program explorer", "Rotator eligibility check",
              "Visiting students and verification"]


@pytest.fixture
def fresh_server(browser):
    """A server no browser has visited yet (Streamlit's legacy mode is still on)."""
    server = AppServer(log_name="fresh-server")
    yield server
    server.stop()


@pytest.mark.parametrize("path", ["visiting", "eligibility", "explorer"])
def test_deep_link_on_fresh_server_runs_through_app(browser, fresh_server, path):
    """The first visit to /<page> shows the app's navigation, not the raw files."""
    context = browser.new_context()
    page = context.new_page()
    try:
        open_app(page, fresh_server.url, path)
        nav = page.get_by_test_id("stSidebarNav")
        for label in NAV_LABELS:
            expect(nav.get_by_role("link", name=label)).to_be_visible()
        expect(nav.get_by_role("link", name="app", exact=True)).to_have_count(0)
        expect(page).to_have_url(f"{fresh_server.url}/{path}")
        assert_no_exception(page)
    finally:
        context.close()
