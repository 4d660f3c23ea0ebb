"""Program explorer: filter the catalog, see the program mix, share or download it.

The filters live in the URL: read once per visit into the widgets (untrusted, so
checked by gme.filters), written back when they change. Everything a filter state
shows is computed once and cached (gme.app_data: results_of, facets_of);
gme.charts builds the figures from small pre-aggregated frames. On a rerun the
figures, chart and table are sent before the facet counts, which fill the
filters last (in a larger catalog they are counted meanwhile; a small one's
come from the same query as the results); on a visit's first run the filters
are drawn in place. The charts sit in tabs and only the open one is sent to the
browser, which is what a filter change waits for. Everything below the title is
one fragment: a filter change reruns it alone, not app.py and its navigation
(docs/PERFORMANCE.md, item 35). The widgets themselves are drawn by
gme.explorer_widgets.
"""

import functools

import streamlit as st

from gme import charts, export, filters
from gme.app_data import (
    catalog_key,
    facets_now,
    facets_of,
    get_catalog,
    options_of,
    results_of,
    show_catalog_error,
)
from gme.catalog import Catalog, CatalogError
from gme.explorer import Results
from gme.explorer_widgets import (
    CHART_TAB,
    FIND,
    SEARCH,
    chosen_filters,
    clear_filters,
    show_chart,
    show_completeness,
    show_facet_filters,
    show_intro,
)
from gme.navigation import ensure_app_navigation

ensure_app_navigation()
st.title("Program explorer")


def show_no_match() -> None:
    """The empty result: what happened and the way back."""
    st.info("No program matches these filters. Remove a filter or change the "
            "search to see programs again.", icon=":material/search_off:")
    st.button("Clear filters and show all programs", key="explorer_clear_empty",
              on_click=clear_filters, type="primary")


def show_results(catalog: Catalog, state: Results, params: dict) -> None:
    """Key figures, the open tab's chart, the table and the CSV download."""
    view = state.view
    total = view.key_figures["Programs"]
    for column, (label, value) in zip(st.columns(4), view.key_figures.items(),
                                      strict=True):
        column.metric(label, f"{value:,}")
    # One chart at a time: only the open tab's chart is built into the page and
    # drawn, so a filter change redraws one Plotly chart, not three.
    tabs = st.tabs(list(charts.TABS.values()), key=CHART_TAB, on_change="rerun")
    for tab, key in zip(tabs, charts.TABS, strict=True):
        if tab.open:  # built on first use: a new state builds this one only
            with tab:
                show_chart(view.chart(key))

    st.subheader(f"The {total:,} programs" if total != 1 else "The 1 program")
    st.caption(f"Showing the first {state.shown:,}, by type then name; the CSV "
               "download has all of them." if state.shown < total
               else "Sorted by type, then name.")
    st.dataframe(state.table, hide_index=True, key="explorer_table",
                 alt="The filtered programs, one row each")
    st.download_button(
        "Download CSV", file_name="gme-programs.csv", mime="text/csv",
        data=functools.partial(export.filtered_csv, catalog, params),
        key="explorer_download", on_click="ignore", icon=":material/download:",
        help=f"The {total:,} filtered programs with the catalog's columns. Cells "
             "that a spreadsheet could run as a formula start with '.")


@st.fragment
def explorer() -> None:
    """Everything below the title. A fragment: a filter change, a search, a tab
    or an expander reruns this alone; the catalog is checked on every run."""
    try:
        catalog, version = get_catalog(), catalog_key()
        options = options_of(version)
    except CatalogError as error:
        show_catalog_error(error)
        st.stop()  # not return: a stopped run keeps the state of widgets not drawn
    first_run = SEARCH not in st.session_state
    current = chosen_filters(options, first_run)
    params = current.sql_params()
    state = results_of(version, params)
    # In a larger catalog the facet counts run after the results' queries, not
    # beside them: on two cores that delayed what a person waits for (100,000
    # programs, a filter change for a new state: 342 -> 293 ms). results_of starts
    # them on a cache miss; this starts them when its result came from the cache.
    if state.facets is None:
        facets_of(version, params)
    show_intro(current)

    with st.container(border=True):
        st.text_input("Search programs by name, specialty or abbreviation",
                      key=SEARCH, max_chars=filters.MAX_VALUE_LENGTH,
                      placeholder="e.g. EP, heme/onc, cardio",
                      help="Every word must start a word of the program's name, "
                           "specialty or common abbreviations; case does not matter.")
        facet_box = st.container()
        if first_run:  # nothing on screen yet: draw them in place, no layout shift
            show_facet_filters(facet_box, facets_now(state, version, params), options)
        finding = any(st.session_state.get(key) for key in FIND.values())
        st.button("Clear filters", key="explorer_clear", on_click=clear_filters,
                  icon=":material/filter_alt_off:",
                  disabled=not (current.active or finding))

    def fill_facet_box() -> None:
        """On a rerun, the filters last: the figures, chart and table go first."""
        if not first_run:
            show_facet_filters(facet_box, facets_now(state, version, params), options)

    if state.view is None:
        fill_facet_box()  # before st.stop(): nothing is drawn after it
        show_no_match()
        st.stop()  # as above: the expanders and tab not drawn keep their state
    try:  # the filters are drawn even if a figure fails
        show_results(catalog, state, params)
    finally:
        fill_facet_box()
    show_completeness(params)


explorer()
