"""The program explorer's widgets: the URL's filters, the intro and the link's
notices, the facet filters, a chart and the data-completeness table.

Streamlit glue for pages/explorer.py, kept out of the page so that the page
stays a short script of what it shows, in order. These are plain functions; the
page's cached ones live in gme.app_data (docs/PERFORMANCE.md, item 33). The
drawing functions show what gme.explorer and gme.charts compute (the
completeness table's query goes through gme.app_data's cache). A facet with too
many values to list (a national catalog's thousands of sites) gets a shortlist
and a find box instead: a long list would slow every rerun.
"""

from __future__ import annotations

import streamlit as st

from gme import charts, filters
from gme.app_data import query
from gme.explorer import Facets
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


def chosen_filters(options: dict[str, list[str]], first_run: bool) -> filters.Filters:
    """The filters in the widgets (on a visit's first run, from the URL), with
    the URL brought in line with them: the link shares this view."""
    if first_run:
        read_url(options)
    current = filters.from_selections(
        {key: st.session_state.get(state_key, []) for key, state_key in KEYS.items()},
        st.session_state.get(SEARCH, ""), options)
    for facet in filters.FACETS:  # values, not stale labels; refreshes the labels
        st.session_state[KEYS[facet.key]] = list(current.selected(facet))
    if current.query_params() != url():
        st.query_params.from_dict(current.query_params())
    return current


def show_intro(current: filters.Filters) -> None:
    """What the page does, and what the link's filters lost, if anything."""
    st.write("Filter the programs, see the mix at a glance, and share or download "
             "exactly what you see: the link in the address bar keeps your filters.")
    notices, read = st.session_state.get(NOTICES, ([], None))
    if notices and current == read:
        st.warning("Some settings in the link were ignored:\n\n" + "\n".join(
            f"- {escape_markdown(n)}" for n in notices), icon=":material/link_off:")


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


def show_completeness(params: dict) -> None:
    """Which details the filtered programs do not state, per column (queried
    only while the expander is open)."""
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
