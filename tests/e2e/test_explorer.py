"""The Program explorer in a real browser: filters, URL, search, CSV and axe,
and a national-size catalog's shortlisted Site filter."""

from __future__ import annotations

import csv
import re
import shutil
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from gme import charts
from tests.e2e.conftest import (
    DESKTOP,
    MOBILE,
    ROOT,
    AppServer,
    assert_accessible,
    assert_no_exception,
    axe_violations,
    open_app,
    screenshot,
    wait_for_app,
)

SEARCH_LABEL = "Search programs by name, specialty or abbreviation"
FORMULA_CATALOG = ROOT / "tests" / "fixtures" / "ok" / "formula_cells.csv"
TAB_KEYS = {label: key for key, label in charts.TABS.items()}
# The bars of the bar chart shown, summed: every program is in exactly one segment.
CHART_TOTALS = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .filter(el => el.data && el.data.length && el.data[0].type === 'bar')
    .map(el => el.data.reduce((sum, t) => sum + t.x.reduce((a, b) => a + b, 0), 0))"""


def catalog_rows(path: Path = ROOT / "data" / "programs.csv") -> list[dict[str, str]]:
    """The catalog CSV read with the csv module: the tests' independent oracle."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


CATALOG = catalog_rows()
NO_SIDEWAYS_SCROLL = """() => [document.documentElement,
    document.querySelector('[data-testid=stMain]')]
    .every(el => el.scrollWidth <= el.clientWidth)"""
SHARED_LINK = "?type=Fellowship&discipline=Physician"
PHYSICIAN_FELLOWSHIPS = {r["program_id"] for r in CATALOG
                         if r["program_type"] == "Fellowship"
                         and r["discipline"] == "Physician"}


def expect_programs(page, count: int) -> None:
    """The "Programs" key figure, the table heading and its rows all show
    ``count``."""
    figure = page.get_by_test_id("stMetric").filter(has_text="Programs")
    expect(figure.get_by_test_id("stMetricValue")).to_have_text(f"{count:,}")
    heading = re.compile(rf"^The {count:,} programs?$")  # "program" would be right
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    grid = page.get_by_test_id("stDataFrame").first.locator("table[role=grid]")
    expect(grid).to_have_attribute("aria-rowcount", str(count + 1))  # + header
    assert_no_exception(page)


def expect_chart_totals(page, count: int) -> None:
    """The bar chart of the open tab (the one Plotly figure in the page) adds up
    to ``count``."""
    try:
        page.wait_for_function(f"n => ({CHART_TOTALS})().length === 1 && "
                               f"({CHART_TOTALS})().every(total => total === n)",
                               arg=count)
    except PlaywrightTimeout:
        totals = page.evaluate(CHART_TOTALS)
        raise AssertionError(f"bar chart totals {totals}, expected {count}") from None


def choose(page, facet: str, option: str) -> None:
    """Open the ``facet`` multiselect with the mouse and pick the option that
    starts with ``option`` (its label ends with a count)."""
    page.get_by_role("combobox", name=facet).click()
    page.get_by_role("option", name=re.compile(rf"^{re.escape(option)} \(")).click()
    page.keyboard.press("Escape")  # close the list
    wait_for_app(page)
    expect(page.get_by_test_id("stMultiSelect").filter(has_text=facet)
           ).to_contain_text(option)


def search(page, text: str) -> None:
    """Type ``text`` into the search box and press Enter."""
    box = page.get_by_role("textbox", name=SEARCH_LABEL)
    box.fill(text)
    box.press("Enter")
    wait_for_app(page)


def download_csv(page) -> list[dict[str, str]]:
    """Click Download CSV and read the file's rows (header taken from the file)."""
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename == "gme-programs.csv"
    return catalog_rows(Path(download.path()))


def first_cell(page):
    """The table's first cell (the first program's name) in the grid's DOM copy."""
    return page.get_by_test_id("stDataFrame").first.get_by_test_id("glide-cell-0-0")


def open_explorer(page, url: str, query: str = "") -> None:
    """Open the explorer (with ``query``) and wait for its chart (the open tab's)."""
    open_app(page, url, f"explorer{query}")
    # Plotly's JavaScript loads lazily on a browser's first chart: allow for it.
    expect(page.locator(".js-plotly-plot")).to_have_count(1, timeout=20_000)


def open_chart_tab(page, label: str) -> None:
    """Click the chart tab ``label`` and wait for its chart."""
    page.get_by_role("tab", name=label).click()
    wait_for_app(page)
    expect(page.get_by_role("tab", name=label)).to_have_attribute(
        "aria-selected", "true")
    expect(page.get_by_role("heading", name=charts.TITLES[TAB_KEYS[label]])
           ).to_be_visible()
    expect(page.locator(".js-plotly-plot")).to_have_count(1)


@pytest.fixture(scope="module")
def warm_context(browser):
    """One context for this module's tests: its HTTP and code caches make the
    explorer's Plotly bundle parse faster on each later visit. Every page still
    gets its own app session."""
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    context.set_default_timeout(20_000)
    yield context
    context.close()


@pytest.fixture
def page(warm_context, app_server, request):
    """A fresh page (and app session) in the warm context; prints the server log
    if the test fails."""
    new_page = warm_context.new_page()
    new_page.set_viewport_size(DESKTOP)
    yield new_page
    new_page.close()
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        print(f"--- server log ({app_server.log_path}) ---\n{app_server.log()[-5000:]}")


@pytest.fixture(scope="module")
def formula_server(browser):
    """The app over a tiny catalog whose cells start with = + @."""
    server = AppServer(env={"GME_CATALOG": str(FORMULA_CATALOG)},
                       log_name="formula-server")
    yield server
    server.stop()


def test_explorer_loads_with_figures_charts_and_table(page, app_server):
    """The explorer shows all 54 programs in its figures, charts and table, at a
    desktop's width and, resized, at a phone's width without sideways scrolling."""
    open_explorer(page, app_server.url)
    expect_programs(page, len(CATALOG))
    for chart in page.locator(".js-plotly-plot").all():
        expect(chart).to_be_visible()
    expect_chart_totals(page, len(CATALOG))
    expect(page.get_by_role("button", name="Clear filters")).to_be_disabled()
    screenshot(page, "explorer-desktop")
    page.set_viewport_size(MOBILE)
    expect(page.get_by_test_id("stSidebarContent")).not_to_be_in_viewport()
    expect(page.get_by_test_id("stMetric").first).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "the page scrolls sideways on a phone"
    screenshot(page, "explorer-mobile")


def test_filters_chosen_with_mouse_change_view_and_url(page, app_server):
    """Fellowship then Physician: 54 -> 29 -> 28 in figures, chart and table; the
    URL carries both filters and a reload restores the view."""
    open_explorer(page, app_server.url)
    expect_programs(page, 54)
    choose(page, "Program type", "Fellowship")
    expect_programs(page, 29)
    expect_chart_totals(page, 29)
    choose(page, "Trainee discipline", "Physician")
    expect_programs(page, 28)
    expect_chart_totals(page, 28)
    expect(page.get_by_text("28 programs in 1 trainee discipline: Physician 28 "
                            "(28 fellowships).")).to_be_visible()
    expect(page).to_have_url(f"{app_server.url}/explorer{SHARED_LINK}")
    screenshot(page, "explorer-filtered-desktop")
    page.reload()
    wait_for_app(page)
    expect_programs(page, 28)
    expect_chart_totals(page, 28)


def test_shared_link_reproduces_view_and_csv_in_a_new_browser(browser, app_server):
    """The filtered link, opened in a brand-new browser context, shows the same 28
    programs, and its CSV holds exactly those rows with the catalog's columns."""
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    try:
        page = context.new_page()
        open_explorer(page, app_server.url, SHARED_LINK)
        expect_programs(page, 28)
        for facet, value in [("Program type", "Fellowship"),
                             ("Trainee discipline", "Physician")]:
            expect(page.get_by_test_id("stMultiSelect").filter(has_text=facet)
                   ).to_contain_text(value)
        rows = download_csv(page)
    finally:
        context.close()
    assert list(rows[0]) == list(CATALOG[0])
    assert len(rows) == len(PHYSICIAN_FELLOWSHIPS) == 28
    assert {r["program_id"] for r in rows} == PHYSICIAN_FELLOWSHIPS
    by_id = {r["program_id"]: r for r in CATALOG}
    assert all(r == by_id[r["program_id"]] for r in rows)


def test_each_chart_tab_shows_its_chart_for_the_filtered_programs(page, app_server):
    """Every tab, chosen with the mouse or the keyboard, shows its own chart, and
    each chart counts the filtered programs: 29 fellowships."""
    open_explorer(page, app_server.url)
    choose(page, "Program type", "Fellowship")
    expect_programs(page, 29)
    open_chart_tab(page, charts.TABS["by_department"])
    expect_chart_totals(page, 29)
    expect(page.get_by_text(re.compile(r"^29 programs in \d+ departments"))
           ).to_be_visible()
    open_chart_tab(page, charts.TABS["hierarchy"])
    roots = page.evaluate("""() => {
        const t = document.querySelector('.js-plotly-plot').data[0];
        return t.type === 'treemap' ? t.values.filter((v, i) => !t.parents[i])
            .reduce((a, b) => a + b, 0) : null; }""")
    assert roots == 29
    first = page.get_by_role("tab", name=charts.TABS["by_discipline"])
    page.get_by_role("tab", name=charts.TABS["hierarchy"]).focus()
    page.keyboard.press("Home")  # the tab list's own keys move between tabs
    page.keyboard.press("Enter")
    wait_for_app(page)
    expect(first).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("heading", name=charts.TITLES["by_discipline"])
           ).to_be_visible()
    expect_chart_totals(page, 29)


# The open bar chart's margins as given, as Plotly used them, and its widest
# y tick label (px).
BAR_MARGINS = """() => { const g = document.querySelector('.js-plotly-plot');
    const m = g.layout.margin, used = g._fullLayout._size;
    const widths = [...g.querySelectorAll('.ytick text')].map(t => t.getBBox().width);
    return {given: [m.l, m.t, m.b], used: [used.l, used.t, used.b],
            widest: Math.max(...widths)}; }"""


def test_bar_chart_margins_need_no_growing_and_fit_their_labels(page, app_server):
    """On a laptop, Plotly's automargin has no margin of a bar chart to grow (so
    a draw lays the chart out once, not twice), and the left margin fits the
    widest label with at most a few pixels to spare."""
    open_explorer(page, app_server.url)
    left = {}
    for tab in ("by_discipline", "by_department"):
        if tab != "by_discipline":
            open_chart_tab(page, charts.TABS[tab])
        expect_chart_totals(page, len(catalog_rows()))
        found = page.evaluate(BAR_MARGINS)
        assert found["used"] == found["given"], (tab, found)
        spare = found["given"][0] - found["widest"]  # Plotly needs about 19
        assert spare <= charts.TICK_LABEL_SPACE + 6, (tab, found)
        left[tab] = found["given"][0]
    # The second chart is the department chart: its labels are the longer ones.
    assert left["by_department"] > left["by_discipline"], left


# Logs each Plotly chart's first draw: could it be seen, and how wide was it?
FIRST_DRAWS = """
window.__firstDraws = [];
new MutationObserver(records => {
  for (const record of records) for (const node of record.addedNodes) {
    if (node.nodeType !== 1) continue;
    const svg = node.matches('.main-svg') ? node : node.querySelector('.main-svg');
    const plot = svg && svg.closest('.js-plotly-plot');
    if (plot && !plot.__firstDraw) {
      plot.__firstDraw = true;
      window.__firstDraws.push({visibility: getComputedStyle(plot).visibility,
                                width: plot.getBoundingClientRect().width,
                                drawn: plot._fullLayout && plot._fullLayout.width});
    }
  }
}).observe(document, {childList: true, subtree: true});
"""


def test_every_new_chart_is_drawn_visible_at_its_own_width(page, app_server):
    """A first visit, a filter change and another tab each mount a new chart,
    and its first draw is already the one a person sees: visible, at the
    figure's own width. (A chart stretched to its column is first drawn hidden,
    then again once its width is measured.)"""
    def expect_charts_mounted(count: int) -> None:
        page.wait_for_function("n => window.__firstDraws.length === n", arg=count)

    page.add_init_script(FIRST_DRAWS)
    open_explorer(page, app_server.url)
    expect_chart_totals(page, len(CATALOG))
    expect_charts_mounted(1)
    choose(page, "Program type", "Fellowship")
    expect_chart_totals(page, 29)
    expect_charts_mounted(2)
    open_chart_tab(page, charts.TABS["hierarchy"])
    expect_charts_mounted(3)
    draws = page.evaluate("window.__firstDraws")
    assert all(d["visibility"] == "visible" for d in draws), draws
    assert all(d["width"] == d["drawn"] == charts.CHART_WIDTH for d in draws), draws


@pytest.fixture
def own_catalog_server(browser, tmp_path, request):
    """The app over a copy of the catalog that a test may edit, and its path;
    prints the server's log if the test fails."""
    path = tmp_path / "programs.csv"
    shutil.copyfile(ROOT / "data" / "programs.csv", path)
    server = AppServer(env={"GME_CATALOG": str(path)}, log_name="own-catalog-server")
    yield server, path
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        print(f"--- server log ({server.log_path}) ---\n{server.log()[-5000:]}")
    server.stop()


FRAGMENT_RUN = ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY  # a run's end status


def rerun_messages(frames: list) -> tuple[list[str], list[int]]:
    """The kinds of Streamlit messages in ``frames`` (websocket frames from the
    server) and the status of each finished run among them."""
    messages = [ForwardMsg.FromString(f) for f in frames if isinstance(f, bytes)]
    return ([m.WhichOneof("type") for m in messages],
            [m.script_finished for m in messages
             if m.WhichOneof("type") == "script_finished"])


def after_runs(page, frames: list, count: int) -> tuple[list[str], list[int]]:
    """``rerun_messages(frames)`` once ``count`` runs have ended: the figures
    show before the filters, so the run's last frames may still be on the way."""
    deadline = time.monotonic() + 10
    while (len(rerun_messages(frames)[1]) < count
           and time.monotonic() < deadline):
        page.wait_for_timeout(50)  # lets Playwright deliver the frames
    return rerun_messages(frames)


def test_a_filter_change_reruns_the_explorer_alone_and_sees_catalog_edits(
        page, own_catalog_server):
    """A filter change reruns only the explorer's fragment: the server runs no
    app.py (no navigation is sent) and reports a fragment's run, and the link
    still follows. The fragment checks the catalog on every run: a program
    added to the file while the page is open counts at the next filter change,
    also in states the page showed before."""
    server, path = own_catalog_server
    frames: list = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(f)))
    open_explorer(page, server.url)
    expect_programs(page, 54)
    frames.clear()
    choose(page, "Program type", "Fellowship")
    expect_programs(page, 29)
    kinds, finished = after_runs(page, frames, 1)
    assert "delta" in kinds and "page_info_changed" in kinds, kinds
    assert "navigation" not in kinds, kinds  # app.py did not run
    assert "page_config_changed" not in kinds, kinds
    assert finished == [FRAGMENT_RUN], finished

    added = {**CATALOG[0], "program_id": "added-while-open-fellowship",
             "name": "Added While Open Fellowship Program",
             "program_type": "Fellowship", "discipline": "Physician"}
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, fieldnames=list(CATALOG[0])).writerow(added)
    frames.clear()  # states seen before the edit: cached for the old file only
    page.get_by_role("button", name="Clear filters", exact=True).click()
    wait_for_app(page)
    expect_programs(page, 55)
    choose(page, "Program type", "Fellowship")
    expect_programs(page, 30)
    assert after_runs(page, frames, 2)[1] == [FRAGMENT_RUN] * 2
    expect(page).to_have_url(f"{server.url}/explorer?type=Fellowship")


def test_search_narrows_and_a_miss_offers_to_clear_filters(page, app_server):
    """EP + Enter finds the Electrophysiology fellowship; a search nothing matches
    says so, keeps the filters (counted), and its Clear button brings all 54
    programs back."""
    open_explorer(page, app_server.url)
    search(page, "EP")
    expect_programs(page, 1)
    expect(first_cell(page)).to_have_text("Electrophysiology Fellowship Program")
    expect(page).to_have_url(f"{app_server.url}/explorer?q=EP")
    search(page, "zzzz")
    expect(page.get_by_test_id("stAlertContentInfo")).to_contain_text(
        "No program matches these filters")
    expect(page.locator(".js-plotly-plot")).to_have_count(0)
    # The filters stay, each option counted: nothing matches.
    expect(page.get_by_test_id("stMultiSelect")).to_have_count(6)
    page.get_by_role("combobox", name="Program type").click()
    expect(page.get_by_role("option", name="Residency (0)")).to_be_visible()
    page.keyboard.press("Escape")
    assert_no_exception(page)
    page.get_by_role("button", name="Clear filters and show all programs").click()
    wait_for_app(page)
    expect_programs(page, 54)
    expect(page.get_by_role("textbox", name=SEARCH_LABEL)).to_have_value("")
    expect(page).to_have_url(f"{app_server.url}/explorer")


def test_csv_download_neutralises_formula_cells(page, formula_server):
    """Cells a spreadsheet would run as formulas arrive with a leading apostrophe."""
    open_explorer(page, formula_server.url)
    expect_programs(page, 3)
    rows = {r["program_id"]: r for r in download_csv(page)}
    assert rows["im-residency"]["name"] == "'=HYPERLINK(\"http://example.invalid\")"
    assert rows["im-residency"]["aliases"] == "'@SUM(A1)"
    assert rows["ep-fellowship"]["director"] == "'+1-2"
    assert rows["pharmacy-residency"]["aliases"] == "pharmacy"
    formula = re.compile(r"^[=+\-@\t\r]")
    assert not [c for r in rows.values() for c in r.values() if formula.match(c)]


def test_hostile_url_shows_notice_and_every_program(page, app_server):
    """Unknown settings in the link are named in a notice; all programs show."""
    open_explorer(page, app_server.url, "?type=DROP%20TABLE&zzz=1")
    notice = page.get_by_test_id("stAlertContentWarning")
    expect(notice).to_contain_text("Some settings in the link were ignored")
    expect(notice).to_contain_text("Ignored program type “DROP TABLE”")
    expect(notice).to_contain_text("Ignored the unknown link setting “zzz”")
    expect_programs(page, 54)
    expect(page).to_have_url(f"{app_server.url}/explorer")


def test_explorer_has_no_axe_violations(page, app_server):
    """axe-core finds no WCAG 2.1 A/AA violation: as loaded, filtered, with the
    treemap's tab open, and with the data completeness expander open."""
    open_explorer(page, app_server.url)
    expect_programs(page, 54)
    found = {"as loaded": axe_violations(page)}
    choose(page, "Program type", "Fellowship")
    expect_programs(page, 29)
    found["filtered"] = axe_violations(page)
    open_chart_tab(page, charts.TABS["hierarchy"])
    found["treemap tab"] = axe_violations(page)
    page.get_by_test_id("stExpander").filter(has_text="Data completeness").locator(
        "summary").click()
    wait_for_app(page)
    expect(page.get_by_test_id("stDataFrame")).to_have_count(2)
    found["completeness open"] = axe_violations(page)
    assert_accessible(found)


@pytest.fixture(scope="module")
def national_server(browser, tmp_path_factory):
    """The app over a synthetic national-size catalog (12,000 programs, thousands
    of sites), and that catalog's path."""
    from bench.synth import write_catalog

    path = write_catalog(tmp_path_factory.mktemp("national") / "programs.csv", 12_000)
    server = AppServer(env={"GME_CATALOG": str(path)}, log_name="national-server")
    yield server, path
    server.stop()


def test_a_site_outside_the_shortlist_is_found_and_chosen(page, national_server):
    """With thousands of sites, a site with one program (not among the 100
    listed) is found by typing part of its name in 'Find a site' and Enter, then
    chosen from the Site list with the mouse: the figures, the link and the line
    above the list follow, and axe finds no WCAG A/AA violation."""
    server, path = national_server
    rows = catalog_rows(path)
    per_site: dict[str, int] = {}
    for row in rows:
        per_site[row["site"]] = per_site.get(row["site"], 0) + 1
    rare = min((s for s in per_site if s), key=lambda s: (per_site[s], s))
    open_app(page, server.url, "explorer")
    figure = page.get_by_test_id("stMetric").filter(has_text="Programs")
    expect(figure.get_by_test_id("stMetricValue")).to_have_text(f"{len(rows):,}")
    expect(page.get_by_text(re.compile(r"^Lists the 100 of [\d,]+ with the most "
                                       r"programs"))).to_be_visible()
    box = page.get_by_role("textbox", name="Find a site")
    box.fill(rare.lower())
    box.press("Enter")
    wait_for_app(page)
    expect(page.get_by_text(re.compile(
        rf"contain '{re.escape(rare.lower())}'"))).to_be_visible()
    choose(page, "Site", rare)
    expect(figure.get_by_test_id("stMetricValue")).to_have_text(f"{per_site[rare]:,}")
    assert parse_qs(urlparse(page.url).query)["site"] == [rare]
    assert_accessible({"site found and chosen": axe_violations(page)})
