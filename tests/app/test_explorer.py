"""The program explorer, run through the real app with AppTest."""

from __future__ import annotations

import csv
import io
import re

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from gme import charts
from tests.app.conftest import ROOT, open_page

FIXTURE = ROOT / "tests" / "fixtures" / "explorer_catalog.csv"


def metrics(at: AppTest) -> dict[str, str]:
    """{label: value} of the page's KPIs."""
    return {m.label: m.value for m in at.metric}


def table(at: AppTest):
    """The programs table (the dataframe keyed explorer_table) as a DataFrame."""
    return next(d.value for d in at.dataframe if "Program" in d.value.columns)


def url(at: AppTest) -> dict[str, list[str]]:
    """The page's query parameters, every value of each key as a list."""
    return {k: v if isinstance(v, list) else [v] for k, v in at.query_params.items()}


def unescaped(text: str) -> str:
    """Markdown text without escaping backslashes."""
    return re.sub(r"\\(.)", r"\1", text)


def choose(at: AppTest, facet: str, values: list[str]) -> AppTest:
    """Select ``values`` in the facet's multiselect and rerun."""
    return at.multiselect(key=f"explorer_{facet}").set_value(values).run()


@pytest.fixture
def explorer_fixture(monkeypatch):
    """Open the explorer on tests/fixtures/explorer_catalog.csv."""
    monkeypatch.setenv("GME_CATALOG", str(FIXTURE))

    def _open(**query_params):
        return open_page("explorer", **query_params)
    return _open


def test_fellowship_and_physician_give_the_28_physician_fellowships():
    """Type Fellowship + discipline Physician: 28 programs, figures and table agree."""
    at = open_page("explorer")
    assert metrics(at)["Programs"] == "54"
    choose(at, "type", ["Fellowship"])
    choose(at, "discipline", ["Physician"])
    assert not at.exception
    assert metrics(at) == {"Programs": "28", "Residencies": "0",
                           "Fellowships": "28", "Departments": "10"}
    rows = table(at)
    assert len(rows) == 28
    assert set(rows["Type"]) == {"Fellowship"}
    assert set(rows["Discipline"]) == {"Physician"}
    assert "Administrative Fellowship" not in set(rows["Program"])
    assert url(at) == {"type": ["Fellowship"], "discipline": ["Physician"]}


def test_option_labels_count_what_each_option_would_show():
    """With discipline Physician, the type options read 'Fellowship (28)'."""
    at = open_page("explorer", discipline="Physician")
    options = at.multiselect(key="explorer_type").options
    assert "Fellowship (28)" in options
    assert "Residency (18)" in options
    assert "Practicum (0)" in options  # still listed, marked with 0
    assert at.multiselect(key="explorer_discipline").value == ["Physician"]


def test_url_restores_filters_and_search():
    """Opening a shared link reproduces the view."""
    at = open_page("explorer", type=["Fellowship", "Residency"], q="cardio")
    assert not at.exception
    assert at.multiselect(key="explorer_type").value == ["Fellowship", "Residency"]
    assert at.text_input(key="explorer_q").value == "cardio"
    assert metrics(at)["Programs"] == str(len(table(at)))
    assert set(table(at)["Type"]) <= {"Fellowship", "Residency"}
    assert not at.warning


def test_hostile_url_values_are_ignored_with_a_notice():
    """SQL, long strings, control characters and unknown keys: ignored, named."""
    at = open_page("explorer", type=["Fellowship", "'; DROP TABLE programs; --"],
                   q="x" * 10_000, site="\x00evil", tpye="Residency")
    assert not at.exception
    assert metrics(at)["Programs"] == "29"  # Fellowship alone applied
    notice = unescaped(at.warning[0].value)
    assert "DROP TABLE programs" in notice
    assert "10,000 characters" in notice
    assert "control characters" in notice
    assert "“tpye”" in notice
    assert url(at) == {"type": ["Fellowship"]}  # the link is cleaned up
    choose(at, "discipline", ["Physician"])
    assert not at.warning  # the notice goes once the person changes the view


def test_search_box_finds_abbreviations_and_updates_the_url():
    """'EP' finds the electrophysiology fellowship and lands in the URL."""
    at = open_page("explorer")
    at.text_input(key="explorer_q").input("EP").run()
    assert table(at)["Program"].tolist() == ["Electrophysiology Fellowship Program"]
    assert url(at) == {"q": ["EP"]}


def test_charts_follow_the_filters():
    """Three titled charts in tabs, each with a text alternative, redrawn on a
    filter; only the open tab's chart is sent."""
    at = open_page("explorer")
    assert [t.label for t in at.tabs] == list(charts.TABS.values())
    for key, label in charts.TABS.items():
        at.session_state["explorer_chart"] = label
        at.run()
        assert [c.key for c in at.get("plotly_chart")] == [f"explorer_{key}"]
        assert charts.TITLES[key] in [h.value for h in at.subheader]
    at.session_state["explorer_chart"] = charts.TABS["by_discipline"]
    choose(at, "type", ["Residency"])
    captions = [unescaped(c.value) for c in at.caption]
    assert any(c.startswith("22 programs in 3 trainee disciplines") for c in captions)
    spec = at.get("plotly_chart")[0].proto.spec
    assert '"Fellowship"' not in spec and '"Residency"' in spec


def test_a_new_state_builds_only_the_open_tabs_chart(monkeypatch):
    """A filter state new to the server builds the chart of the open tab only;
    opening another tab builds that one, once."""
    from streamlit import cache_resource

    cache_resource.clear()  # no view of these states from another test
    built = []
    for key, make in charts._CHARTS.items():
        monkeypatch.setitem(charts._CHARTS, key, lambda mix, leaves, key=key,
                            make=make: built.append(key) or make(mix, leaves))
    at = open_page("explorer")
    assert built == ["by_discipline"]
    choose(at, "type", ["Fellowship"])
    assert built == ["by_discipline"] * 2
    at.session_state["explorer_chart"] = charts.TABS["hierarchy"]
    at.run()
    at.run()  # the same state and tab again: nothing more to build
    assert built == ["by_discipline", "by_discipline", "hierarchy"]
    assert [c.key for c in at.get("plotly_chart")] == ["explorer_hierarchy"]


def test_a_small_catalogs_facet_change_runs_no_query(monkeypatch):
    """In a small catalog a state's rows depend on its search alone, cached per
    search: new facet states with a search seen before run no query, and a new
    search runs the one query once."""
    from streamlit import cache_resource

    from gme.catalog import Catalog

    cache_resource.clear()  # no rows of these searches from another test
    ran = []
    records = Catalog.records
    monkeypatch.setattr(Catalog, "records", lambda self, name, **params: (
        ran.append(name) or records(self, name, **params)))
    at = open_page("explorer")
    assert ran == ["explorer_searched_programs"]
    choose(at, "type", ["Fellowship"])
    choose(at, "discipline", ["Physician"])
    assert ran == ["explorer_searched_programs"]  # two new states, no query
    assert metrics(at)["Programs"] == "28"
    at.text_input(key="explorer_q").input("cardio").run()
    choose(at, "type", [])
    assert ran == ["explorer_searched_programs"] * 2
    assert metrics(at)["Programs"] == "6"  # five fellowships and one residency


def test_clear_filters_returns_to_the_whole_catalog():
    """The Clear filters button empties every filter, the search and the URL."""
    at = open_page("explorer", type="Fellowship", q="cardio")
    at.button(key="explorer_clear").click().run()
    assert metrics(at)["Programs"] == "54"
    assert at.text_input(key="explorer_q").value == ""
    assert url(at) == {}


def layout(node) -> list[str]:
    """The page's widget keys and metric labels, in the order they are laid out
    (by position in their containers, not by the order they were sent)."""
    if hasattr(node, "children"):
        return [name for index in sorted(node.children)
                for name in layout(node.children[index])]
    if node.type == "metric":
        return [node.label]
    key = getattr(node, "key", None)
    return [key] if key else []


def test_filters_sit_between_the_search_and_clear_on_every_run():
    """On a rerun the facet filters are drawn last (after the figures and the
    table), into the box made for them; on a visit's first run in place. Either
    way the page reads: search, filters, Clear, figures."""
    facet_keys = [f"explorer_{f}" for f in ("type", "discipline", "department",
                                            "specialty", "site", "accreditation")]
    expected = ["explorer_q", *facet_keys, "explorer_clear", "Programs"]
    at = open_page("explorer")
    assert [name for name in layout(at.main) if name in expected] == expected
    choose(at, "type", ["Fellowship"])  # a rerun: the filters come last
    order = layout(at.main)
    assert [name for name in order if name in expected] == expected
    assert order.index("Programs") < order.index("explorer_download")
    assert at.multiselect(key="explorer_type").value == ["Fellowship"]
    # The counts are this state's: the 28 physician fellowships.
    assert "Physician (28)" in at.multiselect(key="explorer_discipline").options


def test_a_failed_facet_count_is_counted_again_on_the_next_run(monkeypatch):
    """A facet count that fails is not kept in the cache shared by every
    session: the next access counts again (in the same run if the failure is
    already known, else in the next one) and the counts show. (The counts of a
    catalog larger than ONE_QUERY_ROWS, counted apart from the results: the
    real catalog is made to count that way here.)"""
    from streamlit import cache_resource

    from gme import explorer
    cache_resource.clear()  # no count of this state from another test
    monkeypatch.setattr(explorer, "ONE_QUERY_ROWS", 0)
    real, calls = explorer.facets, []

    def fails_once(*args):
        calls.append(args)
        if len(calls) == 1:
            raise RuntimeError("the count failed")
        return real(*args)

    monkeypatch.setattr(explorer, "facets", fails_once)
    at = open_page("explorer", type="Fellowship")
    if at.exception:  # the page met the failure before it could be recounted
        at.run()
    assert not at.exception and len(calls) == 2  # counted again, once
    assert "Physician (28)" in at.multiselect(key="explorer_discipline").options


def test_no_match_shows_a_message_and_a_way_back_not_empty_charts():
    """A search that finds nothing: friendly text, a Clear button, no charts."""
    at = open_page("explorer", q="zzzz")
    assert "No program matches" in at.info[0].value
    # The filters are still there, each option counted: nothing matches.
    assert at.multiselect(key="explorer_type").options[0] == "Residency (0)"
    assert layout(at.main)[:2] == ["explorer_q", "explorer_type"]
    assert not at.get("plotly_chart")
    assert not at.metric
    at.button(key="explorer_clear_empty").click().run()
    assert metrics(at)["Programs"] == "54"


def test_an_open_expander_stays_open_through_a_search_that_finds_nothing():
    """The no-match state stops the page early (st.stop), so the widgets it does
    not draw keep their state: the completeness expander is open again after
    "Clear filters and show all programs"."""
    at = open_page("explorer")
    at.session_state["explorer_completeness"] = True
    at.run()
    assert any("Column" in d.value.columns for d in at.dataframe)
    at.text_input(key="explorer_q").input("zzzz").run()
    assert "No program matches" in at.info[0].value
    # The filters are drawn on this rerun too, each option counted.
    assert at.multiselect(key="explorer_type").options[0] == "Residency (0)"
    at.button(key="explorer_clear_empty").click().run()
    assert metrics(at)["Programs"] == "54"
    assert at.session_state["explorer_completeness"] is True
    assert any("Column" in d.value.columns for d in at.dataframe)


def test_completeness_lists_what_is_not_stated():
    """Opening Data completeness shows each column's gaps for the filtered set."""
    at = open_page("explorer", type="Fellowship", discipline="Physician")
    at.session_state["explorer_completeness"] = True
    at.run()
    completeness = next(d.value for d in at.dataframe
                        if "Column" in d.value.columns).set_index("Column")
    assert completeness.loc["Program", "Not stated"] == 0
    assert completeness.loc["Department", "Not stated"] == 1
    assert list(completeness.loc["Department", "Programs without a value"]) == [
        "Clinical Decision Making Fellowship Program (non-AC GME)"]
    assert completeness.loc["Program director", "With a value"] == 0


def test_download_is_exactly_the_filtered_rows_with_formulas_neutralised(
        explorer_fixture, monkeypatch):
    """The CSV button's file: the filtered programs, formula cells made text."""
    registered = []
    original = MediaFileManager.add_deferred

    def capture(self, data, *args, **kwargs):
        registered.append(data)
        return original(self, data, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", capture)
    at = explorer_fixture(type=["Training program", "Practicum"])
    assert not at.exception
    assert at.get("download_button")
    text = registered[-1]().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["program_id"] for r in rows] == ["psych-practicum", "formula-program"]
    formula = rows[1]
    assert formula["name"].startswith("'=HYPERLINK(")
    assert formula["specialty"] == "'+Clinical Nutrition"
    assert formula["site"] == "'@South Hospital"
    assert "row_number" not in rows[0] and "search_text" not in rows[0]


def test_fixture_catalog_counts_and_not_stated_option(explorer_fixture):
    """On the fixture, 'Not stated' is a department option with its count."""
    at = explorer_fixture(type="Fellowship", discipline="Physician")
    assert metrics(at)["Programs"] == "5"
    options = at.multiselect(key="explorer_department").options
    assert "Not stated (1)" in options
    assert "Internal Medicine (3)" in options
    choose(at, "department", [""])
    assert table(at)["Program"].tolist() == ["Clinical Decision Making Fellowship"]
    assert table(at)["Department"].tolist() == ["Not stated"]
    assert url(at)["department"] == ["Not stated"]


def test_a_very_long_facet_is_shortlisted_with_a_find_box(monkeypatch, tmp_path):
    """With thousands of sites, the Site filter lists the 100 with the most
    programs, with counts; 'Find a site' narrows the list to names containing
    the text; a chosen site filters and stays listed; Clear filters empties both."""
    from bench.synth import write_catalog

    path = write_catalog(tmp_path / "synthetic.csv", 12_000)
    monkeypatch.setenv("GME_CATALOG", str(path))
    at = open_page("explorer")
    site = at.multiselect(key="explorer_site")
    assert len(site.options) == 100
    counts = [int(re.search(r"\((\d[\d,]*)\)$", o)[1].replace(",", ""))
              for o in site.options]
    assert counts == sorted(counts, reverse=True) and counts[-1] >= 1
    assert "too many to list" in site.help and "Find a site" in site.help
    notes = [c.value for c in at.caption if "Find a site" in c.value]
    assert len(notes) == 1 and "the 100 of" in notes[0]
    assert all(re.search(r"\(\d[\d,]*\)$", o)
               for o in at.multiselect(key="explorer_type").options)

    with path.open(encoding="utf-8") as handle:
        sites = sorted({row["site"] for row in csv.DictReader(handle)} - {""})
    listed = {re.sub(r" \(\d[\d,]*\)$", "", o) for o in site.options}
    rare = next(s for s in reversed(sites) if s not in listed)  # not in the top 100
    at.text_input(key="explorer_site_find").set_value(rare.upper()).run()
    site = at.multiselect(key="explorer_site")
    assert all(rare.casefold() in o.casefold() for o in site.options)
    assert any(f"contain '{rare.upper()}'" in unescaped(c.value) for c in at.caption)
    assert not at.button(key="explorer_clear").disabled  # it can empty the box
    chosen = next(o for o in site.options if o.startswith(rare + " ("))
    site.set_value([chosen]).run()
    assert 0 < int(metrics(at)["Programs"].replace(",", "")) < 12_000
    assert url(at)["site"] == [rare]

    at.text_input(key="explorer_site_find").set_value("no such site zz").run()
    site = at.multiselect(key="explorer_site")
    assert [re.sub(r" \(\d[\d,]*\)$", "", o) for o in site.options] == [rare]
    assert site.value == [rare]
    assert any(c.value.startswith("None of the ") and "contains 'no such site zz'"
               in unescaped(c.value) for c in at.caption)

    at.button(key="explorer_clear").click().run()
    assert at.text_input(key="explorer_site_find").value == ""
    assert at.multiselect(key="explorer_site").value == []
    assert len(at.multiselect(key="explorer_site").options) == 100


def test_a_shared_link_keeps_a_site_outside_the_shortlist(monkeypatch, tmp_path):
    """A link naming a site that is not among the 100 listed opens with that site
    chosen, listed and filtering, and the link is kept as it was."""
    from bench.synth import write_catalog

    path = write_catalog(tmp_path / "synthetic.csv", 12_000)
    monkeypatch.setenv("GME_CATALOG", str(path))
    top = {re.sub(r" \(\d[\d,]*\)$", "", o)
           for o in open_page("explorer").multiselect(key="explorer_site").options}
    with path.open(encoding="utf-8") as handle:
        sites = {row["site"] for row in csv.DictReader(handle)}
    rare = sorted(sites - top - {""})[0]
    at = open_page("explorer", site=rare)
    site = at.multiselect(key="explorer_site")
    assert site.value == [rare]
    assert any(o.startswith(rare + " (") for o in site.options)
    assert 0 < int(metrics(at)["Programs"].replace(",", "")) < 12_000
    assert url(at)["site"] == [rare]
    assert not at.warning  # nothing in the link was ignored
