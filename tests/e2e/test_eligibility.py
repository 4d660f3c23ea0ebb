"""The rotator eligibility check in a real browser: mouse, keyboard alone and axe."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from gme import eligibility as elig
from tests.e2e.conftest import (
    MOBILE,
    assert_accessible,
    assert_no_exception,
    axe_violations,
    open_app,
    screenshot,
    wait_for_app,
)

CONTENT = elig.load_content()
SUMMARIES = {outcome: CONTENT["outcomes"][outcome.value]["summary"].split()
             for outcome in elig.Outcome}
RESIDENT_OK = ["An intern, resident or fellow in a training program at another "
               "institution", "Yes", "ACGME", "Yes",
               "Yes, a valid full, limited or dental Massachusetts license",
               "Yes, all of them"]
RESIDENT_OK_ANSWERS = {"role": "resident", "degree": "yes",
                       "program_accreditor": "acgme", "good_standing": "yes",
                       "ma_license": "valid", "documentation": "complete"}
STUDENT_OK = ["A medical student", "LCME", "Yes"]
DOCS_MISSING = "Not yet, or I don't know what they are"
NEITHER = "Neither, for example a practicing physician who is not in training"
ALERT_KIND = {elig.Outcome.MEETS_MINIMUM: "Success",
              elig.Outcome.APPLY_VIA_VSLO: "Success",
              elig.Outcome.ACTION_NEEDED: "Warning",
              elig.Outcome.NOT_ELIGIBLE: "Error"}


def summary_text(outcome: elig.Outcome) -> re.Pattern[str]:
    """The outcome's one-sentence summary as shown (whitespace-insensitive)."""
    return re.compile(r"\s+".join(map(re.escape, SUMMARIES[outcome])))


def option(page, label: str):
    """The radio option whose whole visible label is ``label``."""
    whole = re.compile(rf"^\s*{re.escape(label)}\s*$")
    return page.get_by_test_id("stRadioOption").filter(has_text=whole)


def choose(page, label: str) -> None:
    """Click an answer and wait for the rerun that records it."""
    option(page, label).click()
    wait_for_app(page)
    expect(page.get_by_role("radio", name=label, exact=True)).to_be_checked()


def press(page, name: str) -> None:
    """Click a button and wait for the app to be idle."""
    page.get_by_role("button", name=name).click()
    wait_for_app(page)


def answer_with_mouse(page, labels: list[str], first: int = 1) -> None:
    """From step ``first``, choose each answer, pressing Next or See my result."""
    for number, label in enumerate(labels, first):
        expect(page.get_by_text(re.compile(rf"^Step {number} of"))).to_be_visible()
        wait_for_app(page)  # the step's text shows once its rerun has begun
        choose(page, label)
        last = number == first + len(labels) - 1
        press(page, "See my result" if last else "Next")


def expect_result(page, outcome: elig.Outcome) -> None:
    """The result state shows ``outcome``'s summary in an alert of its kind."""
    expect(page.get_by_role("heading", name="Your result")).to_be_visible()
    alert = page.get_by_test_id(f"stAlertContent{ALERT_KIND[outcome]}")
    expect(alert).to_have_text(summary_text(outcome))
    assert_no_exception(page)


def test_resident_meets_minimum_with_the_mouse(page, app_server):
    """A resident answering every requirement as met sees the meets-minimum result."""
    open_app(page, app_server.url, "eligibility")
    expect(page.get_by_text("Step 1 of up to 6")).to_be_visible()
    expect(page.get_by_role("button", name="Next")).to_be_disabled()
    screenshot(page, "eligibility-desktop")
    answer_with_mouse(page, RESIDENT_OK)
    expect_result(page, elig.Outcome.MEETS_MINIMUM)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text(re.compile(r": Met$"))).to_have_count(5)
    expect(main.get_by_role("link", name="Find the program in the Program explorer")
           ).to_be_visible()
    # The app scrolls inside its own container, so bring the result into the shot.
    page.get_by_role("heading", name="Your result").evaluate(
        "el => el.scrollIntoView({block: 'start'})")
    screenshot(page, "eligibility-result-desktop")


def test_student_path_offers_vslo_and_links_to_visiting_page(page, app_server):
    """A student in good standing at an LCME school is sent to VSLO and the visiting
    page."""
    open_app(page, app_server.url, "eligibility")
    answer_with_mouse(page, STUDENT_OK)
    expect_result(page, elig.Outcome.APPLY_VIA_VSLO)
    link = page.get_by_test_id("stMain").get_by_role(
        "link", name="How visiting medical students apply")
    link.click()
    wait_for_app(page)
    expect(page).to_have_url(f"{app_server.url}/visiting")
    expect(page.get_by_role("heading", name="Visiting medical students")
           ).to_be_visible()
    assert_no_exception(page)


def test_changed_answer_updates_result_and_checklist(page, app_server):
    """Back keeps the last answer; changing it turns the result, and the downloaded
    checklist's outcome and next steps, into action needed."""
    open_app(page, app_server.url, "eligibility")
    answer_with_mouse(page, RESIDENT_OK)
    expect_result(page, elig.Outcome.MEETS_MINIMUM)
    press(page, "Back")
    expect(page.get_by_text("Step 6 of 6")).to_be_visible()
    expect(page.get_by_role("radio", name="Yes, all of them")).to_be_checked()
    choose(page, DOCS_MISSING)
    press(page, "See my result")
    expect_result(page, elig.Outcome.ACTION_NEEDED)
    expect(page.get_by_text("Rotation documentation: Action needed")).to_be_visible()
    expect(page.get_by_text(f"Your answer: {DOCS_MISSING}")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my checklist").click()
    download = download_info.value
    assert download.suggested_filename == "rotation-eligibility-checklist.md"
    with open(download.path(), encoding="utf-8") as handle:
        text = handle.read()
    expected = elig.evaluate({**RESIDENT_OK_ANSWERS, "documentation": "incomplete"})
    assert text == elig.checklist_markdown(expected)
    outcome = text.split("## Outcome", 1)[1].split("##", 1)[0]
    assert summary_text(elig.Outcome.ACTION_NEEDED).search(outcome)
    next_steps = text.split("## Next steps", 1)[1]
    assert "1. Complete all Tufts Medicine rotation documentation" in next_steps
    assert "2. Then contact the clinical department" in next_steps
    assert f"**{DOCS_MISSING}**" in text


def test_start_over_forgets_every_answer(page, app_server):
    """Start over from a (not eligible) result returns to an unanswered first
    question."""
    open_app(page, app_server.url, "eligibility")
    answer_with_mouse(page, [NEITHER])
    expect_result(page, elig.Outcome.NOT_ELIGIBLE)
    expect(page.get_by_text("Your current role: Not met")).to_be_visible()
    press(page, "Start over")
    expect(page.get_by_text("Step 1 of up to 6")).to_be_visible()
    expect(page.get_by_role("radio", checked=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Next")).to_be_disabled()
    expect(page.get_by_role("heading", name="Your result")).to_have_count(0)


# --- keyboard alone: page.keyboard only, no click(), check() or focus() ----------

def is_focused(locator) -> bool:
    """Whether keyboard focus is on ``locator`` or inside it."""
    return locator.evaluate("el => el.contains(document.activeElement)")


def tab_to(page, locator, key: str = "Tab", limit: int = 40) -> None:
    """Press Tab (or Shift+Tab) until keyboard focus reaches ``locator``."""
    expect(locator).to_be_visible()
    for _ in range(limit):
        page.keyboard.press(key)
        if is_focused(locator):
            return
    raise AssertionError(f"{key} x{limit} never reached {locator}")


def pick_with_keys(page, label: str, key: str = "Tab") -> None:
    """Focus the radio group with ``key``, then select ``label`` with the arrow keys
    or Space."""
    wait_for_app(page)
    group = page.get_by_role("radiogroup")
    tab_to(page, group, key)
    names = [text.strip() for text in
             group.get_by_test_id("stRadioOption").all_inner_texts()]
    focused = page.evaluate("() => Number(document.activeElement.value)")
    target = names.index(label)
    if target == focused:
        page.keyboard.press("Space")
    for _ in range(abs(target - focused)):
        page.keyboard.press("ArrowDown" if target > focused else "ArrowUp")
        wait_for_app(page)
    wait_for_app(page)
    expect(page.get_by_role("radio", name=label, exact=True)).to_be_checked()


def activate(page, name: str, key: str = "Tab", role: str = "button") -> None:
    """Move focus to a control with the keyboard and press Enter on it."""
    control = page.get_by_test_id("stMain").get_by_role(role, name=name)
    expect(control).to_be_enabled()
    tab_to(page, control, key)
    page.keyboard.press("Enter")
    wait_for_app(page)


def answer_with_keys(page, labels: list[str]) -> None:
    """Answer each question and go on, using only the keyboard: Tab from the top of
    the page to the first question; after Next, focus is back at the page's start,
    so Shift+Tab reaches the next question sooner."""
    for number, label in enumerate(labels):
        expect(page.get_by_text(re.compile(rf"^Step {number + 1} of"))).to_be_visible()
        pick_with_keys(page, label, "Tab" if number == 0 else "Shift+Tab")
        last = number == len(labels) - 1
        activate(page, "See my result" if last else "Next")


def test_keyboard_alone_completes_student_path(page, app_server):
    """With the keyboard alone a student reaches the VSLO result and the visiting
    page."""
    open_app(page, app_server.url, "eligibility")
    answer_with_keys(page, STUDENT_OK)
    expect_result(page, elig.Outcome.APPLY_VIA_VSLO)
    activate(page, "How visiting medical students apply", role="link")
    expect(page).to_have_url(f"{app_server.url}/visiting")
    assert_no_exception(page)


def test_keyboard_alone_completes_resident_path_and_goes_back(page, app_server):
    """With the keyboard alone a resident reaches a result, goes Back and changes it."""
    open_app(page, app_server.url, "eligibility")
    answer_with_keys(page, RESIDENT_OK)
    expect_result(page, elig.Outcome.MEETS_MINIMUM)
    activate(page, "Back", key="Shift+Tab")
    expect(page.get_by_text("Step 6 of 6")).to_be_visible()
    pick_with_keys(page, DOCS_MISSING)
    activate(page, "See my result")
    expect_result(page, elig.Outcome.ACTION_NEEDED)
    activate(page, "Start over", key="Shift+Tab")
    expect(page.get_by_text("Step 1 of up to 6")).to_be_visible()


# --- accessibility and layout --------------------------------------------------

def test_eligibility_has_no_axe_violations_at_any_step(page, app_server):
    """axe-core finds no WCAG 2.1 A/AA violation at the first step, a middle step, a
    resident's result and a student's result."""
    open_app(page, app_server.url, "eligibility")
    found = {"first step": axe_violations(page)}
    for label in RESIDENT_OK[:2]:
        choose(page, label)
        press(page, "Next")
    expect(page.get_by_text("Step 3 of 6")).to_be_visible()
    found["middle step"] = axe_violations(page)
    answer_with_mouse(page, RESIDENT_OK[2:], first=3)
    expect_result(page, elig.Outcome.MEETS_MINIMUM)
    found["resident result"] = axe_violations(page)
    press(page, "Start over")
    answer_with_mouse(page, STUDENT_OK)
    expect_result(page, elig.Outcome.APPLY_VIA_VSLO)
    found["student result"] = axe_violations(page)
    assert_accessible(found)


def test_eligibility_on_a_phone(page, app_server):
    """At a phone's width the first question and its buttons are usable."""
    page.set_viewport_size(MOBILE)
    open_app(page, app_server.url, "eligibility")
    expect(page.get_by_text("Step 1 of up to 6")).to_be_visible()
    screenshot(page, "eligibility-mobile")
    choose(page, "A medical student")
    expect(page.get_by_role("button", name="Next")).to_be_enabled()
    expect(page.get_by_role("button", name="Next")).to_be_in_viewport()
