"""The words a search matches, made the same way for the catalog and the search box.

A search finds the programs where every word of it starts a word of the
program's name, specialty or aliases, case-insensitively: 'heme/onc' finds
'Hematology/Oncology', 'card' finds 'Cardiology', 'ology' finds nothing.

- ``words(text)``: lower-case ASCII words ('Heme/Onc' -> ['heme', 'onc']).
- ``search_text(...)``: a program's distinct words, sorted, padded with a space
  each side, so that ``' ' || word`` finds a word start (stored in
  ``programs.search_text`` when the catalog is loaded).
- ``word_bits(words)``: a 64-bit summary of which two-letter word starts occur,
  stored in ``programs.word_bits``. A search word can only start a word of a
  program whose bits include that word's bit, so with no facet filter the
  explorer's queries test one integer per program first and the text only where
  it passes (queries/create_filtered_programs_macro.sql; 100,000 programs, the
  three queries of a one-word search: about 30 % less time). Words of one
  letter add no bit.
- ``sql_params(search)``: the bound parameters of ``filtered_programs``.

Both sides use these functions, so they cannot disagree. No Streamlit or DuckDB.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable

_WORD = re.compile(r"[a-z0-9]+")
BITS = 64


def words(text: str | None) -> list[str]:
    """The words of ``text``: runs of a-z and 0-9 after lower-casing."""
    return _WORD.findall(text.lower()) if text else []


def search_text(*values: str | None) -> str:
    """The distinct words of ``values``, sorted, with a space each side."""
    found = sorted({word for value in values for word in words(value)})
    return f" {' '.join(found)} "


def word_bit(word: str) -> int:
    """The bit of a word's first two letters (0 for a one-letter word)."""
    if len(word) < 2:
        return 0
    return 1 << (zlib.crc32(word[:2].encode("ascii")) % BITS)


def word_bits(found: Iterable[str]) -> int:
    """The bits of every word in ``found`` (0 for none)."""
    bits = 0
    for word in found:
        bits |= word_bit(word)
    return bits


def sql_params(search: str) -> dict[str, list[str] | int]:
    """``$search_words`` (distinct, in the order typed) and ``$search_bits``."""
    typed = list(dict.fromkeys(words(search)))
    return {"search_words": typed, "search_bits": word_bits(typed)}
