"""The visiting students and verification page in a real browser."""

from __future__ import annotations

from playwright.sync_api import expect

from gme.visiting import load_page
from tests.e2e.conftest import (
    MOBILE,
    assert_accessible,
    assert_no_exception,
    axe_violations,
    open_app,
    screenshot,
    wait_for_app,
)

CONTENT = load_page()
SECTIONS = ["Visiting medical students", "Residents rotating from other programs",
            "Verification of training"]


def test_visiting_page_shows_sections_and_numbered_steps(page, app_server):
    """The three sections appear, each with its steps as a numbered list."""
    open_app(page, app_server.url, "visiting")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name=CONTENT.title, level=1)).to_be_visible()
    for heading in SECTIONS:
        expect(main.get_by_role("heading", name=heading, level=2)).to_be_visible()
    lists = main.locator("ol")
    expect(lists).to_have_count(3)
    for number, expected in enumerate([4, 3, 3]):
        expect(lists.nth(number).get_by_role("listitem")).to_have_count(expected)
    expect(lists.nth(0).get_by_role("listitem").nth(2)).to_contain_text(
        "In VSLO, select TUSM (Tufts University School of Medicine) as the host "
        "institution")
    expect(lists.nth(2).get_by_role("listitem").first).to_have_text(
        "The former trainee signs an authorization for release.")
    assert_no_exception(page)
    screenshot(page, "visiting-desktop")


def test_visiting_link_opens_eligibility_check(page, app_server):
    """The students' link to the guided check opens the eligibility page."""
    open_app(page, app_server.url, "visiting")
    page.get_by_test_id("stMain").get_by_role(
        "link", name="Not sure? Take the guided eligibility check").click()
    wait_for_app(page)
    expect(page).to_have_url(f"{app_server.url}/eligibility")
    expect(page.get_by_role("heading", name="Rotator eligibility check")
           ).to_be_visible()
    expect(page.get_by_text("Step 1 of up to 6")).to_be_visible()
    assert_no_exception(page)


def test_requester_checklist_download(page, app_server):
    """The requester's checklist downloads as the text file the page describes."""
    open_app(page, app_server.url, "visiting")
    with page.expect_download() as download_info:
        page.get_by_role("button", name=CONTENT.download.label).click()
    download = download_info.value
    assert download.suggested_filename == "verification-of-training-checklist.txt"
    with open(download.path(), encoding="utf-8") as handle:
        text = handle.read()
    assert text == CONTENT.download.text
    assert text.startswith("Verification of training at Tufts Medicine: checklist "
                           "for the requester\n")
    assert ("[ ] I have the authorization for release, signed by the former "
            "trainee.\n") in text
    assert "Fax: Not stated" in text


def test_visiting_has_no_axe_violations(page, app_server):
    """axe-core finds no WCAG 2.1 A/AA violation, with every expander closed or
    open."""
    open_app(page, app_server.url, "visiting")
    found = {"expanders closed": axe_violations(page)}
    expanders = page.get_by_test_id("stExpander")
    expect(expanders).to_have_count(5)
    for number in reversed(range(5)):  # bottom up: an opening one moves no other
        expanders.nth(number).locator("summary").click()
        wait_for_app(page)
    expect(page.get_by_test_id("stExpanderDetails").first).to_be_visible()
    found["expanders open"] = axe_violations(page)
    assert_accessible(found)


def test_visiting_on_a_phone(page, app_server):
    """At a phone's width the sections and the download are still shown."""
    page.set_viewport_size(MOBILE)
    open_app(page, app_server.url, "visiting")
    main = page.get_by_test_id("stMain")
    for heading in SECTIONS:
        expect(main.get_by_role("heading", name=heading, level=2)).to_be_visible()
    expect(page.get_by_role("button", name=CONTENT.download.label)).to_be_visible()
    screenshot(page, "visiting-mobile")
