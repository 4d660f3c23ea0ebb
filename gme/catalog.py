"""Load, validate and query the program catalog (a CSV file) with DuckDB.

``load_catalog(path)`` checks the file row by row, so that a mistake is reported
with its file, row and column and a way to fix it (``CatalogError``), and copies
it into a typed in-memory DuckDB table whose DDL enforces the same rules again.
That program_id is unique is checked once, in DuckDB, when every row is in
(``queries/duplicate_program_id.sql``): it names both rows, and holds no index or
set of every id in memory. Then the rows are copied into a new table of the same
DDL in the explorer table's order (``_store_in_table_order``), so that its
table query needs no sort, and checkpointed, which compresses it.
After loading, the connection is locked down: no file access, no config changes.
Memory (docs/PERFORMANCE.md, item 36): the load runs with its own settings
(``_LOADING``) and small batches, and then turns on DuckDB's allocator
background thread, which gives memory that queries freed back to the system.
``Catalog.query(name, **params)`` runs ``queries/<name>.sql`` on its own cursor,
binding values as ``$name`` parameters, and returns a pandas DataFrame
(``Catalog.records``: a list of tuples; ``Catalog.arrow``: an Arrow table).
"""

from __future__ import annotations

import csv
import itertools
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from gme import schema, search
from gme.sql import load_sql, parameters

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CATALOG = ROOT / "data" / "programs.csv"
CATALOG_ENV = "GME_CATALOG"
MAX_BYTES = 40 * 1024 * 1024
# Rows validated and inserted at a time: bounds peak memory (100,000 programs:
# 2,000 at a time, peak about 10 MB lower than 10,000, 0.3 s more).
BATCH_ROWS = 2_000
# Programs copied at a time into the table stored in the explorer's order
# (_store_in_table_order): 100,000 programs, peak memory 5,000 at a time about
# 10 MB above the plain load, one sort of all of them about 54 MB. Each slice
# reads every loaded program, so the copy's time grows with the square of the
# catalog (100,000 programs: about 1 s; the largest file allowed, MAX_BYTES,
# holds about 160,000 like bench/synth.py's).
ORDER_SLICE = 5_000
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# The connection's settings while it loads, reset to the defaults after it.
# One thread: a lower peak of memory. A flush threshold of 0: DuckDB's allocator
# gives freed memory back to the system after every large free instead of
# keeping it for later (100,000 programs: peak about 14 MB lower, load 0.7 s
# longer; queries with it ran about 1.5 times as long, so it ends with the load).
_LOADING = {"threads": 1, "allocator_bulk_deallocation_flush_threshold": "0MB"}
# Made in `catalog` before loading, and in the default database after it.
_SETUP = ("create_programs_table",)
_QUERYING = ("create_programs_view", "create_filtered_programs_macro")
_SEARCHED = tuple(schema.COLUMN_NAMES.index(c) + 1  # + 1: row_number comes first
                  for c in ("name", "specialty", "aliases"))


def catalog_path() -> Path:
    """The catalog file: ``$GME_CATALOG`` if set, else ``data/programs.csv``."""
    configured = os.environ.get(CATALOG_ENV, "").strip()
    return Path(configured).expanduser() if configured else DEFAULT_CATALOG


@dataclass
class CatalogError(Exception):
    """A catalog that cannot be used, described for the person who edits it."""

    path: Path
    problem: str
    fix: str
    row: int | None = None
    column: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @property
    def location(self) -> str:
        """Where the problem is: 'file', 'file, row 7' or 'file, row 7, column x'."""
        parts = [str(self.path)]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)

    @property
    def message(self) -> str:
        return f"{self.location}: {self.problem} {self.fix}"

    def __str__(self) -> str:
        return self.message


class Catalog:
    """A loaded catalog: a locked-down DuckDB connection plus where it came from."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, rows: int):
        self._con = con
        self.path = path
        self.rows = rows

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A new cursor (its own connection to the catalog) for one query and one
        thread; use it as a context manager so it is closed. It starts in the
        default database, where the ``programs`` view reads the catalog."""
        return self._con.cursor()

    def query(self, name: str, **params: Any) -> pd.DataFrame:
        """Run ``queries/<name>.sql`` on a fresh cursor; extra params are ignored."""
        with self.cursor() as cursor:
            return cursor.execute(*_statement(name, params)).df()

    def records(self, name: str, **params: Any) -> list[tuple]:
        """Like ``query``, as a list of tuples: for a result read row by row in
        Python, with no DataFrame built (the explorer's facet counts, made while
        the page's thread holds the GIL: 36 -> 31 ms under a busy thread)."""
        with self.cursor() as cursor:
            return cursor.execute(*_statement(name, params)).fetchall()

    def arrow(self, name: str, **params: Any) -> pa.Table:
        """Like ``query``, as an Arrow table: for rows the page sends as Arrow
        (the explorer's table), with no DataFrame in between. Through ``sql``,
        DuckDB's own way to Arrow: Arrow from ``execute`` warns that it copies
        the rows."""
        sql, values = _statement(name, params)
        with self.cursor() as cursor:
            return cursor.sql(sql, params=values).to_arrow_table()

    def close(self) -> None:
        self._con.close()


def _statement(name: str, params: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """``queries/<name>.sql`` and the parameters it binds, taken from ``params``."""
    wanted = parameters(name)
    missing = sorted(wanted - params.keys())
    if missing:
        raise TypeError(f"Query {name!r} needs parameters: {', '.join(missing)}")
    return load_sql(name), {k: params[k] for k in wanted}


def load_catalog(path: Path | str | None = None) -> Catalog:
    """Validate the CSV at ``path`` and load it; raise ``CatalogError`` if unusable."""
    path = Path(path) if path is not None else catalog_path()
    _check_file(path)
    with path.open("rb") as handle:
        return _load(path, _validated_rows(path, _text_lines(path, handle)))


def _load(path: Path, rows: Iterator[list[str]]) -> Catalog:
    """A locked-down connection holding ``rows``, inserted a batch at a time."""
    con = duckdb.connect(":memory:", config=_LOADING)
    try:
        # An in-memory database of its own, compressed: DuckDB does not compress
        # the default one (100,000 programs, with the unique index of the time:
        # 53 -> 31 MB; 12 MB now, without it).
        con.execute("ATTACH ':memory:' AS catalog (COMPRESS)")
        con.execute("USE catalog")
        for name in _SETUP:
            con.execute(load_sql(name))
        loaded = 0
        while batch := list(itertools.islice(rows, BATCH_ROWS)):
            _insert(con, path, batch)
            loaded += len(batch)
        _check_unique_ids(con, path)
        _store_in_table_order(con, loaded)
        # Compress what the last appends left as they came (100,000 programs:
        # 18 -> 8 MB).
        con.execute("CHECKPOINT catalog")
        con.execute("USE memory")  # where every cursor starts
        for name in _QUERYING:
            con.execute(load_sql(name))
        con.execute("RESET threads")  # each setting of _LOADING
        con.execute("RESET allocator_bulk_deallocation_flush_threshold")
        # A process-wide setting of DuckDB's allocator: a background thread gives
        # memory that queries freed back to the system about a second later; by
        # default it is kept until the allocator needs it again (100,000
        # programs, one process, 12 s after the first filter state: 145 -> 122 MB
        # anonymous memory).
        con.execute("SET allocator_background_threads = true")
        # The explorer's table query relies on it (queries/insert_ordered_programs.sql).
        con.execute("SET preserve_insertion_order = true")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return Catalog(con, path, loaded)


def _check_unique_ids(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Raise a CatalogError naming both rows if a program_id is used twice."""
    found = con.execute(load_sql("duplicate_program_id")).fetchall()
    if found:
        pid, repeat_row, first_row = found[0]
        raise CatalogError(
            path, f"program_id '{pid}' is already used on row {first_row}.",
            "Give each program its own program_id.", repeat_row, "program_id")


def _store_in_table_order(con: duckdb.DuckDBPyConnection, rows: int) -> None:
    """Copy the loaded rows into a new typed ``programs`` table (the same DDL)
    in the explorer table's order, ORDER_SLICE programs at a time
    (queries/insert_ordered_programs.sql says why): the explorer's table query
    then needs no sort."""
    con.execute(load_sql("rank_programs"))
    con.execute("ALTER TABLE programs RENAME TO loaded_programs")
    con.execute(load_sql("create_programs_table"))
    for first in range(0, rows, ORDER_SLICE):
        con.execute(load_sql("insert_ordered_programs"),
                    {"first": first, "last": first + ORDER_SLICE - 1})
    con.execute("DROP TABLE program_ranks")
    con.execute("DROP TABLE loaded_programs")


def _insert(con: duckdb.DuckDBPyConnection, path: Path, batch: list[list]) -> None:
    """Copy one batch of validated rows into the typed table."""
    incoming = pd.DataFrame(batch, columns=["row_number", *schema.COLUMN_NAMES],
                            dtype=object)
    texts = [search.search_text(*(row[i] for i in _SEARCHED)) for row in batch]
    incoming["search_text"] = texts
    # A numpy array: a pd.array column of these reached DuckDB through floats,
    # losing low bits, whenever a value was 2**63 or more (tests/unit/test_catalog)
    incoming["word_bits"] = np.array(
        [search.word_bits(text.split()) for text in texts], dtype=np.uint64)
    con.register("incoming", incoming)
    try:
        con.execute(load_sql("insert_programs"))
    except duckdb.ConstraintException as exc:  # a rule the row checks missed
        raise CatalogError(path, f"a value breaks a catalog rule ({exc}).",
                           "Compare the file with data/README.md.") from None
    finally:
        con.unregister("incoming")


def _check_file(path: Path) -> None:
    """Raise a CatalogError if ``path`` is missing, not a file or too large."""
    if not path.exists():
        raise CatalogError(path, "the catalog file does not exist.",
                           f"Create it, or set {CATALOG_ENV} to the catalog's path.")
    if not path.is_file():
        raise CatalogError(path, "this is not a file.",
                           f"Point {CATALOG_ENV} at a CSV file.")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise CatalogError(path, f"the file is {size / 2**20:.0f} MB; the limit is "
                           f"{MAX_BYTES // 2**20} MB.",
                           "Remove rows or columns that are not catalog data.")


def _text_lines(path: Path, handle: BinaryIO) -> Iterator[str]:
    """The file's lines as text, read and decoded one at a time (UTF-8, BOM ok).

    Decoding line by line keeps memory flat for a large catalog and names the
    exact line of a byte that is not UTF-8.
    """
    for number, raw in enumerate(handle, start=1):
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise CatalogError(
                path, f"byte {exc.start + 1} of this line is not valid UTF-8 text.",
                "Save the file as 'CSV UTF-8' in your spreadsheet program.",
                row=number) from None
        yield line


def _validated_rows(path: Path, lines: Iterable[str]) -> Iterator[list[str]]:
    """Yield ``[row_number, *values]`` for each data row, or raise CatalogError."""
    reader = csv.reader(lines, strict=True)
    programs = 0
    last_line = 0  # the line on which the previous record ended
    try:
        header = next((record for record in reader
                       if any(value.strip() for value in record)), None)
        if header is None:
            raise CatalogError(path, "the file is empty.",
                               "Restore the header row and the program rows.")
        header = [h.strip() for h in header]
        _check_header(path, header)
        last_line = reader.line_num
        for values in reader:
            row, last_line = last_line + 1, reader.line_num
            if not any(v.strip() for v in values):
                continue  # blank line
            record = _check_row(path, row, header, values)
            programs += 1
            yield [row, *(record[c] for c in schema.COLUMN_NAMES)]
    except csv.Error as exc:
        raise CatalogError(path, f"the CSV cannot be read ({exc}).",
                           "Look for a stray double quote: a value that contains a "
                           "comma or a quote must be wrapped in double quotes, with "
                           "inner quotes doubled.", row=last_line + 1) from None
    if not programs:
        raise CatalogError(path, "the file has a header but no programs.",
                           "Add one row per program below the header.")


def _check_header(path: Path, header: list[str]) -> None:
    if len(header) == 1:
        raise CatalogError(path, "the header is a single column, so the file is not "
                           "comma-separated (semicolons or tabs?).",
                           "Save it as CSV with commas between values.", row=1)
    missing = [c for c in schema.COLUMN_NAMES if c not in header]
    unknown = [h for h in header if h not in schema.BY_NAME]
    if missing or unknown:
        problems = []
        if missing:
            problems.append(f"missing column(s): {', '.join(missing)}")
        if unknown:
            problems.append("unknown column(s): "
                            + ", ".join(repr(h) for h in unknown))
        hint = (f"Rename column '{unknown[0]}' to '{missing[0]}', or make the header "
                if len(missing) == len(unknown) == 1 else "Make the header ")
        raise CatalogError(path, "; ".join(problems) + ".",
                           hint + f"exactly: {','.join(schema.COLUMN_NAMES)}.", row=1)
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        raise CatalogError(path, f"column(s) appear twice: {', '.join(duplicated)}.",
                           "Keep one of each.", row=1)


def _check_row(path: Path, row: int, header: list[str],
               values: list[str]) -> Mapping[str, str]:
    if len(values) != len(header):
        raise CatalogError(
            path, f"this row has {len(values)} values but the header has "
            f"{len(header)}.", "Check for a missing or extra comma (an unquoted comma "
            "inside a value, or a trailing comma).", row)
    record = {h: v.strip() for h, v in zip(header, values, strict=True)}
    for column in schema.COLUMNS:
        _check_value(path, row, column, record[column.name])
    return record


def _check_value(path: Path, row: int, column: schema.Column, value: str) -> None:
    name = column.name
    if not value:
        if column.required:
            raise CatalogError(path, "this required value is empty.",
                               "Fill it in.", row, name)
        return
    if len(value) > column.max_length:
        raise CatalogError(path, f"the value is {len(value)} characters long; the "
                           f"limit is {column.max_length}.", "Shorten it.", row, name)
    if any(ord(ch) < 32 for ch in value):
        raise CatalogError(path, "the value contains a control character (such as a "
                           "line break or tab).", "Remove it.", row, name)
    if column.vocabulary and value not in column.vocabulary:
        raise CatalogError(path, f"'{value}' is not an allowed value.",
                           f"Use one of: {', '.join(column.vocabulary)}.", row, name)
    if column.integer and not value.isdigit():
        raise CatalogError(path, f"'{value}' is not a whole number.",
                           "Write digits only, or leave it empty if not stated.",
                           row, name)
    if name == "program_id" and not _SLUG.match(value):
        raise CatalogError(path, f"'{value}' is not a valid program_id.",
                           "Use lower-case letters, digits and single hyphens, e.g. "
                           "'internal-medicine-residency'.", row, name)
