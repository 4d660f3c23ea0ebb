"""escape_markdown and markdown_table show untrusted text literally in Markdown."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gme.text import escape_markdown, markdown_table

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


def test_markdown_table_has_header_alignment_and_rows():
    """One header row, one alignment row (numbers right-aligned), one line a row."""
    table = markdown_table(("Discipline", "Programs"),
                           [("Physician", 50), ("Dentist", 4)], numeric=(False, True))
    assert table.splitlines() == [
        "| Discipline | Programs |",
        "|---|---:|",
        "| Physician | 50 |",
        "| Dentist | 4 |",
    ]


def test_markdown_table_escapes_every_cell():
    """A pipe, a link or a line break in a value cannot break the table."""
    table = markdown_table(("A|B", "N"), [("x | y", "[l](http://e)"), ("a\nb", 1)])
    lines = table.splitlines()
    assert len(lines) == 4
    assert lines[0] == r"| A\|B | N |"
    assert lines[2] == r"| x \| y | \[l\]\(http\:/\/e\) |".replace("/\\/", "//")
    assert lines[3] == "| a b | 1 |"


def test_markdown_table_rejects_ragged_rows():
    """A row with the wrong number of cells is an error, not a shifted table."""
    with pytest.raises(ValueError, match="has 1 cells, not 2"):
        markdown_table(("a", "b"), [("only one",)])
    with pytest.raises(ValueError, match="one flag per header"):
        markdown_table(("a", "b"), [], numeric=(True,))
