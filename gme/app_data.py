"""Streamlit glue: the cached catalog connection and cached query results.

The connection is cached with ``st.cache_resource`` keyed by the file's path,
modification time and size, so an edited CSV is picked up on the next rerun.
Every query runs on its own cursor (see ``Catalog.query``), because Streamlit
runs each session in its own thread.

The explorer's per-state caches (``results_of``, ``facets_of``, ``options_of``,
and a small catalog's rows per search, ``searched_of``) live here, not in the
page: a decorator in the page runs again on every rerun and reads its
function's source to key the cache (AppTest, a state seen before at 54
programs: 19.2 / 18.5 -> 13.9 / 15.0 ms a rerun; docs/PERFORMANCE.md, item 33).
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any

import pandas as pd
import streamlit as st

from gme import filters
from gme.catalog import Catalog, CatalogError, catalog_path, load_catalog
from gme.explorer import (
    Facets,
    Results,
    answers_in_one_query,
    ordered_options,
    results,
    search_part,
    searched_programs,
    start_facets,
    state_of_searched,
)
from gme.text import escape_markdown


@st.cache_resource(max_entries=2, show_spinner=False)  # the current file + the last
def _load(path: str, mtime_ns: int, size: int) -> Catalog:
    # No leading underscores: Streamlit leaves such parameters out of the cache key.
    del mtime_ns, size  # only part of the key, so an edited file loads afresh
    return load_catalog(path)


def catalog_key() -> tuple[str, int, int]:
    """(path, mtime_ns, size) of the catalog file; raises CatalogError if missing."""
    path = catalog_path()
    try:
        stat = path.stat()
    except OSError:
        load_catalog(path)  # raises the CatalogError that explains the problem
        raise
    return str(path.resolve()), stat.st_mtime_ns, stat.st_size


def get_catalog() -> Catalog:
    """The current catalog; raises ``CatalogError`` when the file is unusable."""
    return _load(*catalog_key())


@st.cache_data(max_entries=500, show_spinner=False)
def _query(
    key: tuple[str, int, int], name: str, params: dict[str, Any]
) -> pd.DataFrame:
    return _load(*key).query(name, **params)


def query(name: str, **params: Any) -> pd.DataFrame:
    """Cached result of ``queries/<name>.sql`` on the current catalog."""
    return _query(catalog_key(), name, params)


def show_catalog_error(error: CatalogError) -> None:
    """Explain a bad catalog in the page: what, where and how to fix it."""
    st.error(
        f"**The program catalog cannot be loaded.**  \n"
        f"**Where:** {escape_markdown(error.location)}  \n"
        f"**Problem:** {escape_markdown(error.problem)}  \n"
        f"**How to fix:** {escape_markdown(error.fix)}",
        icon=":material/error:",
    )
    st.caption("The file was not changed. Fix it and reload this page; the "
               "eligibility check and the visiting-students page work meanwhile.")


@st.cache_resource(max_entries=32, show_spinner=False)  # ~1.5 MB each at most
def results_of(catalog_version: tuple, params: dict) -> Results:
    """Figures, charts (each built when first shown) and table of one filter
    state, shared by every session. In a catalog of up to
    gme.explorer.ONE_QUERY_ROWS programs one query gives them and the facet
    counts together, and only the search decides its rows (``searched_of``):
    a facet change with a search seen before runs no query. In a larger one
    the counts start as soon as the results' queries are done, while the
    figures and the table are made (in one of up to
    gme.explorer.EARLY_COUNTS_ROWS, as soon as the first of them is)."""
    catalog = get_catalog()
    if answers_in_one_query(catalog):
        searched = searched_of(catalog_version, search_part(params))
        return state_of_searched(searched, options_of(catalog_version), params)
    return results(catalog, params,
                   queried=lambda: facets_of(catalog_version, params))


@st.cache_resource(max_entries=8, show_spinner=False)  # <= 0.8 MB each (1,000 rows)
def searched_of(catalog_version: tuple, search: dict) -> tuple[tuple, ...]:
    """A small catalog's programs that pass ``search`` (its search words and
    bits), shared by every session and read-only: the rows every filter state
    with this search is made from (54 programs, a new state's work: about 6
    -> 1.5 ms, idle; docs/PERFORMANCE.md, item 37)."""
    return tuple(searched_programs(get_catalog(), search))


def not_failed(pending: Future) -> bool:
    """False for a count that ended in an error: the cache drops it and the next
    access counts again, so no session keeps getting a failure."""
    return not pending.done() or (not pending.cancelled()
                                  and pending.exception() is None)


@st.cache_resource(max_entries=32, show_spinner=False, validate=not_failed)
def facets_of(catalog_version: tuple, params: dict) -> Future[Facets]:
    """Facet counts of one filter state, being counted on a worker thread
    (a larger catalog's: a small one's come with its results)."""
    return start_facets(get_catalog(), options_of(catalog_version), params)


def facets_now(state: Results, catalog_version: tuple, params: dict) -> Facets:
    """The facet counts of ``params`` (``state``: its results), waiting for
    them if need be."""
    if state.facets is not None:
        return state.facets
    return facets_of(catalog_version, params).result()


@st.cache_resource(max_entries=4, show_spinner=False)
def options_of(catalog_version: tuple) -> dict[str, list[str]]:
    """Every value of every facet, in display order (options and URL allow-list)."""
    return ordered_options(filters.catalog_options(query("explorer_facet_values")))
