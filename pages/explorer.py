"""Program explorer: filter the catalog, see the program mix, share or download it.

The filters live in the URL: read once per visit into the widgets (untrusted, so
checked by gme.filters), written back when they change. Everything a filter state
shows is computed once and cached (gme.app_data: results_of, facets_of);
gme.charts builds the figures from small pre-aggregated frames. On a rerun the
figures, chart and table are sent before the facet counts, which fill the
filters last (in a larger catalog they are counted meanwhile; a small one's
come from the same query as the results); on a visit's first run the filters
are drawn in place.
The charts sit in tabs and only the open one is sent to the browser, which is
what a filter change waits for. A facet with too many values to list (a national
catalog's thousands of sites) shows a shortlist and a find box instead, for the
same reason.
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
    query,
    results_of,
    show_catalog_error,
)
from gme.catalog import CatalogError
from gme.explorer import Facets
from gme.navigation import ensure_app_navigation
from gme.text import escape_markdown

KEYS = {f.key: f"explorer_{f.key}" for f in filters.FACETS}
FIND = {f.key: f"explorer_{f.key}_find" for f in filters.FACETS}  # long facets only
SEARCH, NOTICES, CHART_TAB = "explorer_q", "explorer_notices", "explorer_chart"
COUNTS_HELP = ("The number after each option is how many programs you would see "
               "with it, given the other filters.")
LONG_LIST_HELP = ("There are {values:,} values, too many to list: this shows the "
                  f"{filters.SHORTLIST} with the most programs whose name contains "
                  "the text in '{find}' (all of them when it is empty), and every "
                  "one you chose. " + COUNTS_HELP)


def url() -> dict[str, list[str]]:
    """The page's query parameters, every value of each key."""
    return {key: st.query_params.get_all(key) for key in st.query_params}


def read_url(options: dict[str, list[str]]) -> None:
    """Put the URL's filters into the widgets; keep notices for what was ignored."""
    chosen, notices = filters.parse_query_params(url(), options)
    for facet in filters.FACETS:
        st.session_state[KEYS[facet.key]] = list(chosen.selected(facet))
    st.session_state[SEARCH] = chosen.search
    st.session_state[NOTICES] = (notices, chosen)  # shown until the filters change


def clear_filters() -> None:
    """Button callback: every filter and the search back to empty."""
    for key in KEYS.values():
        st.session_state[key] = []
    for key in FIND.values():
        st.session_state[key] = ""
    st.session_state[SEARCH] = ""


def facet_filter(facet: filters.Facet, state: Facets, values: list[str]) -> None:
    """One facet's multiselect, each option with its count. A facet too long to
    list in full (a national catalog's sites) gets a find box and a shortlist."""
    labels = state.labels.get(facet.key)
    if labels is not None:
        st.multiselect(facet.label, values, key=KEYS[facet.key], placeholder="All",
                       format_func=labels.__getitem__, help=COUNTS_HELP)
        return
    counts = state.counts[facet.key]
    noun = facet.label.lower()
    find_label = f"Find {'an' if noun[0] in 'aeiou' else 'a'} {noun}"
    find = st.text_input(find_label, key=FIND[facet.key],
                         max_chars=filters.MAX_VALUE_LENGTH,
                         placeholder="Type part of its name, then Enter",
                         help=f"Narrows the {facet.label} list below to the "
                              "names that contain this text.")
    short = filters.shortlist(counts, st.session_state[KEYS[facet.key]], find)
    # Above the list, so that the lists of a row stay level (bottom-aligned).
    st.caption(escape_markdown(
        filters.shortlist_note(short, len(counts), find, find_label)))
    st.multiselect(facet.label, short.values, key=KEYS[facet.key], placeholder="All",
                   format_func=lambda value: filters.option_label(value, counts[value]),
                   help=LONG_LIST_HELP.format(values=len(counts), find=find_label))


def show_facet_filters(box, state: Facets, options: dict[str, list[str]]) -> None:
    """Every facet's filter, in rows of three, into ``box`` (made earlier, so
    they show above the figures although they are sent after them)."""
    with box:
        for start in range(0, len(filters.FACETS), 3):
            row = filters.FACETS[start:start + 3]
            # Bottom-aligned, so a find box above one list keeps the lists of a
            # row level.
            for column, facet in zip(st.columns(3, vertical_alignment="bottom"),
                                     row, strict=False):  # a last row may be short
                with column:
                    facet_filter(facet, state, options[facet.key])


def show_chart(chart: charts.Chart) -> None:
    """A chart, its text alternative, and its data in an expander (sent on open)."""
    key = f"explorer_{chart.key}"
    st.subheader(chart.title, anchor=False)
    # At the figure's own width (charts.CHART_WIDTH): drawn once, visibly,
    # where the column is at least that wide.
    st.plotly_chart(chart.figure, config=charts.PLOTLY_CONFIG, key=key,
                    width="content", alt=chart.description)
    st.caption(escape_markdown(chart.description))
    with st.expander("Show the data behind this chart", key=f"{key}_data",
                     on_change="rerun") as box:
        if box.open:
            st.dataframe(chart.table, hide_index=True, key=f"{key}_table",
                         alt=f"Data of the chart: {chart.description}")


ensure_app_navigation()
st.title("Program explorer")
try:
    catalog, version = get_catalog(), catalog_key()
    options = options_of(version)
except CatalogError as error:
    show_catalog_error(error)
    st.stop()

first_run = SEARCH not in st.session_state
if first_run:  # first run of this visit: the URL decides
    read_url(options)
current = filters.from_selections(
    {key: st.session_state.get(state_key, []) for key, state_key in KEYS.items()},
    st.session_state.get(SEARCH, ""), options)
for facet in filters.FACETS:  # values, not stale labels; refreshes the labels shown
    st.session_state[KEYS[facet.key]] = list(current.selected(facet))
if current.query_params() != url():  # write back: the link shares this view
    st.query_params.from_dict(current.query_params())
params = current.sql_params()
state = results_of(version, params)
# In a larger catalog the facet counts run after the results' queries, not
# beside them: on two cores that delayed what a person waits for (100,000
# programs, a filter change for a new state: 342 -> 293 ms). results_of starts
# them on a cache miss; this starts them when its result came from the cache.
# The filters that show the counts are drawn last, except on a visit's first run.
if state.facets is None:
    facets_of(version, params)

st.write("Filter the programs, see the mix at a glance, and share or download "
         "exactly what you see: the link in the address bar keeps your filters.")
notices, read = st.session_state.get(NOTICES, ([], None))
if notices and current == read:
    st.warning("Some settings in the link were ignored:\n\n" + "\n".join(
        f"- {escape_markdown(n)}" for n in notices), icon=":material/link_off:")

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


view = state.view
if view is None:
    fill_facet_box()
    st.info("No program matches these filters. Remove a filter or change the "
            "search to see programs again.", icon=":material/search_off:")
    st.button("Clear filters and show all programs", key="explorer_clear_empty",
              on_click=clear_filters, type="primary")
    st.stop()

try:  # the filters are drawn even if a figure fails
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
finally:
    fill_facet_box()

with st.expander("Data completeness: which details are not stated",
                 key="explorer_completeness", on_change="rerun") as box:
    if box.open:
        st.dataframe(
            charts.completeness_table(query("explorer_completeness", **params)),
            hide_index=True, key="explorer_completeness_table", height="content",
            column_config={
                "Complete": st.column_config.ProgressColumn(
                    format="percent", min_value=0, max_value=1),
                "Programs without a value": st.column_config.ListColumn()})
