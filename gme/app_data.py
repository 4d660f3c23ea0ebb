"""Streamlit glue: the cached catalog connection and cached query results.

The connection is cached with ``st.cache_resource`` keyed by the file's path,
modification time and size, so an edited CSV is picked up on the next rerun.
Every query runs on its own cursor (see ``Catalog.query``), because Streamlit
runs each session in its own thread.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from gme.catalog import Catalog, CatalogError, catalog_path, load_catalog
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
