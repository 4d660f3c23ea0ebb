"""Browser benchmark: what a person waits for, in real Chromium against a real server.

Debian's Chromium (``/usr/bin/chromium``) driven by Playwright opens the app served
by ``streamlit run app.py`` (``bench.server.AppProcess``) and times, in the page,
with ``performance.now()`` (ms since the navigation or the input event):

- first visit to ``/explorer``: KPIs visible (the "Programs" figure shows the
  total), charts visible (every Plotly chart on the page has its SVG, is not
  hidden, and its data adds up to the total; a chart hidden with ``display:
  none`` is not on the page), table drawn (the heading "The N programs" and
  the grid has painted the names of its first rows, read from its canvas's
  ``fillText`` calls), and
  the table's screen-reader rows (the grid's accessibility tree has the row
  count; the grid updates it after a debounce of its own); with a fresh browser
  context each run, and with one context reloaded (HTTP cache warm). The
  overview ``/`` is timed to its KPIs.
- filter change: a capture-phase ``pointerdown`` listener stores the start; the
  mouse opens the Department multiselect and clicks one more department; "all
  updated" is the first animation frame where the figure, every chart and the
  table's drawn rows show the new state (the screen-reader rows are timed too).
  Departments are added one at a time, largest first, so
  every click is a real change without an untimed reset in between: the first
  round's states are new to the server ("new state"); after "Clear filters"
  (timed too) the same clicks are repeated ("seen state").
- search: the search box holds all but the last letter of a word; the start is
  the ``keydown`` of the key that commits the search: Enter (Streamlit's
  default), or the last letter if the app searches while typing (``live``,
  detected once per page); the end as above. New words first, then again.

Every check is made in the page on each animation frame (``requestAnimationFrame``)
and reads text with ``textContent``. Telling whether a chart is on the page
(``getClientRects``) and visible (``getComputedStyle``) costs a style and
layout pass per frame. The expected
counts and first rows come from the CSV itself, read with pandas (an oracle that
shares no code with the app; tests/unit/test_bench_oracle.py holds it to the
app's queries). A run that never reaches them fails loudly with what the page
showed. Every wait has a deadline. Run it with ``python -m bench.run --parts
browser``.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1366, "height": 900}
TIMEOUT_MS = 60_000
SEARCH_LABEL = "Search programs by name, specialty or abbreviation"
FACET_LABEL = "Department"
PROGRAMS = "Programs"  # the explorer's key figure
HOME_PROGRAMS = "Programs in total"  # the overview's key figure
TYPE_ORDER = ("Residency", "Fellowship", "Practicum", "Training program",
              "Degree program")  # the table's order of program types
FIRST_ROWS = 5  # the table's first rows whose drawing marks it as updated
SEARCH_WORDS = ("cardio", "neuro", "pediatric", "surgery", "pathology", "psychiatry",
                "oncology", "radiology", "orthopaedic", "dermatology", "nephrology",
                "endocrinology", "pulmonary", "gastroenterology", "sleep", "hand",
                "vascular", "critical", "pharmacy", "nursing", "anesthesia",
                "emergency", "family", "internal", "transplant", "hematology")

# Helpers installed in every document of a benchmark context (window.__bench).
PAGE_JS = r"""
(() => {
  if (window.__bench) return;
  const B = window.__bench = {marks: {}, done: false, drawn: []};
  // What the table's grid draws: [time, text] of each fillText on its canvas.
  // The grid paints the rows it shows on a canvas; its accessibility tree
  // (role=grid, aria-rowcount) follows later, after a debounce of the grid's own.
  const gridCanvas = new WeakMap();
  const fillText = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
    let inGrid = gridCanvas.get(this.canvas);
    if (inGrid === undefined) {
      inGrid = !!this.canvas.closest('[data-testid=stDataFrame]');
      gridCanvas.set(this.canvas, inGrid);
    }
    if (inGrid && B.drawn.length < 100000) {
      B.drawn.push([performance.now(), String(text)]);
    }
    return fillText.call(this, text, ...rest);
  };
  const num = s => {
    const t = String(s || '').replace(/[,\s]/g, '');
    return /^\d+$/.test(t) ? Number(t) : null;
  };
  const text = el => (el ? el.textContent.trim() : '');
  B.metric = label => {
    for (const m of document.querySelectorAll('[data-testid=stMetric]')) {
      if (text(m.querySelector('[data-testid=stMetricLabel]')) === label) {
        return num(text(m.querySelector('[data-testid=stMetricValue]')));
      }
    }
    return null;
  };
  const list = v => (v && typeof v === 'object' && typeof v.length === 'number')
    ? v : null;
  const sum = v => { let t = 0; for (let i = 0; i < v.length; i++) t += Number(v[i]);
                     return t; };
  // Programs a trace adds up to: bars by their value axis, hierarchies by their
  // roots; null when the trace type is not understood (then only "has data").
  B.traceTotal = (trace, full) => {
    const type = trace.type || 'scatter';
    if (type === 'bar') {
      const axis = trace.orientation === 'h' ? 'x' : 'y';
      const v = list(trace[axis]) || (full && list(full[axis]));
      return v ? sum(v) : null;
    }
    if (['treemap', 'sunburst', 'icicle'].includes(type)) {
      const v = list(trace.values), p = list(trace.parents);
      if (!v || !p) return null;
      let t = 0; for (let i = 0; i < v.length; i++) if (!p[i]) t += Number(v[i]);
      return t;
    }
    if (type === 'pie') { const v = list(trace.values); return v ? sum(v) : null; }
    return null;
  };
  B.chartTotal = el => {
    let t = 0;
    for (let i = 0; i < el.data.length; i++) {
      const x = B.traceTotal(el.data[i], el._fullData && el._fullData[i]);
      if (x === null) return null;
      t += x;
    }
    return t;
  };
  // The charts on the page, each counted as drawn once it has drawn its data
  // and is visible. Not on the page: a chart Streamlit keeps after replacing
  // it, hidden (display: none) until the rerun ends. On the page but not
  // drawn: one drawn hidden (visibility: hidden), which Streamlit does while a
  // new chart's width is unknown.
  B.charts = () => [...document.querySelectorAll('.js-plotly-plot')]
      .filter(el => el.getClientRects().length > 0).map(el => {
    const ok = !!(el.querySelector('.main-svg') && el.data && el.data.length
                  && getComputedStyle(el).visibility !== 'hidden');
    return {rendered: ok, total: ok ? B.chartTotal(el) : null};
  });
  B.heading = () => {
    for (const h of document.querySelectorAll('h1, h2, h3, h4')) {
      const m = text(h).match(/^The ([\d,]+) programs?$/);
      if (m) return {el: h, count: num(m[1])};
    }
    return null;
  };
  B.table = after => {
    for (const t of document.querySelectorAll('[data-testid=stDataFrame]')) {
      if (after && !(after.compareDocumentPosition(t)
                     & Node.DOCUMENT_POSITION_FOLLOWING)) continue;
      const grid = t.querySelector('[role=grid]'), canvas = t.querySelector('canvas');
      const rows = grid ? num(grid.getAttribute('aria-rowcount')) : null;
      return {el: t, rows: rows === null ? null : rows - 1,
              canvas: !!(canvas && canvas.width > 0 && canvas.height > 0)};
    }
    return null;
  };
  // What the page shows now; ``grid`` (the table's element) is for B.parts only.
  B.look = label => {
    const h = B.heading(), t = B.table(h ? h.el : null);
    return {programs: B.metric(label), charts: B.charts(),
            heading: h ? h.count : null, rows: t ? t.rows : null,
            canvas: t ? t.canvas : false, grid: t ? t.el : null};
  };
  B.snapshot = label => { const s = B.look(label); delete s.grid; return s; };
  // True once the grid has drawn each of ``names`` (its first rows) since ``since``.
  B.drew = (names, since) => {
    const left = new Set(names);
    for (let i = B.drawn.length - 1; i >= 0 && left.size; i--) {
      if (B.drawn[i][0] < since) break;
      left.delete(B.drawn[i][1]);
    }
    return left.size === 0;
  };
  // The names in the first column of the grid's accessibility tree, rows 0..n-1.
  B.readerNames = (table, n) => {
    const names = [];
    for (let i = 0; i < n; i++) {
      const cell = table.querySelector(`[data-testid="glide-cell-0-${i}"]`);
      names.push(cell ? text(cell) : null);
    }
    return names;
  };
  // Which parts show the expectation e = {label, programs, charts, rows, first,
  // changed}: ``first`` = the names of the table's first rows in the new state,
  // ``changed`` = those of them that differ from the rows shown before (at the
  // same positions). 'drawn' = the heading has the new count and the grid has
  // painted every changed name since the frame before the heading changed
  // (``since``); if no name changed, the rows the person sees are already right
  // and the heading decides. 'table' = the grid's accessibility tree has the
  // row count and the new names in its first column.
  B.parts = (e, since) => {
    const s = B.look(e.label);
    const heading = e.rows !== null && s.heading === e.programs;
    const settled = heading && s.rows === e.rows && s.canvas;
    let reader = false;
    if (settled && s.grid && e.first !== null) {
      const names = B.readerNames(s.grid, e.first.length);
      reader = e.first.every((name, i) => names[i] === name);
    }
    return {
      kpi: s.programs === e.programs,
      chart: e.charts !== null && s.charts.length === e.charts
        && s.charts.every(c => c.rendered
                          && (c.total === null || c.total === e.programs)),
      heading: heading,
      settled: settled,
      drawn: heading && since !== null && s.canvas && e.changed !== null
        && (e.changed.length === 0 || B.drew(e.changed, since)),
      table: reader,
    };
  };
  // First visit: the time of the first frame at which each mark is reached.
  B.visit = e => {
    const loop = () => {
      const now = performance.now(), p = B.parts(e, 0);
      for (const k of e.marks) if (p[k] && B.marks[k] === undefined) B.marks[k] = now;
      if (e.marks.every(k => B.marks[k] !== undefined) || now > e.timeout) {
        const fcp = performance.getEntriesByName('first-contentful-paint')[0];
        B.marks.fcp = fcp ? fcp.startTime : null;
        B.done = true;
        return;
      }
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  };
  // An interaction: start at the trigger event, end at the first frame where
  // the KPI, every chart and the table show the expectation.
  B.watch = (e, trigger) => {
    const begun = performance.now();
    let previous = begun, since = null;  // the frame before the heading changed
    Object.assign(B, {start: null, end: null, partTimes: {}, done: false,
                      timedOut: false, expected: e, drawn: []});
    const onEvent = ev => {
      if (!trigger.key || ev.key === trigger.key) B.start = performance.now();
    };
    window.addEventListener(trigger.event, onEvent, {capture: true});
    const finish = () => {
      window.removeEventListener(trigger.event, onEvent, {capture: true});
      B.done = true;
    };
    const loop = () => {
      const now = performance.now();
      if (B.start !== null) {
        let p = B.parts(e, since);
        if (since === null && p.heading) {  // once: the heading has just changed
          since = previous;
          p = B.parts(e, since);
        }
        for (const k of ['kpi', 'chart', 'drawn', 'table']) {
          if (p[k] && B.partTimes[k] === undefined) B.partTimes[k] = now - B.start;
        }
        if (p.kpi && p.chart && p.drawn && B.end === null) B.end = now;
        if (B.end !== null && p.table) { finish(); return; }
      }
      previous = now;
      if (now - begun > e.timeout) { B.timedOut = true; finish(); return; }
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  };
})();
"""


@dataclass(frozen=True)
class Expect:
    """What the page shows in one state: the KPI's label and value, the number of
    Plotly charts and the table's rows (None: that part is not checked)."""

    label: str
    programs: int
    charts: int | None = None
    rows: int | None = None
    first: tuple[str, ...] | None = None  # names of the table's first rows
    changed: tuple[str, ...] | None = None  # those not shown there before

    def js(self, **extra) -> str:
        return json.dumps({"label": self.label, "programs": self.programs,
                           "charts": self.charts, "rows": self.rows,
                           "first": None if self.first is None else list(self.first),
                           "changed": (None if self.changed is None
                                       else list(self.changed)),
                           "timeout": TIMEOUT_MS, **extra})


def all_shown(expect: Expect) -> str:
    """A page function: true once the KPI, charts and table (heading, row count,
    canvas) all show ``expect``."""
    return (f"() => {{ const p = window.__bench.parts({expect.js()}, null);"
            " return p.kpi && p.chart && p.settled; }")


# --- the oracle ----------------------------------------------------------------------

def normalize(text: str) -> str:
    """' heme onc ' from 'Heme/Onc': lower-case words padded with spaces."""
    return " " + " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split()) + " "


class CatalogOracle:
    """Counts and the table's first names, computed from the catalog CSV with
    pandas, independently of the app."""

    def __init__(self, path: Path):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False,
                            encoding="utf-8-sig")
        self.total = len(frame)
        # The table's order: type (in this order), then name, then ID.
        rank = frame["program_type"].map(
            {t: i for i, t in enumerate(TYPE_ORDER)}).fillna(len(TYPE_ORDER))
        self._order = frame.assign(rank=rank).sort_values(
            ["rank", "name", "program_id"], kind="stable").index.to_numpy()
        self._names = frame["name"].to_numpy()
        self._department_of = frame["department"].str.strip().to_numpy()
        counts = frame["department"].str.strip().value_counts()
        self._departments = {str(k): int(v) for k, v in counts.items()}
        # Search index: every distinct word of name, specialty and aliases -> rows.
        words = (frame["name"] + " " + frame["specialty"] + " " + frame["aliases"]
                 ).map(lambda text: normalize(text).split()).explode().dropna()
        pairs = pd.DataFrame({"word": words.to_numpy(),
                              "row": words.index.to_numpy()}).drop_duplicates()
        rows = pairs["row"].to_numpy()
        self._rows = {w: rows[i] for w, i in pairs.groupby("word").indices.items()}
        self._vocabulary = sorted(self._rows)

    @property
    def order(self) -> np.ndarray:
        """Every row number, in the table's order."""
        return self._order

    def departments(self) -> list[str]:
        """Stated departments, largest first (ties by name)."""
        return sorted((d for d in self._departments if d),
                      key=lambda d: (-self._departments[d], d))

    def department(self, *names: str) -> int:
        """Programs in any of the departments ``names``."""
        return sum(self._departments.get(n, 0) for n in names)

    def first(self, rows: set[int] | None = None) -> tuple[str, ...]:
        """Names of the table's first FIRST_ROWS rows among ``rows`` (None: all)."""
        names = []
        for row in self._order:
            if rows is None or row in rows:
                names.append(str(self._names[row]))
                if len(names) == FIRST_ROWS:
                    break
        return tuple(names)

    def department_rows(self, *names: str) -> set[int]:
        """Row numbers of the programs in any of the departments ``names``."""
        return set(np.flatnonzero(np.isin(self._department_of, names)).tolist())

    def search(self, text: str) -> int:
        """Programs where every word of ``text`` starts a word of the name,
        specialty or aliases (case and punctuation ignored)."""
        return len(self.search_rows(text))

    def search_rows(self, text: str) -> set[int]:
        """Row numbers of the programs ``search(text)`` counts."""
        found: set[int] | None = None
        for word in normalize(text).split():
            start = bisect.bisect_left(self._vocabulary, word)
            matched: set[int] = set()
            for vocabulary_word in self._vocabulary[start:]:
                if not vocabulary_word.startswith(word):
                    break
                matched.update(self._rows[vocabulary_word].tolist())
            found = matched if found is None else found & matched
        return set(range(self.total)) if found is None else found

    def frequent_words(self) -> list[str]:
        """The catalog's words, most programs first."""
        return sorted(self._rows, key=lambda w: (-len(self._rows[w]), w))


# --- browser and page helpers ------------------------------------------------------

@contextmanager
def chromium() -> Iterator:
    """A headless Debian Chromium (launch arguments of tests/e2e/conftest.py)."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_context(browser, init: str = ""):
    """A browser context with the page helpers (and ``init``) in every document."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(PAGE_JS + init)
    return context


def wait_idle(page) -> None:
    """The app is connected and its script has finished running."""
    page.wait_for_selector("[data-testid=stApp][data-test-connection-state=CONNECTED]")
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")


def open_and_wait_kpi(page, url: str, label: str, programs: int) -> None:
    """Open ``url`` and wait until the KPI ``label`` shows ``programs`` (the
    page's context comes from ``new_context``)."""
    page.goto(url, wait_until="commit")
    wait_kpi(page, label, programs)


def wait_kpi(page, label: str, programs: int) -> None:
    """Wait until the KPI ``label`` shows ``programs`` and the app is idle."""
    page.wait_for_function(f"() => window.__bench && window.__bench.metric("
                           f"{json.dumps(label)}) === {programs}")
    wait_idle(page)


@dataclass(frozen=True)
class Layout:
    """What a fully loaded explorer shows for the whole catalog (calibration)."""

    total: int
    charts: int
    table_limit: int | None  # rows the table shows at most (None: all)
    checked_charts: int  # charts whose totals the harness can verify

    def expect(self, programs: int, first: tuple[str, ...] | None = None) -> Expect:
        rows = programs if self.table_limit is None else min(programs,
                                                             self.table_limit)
        return Expect(PROGRAMS, programs, self.charts, rows, first)

    def expect_rows(self, oracle: CatalogOracle, rows: set[int] | None,
                    before: set[int] | None | bool = False) -> Expect:
        """The expectation for the programs ``rows`` (None: the whole catalog).

        ``before``: the rows the page shows before the change (None: all; False:
        nothing yet). Only the first rows' names that differ from those shown
        before at the same position must be painted anew; the grid repaints
        only what changed."""
        first = oracle.first(rows)
        shown = () if before is False else oracle.first(before)
        changed = tuple(name for i, name in enumerate(first)
                        if i >= len(shown) or shown[i] != name)
        programs = oracle.total if rows is None else len(rows)
        return replace(self.expect(programs, first), changed=changed)


@dataclass(frozen=True)
class ExplorerPage:
    """An open explorer page (its own context) and the layout it showed."""

    context: object
    page: object
    layout: Layout


def open_explorer(browser, url: str, total: int) -> ExplorerPage:
    """Open the explorer (the server's first run, if it is new) and read its layout:
    how many charts, how many table rows at most. The caller closes the context."""
    context = new_context(browser)
    page = context.new_page()
    try:
        open_and_wait_kpi(page, f"{url}/explorer", PROGRAMS, total)
        page.wait_for_function("() => { const s = window.__bench.snapshot('x');"
                               f" return s.heading === {total} && s.rows > 0"
                               " && s.canvas && s.charts.length > 0"
                               " && s.charts.every(c => c.rendered); }")
        before = None
        for _ in range(20):  # charts may mount one after another: wait until stable
            page.wait_for_timeout(250)
            snapshot = page.evaluate("window.__bench.snapshot('x')")
            shape = (len(snapshot["charts"]), snapshot["rows"])
            if shape == before and all(c["rendered"] for c in snapshot["charts"]):
                break
            before = shape
    except Exception:
        context.close()
        raise
    rows = snapshot["rows"]
    layout = Layout(total, len(snapshot["charts"]), rows if rows < total else None,
                    sum(c["total"] is not None for c in snapshot["charts"]))
    return ExplorerPage(context, page, layout)


# --- first visits ------------------------------------------------------------------

def _visit_init(expect: Expect, marks: list[str]) -> str:
    return f"\nwindow.__bench.visit({expect.js(marks=marks)});"


def _marks(page, what: str, marks: list[str]) -> dict[str, float]:
    """The milestones of the visit now loading in ``page`` (ms from its start)."""
    page.wait_for_function("() => window.__bench && window.__bench.done",
                           timeout=TIMEOUT_MS + 10_000)
    found = page.evaluate("window.__bench.marks")
    missing = [m for m in marks if found.get(m) is None]
    if missing:
        shown = page.evaluate("window.__bench.snapshot('x')")
        raise RuntimeError(f"{what}: never reached {missing}; the page showed {shown}")
    return found


def _collect(visits: list[dict[str, float]], marks: list[str]
             ) -> dict[str, list[float]]:
    return {name: [v[name] for v in visits if v.get(name) is not None]
            for name in [*marks, "fcp"]}


def fresh_visits(browser, url: str, expect: Expect, marks: list[str], runs: int,
                 keep: list | None = None) -> dict[str, list[float]]:
    """{milestone: ms from navigation start} of ``runs`` visits to ``url``, each in
    a new browser context (empty HTTP cache); milestones ``marks`` and 'fcp'.

    With ``keep``, each visited page stays open as a session, frozen (no CPU),
    and its context is appended to ``keep`` for the caller to close."""
    visits = []
    for _ in range(runs):
        context = new_context(browser, _visit_init(expect, marks))
        kept = False
        try:
            page = context.new_page()
            page.goto(url, wait_until="domcontentloaded")
            visits.append(_marks(page, f"fresh visit to {url}", marks))
            if keep is not None:
                freeze(page)
                keep.append(context)
                kept = True
        finally:
            if not kept:
                context.close()
    return _collect(visits, marks)


def freeze(page) -> None:
    """Freeze the page (Chromium's lifecycle state): it runs no more JavaScript,
    but its websocket, and so its Streamlit session, stays open."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Page.setWebLifecycleState", {"state": "frozen"})


def warm_visits(page, url: str, expect: Expect, marks: list[str], runs: int
                ) -> dict[str, list[float]]:
    """Like ``fresh_visits``, but reloading ``page``, which has shown ``url``
    before (its context's HTTP cache is warm)."""
    page.context.add_init_script(_visit_init(expect, marks))
    visits = []
    for _ in range(runs):
        page.reload(wait_until="domcontentloaded")
        visits.append(_marks(page, f"reload of {url}", marks))
    return _collect(visits, marks)


# --- interactions ------------------------------------------------------------------

def _watch(page, expect: Expect, event: str, key: str | None = None) -> None:
    trigger = json.dumps({"event": event, "key": key})
    page.evaluate(f"window.__bench.watch({expect.js()}, {trigger})")


def _result(page, what: str) -> dict[str, float]:
    """{'total', 'kpi', 'chart', 'table': ms from the trigger} of the watched
    interaction; an error naming what the page showed if it never got there."""
    page.wait_for_function("() => window.__bench && window.__bench.done",
                           timeout=TIMEOUT_MS + 10_000)
    state = page.evaluate("() => { const B = window.__bench; return {start: B.start,"
                          " end: B.end, parts: B.partTimes, timedOut: B.timedOut,"
                          " snapshot: B.snapshot(B.expected.label)}; }")
    if state["timedOut"]:
        raise RuntimeError(f"{what}: the page never showed the expected state; "
                           f"it showed {state['snapshot']}")
    if state["start"] is None:
        raise RuntimeError(f"{what}: the start event was never seen")
    return {"total": state["end"] - state["start"], **state["parts"]}


def choose_department(page, department: str, expect: Expect) -> dict[str, float]:
    """Open the Department multiselect with the mouse, click ``department``."""
    box = page.get_by_role("combobox", name=FACET_LABEL)
    box.click()
    box.fill(department)  # narrows the list; the app does not rerun on typing
    option = page.get_by_role("option", name=re.compile(
        rf"^{re.escape(department)} \(")).first
    option.wait_for()
    _watch(page, expect, "pointerdown")
    option.click()
    result = _result(page, f"choosing department {department!r}")
    page.keyboard.press("Escape")
    wait_idle(page)
    return result


def clear_filters(page, expect: Expect) -> dict[str, float]:
    """Click "Clear filters"; times from its pointerdown."""
    _watch(page, expect, "pointerdown")
    page.get_by_role("button", name="Clear filters", exact=True).click()
    result = _result(page, "clearing the filters")
    wait_idle(page)
    return result


def filter_runs(page, oracle: CatalogOracle, layout: Layout, runs: int,
                after_click: Callable[[str, dict[str, float]], None] | None = None
                ) -> dict[str, list[dict[str, float]]]:
    """Departments added one at a time, largest first, so every click is a real
    change (the count grows); first as states new to the server, then, after
    "Clear filters", the same clicks again as seen states. The page shows the
    unfiltered explorer and is left that way. ``after_click(label, times)`` is
    called after each department click (``bench.trace`` reads the page then)."""
    found = {"filter change, new state": [], "filter change, seen state": [],
             "clear filters": []}
    departments = oracle.departments()[:runs]
    for label in ("filter change, new state", "filter change, seen state"):
        before = None  # the page shows every program
        for i, department in enumerate(departments):
            rows = oracle.department_rows(*departments[:i + 1])
            expect = layout.expect_rows(oracle, rows, before)
            found[label].append(choose_department(page, department, expect))
            if after_click is not None:
                after_click(label, found[label][-1])
            before = rows
        found["clear filters"].append(
            clear_filters(page, layout.expect_rows(oracle, None, before)))
    return found


def search_plan(oracle: CatalogOracle, runs: int, live: bool) -> list[str]:
    """``runs`` words to search, each a real change: it finds programs, but not all,
    and not as many as the word before it (cyclically, as the plan runs twice).
    If the app searches while typing (``live``), the word without its last letter
    is searched first, so the word must also find fewer programs than that."""
    words = [w for w in oracle.frequent_words() if len(w) >= 4 and w.isalpha()]
    candidates = [*SEARCH_WORDS, *words,
                  *(w[:n] for w in words for n in range(len(w) - 1, 3, -1))]
    plan: list[str] = []
    counts: dict[str, int] = {}
    for word in dict.fromkeys(candidates):
        if len(plan) == runs:
            break
        count = oracle.search(word)
        if not 0 < count < oracle.total or (plan and counts[plan[-1]] == count):
            continue
        if live and oracle.search(word[:-1]) == count:
            continue
        counts[word] = count
        plan.append(word)
    if len(plan) > 1 and counts[plan[0]] == counts[plan[-1]]:
        plan.pop()
    return plan


def searches_while_typing(page, oracle: CatalogOracle, layout: Layout) -> bool:
    """Type two words without Enter into the box of the unfiltered explorer: True
    if the app then shows their results (``live`` search), False if it waits for
    Enter. The text stays in the box (committed only if True); two words, so the
    one-word searches timed later stay new to the server."""
    pairs = [f"{a} {b}" for a in SEARCH_WORDS for b in SEARCH_WORDS if a != b]
    probe = next(w for w in [*pairs, *SEARCH_WORDS]
                 if 0 < oracle.search(w) < oracle.total)
    page.get_by_role("textbox", name=SEARCH_LABEL).fill(probe)
    return _shows(page, layout.expect(oracle.search(probe)), 2_000)


def search_runs(page, oracle: CatalogOracle, layout: Layout, runs: int
                ) -> tuple[str, dict[str, list[dict[str, float]]]]:
    """Each planned word searched once as new text, then again as seen text.

    The box first holds the word without its last letter; the start is the
    keydown of the key that commits the search: Enter (Streamlit's default), or
    the last letter if the app searches while typing. Returns (how the app
    commits the search, {label: times}). The page shows the unfiltered explorer."""
    live = searches_while_typing(page, oracle, layout)
    box = page.get_by_role("textbox", name=SEARCH_LABEL)
    found = {"search keystroke, new text": [], "search keystroke, seen text": []}
    before = None  # the rows the page shows: all (the probe was not committed)
    for label in found:
        for word in search_plan(oracle, runs, live):
            box.fill(word[:-1])
            if live:  # wait until the app has searched the prefix
                page.wait_for_function(
                    "q => new URLSearchParams(location.search).get('q') === q",
                    arg=word[:-1])
                wait_idle(page)
                page.wait_for_function(all_shown(
                    layout.expect(oracle.search(word[:-1]))))
                before = oracle.search_rows(word[:-1])
            rows = oracle.search_rows(word)
            _watch(page, layout.expect_rows(oracle, rows, before), "keydown",
                   word[-1] if live else "Enter")
            box.press(word[-1])
            if not live:
                box.press("Enter")
            found[label].append(_result(page, f"searching {word!r}"))
            before = rows
            wait_idle(page)
    return ("while typing" if live else "on Enter"), found


def _shows(page, expect: Expect, timeout_ms: int) -> bool:
    """True if the page comes to show ``expect`` within ``timeout_ms``."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(all_shown(expect), timeout=timeout_ms)
    except PlaywrightTimeout:
        return False
    return True


# --- everything for one server ------------------------------------------------------

MARK_NAMES = {"kpi": "KPIs visible", "chart": "charts visible",
              "drawn": "table drawn", "table": "table's screen-reader rows",
              "fcp": "first contentful paint"}
PART_NAMES = {"total": "all updated", "kpi": "KPIs updated",
              "chart": "charts updated", "drawn": "table drawn",
              "table": "table's screen-reader rows"}


def explorer_rows(browser, url: str, oracle: CatalogOracle, explorer: ExplorerPage,
                  runs: int, log: Callable[[str], None] = print,
                  with_sessions: Callable[[int], None] | None = None
                  ) -> tuple[str, list[dict]]:
    """Every explorer measurement; ``explorer`` is an open, calibrated page.

    Fresh visits come first, while the server has seen only the unfiltered
    state. With ``with_sessions``, their pages stay open (frozen) until
    ``with_sessions(n)`` has run with ``n`` explorer sessions open (these and
    ``explorer``). Then the warm visits, filter changes and searches.
    Returns (how the search commits, [{'measure', 'part', 'times'}])."""
    expect = explorer.layout.expect_rows(oracle, None)
    marks = ["kpi", "chart", "drawn", "table"]
    kept: list = []
    try:
        visits = {"fresh": fresh_visits(browser, f"{url}/explorer", expect, marks,
                                        runs, kept if with_sessions else None)}
        log("fresh visits done")
        if with_sessions:
            with_sessions(1 + len(kept))
    finally:
        for context in kept:
            context.close()
    visits["warm"] = warm_visits(explorer.page, f"{url}/explorer", expect, marks,
                                 runs)
    log("warm visits done")
    found = filter_runs(explorer.page, oracle, explorer.layout, runs)
    log("filter changes done")
    mode, searches = search_runs(explorer.page, oracle, explorer.layout, runs)
    found.update(searches)
    log(f"searches done (the app searches {mode})")
    rows = [{"measure": f"first visit /explorer, {cache} cache",
             "part": MARK_NAMES[mark], "times": times}
            for cache in ("fresh", "warm") for mark, times in visits[cache].items()]
    for measure, results in found.items():
        for part, name in PART_NAMES.items():
            rows.append({"measure": measure, "part": name,
                         "times": [r[part] for r in results if part in r]})
    return mode, rows


def home_rows(browser, url: str, total: int, runs: int) -> list[dict]:
    """First visits to the overview, fresh and warm, timed to its KPIs."""
    expect = Expect(HOME_PROGRAMS, total)
    visits = {"fresh": fresh_visits(browser, f"{url}/", expect, ["kpi"], runs)}
    context = new_context(browser)
    try:
        page = context.new_page()
        open_and_wait_kpi(page, f"{url}/", HOME_PROGRAMS, total)
        visits["warm"] = warm_visits(page, f"{url}/", expect, ["kpi"], runs)
    finally:
        context.close()
    return [{"measure": f"first visit /, {cache} cache", "part": MARK_NAMES[mark],
             "times": times}
            for cache in ("fresh", "warm") for mark, times in visits[cache].items()]
