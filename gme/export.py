"""CSV export of the explorer's filtered programs, safe to open in a spreadsheet.

A spreadsheet runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return before one) as a formula: "CSV injection". Every such cell gets a
leading apostrophe, which spreadsheets show as text (OWASP's advice). The file
has the catalog's own header and columns, so it can be read back as a catalog.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

import pandas as pd

from gme import schema

if TYPE_CHECKING:
    from gme.catalog import Catalog

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # so spreadsheet programs read the file as UTF-8


def neutralise(value: object) -> str:
    """The cell's text, with an apostrophe in front if it could run as a formula."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_text(rows: pd.DataFrame) -> str:
    """``rows`` as CSV text: catalog header, catalog column order, cells neutralised.

    Columns that are not catalog columns (e.g. internal ones) are left out.
    """
    columns = [c for c in schema.COLUMN_NAMES if c in rows.columns]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for record in rows[columns].itertuples(index=False, name=None):
        writer.writerow([neutralise(v) for v in record])
    return buffer.getvalue()


def csv_bytes(rows: pd.DataFrame) -> bytes:
    """``csv_text(rows)`` as UTF-8 bytes with a byte-order mark, for download."""
    return (BOM + csv_text(rows)).encode("utf-8")


def filtered_csv(catalog: Catalog, params: dict[str, Any]) -> bytes:
    """Every program that passes ``params`` (Filters.sql_params) as CSV bytes."""
    return csv_bytes(catalog.query("explorer_programs", **params, row_limit=None))
