"""Each kind of malformed catalog gives a specific message naming row and column.

The corpus lives in tests/fixtures/bad (must fail) and tests/fixtures/ok (unusual
but normal files that must just load). No file is ever changed by loading it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from gme import catalog as catalog_module
from gme.catalog import MAX_BYTES, CatalogError, load_catalog

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

# file -> (row, column, words the problem must contain)
BAD = {
    "empty.csv": (None, None, "empty"),
    "whitespace_only.csv": (None, None, "empty"),
    "header_only.csv": (None, None, "no programs"),
    "missing_column.csv": (1, None, "missing column(s): discipline"),
    "unknown_column.csv": (1, None, "unknown column(s): 'notes'"),
    "renamed_column.csv": (1, None, "unknown column(s): 'type'"),
    "duplicate_column.csv": (1, None, "appear twice: aliases"),
    "duplicate_id.csv": (4, "program_id", "already used on row 2"),
    "empty_name.csv": (3, "name", "required value is empty"),
    "empty_program_id.csv": (4, "program_id", "required value is empty"),
    "bad_program_type.csv": (2, "program_type", "'Internship' is not an allowed"),
    "bad_discipline.csv": (3, "discipline", "'Doctor' is not an allowed"),
    "bad_accreditation.csv": (4, "accreditation", "'accredited' is not an allowed"),
    "bad_program_id.csv": (2, "program_id", "not a valid program_id"),
    "non_integer_positions.csv": (3, "positions", "not a whole number"),
    "stray_quote.csv": (3, None, "cannot be read"),
    "quote_then_text.csv": (3, None, "cannot be read"),
    "semicolon_delimiter.csv": (1, None, "not comma-separated"),
    "tab_delimiter.csv": (1, None, "not comma-separated"),
    "latin1.csv": (4, None, "not valid UTF-8"),
    "trailing_commas.csv": (2, None, "13 values but the header has 12"),
    "too_few_values.csv": (3, None, "9 values but the header has 12"),
    "very_long_value.csv": (3, "name", "5000 characters long"),
    "control_character.csv": (3, "name", "control character"),
    "binary_junk.csv": (1, None, "not valid UTF-8"),
}
OK = {  # file -> programs it holds
    "utf8_bom.csv": 3, "crlf.csv": 3, "blank_lines.csv": 3, "no_final_newline.csv": 3,
    "padded_header.csv": 3, "html_in_name.csv": 2, "formula_cells.csv": 3,
    "quoted_comma.csv": 2, "unicode_names.csv": 2,
}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_corpus_is_complete():
    """The corpus on disk is exactly the table above (20+ malformed files)."""
    assert {p.name for p in (FIXTURES / "bad").iterdir()} == set(BAD)
    assert {p.name for p in (FIXTURES / "ok").iterdir()} == set(OK)
    assert len(BAD) >= 20


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_catalog_names_file_row_and_column(name):
    """The error names the file, the row and the column, and says how to fix it."""
    path = FIXTURES / "bad" / name
    before = _digest(path)
    row, column, words = BAD[name]
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    error = caught.value
    assert (error.row, error.column) == (row, column)
    assert words in error.problem
    assert str(path) in error.message and error.fix
    if row is not None:
        assert f"row {row}" in error.location
    assert _digest(path) == before


@pytest.mark.parametrize("name", sorted(OK))
def test_unusual_but_valid_catalog_loads(name):
    """BOM, CRLF, blank lines, quoted commas, HTML or formulas in values just load."""
    path = FIXTURES / "ok" / name
    before = _digest(path)
    catalog = load_catalog(path)
    assert catalog.rows == OK[name]
    assert _digest(path) == before


def test_values_are_kept_verbatim():
    """HTML and formula text is data: stored exactly, never altered or dropped."""
    for name, expected in [
        ("html_in_name.csv", "<script>alert(1)</script><b>Bold</b> [link]("),
        ("formula_cells.csv", '=HYPERLINK("http://example.invalid")'),
    ]:
        catalog = load_catalog(FIXTURES / "ok" / name)
        with catalog.cursor() as cursor:
            first = cursor.execute("SELECT name FROM programs ORDER BY row_number "
                                   "LIMIT 1").fetchone()[0]
        assert first.startswith(expected)


def test_missing_file():
    """A missing catalog says so and how to point the app at one."""
    with pytest.raises(CatalogError, match="does not exist.*GME_CATALOG"):
        load_catalog(FIXTURES / "no-such-file.csv")


def test_directory_instead_of_file(tmp_path):
    """A folder where the file should be is reported as not a file."""
    with pytest.raises(CatalogError, match="not a file"):
        load_catalog(tmp_path)


def test_oversized_file_is_refused_before_reading(tmp_path):
    """A 50 MB file gets a size message at once (the limit is 40 MB)."""
    big = tmp_path / "big.csv"
    with big.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    assert big.stat().st_size > MAX_BYTES
    with pytest.raises(CatalogError, match="50 MB; the limit is 40 MB"):
        load_catalog(big)


def test_first_repeated_program_id_is_reported_across_batches(tmp_path, monkeypatch):
    """Ids are checked once every row is in: the report is the lowest row that
    repeats an id, with the row that first used it, even when the two rows were
    inserted in different batches and later rows repeat other ids too."""
    monkeypatch.setattr(catalog_module, "BATCH_ROWS", 2)
    header, *rows = (FIXTURES / "small_catalog.csv").read_text().splitlines()
    first = rows[0].split(",", 1)[1]
    ids = ["a", "b", "c", "d", "b", "a", "b"]  # rows 2-8; 'b' repeats on row 6
    path = tmp_path / "repeats.csv"
    path.write_text("\n".join([header, *(f"{i},{first}" for i in ids)]) + "\n")
    before = _digest(path)
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    error = caught.value
    assert (error.row, error.column) == (6, "program_id")
    assert "program_id 'b' is already used on row 3" in error.problem
    assert _digest(path) == before
