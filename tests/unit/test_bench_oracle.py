"""The browser benchmark's oracle agrees with the app: counts and first rows.

``bench.browser.CatalogOracle`` reads the CSV with pandas and shares no code with
the app; the benchmark trusts it to know what the page must show (the count and
the names the table's grid must draw first). These tests hold it to the app's
own queries, on the real catalog and a synthetic one.
"""

from __future__ import annotations

import pytest

from bench.browser import FIRST_ROWS, CatalogOracle, Layout
from bench.synth import write_catalog
from gme.catalog import DEFAULT_CATALOG, load_catalog
from gme.filters import Filters


@pytest.fixture(scope="module", params=["real", "synthetic"])
def catalog_path(request, tmp_path_factory):
    if request.param == "real":
        return DEFAULT_CATALOG
    path = tmp_path_factory.mktemp("synthetic") / "programs.csv"
    write_catalog(path, 3_000)
    return path


def app_rows(path, **chosen):
    """Every row the app finds for these Filters fields, in its table's order
    (no limit)."""
    return load_catalog(path).query("explorer_programs",
                                    **Filters(**chosen).sql_params(), row_limit=None)


def test_first_rows_match_the_app_for_departments(catalog_path):
    oracle = CatalogOracle(catalog_path)
    departments = oracle.departments()
    assert len(departments) >= 3
    for chosen in (departments[:1], departments[:3], departments[-2:]):
        rows = oracle.department_rows(*chosen)
        expected = app_rows(catalog_path, departments=tuple(chosen))
        assert len(rows) == oracle.department(*chosen) == len(expected)
        assert oracle.first(rows) == tuple(expected["name"].head(FIRST_ROWS))


def test_first_rows_match_the_app_for_searches_and_the_whole_catalog(catalog_path):
    oracle = CatalogOracle(catalog_path)
    everything = app_rows(catalog_path)
    assert oracle.first(None) == tuple(everything["name"].head(FIRST_ROWS))
    words = [w for w in oracle.frequent_words() if len(w) >= 4][:5]
    assert words
    for word in words:
        expected = app_rows(catalog_path, search=word)
        assert oracle.search(word) == len(expected) > 0
        assert oracle.first(oracle.search_rows(word)) == tuple(
            expected["name"].head(FIRST_ROWS))


def test_only_names_not_shown_before_must_be_painted_again():
    """The harness waits for the grid to paint the first rows' names that differ
    from those shown before at the same position: all of them on a first visit,
    none when the first rows stay the same."""
    oracle = CatalogOracle(DEFAULT_CATALOG)
    layout = Layout(oracle.total, 1, None, 1)
    largest = oracle.department_rows(oracle.departments()[0])
    visit = layout.expect_rows(oracle, None)
    assert visit.changed == visit.first and len(visit.first) == FIRST_ROWS
    assert layout.expect_rows(oracle, largest, largest).changed == ()
    narrowed = layout.expect_rows(oracle, largest, None)
    everything = oracle.first(None)
    assert narrowed.programs == len(largest)
    assert narrowed.changed == tuple(
        name for i, name in enumerate(narrowed.first) if everything[i] != name)
    assert narrowed.changed  # the largest department does not start the catalog
