"""Property-based tests (hypothesis) of the explorer's untrusted inputs.

The link: ``gme.filters.parse_query_params`` with the real catalog's options, fed
arbitrary and hostile query parameters (SQL fragments, 10,000-character values,
repeated and unknown keys, control characters, lone surrogates, non-UTF-8 escapes,
empty values). The search box: arbitrary text, through gme.filters, into the real
catalog's explorer queries. An independent oracle states what must be kept, what
must be ignored, and which programs a search must find.
"""

from __future__ import annotations

import csv
import re
import string
import unicodedata
from urllib.parse import parse_qs, quote_from_bytes, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gme import filters
from gme.catalog import DEFAULT_CATALOG, load_catalog
from gme.filters import FACETS, SEARCH_KEY, Filters
from gme.schema import NOT_STATED

PROPERTY = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
SEARCHES = settings(max_examples=80, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

with DEFAULT_CATALOG.open(encoding="utf-8-sig", newline="") as _handle:
    PROGRAMS = list(csv.DictReader(_handle))  # the catalog, read without DuckDB
ALL_IDS = {p["program_id"] for p in PROGRAMS}
NAMES = sorted(p["name"] for p in PROGRAMS)


@pytest.fixture(scope="module")
def catalog():
    """The real catalog (data/programs.csv), loaded once for this module."""
    loaded = load_catalog(DEFAULT_CATALOG)
    yield loaded
    loaded.close()


@pytest.fixture(scope="module")
def options(catalog) -> dict[str, list[str]]:
    """The allow-list the explorer passes to parse_query_params."""
    return filters.catalog_options(catalog.query("explorer_facet_values"))


# --- strategies -------------------------------------------------------------------

SQL = ["'; DROP TABLE programs; --", "' OR '1'='1", "1; SELECT * FROM read_csv('/etc/"
       "passwd')", "Fellowship' --", "\" OR 1=1 --", "$types", "%' UNION SELECT 1 --",
       "COPY programs TO '/tmp/x.csv'", "ATTACH '/tmp/x.db'", "Residency\\'",
       "<script>alert(1)</script>", "[x](javascript:alert(1))", "=HYPERLINK(\"x\")"]
ANY_CHAR = st.characters(codec=None, exclude_categories=())  # surrogates included
CONTROL = st.characters(categories=["Cc"])
REAL_VALUES = sorted({"Residency", "Fellowship", "Physician", "Pharmacy",
                      "Internal Medicine", "Pediatrics", "ACGME", NOT_STATED})


def _mangled(value: str) -> st.SearchStrategy[str]:
    """Near misses of a real value: case, padding, a control character, a suffix."""
    return st.sampled_from([value, value.upper(), value.lower(), f"  {value} ",
                            f"{value}\x00", f"{value}\n", f"{value} (28)", value[:-1],
                            f"{value}\u200b", f"{value}\ud800"])


HOSTILE_TEXT = st.one_of(
    st.text(ANY_CHAR, max_size=30),
    st.sampled_from(SQL),
    st.sampled_from(REAL_VALUES).flatmap(_mangled),
    st.sampled_from(["", " ", "\t", NOT_STATED, "not stated", "Not  stated"]),
    st.tuples(st.sampled_from("xé'%\x00\ud800"), st.integers(190, 10_000)).map(
        lambda c: c[0] * c[1]),
    st.text(CONTROL, min_size=1, max_size=5),
)
KEYS = st.one_of(st.sampled_from([*(f.key for f in FACETS), SEARCH_KEY]),
                 st.sampled_from(["Type", "tpye", "types", "q ", "", "embed_x"]),
                 HOSTILE_TEXT)
PAIRS = st.lists(st.tuples(KEYS, HOSTILE_TEXT), max_size=12)


def grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Repeated keys collected into lists, as st.query_params.get_all gives them."""
    url: dict[str, list[str]] = {}
    for key, value in pairs:
        url.setdefault(key, []).append(value)
    return url


# --- the oracle: what a link may and may not do -------------------------------------

def usable(raw: str) -> bool:
    """A value can be read at all: not over-long, no control or invalid characters."""
    return (len(raw) <= filters.MAX_VALUE_LENGTH
            and not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in raw))


def expected_facet(raw_values: list[str], allowed: list[str]) -> tuple[list[str], int]:
    """(values kept in order, number ignored) for one facet key's values."""
    kept: list[str] = []
    ignored = 0
    for raw in raw_values:
        value = raw.strip()
        value = "" if value == NOT_STATED else value
        if usable(raw) and raw.strip() and value in allowed:
            if value not in kept:  # a repeat is kept once, it is not ignored
                kept.append(value)
        else:
            ignored += 1
    return kept, ignored


def expected_search(raw_values: list[str]) -> tuple[str, int]:
    """(the search used, notices due): the first usable value, tidied."""
    good = [" ".join(raw.split()) for raw in raw_values if usable(raw)]
    notices = len(raw_values) - len(good) + (1 if len(good) > 1 else 0)
    return (good[0] if good else ""), notices


def assert_readable(notices: list[str]) -> None:
    """Notices are short, printable, valid UTF-8 and never echo a long value."""
    for notice in notices:
        assert len(notice) <= 200, notice
        assert not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in notice)
        notice.encode("utf-8")


def check_parse(url: dict[str, list[str]], options: dict[str, list[str]]) -> None:
    """parse_query_params(url) keeps exactly the allowed values, notices the rest."""
    chosen, notices = filters.parse_query_params(url, options)
    known = {f.key for f in FACETS} | {SEARCH_KEY}
    due = sum(1 for key in url if key not in known)
    for facet in FACETS:
        kept, ignored = expected_facet(url.get(facet.key, []), options[facet.key])
        assert list(chosen.selected(facet)) == kept
        assert set(chosen.selected(facet)) <= set(options[facet.key])
        due += ignored
    search, search_notices = expected_search(url.get(SEARCH_KEY, []))
    assert chosen.search == search
    assert len(chosen.search) <= filters.MAX_VALUE_LENGTH
    assert len(notices) == due + search_notices, notices
    assert_readable(notices)


# --- the link ----------------------------------------------------------------------

@PROPERTY
@given(pairs=PAIRS)
def test_any_link_keeps_only_catalog_values_and_notices_every_ignored_item(
        options, pairs):
    """Hostile keys and values never raise; each ignored key/value has a notice."""
    check_parse(grouped(pairs), options)


def _query_string_part() -> st.SearchStrategy[str]:
    raw_bytes = st.binary(max_size=20).map(quote_from_bytes)  # %FF, %ED%A0%80, ...
    return st.one_of(raw_bytes, st.text(ANY_CHAR, max_size=15),
                     st.sampled_from(["type", "q", "discipline", "Fellowship",
                                      "Not+stated", "%00", "%", "%zz", "&", "=",
                                      ";", "+", "%2B", "%E2%80%9C"]))


@PROPERTY
@given(parts=st.lists(st.tuples(_query_string_part(), _query_string_part()),
                      max_size=10))
def test_any_query_string_as_streamlit_parses_it_is_handled(options, parts):
    """Raw query strings, incl. non-UTF-8 escapes, parsed as Streamlit does, never
    raise."""
    query_string = "&".join(f"{k}={v}" for k, v in parts)
    # streamlit.runtime.state.query_params parses the browser's query string so:
    check_parse(parse_qs(query_string, keep_blank_values=True), options)


@pytest.mark.parametrize("value", ["", "  ", "\u3000"])
def test_an_empty_value_in_the_link_is_ignored_not_read_as_not_stated(
        options, value):
    """'?department=' filters nothing; only the words 'Not stated' select empties."""
    chosen, notices = filters.parse_query_params({"department": [value]}, options)
    assert chosen.departments == ()
    assert len(notices) == 1


def valid_filters(options: dict[str, list[str]]) -> st.SearchStrategy[Filters]:
    """Any state the explorer's widgets can be in, over the real catalog."""
    facets = {f.param: st.lists(st.sampled_from(options[f.key]), unique=True,
                                max_size=4).map(tuple) for f in FACETS}
    printable = st.characters(codec=None, exclude_categories=("Cc", "Cs"))
    search = st.one_of(st.text(printable, max_size=260),
                       st.sampled_from(SQL)).map(filters.clean_search)
    return st.builds(Filters, search=search, **facets)


@PROPERTY
@given(data=st.data())
def test_filters_to_link_to_filters_is_the_identity(options, data):
    """Any valid state survives the URL, also through real URL encoding."""
    chosen = data.draw(valid_filters(options))
    assert filters.parse_query_params(chosen.query_params(), options) == (chosen, [])
    encoded = urlencode(chosen.query_params(), doseq=True)
    decoded = parse_qs(encoded, keep_blank_values=True)
    assert filters.parse_query_params(decoded, options) == (chosen, [])


@PROPERTY
@given(text=st.one_of(st.text(ANY_CHAR, max_size=400),
                     st.tuples(st.integers(1, 4), st.integers(40, 150)).map(
                         lambda t: ("x" * t[0] + "  ") * t[1])))
def test_clean_search_is_short_tidy_and_idempotent(text):
    """The search as stored: at most 200 characters, no edge spaces, stable."""
    cleaned = filters.clean_search(text)
    assert len(cleaned) <= filters.MAX_VALUE_LENGTH
    assert cleaned == cleaned.strip()
    assert filters.clean_search(cleaned) == cleaned
    cleaned.encode("utf-8")


# --- the search box, against the real catalog ----------------------------------------

def normalised(text: str) -> str:
    """Lower-case ASCII words between single spaces, padded: ' heme onc '."""
    return " " + " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split()) + " "


SEARCH_TEXT = {p["program_id"]: normalised(" ".join(
    (p["name"], p["specialty"], p["aliases"]))) for p in PROGRAMS}
WORDS = sorted({w for text in SEARCH_TEXT.values() for w in text.split()})


def expected_ids(search: str) -> set[str]:
    """Programs where every word of ``search`` starts a word of name/specialty/alias."""
    words = normalised(search).split()
    return {pid for pid, text in SEARCH_TEXT.items()
            if all(f" {word}" in text for word in words)}


def run_explorer(catalog, chosen: Filters):
    """The explorer's queries for ``chosen``: (table rows, mix, facet counts)."""
    params = chosen.sql_params()
    return (catalog.query("explorer_programs", **params, row_limit=None),
            catalog.query("explorer_mix", **params),
            catalog.query("explorer_facet_counts", **params))


def facet_choices(options: dict[str, list[str]]) -> st.SearchStrategy[dict]:
    """Widget selections for type, discipline and department (values or labels)."""
    return st.fixed_dictionaries({key: st.lists(st.sampled_from(options[key]),
                                                max_size=3)
                                  for key in ("type", "discipline", "department")})


SEARCH_BOX = st.one_of(
    st.text(ANY_CHAR, max_size=300), st.sampled_from(SQL),
    st.text(ANY_CHAR, max_size=5).map(lambda t: f"cardio {t}\ud800{t}"),
    st.integers(190, 400).map(lambda n: "heme onc " * (n // 9)))


@SEARCHES
@given(data=st.data(), text=SEARCH_BOX)
def test_any_search_text_returns_a_subset_of_the_catalog(catalog, options, data,
                                                         text):
    """Arbitrary text in the search box, with any filters, never raises and finds
    only catalog programs; figures, table and facet counts agree."""
    chosen = filters.from_selections(data.draw(facet_choices(options)), text, options)
    rows, mix, counts = run_explorer(catalog, chosen)
    assert set(rows["program_id"]) <= ALL_IDS
    assert rows["program_id"].is_unique
    assert int(mix["programs"].sum()) == len(rows)
    for facet in FACETS:
        assert set(counts.loc[counts["facet"] == facet.key, "value"]) <= set(
            options[facet.key])
    linked, _ = filters.parse_query_params({SEARCH_KEY: [text]}, options)
    if linked.search != chosen.search:  # the same text, arriving through a link
        rows = catalog.query("explorer_programs", **linked.sql_params(),
                             row_limit=None)
        assert set(rows["program_id"]) <= ALL_IDS


ASCII_WORD = st.one_of(
    st.sampled_from(WORDS).flatmap(lambda w: st.integers(1, len(w)).map(
        lambda n: w[:n])),
    st.text(string.ascii_letters + string.digits + " /-'%_*()&.", max_size=12))


@SEARCHES
@given(words=st.lists(ASCII_WORD, min_size=1, max_size=4), shout=st.booleans())
def test_search_finds_exactly_the_programs_whose_words_it_starts(catalog, words,
                                                                 shout):
    """An ASCII search returns exactly what the word-prefix rule says, case-blind."""
    search = filters.clean_search(" ".join(words))
    search = search.upper() if shout else search
    rows = catalog.query("explorer_programs", **Filters(search=search).sql_params(),
                         row_limit=None)
    assert set(rows["program_id"]) == expected_ids(search)


@pytest.mark.parametrize("name", NAMES)
def test_a_programs_exact_name_finds_it(catalog, name):
    """Searching a program's exact name (or in capitals) lists that program."""
    wanted = next(p["program_id"] for p in PROGRAMS if p["name"] == name)
    for text in (name, name.upper()):
        rows, _, _ = run_explorer(catalog, Filters(search=filters.clean_search(text)))
        assert wanted in set(rows["program_id"])


# --- a small catalog's one query, against the three it stands in for ---------------

SOME_WORDS = st.lists(ASCII_WORD, min_size=1, max_size=5).map(" ".join)


@SEARCHES
@given(data=st.data())
def test_one_query_state_equals_the_explorer_queries(catalog, options, data):
    """For any state, gme.explorer.one_query_state (the page's path for a catalog
    of up to ONE_QUERY_ROWS programs) gives exactly what the mix, table and facet
    count queries give: figures, mix, display table, counts and labels."""
    from gme.explorer import facets, one_query_state, ordered_options, results

    facets_strategy = {f.param: st.lists(st.sampled_from(options[f.key]),
                                         unique=True, max_size=2).map(tuple)
                       for f in FACETS}
    search = st.one_of(st.just(""), SOME_WORDS, st.sampled_from(SQL))
    chosen = data.draw(st.builds(Filters, search=search.map(filters.clean_search),
                                 **facets_strategy))
    ordered = ordered_options(options)
    params = chosen.sql_params()
    one = one_query_state(catalog, ordered, params)
    apart = results(catalog, params)
    assert one.facets == facets(catalog, ordered, params)
    assert one.table.equals(apart.table) and one.shown == apart.shown
    assert (one.view is None) == (apart.view is None)
    if one.view is not None:
        assert list(one.view.mix) == list(apart.view.mix)
        assert one.view.key_figures == apart.view.key_figures
        for key in ("by_discipline", "hierarchy"):  # the treemap reads the rows
            assert one.view.chart(key).figure == apart.view.chart(key).figure
