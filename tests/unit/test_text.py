"""escape_markdown makes untrusted text show literally in Streamlit Markdown."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from gme.text import escape_markdown

SPECIAL = set("\\`*_{}[]()<>#+-.!|~$:&")


def test_html_and_links_are_escaped():
    """Tags, links and emphasis come out backslash-escaped."""
    assert escape_markdown("<b>x</b>") == r"\<b\>x\</b\>"
    assert escape_markdown("[x](y)") == r"\[x\]\(y\)"
    assert escape_markdown("**bold**") == r"\*\*bold\*\*"


def test_line_breaks_become_spaces():
    """A value cannot start a new Markdown block."""
    assert escape_markdown("a\n# heading\r\nb") == r"a \# heading b"


@given(st.text(max_size=200))
def test_every_special_character_is_escaped(text):
    """No Markdown-significant character is left without a backslash."""
    escaped = escape_markdown(text)
    unescaped = re.sub(r"\\.", "", escaped)
    assert not (set(unescaped) & SPECIAL)
    assert "\n" not in escaped
