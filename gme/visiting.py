"""Content of the "Visiting students and verification of training" page.

The wording lives in ``gme/content/visiting.toml``, which the GME office edits;
names and contact details come from the institution settings (``gme.config``).
``{placeholders}`` in the wording are filled from the settings, so another
institution can reuse the page. ``load_page()`` returns everything the page
renders, including the verification requester's checklist as a plain-text file.
No Streamlit here; an unusable file raises ``ContentError`` with a clear message.
"""

from __future__ import annotations

import re
import textwrap
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gme.config import contact_group, institution_path, load_institution
from gme.text import escape_markdown

CONTENT_PATH = Path(__file__).resolve().parent / "content" / "visiting.toml"
NOT_STATED = "Not stated"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# placeholder -> (settings table, key); documented at the top of the content file
PLACEHOLDERS = {
    "institution": ("institution", "name"),
    "gme_office": ("institution", "gme_office"),
    "principal_hospital": ("institution", "principal_hospital"),
    "medical_school": ("institution", "medical_school"),
    "medical_school_short": ("institution", "medical_school_short"),
    "license_state": ("institution", "license_state"),
    "registrar": ("contacts.registrar", "name"),
}
Quote = Callable[[str], str]  # how a settings value enters the text


class ContentError(ValueError):
    """The page's text or settings cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Checklist:
    key: str
    title: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class ContactBlock:
    title: str
    fields: tuple[tuple[str, str], ...]  # (label, value or NOT_STATED)
    note: str  # whom to ask, shown when no value is configured; "" otherwise


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    summary: str
    steps_title: str
    steps: tuple[str, ...]
    eligibility_link: str  # label of the link to the guided check; "" for none
    checklists: tuple[Checklist, ...]
    details: tuple[tuple[str, str], ...]  # (expander title, Markdown body)
    contact: ContactBlock | None


@dataclass(frozen=True)
class Download:
    section: str  # key of the section that offers the file
    label: str
    file_name: str
    text: str


@dataclass(frozen=True)
class VisitingPage:
    title: str
    intro: str
    caption: str
    source_note: str
    sections: tuple[Section, ...]
    download: Download


def load_content(path: Path = CONTENT_PATH) -> dict[str, Any]:
    """The parsed content file; a missing or broken file raises ``ContentError``."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"{path}: the page text cannot be read ({exc}).") from None
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(
            f"{path}: the page text is not valid TOML ({exc})."
        ) from None


def placeholder_values(settings: Mapping[str, Any]) -> dict[str, str]:
    """Placeholders the settings fill, e.g. ``{"institution": "Tufts Medicine"}``."""
    tables = {
        "institution": settings.get("institution", {}),
        "contacts.registrar": contact_group(settings, "registrar"),
    }
    values = {}
    for name, (table, key) in PLACEHOLDERS.items():
        value = tables[table].get(key, "")
        if isinstance(value, str) and value.strip():
            values[name] = value.strip()
    return values


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each ``{name}`` replaced; an unknown or unset name raises."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in values:
            return values[name]
        if name not in PLACEHOLDERS:
            known = ", ".join(f"{{{known}}}" for known in PLACEHOLDERS)
            raise ContentError(f"unknown placeholder {{{name}}} (known: {known}).")
        table, key = PLACEHOLDERS[name]
        raise ContentError(f"the text uses {{{name}}}, but the settings file gives "
                           f"no [{table}] {key}; add it there.")

    return _PLACEHOLDER.sub(replace, text)


def load_page(
    content_path: Path = CONTENT_PATH, settings_path: Path | None = None
) -> VisitingPage:
    """Everything the page shows, from the content file and the settings file."""
    settings_path = settings_path or institution_path()
    try:
        settings = load_institution(settings_path)  # its messages name the file
    except ValueError as exc:
        raise ContentError(str(exc)) from None
    content = load_content(content_path)
    try:
        return build_page(content, settings)
    except ContentError as exc:
        raise ContentError(
            f"{content_path}: {exc} (settings: {settings_path})"
        ) from None
    except KeyError as exc:
        raise ContentError(
            f"{content_path}: the entry {exc} is missing; compare the file with the "
            "shipped one."
        ) from None
    except (TypeError, AttributeError) as exc:
        raise ContentError(
            f"{content_path}: an entry has the wrong kind of value ({exc}); compare "
            "the file with the shipped one."
        ) from None
    except ValueError as exc:  # a malformed [contacts] value in the settings
        raise ContentError(f"{settings_path}: {exc}") from None


def build_page(content: Mapping[str, Any], settings: Mapping[str, Any]) -> VisitingPage:
    """The page from parsed content and settings; values are escaped for Markdown."""
    text = _filler(settings, escape_markdown)
    page = content["page"]
    return VisitingPage(
        title=text(page["title"]),
        intro=text(page["intro"]),
        caption=text(page["caption"]),
        source_note=escape_markdown(_source_note(settings)),
        sections=tuple(
            _section(raw, content["contacts"], settings, escape_markdown)
            for raw in content["sections"]
        ),
        download=build_download(content, settings),
    )


def build_download(
    content: Mapping[str, Any], settings: Mapping[str, Any]
) -> Download:
    """The requester's checklist file, with settings values as typed (no escaping)."""
    spec = content["download"]
    raw = next((s for s in content["sections"] if s["key"] == spec["section"]), None)
    if raw is None:
        raise ContentError(f"[download] section {spec['section']!r} is not a section.")
    section = _section(raw, content["contacts"], settings, str)
    checklist = next(
        (c for c in section.checklists if c.key == spec["checklist"]), None
    )
    if checklist is None:
        raise ContentError(
            f"[download] checklist {spec['checklist']!r} is not in that section."
        )
    title = _filler(settings, str)(spec["title"])
    return Download(
        section=section.key,
        label=spec["label"],
        file_name=spec["file_name"],
        text=checklist_text(title, section, checklist, _source_note(settings)),
    )


def checklist_text(
    title: str, section: Section, checklist: Checklist, source_note: str
) -> str:
    """A printable plain-text checklist: title, summary, boxes, where to send it."""
    lines = [title, "=" * len(title), "", *_wrap(section.summary), "",
             checklist.title, "-" * len(checklist.title)]
    for item in checklist.items:
        lines += _wrap(item, first="[ ] ", rest="    ")
    if section.contact:
        contact = section.contact
        lines += ["", contact.title, "-" * len(contact.title)]
        lines += [f"{label}: {value}" for label, value in contact.fields]
        if contact.note:
            lines += ["", *_wrap(contact.note)]
    lines += ["", *_wrap(source_note)]
    return "\n".join(lines) + "\n"


def _wrap(text: str, first: str = "", rest: str = "") -> list[str]:
    return textwrap.wrap(" ".join(text.split()), width=78,
                         initial_indent=first, subsequent_indent=rest)


def _source_note(settings: Mapping[str, Any]) -> str:
    return str(settings["institution"].get("source_note", "")).strip()


def _filler(settings: Mapping[str, Any], quote: Quote) -> Callable[[str], str]:
    values = {name: quote(val) for name, val in placeholder_values(settings).items()}
    return lambda text: fill(text, values)


def _section(
    raw: Mapping[str, Any],
    contacts: Mapping[str, Any],
    settings: Mapping[str, Any],
    quote: Quote,
) -> Section:
    text = _filler(settings, quote)
    group = raw.get("contact", "")
    return Section(
        key=raw["key"],
        heading=text(raw["heading"]),
        summary=text(raw["summary"]),
        steps_title=text(raw.get("steps_title", "")),
        steps=tuple(text(step) for step in raw.get("steps", [])),
        eligibility_link=text(raw.get("eligibility_link", "")),
        checklists=tuple(
            Checklist(c["key"], text(c["title"]), tuple(text(i) for i in c["items"]))
            for c in raw.get("checklists", [])
        ),
        details=tuple((text(d["title"]), text(d["body"]))
                      for d in raw.get("details", [])),
        contact=_contact(contacts[group], group, settings, quote) if group else None,
    )


def _contact(
    raw: Mapping[str, Any], group: str, settings: Mapping[str, Any], quote: Quote
) -> ContactBlock:
    text = _filler(settings, quote)
    configured = contact_group(settings, group)
    fields = tuple(
        (label, quote(configured[key]) if configured.get(key) else NOT_STATED)
        for key, label in raw["fields"].items()
    )
    stated = any(value != NOT_STATED for _, value in fields)
    return ContactBlock(
        title=text(raw["title"]),
        fields=fields,
        note="" if stated else text(raw["none_configured"]),
    )


def numbered(items: tuple[str, ...]) -> str:
    """A Markdown numbered list: ``"1. a\n2. b"``."""
    return "\n".join(f"{number}. {item}" for number, item in enumerate(items, 1))
