"""The explorer's figures, charts, text alternatives and display tables.

Every function takes the small, pre-aggregated mix (``queries/explorer_mix.sql``:
program_type | discipline | department | programs), as a DataFrame or as its rows
(tuples, as ``Catalog.records`` returns them), and returns plain values, a table
or a ``plotly.graph_objects.Figure``: no Streamlit and no Plotly Express, so
figures are cheap to build and easy to cache.

One colour per program type, the same in every chart, from the Okabe-Ito palette
(safe for the common colour-vision deficiencies); each type also has its own fill
pattern, and every chart has a sentence saying what it shows, so colour is never
the only signal. Catalog text reaches Plotly escaped (``&lt;``), so a name with
HTML in it is shown as typed, never rendered.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import pyarrow.compute as pc

from gme import schema

# The mix: a DataFrame, or its rows as (type, discipline, department, programs).
Mix = pd.DataFrame | Sequence[tuple[str, str, str, int]]

# Okabe & Ito (2008), "Color Universal Design".
TYPE_COLOURS = {
    "Residency": "#0072B2",  # blue
    "Fellowship": "#E69F00",  # orange
    "Practicum": "#009E73",  # bluish green
    "Training program": "#CC79A7",  # reddish purple
    "Degree program": "#D55E00",  # vermillion
}
OTHER_COLOUR = "#7F7F7F"
TYPE_PATTERNS = {"Residency": "", "Fellowship": "/", "Practicum": ".",
                 "Training program": "x", "Degree program": "\\"}
PLOTLY_CONFIG = {"displaylogo": False,
                 "modeBarButtonsToRemove": ["select2d", "lasso2d"]}
MAX_BARS = 25  # departments beyond this are summed into one bar
TREE_LEAF_LIMIT = 150  # show programs as leaves of the hierarchy up to this many
OTHER_DEPARTMENTS = "All other departments"
# The bar charts' margins: at least what Plotly's automargin settles on in the
# app (Streamlit's theme: 12 px "Source Sans" tick labels, a one-row legend
# above the plot on a laptop, the x-axis title below). Automargin stays on and
# only ever grows a margin; when it does not have to, each draw lays the chart
# out once instead of twice (newPlot of the explorer's first chart, alone in
# Chromium: 41 -> 20 ms).
# A phone's legend wraps onto more rows and still grows the top margin.
BAR_MARGIN = {"t": 55, "b": 65, "r": 10}
# Every chart is this wide (px) where the page has room, and the page shows it
# at its own width (st.plotly_chart(width="content")), not stretched. Streamlit
# 1.67 mounts a new chart element for every new figure, and a stretched
# chart's width is unknown until the element is measured: the chart is drawn
# once hidden, then again at the measured width. With its width in the figure,
# the first draw is visible and final (54 programs, medians of interleaved
# A/Bs: a filter change fully shown 50-140 ms sooner; docs/PERFORMANCE.md,
# item 31). 800 fits the column of a 1280 px laptop screen. In a narrower
# column (a phone) the first draw is 800 px wide, clipped, and the chart is
# drawn again at the column's width once it is measured.
CHART_WIDTH = 800
TICK_LABEL_SPACE = 22  # px added to the widest y label's width; the app needs ~19
# Advance widths (px) of printable ASCII in Streamlit's 12 px "Source Sans", as
# the app's tick labels measure in Chromium (getComputedTextLength); any other
# character counts as a full em, more than any of these (an emoji can be wider:
# then automargin grows the margin, one more layout, nothing clipped).
_TICK_FONT_PX = 12.0
_CHAR_WIDTHS = dict(zip(
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
    (2.402, 3.469, 5.112, 5.964, 5.964, 9.889, 7.309, 2.989, 3.638, 3.638, 5.017,
     5.964, 2.989, 3.733, 2.989, 4.202, *[5.964] * 10, 2.989, 2.989, 5.964, 5.964,
     5.964, 5.102, 10.166, 6.448, 7.056, 6.544, 7.381, 6.325, 5.928, 7.405, 7.825,
     3.156, 5.317, 6.948, 5.833, 8.725, 7.764, 7.969, 6.792, 7.969, 6.828, 6.261,
     6.433, 7.741, 6.289, 9.433, 6.156, 5.713, 6.292, 3.638, 4.202, 3.638, 5.964,
     6.002, 6.505, 6.048, 6.638, 5.244, 6.661, 5.953, 3.462, 6.048, 6.528, 2.953,
     2.964, 5.941, 3.061, 9.948, 6.564, 6.505, 6.661, 6.661, 4.164, 5.028, 3.841,
     6.528, 5.605, 8.628, 5.353, 5.605, 5.102, 3.638, 2.892, 3.638, 5.964),
    strict=True))
# The explorer shows one chart at a time, in tabs with these labels.
TABS = {
    "by_discipline": "By discipline",
    "by_department": "By department",
    "hierarchy": "By type and department",
}
# Shown as headings above the charts (a Plotly title cannot wrap on a phone).
TITLES = {
    "by_discipline": "Programs by trainee discipline and program type",
    "by_department": "Programs per department, by program type",
    "hierarchy": "Program types, departments and programs (click a box to zoom in)",
}


@dataclass(frozen=True)
class Chart:
    """One chart of the explorer with its text alternative and underlying table."""

    key: str
    title: str  # what the chart shows; the page shows it as a heading
    figure: go.Figure
    description: str
    table: pd.DataFrame


@dataclass(frozen=True, eq=False)  # shared and built on, never compared
class MixView:
    """Everything the explorer shows about one filter state's program mix: the
    key figures at once, each chart when first asked for (``chart``). The page
    shows one chart at a time, so a new state builds one of the three: the
    view and its first chart take 0.9-1.1 ms instead of 3.6-4.4 ms for the view
    with all three (54 and 100,000 programs, median of 200, idle), Python work
    that holds the GIL while the queries' threads and the server wait."""

    key_figures: dict[str, int]
    mix: Sequence[tuple[str, str, str, int]]  # the mix's rows (``_records``)
    leaves: pa.Table | None  # the treemap's programs, if few enough
    # Charts built so far, by key. Sessions share a view: two that ask for the
    # same new chart at once may both build it, and setdefault keeps the first.
    _built: dict[str, Chart] = field(default_factory=dict, init=False,
                                     repr=False, compare=False)

    def chart(self, key: str) -> Chart:
        """The chart ``key`` (one of TABS), built once and then kept."""
        built = self._built.get(key)
        if built is None:
            built = self._built.setdefault(key, _CHARTS[key](self.mix, self.leaves))
        return built

    @property
    def charts(self) -> tuple[Chart, ...]:
        """All three charts, in the order of TABS (builds those not built yet)."""
        return tuple(self.chart(key) for key in TABS)


def mix_view(mix: Mix, programs: pa.Table | None = None) -> MixView:
    """Key figures and, on demand, the three charts for ``mix`` (``programs``:
    treemap leaves, used only if there are at most TREE_LEAF_LIMIT programs)."""
    mix = tuple(_records(mix))  # once, not in each chart; and read-only
    figures = key_figures(mix)
    leaves = programs if figures["Programs"] <= TREE_LEAF_LIMIT else None
    return MixView(figures, mix, leaves)


def _discipline_chart(mix: Sequence[tuple], leaves: pa.Table | None) -> Chart:
    return Chart("by_discipline", TITLES["by_discipline"], by_discipline_figure(mix),
                 describe_by_discipline(mix), type_table(mix, "discipline"))


def _department_chart(mix: Sequence[tuple], leaves: pa.Table | None) -> Chart:
    return Chart("by_department", TITLES["by_department"], by_department_figure(mix),
                 describe_by_department(mix), type_table(mix, "department"))


def _hierarchy_chart(mix: Sequence[tuple], leaves: pa.Table | None) -> Chart:
    return Chart("hierarchy", TITLES["hierarchy"], hierarchy_figure(mix, leaves),
                 describe_hierarchy(mix), tree_table(mix))


_CHARTS = {"by_discipline": _discipline_chart, "by_department": _department_chart,
           "hierarchy": _hierarchy_chart}


def type_colour(program_type: str) -> str:
    """The colour of ``program_type`` in every chart."""
    return TYPE_COLOURS.get(program_type, OTHER_COLOUR)


@dataclass(frozen=True)
class Group:
    """One bar or box: a discipline, department or type with its programs per type."""

    name: str  # as shown: '' is "Not stated"
    by_type: dict[str, int]  # program type -> programs, in the vocabulary's order

    @property
    def total(self) -> int:
        return sum(self.by_type.values())


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two '#rrggbb' colours (1 to 21)."""
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
                   for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def label_colour(background: str) -> str:
    """Black or white, whichever reads better on ``background``."""
    return max(("#000000", "#FFFFFF"), key=lambda text: contrast(text, background))


def key_figures(mix: Mix) -> dict[str, int]:
    """{'Programs', 'Residencies', 'Fellowships', 'Departments': count} of the mix.

    The keys are the labels the page shows; departments count stated ones only.
    """
    by_type: dict[str, int] = {}
    departments = set()
    for program_type, _, department, programs in _records(mix):
        by_type[program_type] = by_type.get(program_type, 0) + programs
        if department:
            departments.add(department)
    return {"Programs": sum(by_type.values()),
            "Residencies": by_type.get("Residency", 0),
            "Fellowships": by_type.get("Fellowship", 0),
            "Departments": len(departments)}


def groups(mix: Mix, dimension: str) -> list[Group]:
    """Programs per ``dimension`` value ('discipline' or 'department') and type.

    Largest first, ties alphabetical; '' becomes "Not stated".
    """
    column = {"discipline": 1, "department": 2}[dimension]
    found: dict[str, dict[str, int]] = {}
    for record in _records(mix):
        name = record[column] or schema.NOT_STATED
        counts = found.setdefault(name, {})
        counts[record[0]] = counts.get(record[0], 0) + record[3]
    result = [Group(name, _in_type_order(counts)) for name, counts in found.items()]
    return sorted(result, key=lambda g: (-g.total, g.name.casefold()))


def type_groups(mix: Mix) -> list[tuple[str, list[Group]]]:
    """[(program type, its departments as Groups, largest first)], in type order."""
    found: dict[str, dict[str, int]] = {}
    for program_type, _, department, programs in _records(mix):
        departments = found.setdefault(program_type, {})
        name = department or schema.NOT_STATED
        departments[name] = departments.get(name, 0) + programs
    return [(t, sorted((Group(d, {t: n}) for d, n in found[t].items()),
                       key=lambda g: (-g.total, g.name.casefold())))
            for t in _type_order(found)]


# --- the tables behind the charts (shown in each chart's expander) -------------

def type_table(mix: Mix, dimension: str) -> pd.DataFrame:
    """<Discipline|Department> | Residency | Fellowship | ... | Total, largest first."""
    found = groups(mix, dimension)
    types = _type_order({t for g in found for t in g.by_type})
    label = schema.LABELS.get(dimension, dimension.title())
    return pd.DataFrame([{label: g.name, **{t: g.by_type.get(t, 0) for t in types},
                          "Total": g.total} for g in found],
                        columns=[label, *types, "Total"])


def tree_table(mix: Mix) -> pd.DataFrame:
    """Type | Department | Programs, in type order then largest department first."""
    return pd.DataFrame([{"Type": t, "Department": g.name, "Programs": g.total}
                         for t, departments in type_groups(mix) for g in departments],
                        columns=["Type", "Department", "Programs"])


def programs_table(rows: pa.Table) -> pa.Table:
    """The filtered programs for reading: readable headers, "Not stated" for empty.

    ``rows`` has the catalog's columns (``queries/explorer_programs.sql``); the
    name comes first and the ID last; every value is text, so a missing number
    also reads "Not stated". Arrow in and out, a column at a time: the page
    sends Arrow (1,000 rows: 0.6 ms, against 5.2 ms row by row in Python).
    """
    columns = [c for c in (*schema.COLUMN_NAMES[1:], "program_id")
               if c in rows.column_names]
    return pa.table([_text_column(rows.column(c)) for c in columns],
                    names=[schema.LABELS[c] for c in columns])


def _text_column(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """A column as display text: 'Not stated' for missing or empty, 3 not 3.0."""
    text = pc.cast(values, pa.string())
    return pc.fill_null(pc.if_else(pc.equal(text, ""), None, text),
                        schema.NOT_STATED)


def completeness_table(completeness: pd.DataFrame) -> pd.DataFrame:
    """Per catalog column (in catalog order): how many programs have a value.

    ``completeness`` is ``queries/explorer_completeness.sql``'s result. Shape:
    Column | With a value | Not stated | Complete (0-1) | Programs without a value
    """
    if completeness.empty:
        return pd.DataFrame(columns=["Column", "With a value", "Not stated",
                                     "Complete", "Programs without a value"])
    by_name = completeness.set_index("column_name")
    rows = []
    for column in schema.COLUMNS:
        if column.name not in by_name.index:
            continue
        row = by_name.loc[column.name]
        have, missing = int(row["with_value"]), int(row["missing"])
        names = list(row["missing_programs"])
        if missing > len(names):
            names.append(f"… and {missing - len(names):,} more")
        rows.append({"Column": column.label, "With a value": have,
                     "Not stated": missing,
                     "Complete": have / (have + missing) if have + missing else 1.0,
                     "Programs without a value": names})
    return pd.DataFrame(rows)


# --- figures -------------------------------------------------------------------

def by_discipline_figure(mix: Mix) -> go.Figure:
    """Horizontal bars: programs per trainee discipline, stacked by type."""
    return _stacked_bars(groups(mix, "discipline"))


def by_department_figure(mix: Mix) -> go.Figure:
    """Horizontal bars: programs per department (largest first), stacked by type."""
    return _stacked_bars(_top(groups(mix, "department")))


def hierarchy_figure(mix: Mix, programs: pa.Table | None = None) -> go.Figure:
    """Treemap type -> department (-> program): click a box to zoom into it.

    Two levels show at a time, so labels stay readable; clicking a department
    shows its programs. ``programs`` (program_id | name | program_type |
    department) adds one leaf per program; pass it for up to TREE_LEAF_LIMIT.
    """
    nodes: list[tuple[str, str, str, int, str, str]] = []
    for program_type, departments in type_groups(mix):
        total = sum(g.total for g in departments)
        nodes.append((f"t:{program_type}", "", program_type, total, program_type,
                      f"{program_type}: {_count(total, 'program')}"))
        nodes.extend((f"d:{program_type}\x1f{g.name}", f"t:{program_type}", g.name,
                      g.total, program_type,
                      f"{program_type}, {g.name}: {_count(g.total, 'program')}")
                     for g in departments)
    if programs is not None:
        for program_id, name, program_type, department in zip(
                *(programs.column(c).to_pylist() for c in (
                    "program_id", "name", "program_type", "department")),
                strict=True):
            department = _text_or_not_stated(department)
            nodes.append((f"p:{program_id}", f"d:{program_type}\x1f{department}",
                          name, 1, program_type,
                          f"{name} ({program_type}, {department})"))
    ids, parents, labels, values, types, hover = (list(c) for c in zip(*nodes,
                                                                       strict=True))
    trace = {"type": "treemap", "ids": ids, "parents": parents,
             "labels": [_escape(v) for v in labels], "values": values,
             "branchvalues": "total",
             "marker": {"colors": [type_colour(t) for t in types],
                        "line": {"width": 1}},
             "textfont": {"color": [label_colour(type_colour(t)) for t in types]},
             "hovertext": [_escape(v) for v in hover],
             "hovertemplate": "%{hovertext}<extra></extra>",
             "texttemplate": "%{label}<br>%{value:,}", "maxdepth": 2,
             "pathbar": {"visible": True}, "tiling": {"pad": 2}}
    return _figure([trace], height=520, showlegend=False)


# --- text alternatives -----------------------------------------------------------

def describe_by_discipline(mix: Mix) -> str:
    """One sentence with the key numbers of ``by_discipline_figure``."""
    found = groups(mix, "discipline")
    total = sum(g.total for g in found)
    parts = [f"{g.name} {g.total:,} ({_type_breakdown(g)})" for g in found[:5]]
    rest = len(found) - 5
    more = f"; and {_count(rest, 'more discipline')}" if rest > 0 else ""
    return (f"{_count(total, 'program')} in {_count(len(found), 'trainee discipline')}"
            f": {'; '.join(parts)}{more}.")


def describe_by_department(mix: Mix) -> str:
    """One sentence with the key numbers of ``by_department_figure``."""
    found = groups(mix, "department")
    total = sum(g.total for g in found)
    parts = [f"{g.name} {g.total:,} ({_type_breakdown(g)})" for g in found[:5]]
    lead = "The largest" if len(found) > 5 else "By department"
    unstated = any(g.name == schema.NOT_STATED for g in found)
    note = " (one of them “Not stated”)" if unstated else ""
    return (f"{_count(total, 'program')} in {_count(len(found), 'department')}"
            f"{note}. {lead}: {'; '.join(parts)}.")


def describe_hierarchy(mix: Mix) -> str:
    """One sentence with the key numbers of ``hierarchy_figure``."""
    parts = []
    for program_type, departments in type_groups(mix):
        total = sum(g.total for g in departments)
        top = departments[0]
        parts.append(f"{program_type} {_count(total, 'program')} in "
                     f"{_count(len(departments), 'department')}, most in "
                     f"{top.name} ({top.total:,})")
    return f"By type: {'; '.join(parts)}."


# --- helpers -------------------------------------------------------------------

def _stacked_bars(bars: list[Group]) -> go.Figure:
    bars = bars[::-1]  # Plotly draws the first category at the bottom
    names = [_escape(g.name) for g in bars]
    traces = []
    for program_type in _type_order({t for g in bars for t in g.by_type}):
        colour = type_colour(program_type)
        counts = [g.by_type.get(program_type, 0) for g in bars]
        traces.append({
            "type": "bar", "name": program_type, "y": names, "x": counts,
            "orientation": "h",
            "marker": {"color": colour, "pattern": {
                "shape": TYPE_PATTERNS.get(program_type, ""), "fillmode": "overlay",
                "fgcolor": "#ffffff", "fgopacity": 0.45, "size": 7,
                "solidity": 0.25}},
            "text": [f"{c:,}" if c else "" for c in counts], "textposition": "inside",
            "insidetextanchor": "middle",
            "textfont": {"color": label_colour(colour)},
            "hovertemplate": f"%{{y}}<br>{program_type}: %{{x:,}}<extra></extra>"})
    widest = max((tick_label_width(g.name) for g in bars), default=0.0)
    margin = {**BAR_MARGIN, "l": math.ceil(widest) + TICK_LABEL_SPACE}
    return _figure(traces, height=130 + 30 * len(bars), barmode="stack",
                   margin=margin, showlegend=True,
                   uniformtext={"minsize": 10, "mode": "hide"},
                   xaxis={"automargin": True, "rangemode": "tozero",
                          "title": {"text": "Programs"}})


def _figure(traces: list[dict], height: int, **layout) -> go.Figure:
    """A Figure from plain dicts, not validated property by property at run time.

    Plotly's validation of every property is most of the cost of building a figure
    (about 10 of 16 ms for the explorer's three); tests/unit/test_charts.py
    validates every figure these functions build instead.
    """
    spec = {"data": traces, "layout": {
        "height": height, "width": CHART_WIDTH, "template": {},
        "margin": {"l": 10, "r": 10, "t": 10, "b": 40},
        # Above the plot, left to right: keeps the bars wide on a phone too.
        "legend": {"title": {"text": "Program type"}, "traceorder": "normal",
                   "orientation": "h", "x": 0, "xanchor": "left", "y": 1.0,
                   "yanchor": "bottom"},
        "yaxis": {"automargin": True}, **layout}}
    return go.Figure(spec, _validate=False)


def tick_label_width(text: str) -> float:
    """``text``'s width (px) as a bar chart's tick label: within half a pixel
    for printable ASCII, a full em (12 px) for any other character."""
    return sum(_CHAR_WIDTHS.get(c, _TICK_FONT_PX) for c in text)


def _top(bars: list[Group]) -> list[Group]:
    """The MAX_BARS largest groups, the rest summed into one 'All other' group."""
    if len(bars) <= MAX_BARS:
        return bars
    head, tail = bars[:MAX_BARS - 1], bars[MAX_BARS - 1:]
    summed: dict[str, int] = {}
    for group in tail:
        for program_type, count in group.by_type.items():
            summed[program_type] = summed.get(program_type, 0) + count
    return [*head, Group(f"{OTHER_DEPARTMENTS} ({len(tail)})",
                         _in_type_order(summed))]


def _records(mix: Mix) -> Sequence[tuple[str, str, str, int]]:
    """The mix as plain tuples (type, discipline, department, programs): fast."""
    if not isinstance(mix, pd.DataFrame):
        return mix
    return list(zip(mix["program_type"].tolist(), mix["discipline"].tolist(),
                    mix["department"].tolist(),
                    [int(n) for n in mix["programs"].tolist()], strict=True))


def _type_breakdown(group: Group) -> str:
    return ", ".join(_count(n, _TYPE_NOUNS.get(t, t.lower()))
                     for t, n in group.by_type.items() if n)


_TYPE_NOUNS = {"Residency": "residency", "Fellowship": "fellowship",
               "Practicum": "practicum", "Training program": "training program",
               "Degree program": "degree program"}


def _count(n: int, noun: str) -> str:
    """'1 program', '28 programs', '3 residencies'."""
    if n == 1:
        return f"1 {noun}"
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{n:,} {plural}"


def _type_rank(program_type: str) -> int:
    types = schema.PROGRAM_TYPES
    return types.index(program_type) if program_type in types else len(types)


def _type_order(types: Iterable[str]) -> list[str]:
    """Program types in the vocabulary's order (unknown ones last, alphabetical)."""
    return sorted(types, key=lambda t: (_type_rank(t), t))


def _in_type_order(counts: dict[str, int]) -> dict[str, int]:
    return {t: counts[t] for t in _type_order(counts)}


def _text_or_not_stated(value: object) -> str:
    return value if isinstance(value, str) and value else schema.NOT_STATED


def _escape(text: object) -> str:
    """Catalog text for Plotly, which renders a few HTML tags: shown as typed."""
    return html.escape(str(text), quote=False)
