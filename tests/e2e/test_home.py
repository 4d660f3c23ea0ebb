"""The overview page in a real browser: loads, links work, passes axe."""

from __future__ import annotations

import pandas as pd
import pytest
from playwright.sync_api import expect

from gme.catalog import DEFAULT_CATALOG
from tests.e2e.conftest import (
    MOBILE,
    assert_no_exception,
    axe_violations,
    describe,
    open_app,
    screenshot,
    wait_for_app,
)

DISCIPLINES = pd.read_csv(DEFAULT_CATALOG, dtype=str)["discipline"].nunique()


def test_home_shows_catalog_figures(page, app_server):
    """The overview shows the catalog's headline numbers and no exception."""
    open_app(page, app_server.url)
    expect(page.get_by_role("heading", name="Graduate medical education programs")
           ).to_be_visible()
    metrics = page.get_by_test_id("stMetric")
    expect(metrics.filter(has_text="Programs in total")).to_contain_text("54")
    expect(metrics.filter(has_text="Fellowships")).to_contain_text("29")
    table = page.get_by_test_id("stMain").get_by_role("table")
    expect(table.get_by_role("columnheader")).to_have_text(["Trainee discipline",
                                                            "Programs"])
    expect(table.get_by_role("row")).to_have_count(1 + DISCIPLINES)
    assert_no_exception(page)
    screenshot(page, "home-desktop")


@pytest.mark.parametrize("link,path", [
    ("Program explorer", "explorer"),
    ("Rotator eligibility check", "eligibility"),
    ("Visiting students and verification", "visiting"),
])
def test_home_links_open_each_page(page, app_server, link, path):
    """Each page link on the overview opens its page without an exception."""
    open_app(page, app_server.url)
    page.get_by_test_id("stMain").get_by_role("link", name=link).click()
    wait_for_app(page)
    expect(page).to_have_url(f"{app_server.url}/{path}")
    assert_no_exception(page)


def test_home_has_no_axe_violations(page, app_server):
    """axe-core finds no WCAG 2.1 A/AA violation on the overview."""
    open_app(page, app_server.url)
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_home_on_a_phone(page, app_server):
    """At a phone's width the overview still shows its figures."""
    page.set_viewport_size(MOBILE)
    open_app(page, app_server.url)
    expect(page.get_by_test_id("stMetric").first).to_be_visible()
    screenshot(page, "home-mobile")
