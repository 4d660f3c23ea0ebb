"""Visiting students and verification of training: steps, checklists, contacts.

Renders ``gme.visiting.load_page()`` (the office's text plus the institution
settings). It needs no catalog, so it works while the catalog file is broken.
"""

import streamlit as st

from gme.navigation import ensure_app_navigation
from gme.text import escape_markdown
from gme.visiting import (
    ContactBlock,
    ContentError,
    Download,
    Section,
    load_page,
    numbered,
)

ensure_app_navigation()

ELIGIBILITY_PAGE = "pages/eligibility.py"
FALLBACK_TITLE = "Visiting students and verification of training"


def render_contact(contact: ContactBlock) -> None:
    """The contact details, each 'Not stated' unless configured."""
    with st.container(border=True):
        st.markdown(f"**{contact.title}**")
        st.markdown("  \n".join(f"**{label}:** {value}"
                                for label, value in contact.fields))
        if contact.note:
            st.info(contact.note, icon=":material/contact_support:")


def render_section(section: Section, download: Download) -> None:
    """One section: summary, numbered steps, link, checklists, contacts, details."""
    st.header(section.heading, anchor=section.key, divider="gray")
    st.markdown(section.summary)
    if section.steps:
        st.subheader(section.steps_title, anchor=f"{section.key}-steps")
        st.markdown(numbered(section.steps))
    if section.eligibility_link:
        st.page_link(ELIGIBILITY_PAGE, label=section.eligibility_link,
                     icon=":material/checklist:")
    if section.checklists:
        columns = st.columns(len(section.checklists))
        for column, checklist in zip(columns, section.checklists, strict=True):
            with column.container(border=True):
                st.markdown(f"**{checklist.title}**")
                for number, item in enumerate(checklist.items):
                    st.checkbox(item, key=f"{checklist.key}_{number}")
    if section.key == download.section:
        st.download_button(download.label, data=download.text,
                           file_name=download.file_name, mime="text/plain",
                           key="visiting_download_checklist", on_click="ignore",
                           icon=":material/download:")
    if section.contact:
        render_contact(section.contact)
    for number, (title, body) in enumerate(section.details):
        with st.expander(title, icon=":material/info:",
                         key=f"{section.key}_details_{number}"):
            st.markdown(body)


try:
    page = load_page()
except ContentError as error:
    st.title(FALLBACK_TITLE)
    st.error(f"**This page cannot be shown.**  \n{escape_markdown(error)}",
             icon=":material/error:")
    st.caption("Fix the file named above and reload this page.")
    st.stop()

st.title(page.title)
st.markdown(page.intro)
st.markdown("**On this page:** " + " · ".join(
    f"[{section.heading}](#{section.key})" for section in page.sections))
for section in page.sections:
    render_section(section, page.download)
st.divider()
st.caption(f"{page.caption}  \n{page.source_note}")
