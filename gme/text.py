"""Small text helpers: show untrusted text literally in Streamlit Markdown."""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&])")


def escape_markdown(text: object) -> str:
    """``text`` with every Markdown/HTML-significant character backslash-escaped.

    Streamlit renders Markdown in ``st.markdown``, ``st.error`` and labels, so a
    catalog value such as ``<b>x</b>`` or ``[x](link)`` must be escaped to
    appear as typed. Line breaks become spaces.
    """
    flat = " ".join(str(text).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)
