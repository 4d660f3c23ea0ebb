"""gme.search: the words a search matches, and the bits that let a scan skip most
programs without ever skipping a match."""

from __future__ import annotations

import zlib

from hypothesis import given
from hypothesis import strategies as st

from gme import search

# Text with the characters that matter: letters of both cases, digits,
# punctuation, spaces and a few non-ASCII letters.
TEXT = st.text(alphabet="abcdeoprsABCDEP019 /-.,'éİK", max_size=40)


def test_words_are_lower_case_ascii_runs():
    assert search.words("Heme/Onc (EP) 2nd-year") == ["heme", "onc", "ep", "2nd",
                                                      "year"]
    assert search.words("") == search.words(None) == search.words(" /- ") == []


def test_search_text_keeps_each_word_once_sorted_and_padded():
    assert (search.search_text("Cardiology Fellowship", None, "cards, Cardiology")
            == " cardiology cards fellowship ")
    assert search.search_text(None, "") == "  "


def test_word_bit_is_the_crc_of_the_first_two_letters():
    assert search.word_bit("cardio") == 1 << (zlib.crc32(b"ca") % 64)
    assert search.word_bit("cardio") == search.word_bit("ca")
    assert search.word_bit("c") == 0


def test_sql_params_keep_each_word_once_in_the_order_typed():
    params = search.sql_params("Onc heme ONC")
    assert params["search_words"] == ["onc", "heme"]
    assert params["search_bits"] == search.word_bit("onc") | search.word_bit("he")
    assert search.sql_params("  ") == {"search_words": [], "search_bits": 0}


def matches(text: str, typed: str) -> bool:
    """The search rule, written plainly: every typed word starts a word of text."""
    have = search.words(text)
    return all(any(w.startswith(t) for w in have) for t in search.words(typed))


@given(TEXT, TEXT)
def test_the_bits_never_rule_out_a_match(text, typed):
    """If a search matches a program, the program's bits hold the search's bits:
    the scan's first test can only skip programs that do not match."""
    program_bits = search.word_bits(search.search_text(text).split())
    wanted = search.sql_params(typed)["search_bits"]
    if matches(text, typed):
        assert program_bits & wanted == wanted


@given(st.lists(TEXT, max_size=3))
def test_search_text_words_are_the_words_of_every_value(values):
    text = search.search_text(*values)
    assert text.startswith(" ") and text.endswith(" ")
    assert text.split() == sorted({w for v in values for w in search.words(v)})
