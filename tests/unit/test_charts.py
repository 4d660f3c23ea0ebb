"""gme.charts: figures, colours, text alternatives and display tables."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import pytest

from gme import charts, schema
from gme.filters import Filters

# program_type | discipline | department | programs (like explorer_mix.sql)
MIX = pd.DataFrame(
    [("Fellowship", "Physician", "Internal Medicine", 11),
     ("Fellowship", "Physician", "", 1),
     ("Fellowship", "Administration", "Administration", 1),
     ("Residency", "Physician", "Internal Medicine", 1),
     ("Residency", "Pharmacy", "Pharmacy", 3),
     ("Practicum", "Psychology", "Psychology", 1)],
    columns=["program_type", "discipline", "department", "programs"])


def bar_colours(figure) -> dict[str, str]:
    """{trace name: marker colour} of a bar figure."""
    return {trace.name: trace.marker.color for trace in figure.data}


def test_palette_is_okabe_ito_with_one_distinct_colour_per_type():
    """Every program type has its own colour from the Okabe-Ito palette."""
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00",
                 "#CC79A7", "#000000"}
    colours = [charts.type_colour(t) for t in schema.PROGRAM_TYPES]
    assert len(set(colours)) == len(colours)
    assert set(colours) <= okabe_ito


def test_each_type_has_the_same_colour_in_every_chart():
    """Bars by discipline, bars by department and the treemap agree on colours."""
    expected = {t: charts.type_colour(t) for t in ("Fellowship", "Residency",
                                                    "Practicum")}
    assert bar_colours(charts.by_discipline_figure(MIX)) == expected
    assert bar_colours(charts.by_department_figure(MIX)) == expected
    tree = charts.hierarchy_figure(MIX).data[0]
    for node_id, colour in zip(tree.ids, tree.marker.colors, strict=True):
        program_type = node_id[2:].split("\x1f")[0]
        assert colour == expected[program_type], node_id


def test_numbers_on_bars_have_enough_contrast():
    """The count printed on each type's bars meets WCAG AA (4.5:1)."""
    for program_type in schema.PROGRAM_TYPES:
        background = charts.type_colour(program_type)
        assert charts.contrast(charts.label_colour(background), background) >= 4.5
    figure = charts.by_discipline_figure(MIX)
    assert {t.name: t.textfont.color for t in figure.data}["Fellowship"] == "#000000"


def test_colour_is_not_the_only_signal():
    """Types also differ by fill pattern, and each bar has its type's name."""
    figure = charts.by_discipline_figure(MIX)
    shapes = [trace.marker.pattern.shape for trace in figure.data]
    assert len(set(shapes)) == len(shapes)
    assert [trace.name for trace in figure.data] == ["Residency", "Fellowship",
                                                     "Practicum"]


def test_key_figures_count_programs_types_and_stated_departments():
    """KPIs: 18 programs, 4 residencies, 13 fellowships, 4 named departments."""
    assert charts.key_figures(MIX) == {"Programs": 18, "Residencies": 4,
                                       "Fellowships": 13, "Departments": 4}


def test_type_table_pivots_and_sorts_largest_first():
    """One row per department, one column per type, totals, largest first."""
    table = charts.type_table(MIX, "department")
    assert list(table.columns) == ["Department", "Residency", "Fellowship",
                                   "Practicum", "Total"]
    assert table.iloc[0].tolist() == ["Internal Medicine", 1, 11, 0, 12]
    assert "Not stated" in table["Department"].tolist()
    assert table["Total"].sum() == 18


def test_bar_charts_are_titled_and_hold_the_counts():
    """Titles say what is shown; the bars hold the table's numbers."""
    figure = charts.by_department_figure(MIX)
    titles = {c.key: c.title for c in charts.mix_view(MIX).charts}
    assert titles["by_department"] == "Programs per department, by program type"
    fellowships = next(t for t in figure.data if t.name == "Fellowship")
    assert dict(zip(fellowships.y, fellowships.x, strict=True))[
        "Internal Medicine"] == 11
    assert titles["by_discipline"].startswith("Programs by trainee discipline")
    assert "zoom" in titles["hierarchy"]


def test_bar_margins_leave_room_for_the_widest_label_and_no_more():
    """The left margin is the widest y label plus the tick space, so Plotly's
    automargin has nothing to grow (one layout per draw, not two); other
    margins fixed."""
    short = charts.by_department_figure(MIX).layout.margin
    long_name = "Physical Medicine and Rehabilitation"
    longer = charts.by_department_figure(pd.DataFrame(
        [("Residency", "Physician", long_name, 2)], columns=MIX.columns)).layout.margin
    widest = charts.tick_label_width("Internal Medicine")
    assert short.l == math.ceil(widest) + charts.TICK_LABEL_SPACE
    assert longer.l == (math.ceil(charts.tick_label_width(long_name))
                        + charts.TICK_LABEL_SPACE)
    assert longer.l > short.l
    assert (short.t, short.b) == (longer.t, longer.b) == (
        charts.BAR_MARGIN["t"], charts.BAR_MARGIN["b"])
    assert charts.by_discipline_figure(MIX).layout.yaxis.automargin is True


def test_tick_label_width_adds_characters_and_overestimates_unknown_ones():
    """Known characters add their widths; any other counts as a full em, wider
    than every known one, so the estimate errs on the side of room."""
    assert charts.tick_label_width("") == 0
    assert charts.tick_label_width("ab") == pytest.approx(
        charts.tick_label_width("a") + charts.tick_label_width("b"))
    assert charts.tick_label_width("W") < charts.tick_label_width("é") == 12.0
    assert charts.tick_label_width("Pediatrics") == pytest.approx(49.64, abs=0.05)


def test_many_departments_are_summed_into_one_bar():
    """Beyond MAX_BARS departments the smallest are summed, none are lost."""
    many = pd.DataFrame(
        [("Residency", "Physician", f"Dept {i:02d}", 100 - i) for i in range(40)],
        columns=MIX.columns)
    figure = charts.by_department_figure(many)
    bars = figure.data[0]
    assert len(bars.y) == charts.MAX_BARS
    assert sum(bars.x) == many["programs"].sum()
    assert any(label.startswith(charts.OTHER_DEPARTMENTS) for label in bars.y)


def test_hierarchy_adds_program_leaves_only_when_given():
    """Type -> department always; programs as leaves when passed."""
    programs = pa.table({"program_id": ["a", "b"], "name": ["A", "B"],
                         "program_type": ["Practicum", "Residency"],
                         "department": ["Psychology", "Pharmacy"]})
    small = MIX[MIX["program_type"].isin(["Practicum", "Residency"])
                & MIX["department"].isin(["Psychology", "Pharmacy"])]
    without = charts.hierarchy_figure(small).data[0]
    with_leaves = charts.hierarchy_figure(small, programs).data[0]
    assert len(with_leaves.ids) == len(without.ids) + 2
    assert "p:a" in with_leaves.ids
    assert with_leaves.parents[list(with_leaves.ids).index("p:a")] == (
        "d:Practicum\x1fPsychology")


def test_catalog_text_with_html_is_escaped_in_figures():
    """A department or program name with HTML is shown as text, not rendered."""
    mix = pd.DataFrame([("Residency", "Physician", "<b>Bold</b> & co", 2)],
                       columns=MIX.columns)
    programs = pa.table({"program_id": ["x"], "name": ["<a href='x'>X</a>"],
                         "program_type": ["Residency"],
                         "department": ["<b>Bold</b> & co"]})
    bars = charts.by_department_figure(mix).data[0]
    assert list(bars.y) == ["&lt;b&gt;Bold&lt;/b&gt; &amp; co"]
    labels = charts.hierarchy_figure(mix, programs).data[0].labels
    assert "&lt;a href='x'&gt;X&lt;/a&gt;" in labels
    assert not any("<" in label for label in labels)


def test_text_alternatives_state_the_key_numbers():
    """Each chart's sentence carries the totals a sighted reader would see."""
    discipline = charts.describe_by_discipline(MIX)
    assert discipline.startswith("18 programs in 4 trainee disciplines: Physician 13 "
                                 "(1 residency, 12 fellowships)")
    department = charts.describe_by_department(MIX)
    assert department.startswith("18 programs in 5 departments (one of them "
                                 "“Not stated”)")
    assert "Internal Medicine 12 (1 residency, 11 fellowships)" in department
    hierarchy = charts.describe_hierarchy(MIX)
    assert "Fellowship 13 programs in 3 departments, most in Internal Medicine (11)" \
        in hierarchy


def test_programs_table_has_readable_labels_and_not_stated():
    """Headers come from schema.LABELS; missing and empty values read "Not
    stated", numbers read as whole numbers, other text is kept as it is."""
    text = pa.array([None, "", "Boston"], pa.string())
    rows = pa.table({c: text for c in schema.COLUMN_NAMES}
                    | {"positions": pa.array([None, 3, 12], pa.int32()),
                       "length_years": pa.array([2, None, 1], pa.int32())})
    table = charts.programs_table(rows)
    assert table.column_names[0] == "Program"
    assert table.column_names[-1] == "Program ID"
    assert set(table.column_names) == set(schema.LABELS.values())
    assert table.column("Site").to_pylist() == [schema.NOT_STATED] * 2 + ["Boston"]
    assert table.column("Positions").to_pylist() == [schema.NOT_STATED, "3", "12"]
    assert table.column("Length (years)").to_pylist() == ["2", schema.NOT_STATED,
                                                          "1"]


def test_programs_table_of_the_real_catalog_reads_like_the_catalog():
    """Every cell of the real catalog's table: the catalog's text, or "Not
    stated" exactly where the catalog has no value."""
    from gme.catalog import load_catalog

    catalog = load_catalog()
    params = {**Filters().sql_params(), "row_limit": None}
    rows = catalog.query("explorer_programs", **params)
    table = charts.programs_table(catalog.arrow("explorer_programs", **params))
    assert table.num_rows == len(rows) == 54
    for column in rows.columns:
        expected = [schema.NOT_STATED if pd.isna(v) or v == "" else str(v)
                    for v in rows[column].tolist()]
        assert table.column(schema.LABELS[column]).to_pylist() == expected
    assert schema.NOT_STATED in table.column("Site").to_pylist()


@pytest.mark.parametrize("missing", [3, 60])
def test_completeness_table_follows_catalog_order_and_counts(missing):
    """Columns in catalog order, shares, names, and 'and N more' past the list."""
    names = [f"P{i}" for i in range(min(missing, 50))]
    raw = pd.DataFrame({
        "column_name": list(schema.COLUMN_NAMES),
        "with_value": [100 - missing] * len(schema.COLUMN_NAMES),
        "missing": [missing] * len(schema.COLUMN_NAMES),
        "missing_programs": [names] * len(schema.COLUMN_NAMES)}).iloc[::-1]
    table = charts.completeness_table(raw)
    assert table["Column"].tolist() == [c.label for c in schema.COLUMNS]
    first = table.iloc[0]
    assert first["Complete"] == pytest.approx((100 - missing) / 100)
    listed = first["Programs without a value"]
    if missing > 50:
        assert listed[-1] == f"… and {missing - 50} more"
    else:
        assert listed == names


def test_mix_view_bundles_figures_and_adds_leaves_only_for_small_sets():
    """The cached view has the KPIs and three charts; big sets get no leaves.
    The leaves are Arrow rows, as the explorer's table query returns them."""
    programs = pa.table({"program_id": ["a"], "name": ["A"],
                         "program_type": ["Practicum"],
                         "department": ["Psychology"]})
    view = charts.mix_view(MIX, programs)
    assert view.key_figures["Programs"] == 18
    assert [c.key for c in view.charts] == ["by_discipline", "by_department",
                                            "hierarchy"]
    assert all(c.description and not c.table.empty for c in view.charts)
    assert "p:a" in view.charts[2].figure.data[0].ids
    big = MIX.assign(programs=MIX["programs"] * 100)
    assert "p:a" not in charts.mix_view(big, programs).charts[2].figure.data[0].ids


def test_view_builds_each_chart_on_first_use_and_keeps_it(monkeypatch):
    """A view builds no chart until one is asked for, then only that one, once:
    the page shows one tab's chart at a time."""
    built = []
    for key, make in charts._CHARTS.items():
        monkeypatch.setitem(charts._CHARTS, key, lambda mix, leaves, key=key,
                            make=make: built.append(key) or make(mix, leaves))
    view = charts.mix_view(MIX)
    assert built == [] and view.key_figures["Programs"] == 18
    first = view.chart("by_department")
    assert built == ["by_department"] and first.key == "by_department"
    assert view.chart("by_department") is first and built == ["by_department"]
    assert [c.key for c in view.charts] == list(charts.TABS)
    assert sorted(built) == sorted(charts.TABS)


def test_mix_rows_give_the_same_view_as_the_dataframe():
    """The explorer passes the mix as tuples (Catalog.records); the view is the
    same as from the DataFrame, figure for figure."""
    rows = list(MIX.itertuples(index=False, name=None))
    from_rows, from_frame = charts.mix_view(rows), charts.mix_view(MIX)
    assert from_rows.key_figures == from_frame.key_figures
    for a, b in zip(from_rows.charts, from_frame.charts, strict=True):
        assert a.figure.to_dict() == b.figure.to_dict()
        assert a.description == b.description and a.table.equals(b.table)


def test_figures_are_valid_plotly_specs():
    """Each figure survives Plotly's full validation (built from plain dicts)."""
    for chart in charts.mix_view(MIX).charts:
        rebuilt = go.Figure(chart.figure.to_dict())
        assert rebuilt.layout.height == chart.figure.layout.height


def test_every_figure_states_its_width():
    """Each figure carries its own width, which the page shows it at (a chart
    without one is drawn twice by Streamlit, the first time hidden)."""
    view = charts.mix_view(MIX)
    for chart in view.charts:
        assert chart.figure.layout.width == charts.CHART_WIDTH, chart.key


def test_real_catalog_figures_pass_full_validation():
    """The figures built (unvalidated) for the real catalog pass Plotly's checks."""
    from gme.catalog import load_catalog

    catalog = load_catalog()
    params = {**Filters().sql_params(), "row_limit": None}
    view = charts.mix_view(catalog.records("explorer_mix", **params),
                           catalog.arrow("explorer_programs", **params))
    tree = view.chart("hierarchy").figure.data[0]
    assert sum(i.startswith("p:") for i in tree.ids) == 54  # a leaf per program
    for chart in view.charts:
        go.Figure(chart.figure.to_dict())  # raises ValueError on a bad property
    with pytest.raises(ValueError):
        go.Figure({"data": [{"type": "bar", "colour": "red"}]})
