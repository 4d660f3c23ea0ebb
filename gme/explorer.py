"""Everything the explorer shows for one filter state, in two parts.

- ``results(catalog, params)``: the key figures, the charts (each built when
  the page first shows it) and the table. The mix and the table rows are
  queried side by side, each on its own cursor (DuckDB releases the GIL while
  it works).
- ``facets(catalog, ordered, params)``: every facet value's count and label.
  ``start_facets`` runs it on the same pool and returns at once, so that the page
  can send the results first and the counts after them: what a person waits for
  after a click is the figures, the chart and the table.
- ``one_query_state(catalog, ordered, params)``: both parts at once, from one
  query, for a catalog of up to ONE_QUERY_ROWS programs (the real one has 54).
  There DuckDB's time is mostly planning each query, and one query costs a
  third of three. That query's rows depend on the search alone
  (``searched_programs``); ``state_of_searched`` makes a state from them and
  the facet filters, which it tests in Python (``facet_flags``), so that a
  facet change with a search seen before runs no query (gme.app_data caches
  the rows per search).

gme.app_data caches both per filter state, so a state seen before costs two
cache lookups. No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import (
    ALL_COMPLETED,
    FIRST_COMPLETED,
    Future,
    ThreadPoolExecutor,
    wait,
)
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa

from gme import charts, filters, schema
from gme.catalog import Catalog

TABLE_ROWS = 1_000  # the table is for reading; the CSV download has every row
# Up to this many programs the queries are planning-bound, and the facet counts
# start as soon as one result query is done, beside the other (54 programs,
# AppTest, 4 x 15 reruns: 38-47 -> 33-39 ms for a new state). At 100,000
# programs that made the browser's update slower: the counts took CPU from the
# table query and the browser (docs/PERFORMANCE.md, item 28).
EARLY_COUNTS_ROWS = 5_000
# Up to this many programs one query answers a whole filter state
# (one_query_state): its programs are few enough to count in Python, and the
# table shows all of them. A new state's queries, figures and counts, median
# of 300 random states, idle: 19.9 -> 6.8 ms at 54 programs, 21.5 -> 9.3 ms at
# 1,000 (docs/PERFORMANCE.md, item 32).
ONE_QUERY_ROWS = TABLE_ROWS
# Where a column is in a row of explorer_searched_programs (the catalog's
# columns, in order), and each facet's column (in the order of filters.FACETS).
_AT = {column: i for i, column in enumerate(schema.COLUMN_NAMES)}
_FACET_AT = tuple(_AT[facet.column] for facet in filters.FACETS)
# The parameters explorer_searched_programs binds: the search's, no facet's.
SEARCH_PARAMS = ("search_words", "search_bits")
# The two result queries side by side, and a facet count after them.
_POOL = ThreadPoolExecutor(max_workers=3, thread_name_prefix="explorer")


@dataclass(frozen=True)
class Results:
    """One filter state's figures, charts and table (read-only; ``view`` builds
    each chart when first asked for it)."""

    view: charts.MixView | None  # None when no program matches
    # The display table (readable headers, "Not stated") as Arrow, made once
    # per state from the Arrow rows DuckDB returns: Streamlit sends Arrow, and
    # converted a DataFrame on every rerun, states seen before included (about
    # 1 ms at 54 programs and at 100,000, and a pyarrow call that gives up the
    # GIL).
    table: pa.Table
    shown: int  # rows in the table (the query caps it)
    # The facet counts, when they were counted with the results
    # (one_query_state); None when the page counts them apart (start_facets).
    facets: Facets | None = None

    @property
    def total(self) -> int:
        """Programs matching the filters (0 when none do)."""
        return self.view.key_figures["Programs"] if self.view else 0


@dataclass(frozen=True)
class Facets:
    """One filter state's facet counts and option labels (read-only)."""

    counts: dict[str, dict[str, int]]  # facet key -> {value: programs}, all values
    # facet key -> {value: 'Fellowship (28)'}, for the facets listed in full
    # (filters.listed_in_full); the page shortlists the others
    labels: dict[str, dict[str, str]]


def result_queries(catalog: Catalog, params: Mapping[str, Any],
                   queried: Callable[[], object] = lambda: None
                   ) -> tuple[list[tuple], pa.Table]:
    """The mix (its rows as tuples: nothing reads it as a DataFrame) and the
    table rows of ``params`` (Arrow, as the page sends them), queried in
    parallel. ``queried`` (the page starts the facet counts there) is called
    once both are done; in a catalog of up to EARLY_COUNTS_ROWS programs, as
    soon as either is, so that the counts run beside the slower one."""
    params = {**params, "row_limit": TABLE_ROWS}
    mix = _POOL.submit(catalog.records, "explorer_mix", **params)
    rows = _POOL.submit(catalog.arrow, "explorer_programs", **params)
    early = catalog.rows <= EARLY_COUNTS_ROWS
    wait([mix, rows], return_when=FIRST_COMPLETED if early else ALL_COMPLETED)
    queried()
    return mix.result(), rows.result()


def results(catalog: Catalog, params: Mapping[str, Any],
            queried: Callable[[], object] = lambda: None) -> Results:
    """The explorer's key figures, table and view (charts on demand) for
    ``params``; ``queried`` is called before the key figures and the table are
    made (see ``result_queries``)."""
    mix, rows = result_queries(catalog, params, queried)
    view = charts.mix_view(mix, rows) if mix else None
    return Results(view=view, table=charts.programs_table(rows), shown=rows.num_rows)


def ordered_options(options: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Every facet value in display order (sorted once per catalog, not per state)."""
    no_counts = pd.DataFrame({"facet": [], "value": [], "programs": []})
    return {key: list(values)
            for key, values in filters.facet_options(options, no_counts).items()}


def facet_counts(ordered: Mapping[str, Sequence[str]],
                 counts: Iterable[tuple[str, str, int]]) -> dict[str, dict[str, int]]:
    """{facet key: {value: programs}} for every value in ``ordered``, 0 if none;
    ``counts``: explorer_facet_counts' (facet, value, programs) rows."""
    found = {(key, value): programs for key, value, programs in counts}
    return {key: {value: found.get((key, value), 0) for value in values}
            for key, values in ordered.items()}


def facets(catalog: Catalog, ordered: Mapping[str, Sequence[str]],
           params: Mapping[str, Any]) -> Facets:
    """Counts and labels of every facet value; ``ordered`` is ``ordered_options``."""
    return _labelled(facet_counts(
        ordered, catalog.records("explorer_facet_counts", **params)))


def _labelled(counts: dict[str, dict[str, int]]) -> Facets:
    """Facets with ``counts`` and the labels of the facets listed in full."""
    labels = {key: {value: filters.option_label(value, n) for value, n in c.items()}
              for key, c in counts.items() if filters.listed_in_full(c)}
    return Facets(counts=counts, labels=labels)


def start_facets(catalog: Catalog, ordered: Mapping[str, Sequence[str]],
                 params: Mapping[str, Any]) -> Future[Facets]:
    """``facets(...)`` on a worker thread: returns at once, ``.result()`` waits."""
    return _POOL.submit(facets, catalog, ordered, dict(params))


def answers_in_one_query(catalog: Catalog) -> bool:
    """True if ``one_query_state`` serves this catalog (ONE_QUERY_ROWS)."""
    return catalog.rows <= ONE_QUERY_ROWS


def search_part(params: Mapping[str, Any]) -> dict[str, Any]:
    """The search's parameters of ``params`` (SEARCH_PARAMS), the only ones
    explorer_searched_programs binds: gme.app_data keys its rows by them."""
    return {name: params[name] for name in SEARCH_PARAMS}


def searched_programs(catalog: Catalog, params: Mapping[str, Any]) -> list[tuple]:
    """The programs that pass the search of ``params`` (its facets play no
    part; the query binds only ``search_part``), every column, in the table's
    order (``queries/explorer_searched_programs.sql``)."""
    return catalog.records("explorer_searched_programs", **params)


def one_query_state(catalog: Catalog, ordered: Mapping[str, Sequence[str]],
                    params: Mapping[str, Any]) -> Results:
    """``results`` and ``facets`` of ``params`` together, from one query: for a
    catalog of up to ONE_QUERY_ROWS programs, whose table shows every filtered
    program."""
    return state_of_searched(searched_programs(catalog, params), ordered, params)


def state_of_searched(searched: Sequence[Sequence],
                      ordered: Mapping[str, Sequence[str]],
                      params: Mapping[str, Any]) -> Results:
    """``results`` and ``facets`` of ``params``, made from ``searched``, the
    programs that pass its search (``searched_programs``), with no query: the
    facet filters are tested here. Python work on a small catalog's rows (54
    programs: about 1.5 ms, against 4.6 ms for the query, idle)."""
    flags = facet_flags(searched, params)
    passing = [row for row, passes in zip(searched, flags, strict=True)
               if all(passes)]
    rows = pa.table({column: [row[i] for row in passing]
                     for i, column in enumerate(schema.COLUMN_NAMES)})
    mix = mix_of(passing)
    return Results(view=charts.mix_view(mix, rows) if mix else None,
                   table=charts.programs_table(rows), shown=rows.num_rows,
                   facets=_labelled(facet_counts(ordered, counts_of(searched, flags))))


def facet_flags(searched: Iterable[Sequence],
                params: Mapping[str, Any]) -> list[tuple[bool, ...]]:
    """For each program, one flag per facet (in the order of filters.FACETS),
    True when it passes that facet's filter in ``params``. The tests of the
    filtered_programs macro (queries/create_filtered_programs_macro.sql): an
    empty list is no filter, and '' in a list stands for "Not stated" (a
    missing value)."""
    chosen = [frozenset(params[facet.param]) for facet in filters.FACETS]
    return [tuple(not wanted or (row[at] or "") in wanted
                  for wanted, at in zip(chosen, _FACET_AT, strict=True))
            for row in searched]


def mix_of(passing: Iterable[Sequence]) -> list[tuple[str, str, str, int]]:
    """The mix (as explorer_mix.sql: type, discipline, department or '', and
    programs, sorted) of the programs in ``passing`` (rows of the catalog's
    columns, in order)."""
    found: dict[tuple[str, str, str], int] = {}
    for row in passing:
        key = (row[_AT["program_type"]], row[_AT["discipline"]],
               row[_AT["department"]] or "")
        found[key] = found.get(key, 0) + 1
    return [(*key, programs) for key, programs in sorted(found.items())]


def counts_of(searched: Iterable[Sequence],
              flags: Iterable[Sequence[bool]]) -> list[tuple[str, str, int]]:
    """The facet counts (as explorer_facet_counts.sql: facet key, value or '',
    programs) of the searched programs, given their ``facet_flags``: a facet's
    count of a value is how many programs pass every other facet's filter."""
    found: dict[tuple[str, str], int] = {}
    for row, passes in zip(searched, flags, strict=True):
        failed = [i for i, passed in enumerate(passes) if not passed]
        if len(failed) > 1:  # counted in no facet
            continue
        for i in failed or range(len(_FACET_AT)):  # one failed: only its own facet
            key = (filters.FACETS[i].key, row[_FACET_AT[i]] or "")
            found[key] = found.get(key, 0) + 1
    return [(key, value, programs) for (key, value), programs in found.items()]
