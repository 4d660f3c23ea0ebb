"""The visiting page's content: loading, placeholders, contacts, checklist file."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path

import pytest

from gme.config import DEFAULT_INSTITUTION, contact_group, load_institution
from gme.text import escape_markdown
from gme.visiting import (
    CONTENT_PATH,
    NOT_STATED,
    ContentError,
    build_page,
    fill,
    load_content,
    load_page,
    numbered,
)

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"https?://|www\.", re.IGNORECASE)
OTHER_SETTINGS = """\
[institution]
name = "Example Health"
gme_office = "Example Health GME office"
principal_hospital = "Example General Hospital"
medical_school = "Example School of Medicine"
medical_school_short = "ESM"
license_state = "Vermont"
source_note = "Based on the Example Health GME page."

[contacts.registrar]
name = "ESM Registrar"
"""


def texts(value: object) -> list[str]:
    """Every string inside a (nested) dataclass, tuple, list or dict."""
    if isinstance(value, str):
        return [value]
    if dataclasses.is_dataclass(value):
        value = dataclasses.asdict(value)
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return [text for item in value for text in texts(item)]
    return []


def write(tmp_path: Path, text: str, name: str = "institution.toml") -> Path:
    """A settings (or content) file with ``text`` in ``tmp_path``."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_page_fills_every_placeholder():
    """The shipped text with the shipped settings leaves no {placeholder} behind."""
    page = load_page(settings_path=DEFAULT_INSTITUTION)
    leftovers = [t for t in texts(page) if re.search(r"\{[a-z_]+\}", t)]
    assert leftovers == []
    assert "Tufts Medical Center" in page.sections[0].summary


def test_another_institution_gets_its_own_names(tmp_path):
    """Other settings change every name: nothing of Tufts remains in the page."""
    page = load_page(settings_path=write(tmp_path, OTHER_SETTINGS))
    everything = " ".join(texts(page))
    for tufts in ("Tufts", "TUSM", "Massachusetts"):
        assert tufts not in everything
    assert "Example General Hospital" in everything
    assert "ESM Registrar" in everything
    assert "Vermont" in everything


def test_fill_replaces_known_placeholders():
    """Each {name} is replaced by its value; other braces' text stays."""
    assert fill("At {institution}.", {"institution": "X"}) == "At X."


def test_fill_rejects_an_unknown_placeholder():
    """A typo in the content file is named, with the known placeholders."""
    with pytest.raises(ContentError, match=r"unknown placeholder \{instituton\}"):
        fill("At {instituton}.", {"institution": "X"})


def test_fill_names_the_settings_key_a_placeholder_needs():
    """A placeholder the settings do not fill names the missing settings key."""
    with pytest.raises(ContentError, match=r"\[institution\] principal_hospital"):
        fill("At {principal_hospital}.", {})


def test_missing_settings_key_is_a_clear_error(tmp_path):
    """Settings without principal_hospital give an error naming the key."""
    settings = OTHER_SETTINGS.replace(
        'principal_hospital = "Example General Hospital"\n', ""
    )
    with pytest.raises(ContentError, match="principal_hospital; add it there"):
        load_page(settings_path=write(tmp_path, settings))


def test_settings_values_are_escaped_in_page_but_not_in_download(tmp_path):
    """Markdown in a settings value shows literally; the text file keeps it as typed."""
    settings = OTHER_SETTINGS.replace('"Example Health"', '"[Ex](http://x.test) *H*"')
    page = load_page(settings_path=write(tmp_path, settings))
    assert "[Ex](http" not in page.intro
    assert escape_markdown("[Ex](http://x.test) *H*") in page.intro
    assert "[Ex](http://x.test) *H*" in page.download.text


def test_shipped_settings_configure_no_contacts():
    """The source page states no contact details, so the shipped file has none."""
    settings = load_institution(DEFAULT_INSTITUTION)
    for group in ("verification", "registrar"):
        values = contact_group(settings, group)
        assert {k: v for k, v in values.items() if k != "name" and v} == {}


def test_shipped_text_states_no_numbers_addresses_or_links():
    """No digit, e-mail or URL in the page text: no phone, fee or time is invented."""
    strings = texts(load_content())
    assert strings, "the content file has text"
    assert [s for s in strings if re.search(r"\d", s)] == []
    assert [s for s in strings if EMAIL.search(s) or URL.search(s)] == []


@pytest.mark.parametrize(
    "phrase",
    ["principal teaching hospital", "VSLO", "AAMC", "LCME", "AOA",
     "case by case", "signed authorization for release", "e-mail, fax or mail",
     "full, limited or dental"],
)
def test_shipped_text_keeps_the_source_facts(phrase):
    """The facts the source page states appear in the page."""
    page = load_page(settings_path=DEFAULT_INSTITUTION)
    assert phrase in " ".join(texts(page))


def test_no_contacts_show_not_stated_and_whom_to_ask():
    """Without contacts every field is 'Not stated' and the GME office is named."""
    page = load_page(settings_path=DEFAULT_INSTITUTION)
    contact = page.sections[-1].contact
    assert contact is not None
    assert [value for _, value in contact.fields] == [NOT_STATED] * 3
    assert "Ask the Tufts Medicine Graduate Medical Education office" in contact.note


def test_configured_contacts_replace_not_stated(fixtures):
    """Configured contacts are shown and the whom-to-ask note is dropped."""
    page = load_page(settings_path=fixtures / "institution_with_contacts.toml")
    contact = page.sections[-1].contact
    assert dict(contact.fields)["E-mail"] == r"verify\-training@example\.org"
    assert dict(contact.fields)["Fax"] == r"\+1 555 0100"
    assert contact.note == ""


def test_partly_configured_contacts_keep_not_stated_for_the_rest(tmp_path):
    """Only the configured field is shown; the others stay 'Not stated'."""
    settings = OTHER_SETTINGS + '\n[contacts.verification]\nemail = "a@example.org"\n'
    contact = load_page(settings_path=write(tmp_path, settings)).sections[-1].contact
    assert dict(contact.fields) == {"E-mail": r"a@example\.org", "Fax": NOT_STATED,
                                    "Postal address": NOT_STATED}


def test_requester_checklist_text_lists_items_and_where_to_send():
    """The download has the title, a box per requester item and the contacts."""
    page = load_page(settings_path=DEFAULT_INSTITUTION)
    text = page.download.text
    lines = text.splitlines()
    assert lines[0] == ("Verification of training at Tufts Medicine: "
                        "checklist for the requester")
    assert sum(line.startswith("[ ] ") for line in lines) == 4
    assert "I have signed the authorization for release." not in text  # trainee's
    assert "E-mail: Not stated" in lines and "Fax: Not stated" in lines
    assert "Ask" in text and "Graduate Medical Education office" in text
    assert lines[-1] == "Based on the Tufts Medicine graduate medical education " \
        "programs page."
    assert max(len(line) for line in lines) <= 78
    assert page.download.file_name.endswith(".txt")


def test_requester_checklist_text_has_configured_contacts_as_typed(fixtures):
    """In the text file, contacts appear unescaped and without 'Not stated'."""
    text = load_page(settings_path=fixtures / "institution_with_contacts.toml")
    assert "E-mail: verify-training@example.org" in text.download.text
    assert "Postal address: Test GME office, 1 Example Street, Exampletown" in (
        text.download.text)
    assert NOT_STATED not in text.download.text


def test_numbered_makes_a_markdown_numbered_list():
    """Steps become '1. ...' lines in order."""
    assert numbered(("a", "b")) == "1. a\n2. b"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (None, "settings file is missing"),
        ("[institution\nname = 1", "not valid TOML"),
        ('[institution]\ngme_office = "x"\n', "name is missing"),
        (OTHER_SETTINGS + '[contacts.verification]\nfax = 5\n',
         "fax must be one line of text"),
        (OTHER_SETTINGS + '[contacts.verification]\nemail = """a\nb"""\n',
         "email must be one line of text"),
    ],
    ids=["missing", "bad-toml", "no-name", "number-contact", "multiline-contact"],
)
def test_bad_settings_give_a_content_error_naming_the_file(tmp_path, settings, message):
    """Each bad settings file raises ContentError with the file and the problem."""
    path = tmp_path / "institution.toml"
    if settings is not None:
        path.write_text(settings, encoding="utf-8")
    with pytest.raises(ContentError, match=message) as caught:
        load_page(settings_path=path)
    assert str(path) in str(caught.value)


def test_settings_path_that_is_a_folder_is_a_clear_error(tmp_path):
    """A folder instead of a file is reported, not raised as an OSError."""
    with pytest.raises(ContentError, match="cannot be read"):
        load_page(settings_path=tmp_path)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t + "\n[page\n", "not valid TOML"),
        (lambda t: t.replace("[page]", "[pages]"), "'page' is missing"),
        (lambda t: t.replace("What the {institution}", "What the {instituton}"),
         "unknown placeholder"),
        (lambda t: t.replace('checklist = "verification_requester"',
                             'checklist = "nope"'), "'nope' is not in that section"),
    ],
    ids=["bad-toml", "missing-table", "typo-placeholder", "bad-download"],
)
def test_broken_content_file_gives_a_content_error(tmp_path, edit, message):
    """An edited content file with a mistake is reported with the file's name."""
    content = write(tmp_path, edit(CONTENT_PATH.read_text(encoding="utf-8")),
                    "visiting.toml")
    with pytest.raises(ContentError, match=message) as caught:
        load_page(content_path=content, settings_path=DEFAULT_INSTITUTION)
    assert str(content) in str(caught.value)


def test_build_page_needs_only_parsed_content_and_settings():
    """build_page works on plain dicts (no files, no catalog)."""
    content = tomllib.loads(CONTENT_PATH.read_text(encoding="utf-8"))
    settings = tomllib.loads(OTHER_SETTINGS)
    page = build_page(content, settings)
    assert [s.key for s in page.sections] == ["students", "rotators", "verification"]

