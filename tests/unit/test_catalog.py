"""The real catalog loads with the expected counts; the data layer behaves."""

from __future__ import annotations

import csv
import re
import threading
import zlib
from pathlib import Path

import duckdb
import pytest

from bench.synth import write_catalog
from gme import catalog as catalog_module
from gme import schema, search, sql
from gme.catalog import CatalogError, catalog_path, load_catalog
from gme.filters import Filters
from gme.sql import UnknownQueryError, available, load_sql, parameters

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "data" / "source-page.txt"
SHARED_SOURCE = ROOT.parent / "shared" / "source" / "programs-page.txt"


@pytest.fixture(scope="module")
def real():
    """The real catalog, loaded once."""
    return load_catalog(ROOT / "data" / "programs.csv")


def _source_program_names() -> list[str]:
    lines = SOURCE.read_text(encoding="utf-8").splitlines()
    start = lines.index("Transform your medical career with residency + fellowship "
                        "programs") + 1
    end = lines.index("Residency rotator")
    return [line.removeprefix("- ") for line in lines[start:end]]


def test_source_copy_is_the_shared_page():
    """data/source-page.txt is the shared source page, byte for byte (when present)."""
    if SHARED_SOURCE.exists():
        assert SOURCE.read_bytes() == SHARED_SOURCE.read_bytes()
    assert len(_source_program_names()) == 54


def test_real_catalog_has_54_programs(real):
    """All 54 programs of the source page, one row each."""
    assert real.rows == 54
    assert int(real.query("catalog_summary")["programs"].iloc[0]) == 54


def test_names_are_exactly_the_source_pages(real):
    """Each name is written exactly as the page writes it, in the page's order."""
    with (ROOT / "data" / "programs.csv").open(encoding="utf-8") as handle:
        names = [row["name"] for row in csv.DictReader(handle)]
    assert names == _source_program_names()
    assert len(names) == 54


def test_counts_per_type(real):
    """22 residencies, 29 fellowships and one each of the other kinds."""
    counts = dict(real.query("programs_by_type").itertuples(index=False))
    assert counts == {"Residency": 22, "Fellowship": 29, "Practicum": 1,
                      "Training program": 1, "Degree program": 1}


def test_counts_per_discipline(real):
    """46 physician programs, 3 pharmacy, and one each of five other professions."""
    counts = dict(real.query("programs_by_discipline").itertuples(index=False))
    assert counts == {"Physician": 46, "Pharmacy": 3, "Nursing": 1, "Psychology": 1,
                      "Nutrition": 1, "Administration": 1, "Clinical research": 1}


def test_page_stated_facts_are_recorded(real):
    """The three pharmacy sites and the non-ACGME fellowship, and nothing invented."""
    with (ROOT / "data" / "programs.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    sites = {r["site"] for r in rows if r["site"]}
    assert sites == {"Lowell General Hospital", "MelroseWakefield Hospital",
                     "Tufts Medical Center"}
    assert [r["program_id"] for r in rows if r["accreditation"]] == [
        "clinical-decision-making-fellowship"]
    for column in ("positions", "length_years", "director"):
        assert all(r[column] == "" for r in rows), f"{column} is not on the page"


def test_fellowship_parents_follow_acgme(real):
    """Subspecialties sit under their ACGME parent; shared ones: multidisciplinary."""
    with (ROOT / "data" / "programs.csv").open(encoding="utf-8") as handle:
        dept = {r["program_id"]: r["department"] for r in csv.DictReader(handle)}
    assert dept["electrophysiology-fellowship"] == "Internal Medicine"
    assert dept["maternal-fetal-medicine-fellowship"] == "Obstetrics and Gynecology"
    assert dept["magnetic-resonance-imaging-fellowship"] == "Radiology"
    assert dept["vascular-surgery-fellowship"] == "Vascular Surgery"
    for shared in ("hand-surgery", "critical-care-medicine", "sleep-medicine",
                   "hospice-palliative-medicine", "neuro-critical-care"):
        assert dept[f"{shared}-fellowship"] == "Multidisciplinary"


def _is_setup(name: str) -> bool:
    body = re.sub(r"--[^\n]*", "", load_sql(name)).strip().upper()
    return body.startswith(("CREATE", "INSERT"))


def test_every_query_runs_on_the_fixture_catalog(fixtures):
    """Every SELECT in queries/ runs with typical parameters, so no column can hide."""
    catalog = load_catalog(fixtures / "small_catalog.csv")
    values = {**Filters().sql_params(), "row_limit": 1000}
    selects = [name for name in available() if not _is_setup(name)]
    assert len(selects) >= 3
    for name in selects:
        missing = parameters(name) - values.keys()
        assert not missing, f"{name}: give the test a value for {missing}"
        assert list(catalog.query(name, **values).columns), name


def test_unknown_query_name_fails_clearly():
    """A missing query file names itself and lists the known ones."""
    with pytest.raises(UnknownQueryError, match="programs_by_type"):
        load_sql("no_such_query")
    with pytest.raises(UnknownQueryError):
        load_sql("../data/programs")


def test_missing_parameter_is_an_error(fixtures, monkeypatch, tmp_path):
    """A query run without one of its $parameters says which one."""
    (tmp_path / "probe.sql").write_text("SELECT count(*) FROM programs "
                                        "WHERE discipline = $discipline")
    catalog = load_catalog(fixtures / "small_catalog.csv")
    monkeypatch.setattr(sql, "QUERIES_DIR", tmp_path)
    load_sql.cache_clear()
    parameters.cache_clear()
    try:
        with pytest.raises(TypeError, match="discipline"):
            catalog.query("probe")
        assert catalog.query("probe", discipline="Pharmacy").iloc[0, 0] == 1
    finally:
        monkeypatch.undo()
        load_sql.cache_clear()
        parameters.cache_clear()


def test_catalog_path_follows_environment(monkeypatch, tmp_path):
    """GME_CATALOG points the app at another catalog; unset means the default."""
    monkeypatch.delenv("GME_CATALOG", raising=False)
    assert catalog_path() == ROOT / "data" / "programs.csv"
    monkeypatch.setenv("GME_CATALOG", str(tmp_path / "x.csv"))
    assert catalog_path() == tmp_path / "x.csv"


def test_connection_is_locked_down(fixtures, tmp_path):
    """After loading, no query can read files or change the configuration."""
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n1\n", encoding="utf-8")
    catalog = load_catalog(fixtures / "small_catalog.csv")
    with catalog.cursor() as cursor:
        with pytest.raises(Exception, match="disabled|Permission"):
            cursor.execute("SELECT * FROM read_csv($path)",
                           {"path": str(secret)}).fetchall()
        with pytest.raises(Exception, match="locked"):
            cursor.execute("SET enable_external_access = true")


def _settings(con, names):
    rows = con.execute("SELECT name, value FROM duckdb_settings() "
                       "WHERE list_contains($names, name)", {"names": names})
    return dict(rows.fetchall())


def test_loading_settings_end_with_the_load(real):
    """After a load, its settings are the defaults and the background thread is on."""
    loading = list(catalog_module._LOADING)
    with (duckdb.connect() as fresh,
          duckdb.connect(config=catalog_module._LOADING) as while_loading,
          real.cursor() as cursor):
        defaults = _settings(fresh, loading)
        assert _settings(while_loading, loading) != defaults  # so a missing RESET shows
        assert _settings(cursor, loading) == defaults
        assert _settings(cursor, ["allocator_background_threads"]) == {
            "allocator_background_threads": "true"}


def test_loaded_catalog_is_checkpointed_and_compressed(real):
    """Every segment of the served table is checkpointed; its text is compressed."""
    with real.cursor() as cursor:
        segments = cursor.execute(
            "SELECT persistent, compression "
            "FROM pragma_storage_info('catalog.programs')").fetchall()
    assert segments and all(persistent for persistent, _ in segments)
    assert any(method == "DICT_FSST" for _, method in segments)


def test_loading_never_writes_the_file(fixtures, tmp_path):
    """The catalog file is byte-for-byte unchanged after loading."""
    copy = tmp_path / "programs.csv"
    copy.write_bytes((fixtures / "small_catalog.csv").read_bytes())
    before = copy.read_bytes(), copy.stat().st_mtime_ns
    load_catalog(copy).query("programs_by_type")
    assert (copy.read_bytes(), copy.stat().st_mtime_ns) == before


def test_queries_from_many_threads_agree(real):
    """Cursors keep concurrent queries apart: every thread gets the right answer."""
    errors: list[str] = []

    def work(i: int) -> None:
        for _ in range(30):
            counts = dict(real.query("programs_by_type").itertuples(index=False))
            if counts["Fellowship"] != 29 or counts["Residency"] != 22:
                errors.append(f"thread {i}: {counts}")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_schema_vocabularies_match_the_ddl(fixtures, tmp_path):
    """A value allowed by gme.schema loads; DuckDB rejects one outside it."""
    header = ",".join(schema.COLUMN_NAMES)
    rows = [f"p-{i},Program {i},{t},Physician,,,,,,,," for i, t in
            enumerate(schema.PROGRAM_TYPES)]
    rows += [f"d-{i},Program d{i},Residency,{d},,,,,,,," for i, d in
             enumerate(schema.DISCIPLINES)]
    rows += [f"a-{i},Program a{i},Residency,Physician,,,,{a},,,," for i, a in
             enumerate(schema.ACCREDITATIONS)]
    path = tmp_path / "all.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert load_catalog(path).rows == len(rows)
    with pytest.raises(CatalogError):
        bad = tmp_path / "bad.csv"
        bad.write_text(header + "\nx,X,Internship,Physician,,,,,,,,\n",
                       encoding="utf-8")
        load_catalog(bad)


def test_search_text_holds_each_word_once_in_order():
    """search_text: the distinct words of name, specialty and aliases, lower case,
    sorted, with a space each side (a search tests word starts, so repeats would
    only lengthen every search's scan); word_bits: the bits of their starts."""
    catalog = load_catalog(ROOT / "data" / "programs.csv")
    with catalog.cursor() as cursor:
        rows = cursor.execute(
            "SELECT name, specialty, aliases, search_text, word_bits FROM programs "
            "ORDER BY row_number").fetchall()
    catalog.close()
    assert len(rows) == 54
    for name, specialty, aliases, text, bits in rows:
        words = re.split(r"[^a-z0-9]+", " ".join(
            part for part in (name, specialty, aliases) if part).lower())
        assert text == " " + " ".join(sorted({w for w in words if w})) + " ", name
        # word_bits: one bit per two-letter word start, and no other bit
        starts = {w[:2] for w in words if len(w) >= 2}
        assert bits == sum({1 << (zlib.crc32(s.encode()) % 64) for s in starts}), name
    # The first program's name repeats words of its aliases; each is kept once.
    assert rows[0][3].count(" transplant ") == 1


def test_word_bits_are_stored_exactly(tmp_path):
    """Every program's word_bits, as stored, are the bits of its search_text, even
    with the top bit set (a pandas column of them once reached DuckDB through
    floats, and lost its low bits, when any value was 2**63 or more)."""
    path = tmp_path / "programs.csv"
    write_catalog(path, 3_000)
    with path.open("a", encoding="utf-8") as handle:  # 'ec' sets the top bit, 63
        handle.write("echo-fellowship,Echocardiography Fellowship,Fellowship,"
                     "Physician,,,,,,,,\n")
    catalog = load_catalog(path)
    with catalog.cursor() as cursor:
        rows = cursor.execute("SELECT search_text, word_bits FROM programs").fetchall()
    found = catalog.query("explorer_programs", **Filters(search="Echo").sql_params(),
                          row_limit=None)  # a search whose bits are 2**63 or more
    catalog.close()
    assert "echo-fellowship" in set(found["program_id"])
    assert len(rows) == 3_001
    assert search.word_bit("echo") == 1 << 63
    assert any(bits >= 2**63 for _, bits in rows)
    for text, bits in rows:
        assert bits == search.word_bits(text.split()), text


def test_records_are_the_query_rows_as_tuples(fixtures):
    """Catalog.records runs the same statement as Catalog.query, without pandas,
    and checks its parameters the same way."""
    catalog = load_catalog(fixtures / "small_catalog.csv")
    params = Filters(search="cardio").sql_params()
    frame = catalog.query("explorer_facet_counts", **params)
    assert catalog.records("explorer_facet_counts", **params) == list(
        frame.itertuples(index=False, name=None))
    assert len(frame) > 0
    with pytest.raises(TypeError, match="search_bits"):
        catalog.records("explorer_mix", types=[])
    catalog.close()
