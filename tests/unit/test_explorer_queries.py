"""The explorer's queries on tests/fixtures/explorer_catalog.csv (12 programs).

The fixture is small enough to count by hand: 6 fellowships (5 physician, 1
administration), 4 residencies (3 physician, 1 pharmacy), 1 practicum, 1 training
program; 4 programs at North Hospital, 6 with no site; 1 with no department.
"""

from __future__ import annotations

import random

import pytest

from gme import catalog as catalog_module
from gme import filters
from gme.catalog import load_catalog
from gme.explorer import TABLE_ROWS
from gme.filters import Filters
from gme.schema import COLUMN_NAMES, PROGRAM_TYPES


@pytest.fixture(scope="module")
def catalog(request):
    """The explorer fixture catalog, loaded once for this module."""
    path = request.config.rootpath / "tests" / "fixtures" / "explorer_catalog.csv"
    loaded = load_catalog(path)
    yield loaded
    loaded.close()


def ids(catalog, **chosen) -> list[str]:
    """program_ids the table query returns for the given Filters fields."""
    rows = catalog.query("explorer_programs", **Filters(**chosen).sql_params(),
                         row_limit=None)
    return sorted(rows["program_id"])


def counts(catalog, **chosen) -> dict[str, dict[str, int]]:
    """Facet options with counts, zero-filled, for the given Filters fields."""
    options = filters.catalog_options(catalog.query("explorer_facet_values"))
    found = catalog.query("explorer_facet_counts", **Filters(**chosen).sql_params())
    return filters.facet_options(options, found)


@pytest.mark.parametrize(("search", "expected"), [
    ("EP", ["ep-fellowship"]),
    ("ep", ["ep-fellowship"]),
    ("heme/onc", ["heme-onc-fellowship"]),
    ("Heme Onc", ["heme-onc-fellowship"]),
    ("hem/onc", ["heme-onc-fellowship"]),
    ("cardio", ["cardiology-fellowship", "cardiothoracic-residency",
                "ep-fellowship"]),
    ("CARDS", ["cardiology-fellowship"]),
    ("onc", ["heme-onc-fellowship"]),
    ("peds", ["peds-residency"]),
    ("pharmd", ["pharmacy-residency-north"]),
    ("clinical decision", ["cdm-fellowship"]),
])
def test_search_matches_word_prefixes_in_name_specialty_and_aliases(
        catalog, search, expected):
    """Abbreviations and word starts find what a person expects, in any case."""
    assert ids(catalog, search=search) == expected


def test_every_word_of_a_long_search_must_match(catalog):
    """The first three words are tested one by one, the rest as a list: a word
    that matches nothing rules the program out in either place."""
    assert ids(catalog, search="clinical decision making fellowship") == [
        "cdm-fellowship"]
    assert ids(catalog, search="fellowship making decision clinical cli") == [
        "cdm-fellowship"]
    assert ids(catalog, search="clinical decision making zzz") == []
    assert ids(catalog, search="clinical decision zzz making") == []
    assert ids(catalog, search="zzz clinical decision making") == []


@pytest.mark.parametrize("search", ["cardio", "c", "p cardio", "heme onc",
                                    "clinical decision making fellowship", "zzz"])
def test_search_finds_the_same_with_or_without_a_facet_filter(catalog, search):
    """The search is tested two ways (filtered_programs): bits first when no facet
    is filtered, text alone when one is. Choosing every type filters nothing, so
    both ways must find the same programs; one-letter words have no bit."""
    alone = ids(catalog, search=search)
    assert ids(catalog, search=search, types=tuple(PROGRAM_TYPES)) == alone
    if search == "c":
        assert 0 < len(alone) < len(ids(catalog))  # filtered, not everything


def test_search_is_word_prefix_not_substring(catalog):
    """'path' starts no word (Hematopathology is one word), so it finds nothing."""
    assert ids(catalog, search="path") == []


def test_search_with_sql_text_is_just_text(catalog):
    """A search that looks like SQL matches nothing and breaks nothing."""
    assert ids(catalog, search="'; DROP TABLE programs; --") == []
    assert len(ids(catalog)) == 12


def test_empty_filters_return_every_program(catalog):
    """No filter, no search: all 12 programs."""
    assert len(ids(catalog)) == 12


def test_filters_combine_with_and_across_facets_and_or_within(catalog):
    """Two types OR together; a discipline then narrows them."""
    assert len(ids(catalog, types=("Fellowship", "Residency"))) == 10
    assert len(ids(catalog, types=("Fellowship", "Residency"),
                   disciplines=("Physician",))) == 8


def test_not_stated_selects_programs_with_an_empty_value(catalog):
    """'' stands for "Not stated": the program without a department, the six without
    a site."""
    assert ids(catalog, departments=("",)) == ["cdm-fellowship"]
    assert len(ids(catalog, sites=("",))) == 6
    assert len(ids(catalog, sites=("", "North Hospital"))) == 10


def test_facet_counts_exclude_each_facets_own_filter(catalog):
    """Fellowship + Physician: each facet is counted under the other filter only."""
    found = counts(catalog, types=("Fellowship",), disciplines=("Physician",))
    assert found["type"] == {"Residency": 3, "Fellowship": 5, "Practicum": 0,
                             "Training program": 0}
    assert found["discipline"] == {"Physician": 5, "Pharmacy": 0, "Psychology": 0,
                                   "Nutrition": 0, "Administration": 1}
    assert found["department"]["Internal Medicine"] == 3
    assert found["department"][""] == 1
    assert found["site"]["North Hospital"] == 2
    assert found["site"][""] == 3
    assert found["accreditation"] == {"ACGME": 3, "Non-ACGME": 1, "ASHP": 0, "": 1}


@pytest.mark.parametrize("chosen", [
    {}, {"types": ("Fellowship",), "disciplines": ("Physician",)},
    {"search": "cardio"}, {"sites": ("", "North Hospital"),
                           "accreditations": ("ACGME",)},
    {"departments": ("",), "search": "clinical"},
    {"types": ("Residency",), "specialties": ("Pharmacy", "Pediatrics")},
], ids=lambda c: ",".join(c) or "none")
def test_each_count_is_what_choosing_that_option_would_show(catalog, chosen):
    """A facet count equals the rows shown with that value as the facet's filter."""
    found = counts(catalog, **chosen)
    for facet in filters.FACETS:
        for value, count in found[facet.key].items():
            picked = {**chosen, facet.param: (value,)}
            assert count == len(ids(catalog, **picked)), (facet.key, value)


def test_facet_counts_list_every_catalog_value_even_with_zero(catalog):
    """Options that would match nothing are kept with 0, never dropped."""
    found = counts(catalog, search="cardio")
    assert found["type"] == {"Residency": 1, "Fellowship": 2, "Practicum": 0,
                             "Training program": 0}
    assert set(found["site"]) == {"North Hospital", "South Hospital",
                                  "@South Hospital", ""}
    assert found["site"]["South Hospital"] == 0


def test_facet_counts_without_filters_sum_to_the_catalog(catalog):
    """With nothing selected each facet's counts add up to all 12 programs."""
    found = counts(catalog)
    for facet in filters.FACETS:
        assert sum(found[facet.key].values()) == 12, facet.key


def test_not_stated_is_last_and_types_follow_the_vocabulary(catalog):
    """Option order: vocabulary order for types, '' (Not stated) last elsewhere."""
    found = counts(catalog)
    assert list(found["type"]) == [t for t in PROGRAM_TYPES if t in found["type"]]
    assert list(found["department"])[-1] == ""
    assert list(found["site"])[-1] == ""


def test_mix_is_small_and_sums_to_the_filtered_count(catalog):
    """The chart data is one row per type/discipline/department that occurs."""
    mix = catalog.query("explorer_mix", **Filters(types=("Fellowship",)).sql_params())
    assert list(mix.columns) == ["program_type", "discipline", "department",
                                 "programs"]
    assert mix["programs"].sum() == 6
    assert len(mix) == 4  # IM (Physician), Pathology, '' and Administration


def test_table_is_sorted_by_type_order_then_name(catalog):
    """Residencies first (the vocabulary's order), then by name within a type."""
    rows = catalog.query("explorer_programs", **Filters().sql_params(),
                         row_limit=None)
    order = [PROGRAM_TYPES.index(t) for t in rows["program_type"]]
    assert order == sorted(order)
    residencies = rows.loc[rows["program_type"] == "Residency", "name"].tolist()
    assert residencies == sorted(residencies)


def test_table_and_export_have_catalog_columns_only(catalog):
    """No internal columns (row_number, search_text) reach the page or the file."""
    params = Filters().sql_params()
    for limit in (TABLE_ROWS, None):
        rows = catalog.query("explorer_programs", **params, row_limit=limit)
        assert tuple(rows.columns) == COLUMN_NAMES


def test_completeness_counts_values_and_names_the_programs_without(catalog):
    """Per column: programs with a value, without one, and which ones lack it."""
    result = catalog.query("explorer_completeness",
                           **Filters(types=("Fellowship",)).sql_params())
    by_column = result.set_index("column_name")
    assert set(by_column.index) == set(COLUMN_NAMES)
    assert by_column.loc["name", "missing"] == 0
    assert by_column.loc["department", "with_value"] == 5
    assert list(by_column.loc["department", "missing_programs"]) == [
        "Clinical Decision Making Fellowship"]
    assert by_column.loc["director", "missing"] == 6


def test_synthetic_catalog_loads_and_counts_add_up(tmp_path):
    """bench.synth writes a valid catalog; the explorer's counts cover every row."""
    from bench.synth import write_catalog

    synthetic = load_catalog(write_catalog(tmp_path / "synthetic.csv", 500))
    assert synthetic.rows == 500
    options = filters.catalog_options(synthetic.query("explorer_facet_values"))
    found = filters.facet_options(options, synthetic.query(
        "explorer_facet_counts", **Filters().sql_params()))
    assert all(sum(found[f.key].values()) == 500 for f in filters.FACETS)
    assert len(found["site"]) > 10  # many sites, like a national catalog
    synthetic.close()


@pytest.mark.parametrize("order_slice", [7, 100, catalog_module.ORDER_SLICE])
def test_table_order_is_type_then_name_then_id_in_any_file_order(
        tmp_path, monkeypatch, order_slice):
    """The order the catalog is stored in at load time (rank_programs.sql), which
    the table query returns without a sort, is the vocabulary's type order, then
    the name (ties broken by program_id), whatever the file's row order: 300 rows
    in a shuffled order, names repeated, some not ASCII; stored 7 at a time, 100
    at a time (exactly three slices) and all at once."""
    monkeypatch.setattr(catalog_module, "ORDER_SLICE", order_slice)
    rng = random.Random(7)
    names = ["Cardiology", "cardiology", "Ästhetik", "Anesthesiology", "Zoo",
             "Internal Medicine", "Émile Program"]
    programs = [(f"p-{i}", rng.choice(names), rng.choice(PROGRAM_TYPES))
                for i in range(300)]
    rng.shuffle(programs)
    lines = [",".join(COLUMN_NAMES)]
    lines += [f"{pid},{name},{kind},Physician,,,,,,,," for pid, name, kind in programs]
    path = tmp_path / "shuffled.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = [pid for pid, name, kind in
                sorted(programs, key=lambda p: (PROGRAM_TYPES.index(p[2]), p[1], p[0]))]
    catalog = load_catalog(path)
    try:
        for limit in (None, 120):
            rows = catalog.query("explorer_programs", **Filters().sql_params(),
                                 row_limit=limit)
            assert list(rows["program_id"]) == expected[:limit]
        searched = catalog.records("explorer_searched_programs",
                                   **Filters(search="cardiology").sql_params())
        names = {pid: name for pid, name, _ in programs}
        assert [row[0] for row in searched] == [
            pid for pid in expected if names[pid].lower() == "cardiology"]
        with catalog.cursor() as cursor:  # the new table keeps the DDL's rules
            rules = {kind for (kind,) in cursor.execute(
                "SELECT constraint_type FROM duckdb_constraints() "
                "WHERE database_name = 'catalog' AND table_name = 'programs'"
            ).fetchall()}
        assert {"CHECK", "NOT NULL"} <= rules
    finally:
        catalog.close()


def test_table_order_holds_in_a_catalog_of_more_than_one_row_group(tmp_path):
    """130,000 programs: more than one of DuckDB's row groups (122,880 rows), so
    the table query's scan runs on several threads and must still return the
    programs in the stored order, with a filter, a search and a limit too."""
    rng = random.Random(11)
    words = ["Cardiology", "Cardiac", "Surgery", "Pediatric", "Oncology", "Care",
             "Internal", "Medicine", "Neurology", "Radiology"]
    programs = [(f"p-{i}", " ".join(rng.sample(words, 3)), rng.choice(PROGRAM_TYPES))
                for i in range(130_000)]
    path = tmp_path / "large.csv"
    path.write_text("\n".join([",".join(COLUMN_NAMES), *(
        f"{pid},{name},{kind},Physician,,,,,,,," for pid, name, kind in programs)])
        + "\n", encoding="utf-8")
    programs.sort(key=lambda p: (PROGRAM_TYPES.index(p[2]), p[1], p[0]))
    catalog = load_catalog(path)
    try:
        with catalog.cursor() as cursor:
            groups = cursor.execute("SELECT count(DISTINCT row_group_id) FROM "
                                    "pragma_storage_info('catalog.main.programs')"
                                    ).fetchone()[0]
        assert groups > 1
        rows = catalog.query("explorer_programs", **Filters().sql_params(),
                             row_limit=None)
        assert list(rows["program_id"]) == [pid for pid, _, _ in programs]
        chosen = Filters(types=("Fellowship", "Residency"), search="card")
        rows = catalog.query("explorer_programs", **chosen.sql_params(),
                             row_limit=TABLE_ROWS)
        expected = [pid for pid, name, kind in programs
                    if kind in chosen.types and "Card" in name]
        assert len(expected) > TABLE_ROWS
        assert list(rows["program_id"]) == expected[:TABLE_ROWS]
        # The page reads the table as Arrow (Catalog.arrow), not as a DataFrame.
        shown = catalog.arrow("explorer_programs", **chosen.sql_params(),
                              row_limit=TABLE_ROWS)
        assert shown.column("program_id").to_pylist() == expected[:TABLE_ROWS]
    finally:
        catalog.close()
