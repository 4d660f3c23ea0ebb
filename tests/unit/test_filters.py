"""gme.filters: URL parsing (untrusted), URL and SQL forms, widget values."""

from __future__ import annotations

import zlib

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gme import filters
from gme.filters import Filters

OPTIONS = {
    "type": ["Residency", "Fellowship", "Practicum"],
    "discipline": ["Physician", "Pharmacy"],
    "department": ["Internal Medicine", "Pediatrics", ""],
    "specialty": ["Cardiovascular Disease", "Pharmacy"],
    "site": ["North Hospital", ""],
    "accreditation": ["ACGME", ""],
}


def parse(**params):
    """parse_query_params over OPTIONS; each value may be a string or a list."""
    url = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    return filters.parse_query_params(url, OPTIONS)


def test_known_values_are_read_without_notices():
    """A clean link gives its filters and no notice."""
    chosen, notices = parse(type=["Fellowship", "Residency"], discipline="Physician",
                            q="heme/onc")
    assert chosen == Filters(types=("Fellowship", "Residency"),
                             disciplines=("Physician",), search="heme/onc")
    assert notices == []


def test_not_stated_in_the_link_means_an_empty_value():
    """'Not stated' in the URL selects the programs with an empty column."""
    chosen, notices = parse(department="Not stated", site=["Not stated"])
    assert chosen.departments == ("",)
    assert chosen.sites == ("",)
    assert notices == []


def test_unknown_key_is_ignored_with_a_notice_naming_it():
    """A typo'd key does not filter anything and is named in the notice."""
    chosen, notices = parse(tpye="Fellowship")
    assert chosen == Filters()
    assert notices == ["Ignored the unknown link setting “tpye”."]


def test_unknown_value_is_ignored_and_the_rest_kept():
    """A value the catalog does not have is dropped; the valid one stays."""
    chosen, notices = parse(type=["Fellowship", "'; DROP TABLE programs; --"])
    assert chosen.types == ("Fellowship",)
    assert len(notices) == 1
    assert "program type “'; DROP TABLE programs; --”" in notices[0]


def test_overlong_values_are_ignored_and_not_echoed_in_full():
    """A 10,000-character value is refused; the notice gives its length only."""
    chosen, notices = parse(type="x" * 10_000, q="y" * 10_000)
    assert chosen == Filters()
    assert len(notices) == 2
    assert all("10,000 characters" in n for n in notices)
    assert all("x" * 50 not in n and "y" * 50 not in n for n in notices)


@pytest.mark.parametrize("value", ["Fellow\x00ship", "a\nb", "tab\there", "\x7f"])
def test_control_characters_are_ignored_and_shown_as_question_marks(value):
    """A value with a control character is refused; the notice shows no raw one."""
    chosen, notices = parse(type=value)
    assert chosen.types == ()
    assert len(notices) == 1
    assert "control characters" in notices[0]
    assert not any(ord(ch) < 32 or ord(ch) == 0x7F for ch in notices[0])


def test_repeated_values_are_kept_once():
    """type=Fellowship twice selects it once."""
    chosen, _ = parse(type=["Fellowship", "Fellowship"])
    assert chosen.types == ("Fellowship",)


def test_repeated_search_uses_the_first_and_says_so():
    """Two q= values: the first is used and the notice says which."""
    chosen, notices = parse(q=["cardio", "neuro"])
    assert chosen.search == "cardio"
    assert notices == ["The link gives 2 searches; used the first, “cardio”."]


def test_search_whitespace_is_tidied():
    """Surrounding and repeated spaces in the search do not matter."""
    chosen, _ = parse(q="  heme   onc ")
    assert chosen.search == "heme onc"


def test_sql_params_bind_every_facet_as_a_list_and_the_search():
    """The SQL form has one list per facet plus the search's words and bits."""
    params = Filters(types=("Fellowship",), sites=("",), search="EP/ep").sql_params()
    assert params == {"types": ["Fellowship"], "disciplines": [], "departments": [],
                      "specialties": [], "sites": [""], "accreditations": [],
                      "search_words": ["ep"],
                      "search_bits": 1 << (zlib.crc32(b"ep") % 64)}


def test_query_params_leave_out_empty_filters_and_spell_not_stated():
    """The URL form is short and readable."""
    params = Filters(types=("Fellowship",), sites=("",), search="ep").query_params()
    assert params == {"type": ["Fellowship"], "site": ["Not stated"], "q": ["ep"]}
    assert Filters().query_params() == {}
    assert not Filters().active
    assert Filters(search="x").active


def _filters_strategy():
    facet_values = {f.param: st.lists(st.sampled_from(OPTIONS[f.key]), unique=True,
                                      max_size=3).map(tuple)
                    for f in filters.FACETS}
    words = st.text(alphabet="abcdefghij /+-", max_size=30).map(filters.clean_search)
    return st.builds(Filters, search=words, **facet_values)


@given(_filters_strategy())
def test_url_round_trip_restores_the_same_filters(chosen):
    """Filters -> URL -> Filters is the identity, with no notices."""
    restored, notices = filters.parse_query_params(chosen.query_params(), OPTIONS)
    assert restored == chosen
    assert notices == []


@given(st.dictionaries(st.text(max_size=20),
                       st.lists(st.text(max_size=300), max_size=4), max_size=6))
def test_any_url_parses_without_error_into_known_values(url):
    """Whatever the URL holds, parsing never raises and keeps only known values."""
    chosen, notices = filters.parse_query_params(url, OPTIONS)
    for facet in filters.FACETS:
        assert set(chosen.selected(facet)) <= set(OPTIONS[facet.key])
    assert len(chosen.search) <= filters.MAX_VALUE_LENGTH
    assert all(isinstance(n, str) for n in notices)


def test_stale_multiselect_labels_map_back_to_values():
    """A label from an earlier run ('Fellowship (29)') resolves to 'Fellowship'."""
    values = ["Fellowship (29)", "Residency", "Not stated (1,204)", "Gone (3)"]
    options = ["Residency", "Fellowship", ""]
    assert filters.resolve_selection(values, options) == ["Fellowship", "Residency",
                                                          ""]


def test_from_selections_drops_unknown_values_and_tidies_search():
    """Widget values become Filters holding only catalog values."""
    chosen = filters.from_selections({"type": ["Fellowship (5)", "Nope"]},
                                     "  EP ", OPTIONS)
    assert chosen == Filters(types=("Fellowship",), search="EP")


def test_option_label_shows_the_count_and_not_stated():
    """Labels read 'Fellowship (28)' and 'Not stated (1,204)'."""
    assert filters.option_label("Fellowship", 28) == "Fellowship (28)"
    assert filters.option_label("", 1204) == "Not stated (1,204)"


def test_facet_options_fill_zeros_and_order_values():
    """Every catalog value is an option; absent counts are 0; '' comes last."""
    counts = pd.DataFrame({"facet": ["type", "site"], "value": ["Fellowship", ""],
                           "programs": [5, 2]})
    found = filters.facet_options(OPTIONS, counts)
    assert found["type"] == {"Residency": 0, "Fellowship": 5, "Practicum": 0}
    assert found["site"] == {"North Hospital": 0, "": 2}
    assert list(found["department"]) == ["Internal Medicine", "Pediatrics", ""]


SITES = {"Alpha Clinic": 3, "Beta Hospital": 9, "Gamma Clinic": 9, "Delta Center": 1,
         "": 5}  # display order; '' is "Not stated"


def test_long_facets_are_lists_of_more_than_500_values():
    assert filters.listed_in_full(range(filters.LISTED_OPTIONS))
    assert filters.listed_in_full(range(filters.LISTED_OPTIONS + 1)) is False


def test_shortlist_keeps_the_values_with_most_programs_ties_in_display_order():
    assert filters.shortlist(SITES, [], "", limit=3) == filters.Shortlist(
        ["Beta Hospital", "Gamma Clinic", ""], 5)
    assert filters.shortlist(SITES, [], "", limit=10).values == [
        "Beta Hospital", "Gamma Clinic", "", "Alpha Clinic", "Delta Center"]


def test_shortlist_finds_by_part_of_the_shown_name_ignoring_case_and_spaces():
    assert filters.shortlist(SITES, [], "  cLINIC ", limit=10) == filters.Shortlist(
        ["Gamma Clinic", "Alpha Clinic"], 2)
    assert filters.shortlist(SITES, [], "not stated") == filters.Shortlist([""], 1)
    assert filters.shortlist(SITES, [], "nowhere") == filters.Shortlist([], 0)


def test_shortlist_always_lists_what_is_chosen_and_counts_it_outside_the_limit():
    assert filters.shortlist(SITES, ["Delta Center"], "clinic", limit=1) == (
        filters.Shortlist(["Gamma Clinic", "Delta Center"], 2))
    assert filters.shortlist(SITES, ["Beta Hospital"], "", limit=1).values == [
        "Beta Hospital", "Gamma Clinic"]
    # The only match is already chosen: it is listed, and it counts as a match.
    assert filters.shortlist(SITES, ["Beta Hospital"], "beta") == filters.Shortlist(
        ["Beta Hospital"], 1)


def test_shortlist_note_says_what_is_listed_and_how_to_find_the_rest():
    short = filters.shortlist(SITES, [], "", limit=2)
    assert filters.shortlist_note(short, 5, "", "Find a site", limit=2) == (
        "Lists the 2 of 5 with the most programs; use 'Find a site' for the others.")
    short = filters.shortlist(SITES, [], " clinic ", limit=1)
    assert filters.shortlist_note(short, 5, " clinic ", "Find a site", limit=1) == (
        "2 of 5 contain 'clinic'; the 1 with the most programs are listed. "
        "Type more to narrow it.")
    short = filters.shortlist(SITES, [], "clinic", limit=5)
    assert filters.shortlist_note(short, 5, "clinic", "Find a site", limit=5) == (
        "2 of 5 contain 'clinic'; all are listed.")
    short = filters.shortlist(SITES, ["Delta Center"], "zz")
    assert filters.shortlist_note(short, 5, "zz", "Find a site") == (
        "None of the 5 contains 'zz'.")
