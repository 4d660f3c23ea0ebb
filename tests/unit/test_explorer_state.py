"""gme.explorer: one filter state's results (figures, table) and facet counts."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from gme import export, filters, schema
from gme.catalog import load_catalog
from gme.explorer import (
    EARLY_COUNTS_ROWS,
    ONE_QUERY_ROWS,
    SEARCH_PARAMS,
    TABLE_ROWS,
    answers_in_one_query,
    facet_flags,
    facets,
    one_query_state,
    ordered_options,
    result_queries,
    results,
    searched_programs,
    start_facets,
    state_of_searched,
)
from gme.sql import parameters

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def real():
    """The real catalog and its facet values in display order."""
    catalog = load_catalog(ROOT / "data" / "programs.csv")
    options = filters.catalog_options(catalog.query("explorer_facet_values"))
    return catalog, ordered_options(options)


def _params(**chosen):
    return filters.Filters(**chosen).sql_params()


def test_parallel_queries_equal_sequential_ones(real):
    """Running the result queries side by side, and the facet counts on a worker
    thread, changes no result."""
    catalog, ordered = real
    params = _params(types=("Fellowship",), search="cardio")
    mix, rows = result_queries(catalog, params)
    assert mix == catalog.records("explorer_mix", **params) and mix
    assert rows.equals(catalog.arrow("explorer_programs", **params,
                                     row_limit=TABLE_ROWS)) and rows.num_rows
    assert start_facets(catalog, ordered, params).result() == facets(
        catalog, ordered, params)
    # Five fellowships and one residency have a word starting with "cardio".
    counts = facets(catalog, ordered, params).counts["type"]
    assert counts["Fellowship"] == 5 and counts["Residency"] == 1


@pytest.mark.parametrize(("programs", "expected"), [
    (54, ["records done", "queried", "arrow done", "built"]),
    (EARLY_COUNTS_ROWS + 1, ["records done", "arrow done", "queried", "built"]),
])
def test_results_call_queried_once_at_the_right_time(real, monkeypatch, programs,
                                                     expected):
    """``queried`` (the page starts the facet counts there) runs once, before the
    figures are built: in a small catalog as soon as the first result query is
    done, in a large one after both. The table rows are made slow here, so the
    mix is done first."""
    from gme import charts

    catalog, _ = real
    events = []

    def logged(name, delay):
        original = getattr(catalog, name)

        def done(*args, **kwargs):
            result = original(*args, **kwargs)
            time.sleep(delay)
            events.append(f"{name} done")
            return result
        return done

    monkeypatch.setattr(catalog, "rows", programs)
    monkeypatch.setattr(catalog, "records", logged("records", 0))  # the mix
    monkeypatch.setattr(catalog, "arrow", logged("arrow", 0.5))  # the rows
    monkeypatch.setattr(charts, "mix_view", lambda *a: events.append("built"))
    results(catalog, _params(), queried=lambda: events.append("queried"))
    assert events == expected


def test_fellowship_physician_state(real):
    """Type Fellowship + discipline Physician: 28 programs, counts for every option."""
    catalog, ordered = real
    params = _params(types=("Fellowship",), disciplines=("Physician",))
    shown, state = results(catalog, params), facets(catalog, ordered, params)
    assert shown.total == 28 and shown.shown == 28 and len(shown.table) == 28
    assert state.counts["type"]["Fellowship"] == 28  # other filters: Physician
    assert state.counts["type"]["Residency"] == 18
    assert state.counts["discipline"]["Administration"] == 1  # zero-count kept too
    assert state.counts["discipline"]["Nursing"] == 0
    assert state.labels["type"]["Fellowship"] == "Fellowship (28)"
    assert state.labels["site"][""] == "Not stated (28)"
    assert list(state.counts["type"]) == list(ordered["type"])


def test_no_match_has_no_view(real):
    """A search that matches nothing gives total 0 and no figures."""
    catalog, ordered = real
    shown = results(catalog, _params(search="zzzz"))
    state = facets(catalog, ordered, _params(search="zzzz"))
    assert shown.view is None and shown.total == 0 and shown.table.num_rows == 0
    assert all(n == 0 for n in state.counts["type"].values())


def test_options_keep_display_order(real):
    """Types follow the vocabulary; other values alphabetical, Not stated last."""
    _, ordered = real
    assert ordered["type"] == ["Residency", "Fellowship", "Practicum",
                               "Training program", "Degree program"]
    assert ordered["site"][-1] == ""
    assert ordered["department"][:2] == ["Administration", "Anesthesiology"]


def test_a_facet_with_very_many_values_gets_no_full_list_of_labels(tmp_path):
    """A facet with more than LISTED_OPTIONS values (a national catalog's sites)
    gets no labels for all its values (the page shortlists it from the counts);
    the others keep a label for every value."""
    from bench.synth import write_catalog

    catalog = load_catalog(write_catalog(tmp_path / "synthetic.csv", 12_000))
    ordered = ordered_options(filters.catalog_options(
        catalog.query("explorer_facet_values")))
    assert len(ordered["site"]) > filters.LISTED_OPTIONS
    state, shown = facets(catalog, ordered, _params()), results(catalog, _params())
    assert "site" not in state.labels
    assert sum(state.counts["site"].values()) == 12_000  # still counted
    assert set(state.labels) == {"type", "discipline", "department", "specialty",
                                 "accreditation"}
    assert all(len(ordered[k]) <= filters.LISTED_OPTIONS for k in state.labels)
    # The table reads the first TABLE_ROWS; the CSV download has every program.
    assert shown.shown == len(shown.table) == TABLE_ROWS < shown.total == 12_000
    csv_lines = export.filtered_csv(catalog, _params()).decode("utf-8-sig")
    assert csv_lines.count("\n") == 12_000 + 1  # the header and every program
    catalog.close()


def test_a_small_catalog_state_is_one_query(real, monkeypatch):
    """In a catalog of up to ONE_QUERY_ROWS programs a new state runs one query,
    which gives the results and the facet counts, and they are right: type
    Fellowship + discipline Physician, as in test_fellowship_physician_state."""
    catalog, ordered = real
    ran = []
    records = catalog.records

    def logged(name, **params):
        ran.append(name)
        return records(name, **params)

    monkeypatch.setattr(catalog, "records", logged)
    monkeypatch.setattr(catalog, "arrow", lambda name, **params: ran.append(name))
    assert answers_in_one_query(catalog) and catalog.rows <= ONE_QUERY_ROWS
    state = one_query_state(catalog, ordered, _params(types=("Fellowship",),
                                                      disciplines=("Physician",)))
    assert ran == ["explorer_searched_programs"]
    assert state.total == state.shown == state.table.num_rows == 28
    assert state.facets.counts["type"] == {"Residency": 18, "Fellowship": 28,
                                           "Practicum": 0, "Training program": 0,
                                           "Degree program": 0}
    assert state.facets.labels["site"][""] == "Not stated (28)"
    assert state.view.key_figures["Fellowships"] == 28


def test_the_one_query_has_the_columns_the_code_reads(real):
    """explorer_searched_programs returns the catalog's columns, in order, and
    binds the search's parameters only."""
    catalog, _ = real
    frame = catalog.query("explorer_searched_programs", **_params())
    assert tuple(frame.columns) == schema.COLUMN_NAMES
    assert len(frame) == catalog.rows  # no search: every program
    assert parameters("explorer_searched_programs") == set(SEARCH_PARAMS)


def test_the_one_query_depends_on_the_search_alone(real):
    """A small catalog's searched programs are those its search finds, in the
    table's order, whatever the facets; a state made from them (with no query)
    gives what the mix, table and facet count queries give."""
    catalog, ordered = real
    params = _params(types=("Fellowship",), disciplines=("Physician",),
                     search="cardio")
    searched = searched_programs(catalog, params)
    found = catalog.query("explorer_programs", **_params(search="cardio"),
                          row_limit=None)
    assert [row[0] for row in searched] == list(found["program_id"])
    assert 0 < len(searched) < catalog.rows
    made = state_of_searched(searched, ordered, params)  # rows in, no catalog
    apart = results(catalog, params)  # the mix and table queries
    assert made.facets == facets(catalog, ordered, params)
    assert made.table.equals(apart.table) and made.shown == apart.shown
    assert list(made.view.mix) == list(apart.view.mix)
    assert made.total == 5  # the five cardio fellowships (all for physicians)


@pytest.mark.parametrize(("facet", "value", "chosen", "passes"), [
    ("department", "Cardiology", [], True),  # an empty list: no filter
    ("department", "Cardiology", ["Cardiology"], True),
    ("department", "Cardiology", ["Pediatrics"], False),
    ("department", None, [""], True),  # '' stands for "Not stated"
    ("department", None, ["Cardiology"], False),
    ("department", "", [""], True),
    ("department", "cardiology", ["Cardiology"], False),  # exact, as in DuckDB
    ("type", "Fellowship", ["Residency", "Fellowship"], True),
    ("type", "Fellowship", ["Residency"], False),
    ("site", None, ["Tufts Medical Center", ""], True),
    ("accreditation", "ACGME", ["Not ACGME", ""], False),
])
def test_facet_flags_follow_the_macros_tests(facet, value, chosen, passes):
    """facet_flags tests a facet as the filtered_programs macro does."""
    at = [f.key for f in filters.FACETS].index(facet)
    row = [None] * len(schema.COLUMN_NAMES)
    row[schema.COLUMN_NAMES.index(filters.FACETS[at].column)] = value
    params = _params(**{filters.FACETS[at].param: tuple(chosen)})
    (flags,) = facet_flags([row], params)
    assert flags[at] is passes
    assert all(flags[:at] + flags[at + 1:])  # no other filter


def test_a_larger_catalog_counts_its_facets_apart(tmp_path):
    """Above ONE_QUERY_ROWS programs the page takes the three queries' path."""
    from bench.synth import write_catalog

    catalog = load_catalog(write_catalog(tmp_path / "synthetic.csv",
                                         ONE_QUERY_ROWS + 1))
    assert not answers_in_one_query(catalog)
    assert results(catalog, _params()).facets is None
    catalog.close()
