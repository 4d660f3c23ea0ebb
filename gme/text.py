"""Small text helpers: show untrusted text literally in Streamlit Markdown."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&])")


def escape_markdown(text: object) -> str:
    """``text`` with every Markdown/HTML-significant character backslash-escaped.

    Streamlit renders Markdown in ``st.markdown``, ``st.error`` and labels, so a
    catalog value such as ``<b>x</b>`` or ``[x](link)`` must be escaped to
    appear as typed. Line breaks become spaces.
    """
    flat = " ".join(str(text).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[object]],
                   numeric: Sequence[bool] | None = None) -> str:
    """A GitHub-flavoured Markdown table of ``rows``, every cell escaped.

    Streamlit renders it as a plain HTML ``<table>`` with a header row, which
    screen readers navigate as a table and which needs none of the data grid's
    JavaScript. ``numeric`` marks the columns to right-align.
    """
    numeric = list(numeric) if numeric is not None else [False] * len(headers)
    if len(numeric) != len(headers):
        raise ValueError("numeric needs one flag per header")
    lines = [_row(headers), "|" + "|".join("---:" if right else "---"
                                            for right in numeric) + "|"]
    for row in rows:
        if len(row) != len(headers):
            raise ValueError(f"row {list(row)!r} has {len(row)} cells, "
                             f"not {len(headers)}")
        lines.append(_row(row))
    return "\n".join(lines)


def _row(cells: Iterable[object]) -> str:
    return "| " + " | ".join(escape_markdown(cell) for cell in cells) + " |"
