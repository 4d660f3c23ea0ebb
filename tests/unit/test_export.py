"""gme.export: the filtered programs as a CSV that cannot run as a formula."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from gme import export, schema
from gme.catalog import load_catalog
from gme.filters import Filters


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1",
                                  '=HYPERLINK("http://example.invalid")'])
def test_formula_cells_get_a_leading_apostrophe(cell):
    """Cells starting with = + - @ tab or CR become text."""
    assert export.neutralise(cell) == "'" + cell


@pytest.mark.parametrize(("cell", "expected"), [
    ("Internal Medicine", "Internal Medicine"), ("a=b", "a=b"),
    ("Hematology + Oncology", "Hematology + Oncology"), (3, "3"), (3.0, "3"),
    (None, ""), (float("nan"), ""), (pd.NA, ""), ("", "")])
def test_ordinary_cells_are_unchanged(cell, expected):
    """Text not starting with a formula character, numbers and gaps stay as they are."""
    assert export.neutralise(cell) == expected


def test_csv_has_catalog_header_and_drops_internal_columns():
    """Only catalog columns, in catalog order, whatever the frame holds."""
    rows = pd.DataFrame({**{c: ["v"] for c in reversed(schema.COLUMN_NAMES)},
                         "row_number": [2], "search_text": [" v "]})
    lines = list(csv.reader(io.StringIO(export.csv_text(rows))))
    assert tuple(lines[0]) == schema.COLUMN_NAMES
    assert len(lines) == 2


def test_csv_bytes_are_utf8_with_a_byte_order_mark():
    """Spreadsheets read the file as UTF-8 (the catalog has en dashes)."""
    rows = pd.DataFrame({"name": ["Otolaryngology – Head + Neck"]})
    data = export.csv_bytes(rows)
    assert data.startswith(b"\xef\xbb\xbf")
    assert "Otolaryngology – Head + Neck" in data.decode("utf-8-sig")


def test_fixture_export_neutralises_every_formula_cell(fixtures):
    """The fixture's formula program comes out as text in every cell."""
    catalog = load_catalog(fixtures / "explorer_catalog.csv")
    params = Filters(types=("Training program",)).sql_params()
    text = export.filtered_csv(catalog, params).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text)))
    record = dict(zip(header, row, strict=True))
    assert record["name"].startswith("'=HYPERLINK(")
    assert record["specialty"] == "'+Clinical Nutrition"
    assert record["site"] == "'@South Hospital"
    assert record["director"] == "'-Director"
    assert record["aliases"] == "'=1+1; nutrition"


def test_exported_real_catalog_loads_back_as_the_same_catalog(root, tmp_path):
    """The download is a valid catalog: same programs, same values."""
    catalog = load_catalog(root / "data" / "programs.csv")
    path = tmp_path / "export.csv"
    path.write_bytes(export.filtered_csv(catalog, Filters().sql_params()))
    again = load_catalog(path)
    query = "explorer_programs"
    params = {**Filters().sql_params(), "row_limit": None}
    pd.testing.assert_frame_equal(catalog.query(query, **params),
                                  again.query(query, **params))
