"""Everything the explorer shows for one filter state, computed in one go.

``explorer_state(catalog, params)`` runs the three queries a filter state needs
(facet counts, the pre-aggregated mix, the table rows) side by side, each on its
own cursor (DuckDB releases the GIL while it works), then builds the figures and
the display table. The page caches the result per filter state, so a state seen
before costs one cache lookup. No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pandas as pd

from gme import charts, filters
from gme.catalog import Catalog

_QUERIES = ("explorer_facet_counts", "explorer_mix", "explorer_programs")
TABLE_ROWS = 1_000  # the table is for reading; the CSV download has every row
_POOL = ThreadPoolExecutor(max_workers=len(_QUERIES), thread_name_prefix="explorer")


@dataclass(frozen=True)
class ExplorerState:
    """One filter state's facet counts, figures, charts and table (read-only)."""

    counts: dict[str, dict[str, int]]  # facet key -> {value: programs}, all values
    # facet key -> {value: 'Fellowship (28)'}, for the facets listed in full
    # (filters.listed_in_full); the page shortlists the others
    labels: dict[str, dict[str, str]]
    view: charts.MixView | None  # None when no program matches
    table: pd.DataFrame  # display table: readable headers, "Not stated"
    shown: int  # rows in the table (the query caps it)

    @property
    def total(self) -> int:
        """Programs matching the filters (0 when none do)."""
        return self.view.key_figures["Programs"] if self.view else 0


def run_queries(catalog: Catalog, params: Mapping[str, Any]
                ) -> tuple[pd.DataFrame, ...]:
    """The facet counts, mix and table rows of ``params``, queried in parallel."""
    params = {**params, "row_limit": TABLE_ROWS}
    futures = [_POOL.submit(catalog.query, name, **params) for name in _QUERIES]
    return tuple(future.result() for future in futures)


def ordered_options(options: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Every facet value in display order (sorted once per catalog, not per state)."""
    no_counts = pd.DataFrame({"facet": [], "value": [], "programs": []})
    return {key: list(values)
            for key, values in filters.facet_options(options, no_counts).items()}


def facet_counts(ordered: Mapping[str, Sequence[str]], counts: pd.DataFrame
                 ) -> dict[str, dict[str, int]]:
    """{facet key: {value: programs}} for every value in ``ordered``, 0 if none."""
    keys = zip(counts["facet"].tolist(), counts["value"].tolist(), strict=True)
    found = dict(zip(keys,
                     counts["programs"].tolist(), strict=True))
    return {key: {value: int(found.get((key, value), 0)) for value in values}
            for key, values in ordered.items()}


def explorer_state(catalog: Catalog, ordered: Mapping[str, Sequence[str]],
                   params: Mapping[str, Any]) -> ExplorerState:
    """The explorer's view of ``params``; ``ordered`` is ``ordered_options(...)``."""
    counts_frame, mix, rows = run_queries(catalog, params)
    counts = facet_counts(ordered, counts_frame)
    labels = {key: {value: filters.option_label(value, n) for value, n in c.items()}
              for key, c in counts.items() if filters.listed_in_full(c)}
    view = charts.mix_view(mix, rows) if not mix.empty else None
    return ExplorerState(counts=counts, labels=labels, view=view,
                         table=charts.programs_table(rows), shown=len(rows))
