"""The visiting students and verification page, run through the real app."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import ROOT, open_page

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"\+?\(?\d[\d\s().-]{5,}\d")  # phone or fax: 7+ digit characters
URL = re.compile(r"https?://|www\.", re.IGNORECASE)
NOT_STATED_FIELD = re.compile(r"\*\*[\w -]+:\*\* Not stated")  # "**Fax:** Not stated"
# The source page states no e-mail address, phone or fax number and no link, so
# none may appear on the page unless the settings configure it.
SOURCE_CONTACTS: set[str] = set()
NOT_SHOWN = {"id", "url", "form_id", "page_script_hash", "deferred_file_id"}
WITH_CONTACTS = ROOT / "tests" / "fixtures" / "institution_with_contacts.toml"


def shown_text(at: AppTest) -> str:
    """All human-visible text of the page (labels, bodies, help), unescaped."""
    parts = []
    for node in at.main:
        proto = getattr(node, "proto", None)
        for field, value in proto.ListFields() if proto is not None else ():
            if isinstance(value, str) and field.name not in NOT_SHOWN:
                parts.append(value)
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))


def contact_like(text: str) -> set[str]:
    """E-mail addresses, phone/fax numbers and links found in ``text``."""
    return {m.group().strip() for p in (EMAIL, PHONE, URL) for m in p.finditer(text)}


def test_page_renders_its_three_sections():
    """Headings, numbered steps, checklists, expanders and the download are shown."""
    at = open_page("visiting")
    assert not at.exception, at.exception
    assert at.title[0].value == "Visiting students and verification of training"
    assert [h.value for h in at.header] == [
        "Visiting medical students", "Residents rotating from other programs",
        "Verification of training"]
    assert [s.value for s in at.subheader] == [
        "How to apply", "The three qualifications", "How to request verification"]
    assert any(m.value.startswith("1. ") and "\n3. " in m.value for m in at.markdown)
    assert at.checkbox(key="students_eligibility_0").label.startswith("I am a student")
    assert at.checkbox(key="verification_trainee_0").label == (
        "I have signed the authorization for release.")
    assert len(at.expander) == 5
    assert at.download_button(key="visiting_download_checklist").label == (
        "Download the requester's checklist (text file)")


def test_checklist_boxes_can_be_ticked():
    """Ticking a checklist item keeps it ticked and reruns without error."""
    at = open_page("visiting")
    at.checkbox(key="verification_requester_1").check().run()
    assert not at.exception, at.exception
    assert at.checkbox(key="verification_requester_1").value is True
    assert at.checkbox(key="verification_requester_0").value is False


def test_eligibility_links_target_the_guided_check():
    """Both links point at pages/eligibility.py, and that page opens."""
    at = open_page("visiting")
    links = list(at.page_link)
    assert [link.value for link in links] == [
        "Not sure? Take the guided eligibility check",
        "Check whether you qualify, step by step"]
    eligibility = (ROOT / "pages" / "eligibility.py").resolve()
    for link in links:
        assert link.proto.page == "eligibility"
        # the page hash the link carries is the one st.navigation registered
        registered = at._registered_pages[link.proto.page_script_hash]
        assert Path(registered["script_path"]).resolve() == eligibility
    at.switch_page("pages/eligibility.py").run()
    assert not at.exception, at.exception
    assert at.title


def test_no_contacts_configured_shows_no_contact_details():
    """With the shipped settings no e-mail, phone, fax or link appears."""
    at = open_page("visiting")
    text = shown_text(at)
    assert contact_like(text) <= SOURCE_CONTACTS
    assert len(NOT_STATED_FIELD.findall(text)) == 5  # 3 verification + 2 registrar
    assert any("Ask the Tufts Medicine Graduate Medical Education office where to "
               "send the request" in info.value for info in at.info)


def test_configured_contacts_appear(monkeypatch):
    """With GME_INSTITUTION at a settings file with contacts, they are shown."""
    monkeypatch.setenv("GME_INSTITUTION", str(WITH_CONTACTS))
    at = open_page("visiting")
    assert not at.exception, at.exception
    text = shown_text(at)
    assert contact_like(text) >= {"verify-training@example.org", "+1 555 0100",
                                  "registrar-test@example.org", "+1 555 0101"}
    assert "Test GME office, 1 Example Street, Exampletown" in text
    assert not NOT_STATED_FIELD.search(text)
    assert not any("where to send the request" in i.value for i in at.info)


@pytest.mark.parametrize(
    ("settings", "problem"),
    [(None, "settings file is missing"),
     ("[institution\n", "not valid TOML"),
     (WITH_CONTACTS.read_text(encoding="utf-8").replace('"+1 555 0100"', "5"),
      "fax must be one line of text")],
    ids=["missing", "bad-toml", "bad-contact"],
)
def test_broken_settings_give_an_error_not_a_traceback(
    monkeypatch, tmp_path, settings, problem
):
    """A missing or broken settings file is explained in an st.error."""
    path = tmp_path / "institution.toml"
    if settings is not None:
        path.write_text(settings, encoding="utf-8")
    monkeypatch.setenv("GME_INSTITUTION", str(path))
    at = open_page("visiting")
    assert not at.exception, at.exception
    errors = [re.sub(r"\\(.)", r"\1", e.value) for e in at.error]
    assert len(errors) == 1
    assert "This page cannot be shown" in errors[0]
    assert str(path) in errors[0] and problem in errors[0]


def test_page_works_while_the_catalog_is_broken(monkeypatch, tmp_path):
    """The page needs no catalog: a broken catalog changes nothing here."""
    broken = tmp_path / "programs.csv"
    broken.write_text("program_id,name\nx,y\n", encoding="utf-8")
    monkeypatch.setenv("GME_CATALOG", str(broken))
    at = open_page("visiting")
    assert not at.exception, at.exception
    assert not at.error
    assert len(at.header) == 3
